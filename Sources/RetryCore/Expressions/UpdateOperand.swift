/// An operand of a SET value: an attribute of the item, a `:value`, or one of the two functions.
indirect enum UpdateOperand: Hashable, Sendable, CustomStringConvertible {
  case path(AttributePath)
  case value(String, offset: Int)
  /// `if_not_exists(path, operand)`; `offset` is the function name's.
  case ifNotExists(AttributePath, UpdateOperand, offset: Int)
  /// `list_append(operand, operand)`; `offset` is the function name's.
  case listAppend(UpdateOperand, UpdateOperand, offset: Int)

  var offset: Int {
    switch self {
    case .path(let path): path.offset
    case .value(_, let offset), .ifNotExists(_, _, let offset), .listAppend(_, _, let offset): offset
    }
  }

  var description: String {
    switch self {
    case .path(let path): path.description
    case .value(let placeholder, _): placeholder
    case .ifNotExists(let path, let fallback, _): "if_not_exists(\(path), \(fallback))"
    case .listAppend(let first, let second, _): "list_append(\(first), \(second))"
    }
  }

  func evaluate(on item: Item, _ bindings: DynamoBindings) throws(ExpressionError) -> Value {
    switch self {
    case .path(let path):
      guard let value = DocumentPath.value(at: try path.resolved(bindings), in: item) else {
        throw ExpressionError(offset: path.offset, message: "the expression refers to attribute '\(path)', which does not exist in the item")
      }
      return value
    case .value(let placeholder, let offset):
      return try bindings.value(placeholder, at: offset)
    case .ifNotExists(let path, let fallback, _):
      if let existing = DocumentPath.value(at: try path.resolved(bindings), in: item) { return existing }
      return try fallback.evaluate(on: item, bindings)
    case .listAppend(let first, let second, _):
      let head = try first.evaluate(on: item, bindings)
      let tail = try second.evaluate(on: item, bindings)
      guard case .list(let headItems) = head else {
        throw ExpressionError(offset: first.offset, message: "list_append needs two lists, but '\(first)' is \(head.kindPhrase)")
      }
      guard case .list(let tailItems) = tail else {
        throw ExpressionError(offset: second.offset, message: "list_append needs two lists, but '\(second)' is \(tail.kindPhrase)")
      }
      return .list(headItems + tailItems)
    }
  }
}
