/// The syntax tree of a `ConditionExpression`.
///
/// Parentheses leave no node: the tree's shape already records how the text grouped.
indirect enum ConditionNode: Hashable, Sendable {
  /// `a = :v`; `offset` is the comparator's.
  case comparison(Comparator, ConditionOperand, ConditionOperand, offset: Int)
  /// `a BETWEEN :lo AND :hi`; `offset` is the BETWEEN keyword's.
  case between(ConditionOperand, low: ConditionOperand, high: ConditionOperand, offset: Int)
  /// `a IN (:x, :y)`; `offset` is the IN keyword's.
  case `in`(ConditionOperand, [ConditionOperand], offset: Int)
  /// `attribute_exists(a)`, `begins_with(a, :p)` ...; `offset` is the function name's.
  case function(ConditionFunction, [ConditionOperand], offset: Int)
  case not(ConditionNode)
  case and(ConditionNode, ConditionNode)
  case or(ConditionNode, ConditionNode)
}

/// `= <> < <= > >=`
enum Comparator: String, Hashable, Sendable, CaseIterable {
  case equal = "="
  case notEqual = "<>"
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
}

/// The functions that are conditions by themselves (`size` is an operand, see `ConditionOperand`).
enum ConditionFunction: String, Hashable, Sendable, CaseIterable {
  case attributeExists = "attribute_exists"
  case attributeNotExists = "attribute_not_exists"
  case attributeType = "attribute_type"
  case beginsWith = "begins_with"
  case contains = "contains"

  var arity: Int {
    switch self {
    case .attributeExists, .attributeNotExists: 1
    case .attributeType, .beginsWith, .contains: 2
    }
  }
}

extension ConditionNode: CustomStringConvertible {
  /// Canonical text with every AND, OR and NOT in parentheses, so that the grouping is visible.
  var description: String {
    switch self {
    case .comparison(let comparator, let lhs, let rhs, _):
      return "\(lhs) \(comparator.rawValue) \(rhs)"
    case .between(let subject, let low, let high, _):
      return "\(subject) BETWEEN \(low) AND \(high)"
    case .in(let subject, let candidates, _):
      return "\(subject) IN (\(candidates.map(\.description).joined(separator: ", ")))"
    case .function(let function, let arguments, _):
      return "\(function.rawValue)(\(arguments.map(\.description).joined(separator: ", ")))"
    case .not(let inner):
      return "(NOT \(inner))"
    case .and(let lhs, let rhs):
      return "(\(lhs) AND \(rhs))"
    case .or(let lhs, let rhs):
      return "(\(lhs) OR \(rhs))"
    }
  }
}

extension ConditionNode {
  /// DynamoDB's checks on the request's own values, made before the item is read: a `:value` of a
  /// type an operator cannot handle is a ValidationException, whereas the same type coming from
  /// the item only makes the condition false.
  func validate(_ bindings: DynamoBindings) throws(ExpressionError) {
    switch self {
    case .comparison(let comparator, let lhs, let rhs, _):
      guard comparator != .equal, comparator != .notEqual else { return }
      try Self.requireOrderable(lhs, by: "'\(comparator.rawValue)'", bindings)
      try Self.requireOrderable(rhs, by: "'\(comparator.rawValue)'", bindings)
    case .between(let subject, let low, let high, _):
      try Self.requireOrderable(subject, by: "BETWEEN", bindings)
      try Self.requireOrderable(low, by: "BETWEEN", bindings)
      try Self.requireOrderable(high, by: "BETWEEN", bindings)
      if let lowValue = try low.constant(bindings), let highValue = try high.constant(bindings) {
        guard let order = DynamoComparison.order(lowValue, highValue) else {
          throw ExpressionError(
            offset: low.offset,
            message: "BETWEEN bounds must have the same type, but '\(low)' is \(lowValue.kindPhrase) and '\(high)' is \(highValue.kindPhrase)")
        }
        if order > 0 {
          throw ExpressionError(
            offset: low.offset,
            message: "BETWEEN lower bound '\(low)' (\(lowValue.displayText)) is greater than upper bound '\(high)' (\(highValue.displayText))")
        }
      }
    case .in:
      return
    case .function(let function, let arguments, _):
      switch function {
      case .beginsWith:
        for operand in arguments {
          guard let value = try operand.constant(bindings) else { continue }
          if case .string = value { continue }
          throw ExpressionError(offset: operand.offset, message: "begins_with compares strings, but '\(operand)' is \(value.kindPhrase)")
        }
      case .attributeType:
        let operand = arguments[1]
        let value = try operand.constant(bindings)
        // Written as `if ... return` rather than `guard case ... else`: the latter crashes the
        // Swift 6.3 optimizer (CopyPropagation "Found ownership error") under typed throws.
        if case .string(let type)? = value, Self.dynamoTypes.contains(type) { return }
        let shown = value?.displayText ?? ""
        throw ExpressionError(
          offset: operand.offset,
          message: "'\(operand)' is '\(shown)', not a DynamoDB type; attribute_type accepts \(Self.dynamoTypes.joined(separator: ", "))")
      case .attributeExists, .attributeNotExists, .contains:
        return
      }
    case .not(let inner):
      try inner.validate(bindings)
    case .and(let lhs, let rhs), .or(let lhs, let rhs):
      try lhs.validate(bindings)
      try rhs.validate(bindings)
    }
  }

