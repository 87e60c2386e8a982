/// What a comparison compares: an attribute of the item, a `:value`, or `size(path)`.
enum ConditionOperand: Hashable, Sendable, CustomStringConvertible {
  case path(AttributePath)
  case value(String, offset: Int)
  /// `size(path)`; `offset` is the `size` token's.
  case size(AttributePath, offset: Int)

  var offset: Int {
    switch self {
    case .path(let path): path.offset
    case .value(_, let offset), .size(_, let offset): offset
    }
  }

  var description: String {
    switch self {
    case .path(let path): path.description
    case .value(let placeholder, _): placeholder
    case .size(let path, _): "size(\(path))"
    }
  }

  /// The operand's value, or nil when the attribute is missing (or `size` has no meaning for it).
  func value(on item: Item?, _ bindings: DynamoBindings) throws(ExpressionError) -> Value? {
    switch self {
    case .path(let path):
      return DocumentPath.value(at: try path.resolved(bindings), in: item)
    case .value(let placeholder, let offset):
      return try bindings.value(placeholder, at: offset)
    case .size(let path, _):
      guard let value = DocumentPath.value(at: try path.resolved(bindings), in: item) else { return nil }
      // DynamoDB: the length of a string (in UTF-8 bytes), the number of elements of a set, list
      // or map, a binary's bytes. Numbers, booleans and NULL have no size: comparing it fails the
      // condition rather than raising an error.
      if let (_, elements) = value.dynamoSet { return .int(elements.count) }
      if let base64 = value.dynamoBinary {
        let padding = base64.reversed().prefix { $0 == "=" }.count
        return .int(base64.utf8.count / 4 * 3 - padding)
      }
      switch value {
      case .string(let text): return .int(text.utf8.count)
      case .list(let items): return .int(items.count)
      case .map(let fields): return .int(fields.count)
      case .null, .bool, .int, .double: return nil
      }
    }
  }

  /// The bound value when this operand is a `:value` placeholder (the only operand known before the
  /// item is read).
  func constant(_ bindings: DynamoBindings) throws(ExpressionError) -> Value? {
    guard case .value(let placeholder, let offset) = self else { return nil }
    return try bindings.value(placeholder, at: offset)
  }
}
