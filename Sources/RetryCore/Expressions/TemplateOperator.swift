/// `+ - * / %`
enum TemplateOperator: Character, Hashable, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case remainder = "%"

  /// `lhs op rhs`; `offset` (the operator's) locates any error.
  func apply(_ lhs: Value, _ rhs: Value, at offset: Int) throws(ExpressionError) -> Value {
    switch self {
    case .add:
      if case .string(let left) = lhs, case .string(let right) = rhs { return .string(left + right) }
      if let sum = Arithmetic.apply(.add, lhs, rhs) { return try finite(sum, at: offset) }
      // JavaScript would silently concatenate "id-" + 7; a template author almost always meant
      // interpolation ("id-${event.n}"), so say so instead of guessing.
      let mixesTextAndNumber = (lhs.isString && rhs.numberAsDouble != nil) || (lhs.numberAsDouble != nil && rhs.isString)
      let hint = mixesTextAndNumber ? "; use interpolation" : ""
      throw ExpressionError(offset: offset, message: "cannot add \(lhs.kindPhrase) and \(rhs.kindPhrase)\(hint)")
    case .subtract:
      guard let difference = Arithmetic.apply(.subtract, lhs, rhs) else {
        throw ExpressionError(offset: offset, message: "cannot subtract \(rhs.kindPhrase) from \(lhs.kindPhrase)")
      }
      return try finite(difference, at: offset)
    case .multiply:
      guard let product = Arithmetic.apply(.multiply, lhs, rhs) else {
        throw ExpressionError(offset: offset, message: "cannot multiply \(lhs.kindPhrase) by \(rhs.kindPhrase)")
      }
      return try finite(product, at: offset)
    case .divide:
      guard let x = lhs.numberAsDouble, let y = rhs.numberAsDouble else {
        throw ExpressionError(offset: offset, message: "cannot divide \(lhs.kindPhrase) by \(rhs.kindPhrase)")
      }
      guard y != 0 else { throw ExpressionError(offset: offset, message: "division by zero") }
      // An exact integer quotient stays an integer (`6 / 3` is 2); any other is a Double (`7 / 2` is 3.5).
      if case .int(let a) = lhs, case .int(let b) = rhs {
        let (quotient, overflow) = a.dividedReportingOverflow(by: b)
        if !overflow, quotient.multipliedReportingOverflow(by: b) == (a, false) { return .int(quotient) }
      }
      return try finite(.double(x / y), at: offset)
    case .remainder:
      guard let x = lhs.numberAsDouble, let y = rhs.numberAsDouble else {
        throw ExpressionError(offset: offset, message: "cannot take the remainder of \(lhs.kindPhrase) divided by \(rhs.kindPhrase)")
      }
      guard y != 0 else { throw ExpressionError(offset: offset, message: "division by zero") }
      if case .int(let a) = lhs, case .int(let b) = rhs {
        // The sign follows the dividend, as in JavaScript; `Int.min % -1` is 0 rather than a trap.
        let (remainder, overflow) = a.remainderReportingOverflow(dividingBy: b)
        return .int(overflow ? 0 : remainder)
      }
      return .double(x.truncatingRemainder(dividingBy: y))
    }
  }

  private func finite(_ value: Value, at offset: Int) throws(ExpressionError) -> Value {
    if case .double(let number) = value, !number.isFinite {
      throw ExpressionError(offset: offset, message: "the result of '\(rawValue)' is too large")
    }
    return value
  }
}

extension Value {
  fileprivate var isString: Bool {
    if case .string = self { return true }
    return false
  }
}
