extension Value {
  /// The value's kind as a noun phrase for error messages: "a string", "a number", "null".
  var kindPhrase: String {
    switch self {
    case .null: "null"
    case .bool: "a bool"
    case .int, .double: "a number"
    case .string: "a string"
    case .list: "a list"
    case .map: "a map"
    }
  }
}
