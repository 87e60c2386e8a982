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

/// The clauses of an update expression, as parsed.
struct UpdateClauses {
  var sets: [SetAction]
  var removes: [AttributePath]
  var adds: [SetElementAction]
  var deletes: [SetElementAction]
  /// Whether REMOVE was written before SET (only `description` cares).
  var removeFirst: Bool

  var allPaths: [AttributePath] { sets.map(\.path) + removes + adds.map(\.path) + deletes.map(\.path) }
}

/// One `path :value` action of an ADD or DELETE clause.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD
struct SetElementAction: Hashable, Sendable, CustomStringConvertible {
  var path: AttributePath
  var placeholder: String
  /// The placeholder's offset.
  var offset: Int

  var description: String { "\(path) \(placeholder)" }

  /// ADD: a number to a number, a set's elements to a set of the same type; a missing attribute
  /// is 0 or the empty set. Anything else is DynamoDB's "incorrect operand type" error.
  func added(_ operand: Value, to existing: Value?) throws(ExpressionError) -> Value {
    if let (type, elements) = operand.dynamoSet {
      guard let existing else { return operand }
      guard let (existingType, existingElements) = existing.dynamoSet, existingType == type else {
        throw ExpressionError(
          offset: offset, message: "ADD needs '\(path)' to be a \(type) set like \(placeholder), but it is \(existing.kindPhrase)")
      }
      var union = existingElements
      for element in elements where !union.contains(element) { union.append(element) }
      return Value.dynamoSet(type, union)
    }
    guard operand.numberAsDouble != nil else {
      throw ExpressionError(offset: offset, message: "ADD takes a number or a set, but \(placeholder) is \(operand.kindPhrase)")
    }
    guard let existing else { return operand }
    guard existing.numberAsDouble != nil, let sum = Arithmetic.apply(.add, existing, operand) else {
      throw ExpressionError(offset: offset, message: "ADD needs '\(path)' to be a number like \(placeholder), but it is \(existing.kindPhrase)")
    }
    return sum
  }

  /// DELETE: the set without the operand's elements, nil when nothing is left (DynamoDB removes
  /// an emptied set: a set cannot be empty).
  func deleted(_ operand: Value, from existing: Value) throws(ExpressionError) -> Value? {
    guard let (type, elements) = operand.dynamoSet else {
      throw ExpressionError(offset: offset, message: "DELETE takes a set, but \(placeholder) is \(operand.kindPhrase)")
    }
    guard let (existingType, existingElements) = existing.dynamoSet, existingType == type else {
      throw ExpressionError(
        offset: offset, message: "DELETE needs '\(path)' to be a \(type) set like \(placeholder), but it is \(existing.kindPhrase)")
    }
    let remaining = existingElements.filter { !elements.contains($0) }
    // `Optional.none`, not `nil`: `Value` is ExpressibleByNilLiteral, and a bare nil here would be
    // `.null` wrapped in an optional.
    if remaining.isEmpty { return Optional<Value>.none }
    return Value.dynamoSet(type, remaining)
  }
}