  /// Throws when `operand` is a constant that `<`, `>`, BETWEEN... cannot order (not a number or string).
  ///
  /// A separate function rather than a loop over `[lhs, rhs]`: borrowing loop elements across a
  /// typed `throw` crashes the Swift 6.3 release optimizer ("Found outside of lifetime use").
  static func requireOrderable(_ operand: ConditionOperand, by what: String, _ bindings: DynamoBindings) throws(ExpressionError) {
    let constant = try operand.constant(bindings)
    guard let value = constant, !DynamoComparison.isOrderable(value) else { return }
    throw ExpressionError(offset: operand.offset, message: "\(what) compares numbers or strings, but '\(operand)' is \(value.kindPhrase)")
  }

  /// The type names `attribute_type` accepts. Sets and binary never match: `Value` has neither.
  static let dynamoTypes = ["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"]

  /// The condition's truth for `item`. Call `validate` first; this only reads.
  func evaluate(on item: Item?, _ bindings: DynamoBindings) throws(ExpressionError) -> Bool {
    switch self {
    case .comparison(let comparator, let lhs, let rhs, _):
      let left = try lhs.value(on: item, bindings)
      let right = try rhs.value(on: item, bindings)
      switch comparator {
      case .equal:
        guard let left, let right else { return false }
        return DynamoComparison.equal(left, right)
      case .notEqual:
        // A missing attribute is "not equal" to anything, even to another missing attribute:
        // real DynamoDB returns true here, unlike every other comparator (measured against the
        // service by ScyllaDB's Alternator suite, test_update_condition_ne_two_unset in
        // https://github.com/scylladb/scylladb/blob/master/test/alternator/test_condition_expression.py).
        guard let left, let right else { return true }
        return !DynamoComparison.equal(left, right)
      case .less, .lessOrEqual, .greater, .greaterOrEqual:
        guard let left, let right, let order = DynamoComparison.order(left, right) else { return false }
        switch comparator {
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
      }
    case .between(let subject, let low, let high, _):
      guard let value = try subject.value(on: item, bindings),
        let lowValue = try low.value(on: item, bindings),
        let highValue = try high.value(on: item, bindings),
        let aboveLow = DynamoComparison.order(lowValue, value),
        let belowHigh = DynamoComparison.order(value, highValue)
      else { return false }
      return aboveLow <= 0 && belowHigh <= 0
    case .in(let subject, let candidates, _):
      guard let value = try subject.value(on: item, bindings) else { return false }
      for candidate in candidates {
        if let other = try candidate.value(on: item, bindings), DynamoComparison.equal(value, other) { return true }
      }
      return false
    case .function(let function, let arguments, _):
      return try evaluate(function, arguments, on: item, bindings)
    case .not(let inner):
      return !(try inner.evaluate(on: item, bindings))
    case .and(let lhs, let rhs):
      guard try lhs.evaluate(on: item, bindings) else { return false }
      return try rhs.evaluate(on: item, bindings)
    case .or(let lhs, let rhs):
      if try lhs.evaluate(on: item, bindings) { return true }
      return try rhs.evaluate(on: item, bindings)
    }
  }

  private func evaluate(
    _ function: ConditionFunction, _ arguments: [ConditionOperand], on item: Item?, _ bindings: DynamoBindings
  ) throws(ExpressionError) -> Bool {
    let subject = try arguments[0].value(on: item, bindings)
    switch function {
    case .attributeExists:
      return subject != nil
    case .attributeNotExists:
      return subject == nil
    case .attributeType:
      guard let subject, case .string(let type)? = try arguments[1].value(on: item, bindings) else { return false }
      return subject.dynamoType == type
    case .beginsWith:
      guard case .string(let text)? = subject, case .string(let prefix)? = try arguments[1].value(on: item, bindings) else {
        return false
      }
      return text.utf8.starts(with: prefix.utf8)
    case .contains:
      guard let subject, let operand = try arguments[1].value(on: item, bindings) else { return false }
      // A set contains an element of its own type.
      if let (_, elements) = subject.dynamoSet { return elements.contains { DynamoComparison.equal($0, operand) } }
      switch (subject, operand) {
      case (.string(let text), .string(let part)): return DynamoComparison.containsBytes(text, part)
      case (.list(let items), _): return items.contains { DynamoComparison.equal($0, operand) }
      default: return false
      }
    }
  }
}
