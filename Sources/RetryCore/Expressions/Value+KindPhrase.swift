extension Value {
  /// The value's kind as a noun phrase for error messages: "a string", "a number", "null".
  var kindPhrase: String {
    if let (type, _) = dynamoSet { return "a \(type) set" }
    if dynamoBinary != nil { return "a binary" }
    return switch self {
    case .null: "null"
    case .bool: "a bool"
    case .int, .double: "a number"
    case .string: "a string"
    case .list: "a list"
    case .map: "a map"
    }
  }
}
