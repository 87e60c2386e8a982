/// One `path = value` action of a SET clause.
struct SetAction: Hashable, Sendable, CustomStringConvertible {
  var path: AttributePath
  var value: UpdateValue

  var description: String { "\(path) = \(value)" }
}

/// The right-hand side of a SET action: an operand, or exactly one `+` or `-` of two operands
/// (DynamoDB allows no more: `a + b + c` is a syntax error).
enum UpdateValue: Hashable, Sendable, CustomStringConvertible {
  case operand(UpdateOperand)
  /// `offset` is the operator's.
  case plus(UpdateOperand, UpdateOperand, offset: Int)
  case minus(UpdateOperand, UpdateOperand, offset: Int)

  var description: String {
    switch self {
    case .operand(let operand): operand.description
    case .plus(let lhs, let rhs, _): "\(lhs) + \(rhs)"
    case .minus(let lhs, let rhs, _): "\(lhs) - \(rhs)"
    }
  }

  /// The new value, read from `item` as it was before the update.
  func evaluate(on item: Item, _ bindings: DynamoBindings) throws(ExpressionError) -> Value {
    switch self {
    case .operand(let operand):
      return try operand.evaluate(on: item, bindings)
    case .plus(let lhs, let rhs, _):
      let left = try Self.number(lhs, for: "+", on: item, bindings)
      let right = try Self.number(rhs, for: "+", on: item, bindings)
      return Arithmetic.apply(.add, left, right) ?? .null  // both are numbers: never nil
    case .minus(let lhs, let rhs, _):
      let left = try Self.number(lhs, for: "-", on: item, bindings)
      let right = try Self.number(rhs, for: "-", on: item, bindings)
      return Arithmetic.apply(.subtract, left, right) ?? .null  // both are numbers: never nil
    }
  }

  /// An arithmetic operand, which must exist and be a number.
  private static func number(
    _ operand: UpdateOperand, for symbol: String, on item: Item, _ bindings: DynamoBindings
  ) throws(ExpressionError) -> Value {
    if case .path(let path) = operand, DocumentPath.value(at: try path.resolved(bindings), in: item) == nil {
      // The classic first-write bug (`SET n = n + :one` on a new item); DynamoDB says "The provided
      // expression refers to an attribute that does not exist in the item".
      throw ExpressionError(
        offset: path.offset,
        message: "the expression refers to attribute '\(path)', which does not exist in the item; use if_not_exists(\(path), :zero)")
    }
    let value = try operand.evaluate(on: item, bindings)
    switch value {
    case .int, .double: return value
    default:
      throw ExpressionError(offset: operand.offset, message: "'\(symbol)' needs two numbers, but '\(operand)' is \(value.kindPhrase)")
    }
  }
}
