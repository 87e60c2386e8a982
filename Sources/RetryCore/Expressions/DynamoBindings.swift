/// The `ExpressionAttributeNames` and `ExpressionAttributeValues` of one DynamoDB call.
struct DynamoBindings {
  var names: [String: String]
  var values: [String: Value]

  func name(_ placeholder: String, at offset: Int) throws(ExpressionError) -> String {
    guard let name = names[placeholder] else {
      throw ExpressionError(offset: offset, message: "missing name for placeholder '\(placeholder)'")
    }
    return name
  }

  func value(_ placeholder: String, at offset: Int) throws(ExpressionError) -> Value {
    guard let value = values[placeholder] else {
      throw ExpressionError(offset: offset, message: "missing value for placeholder '\(placeholder)'")
    }
    return value
  }

  /// Fails on the first placeholder (in the order written) that has no binding.
  ///
  /// DynamoDB validates the whole expression before it reads the item, so an undefined placeholder
  /// is an error even in a branch that `AND`/`OR` would never evaluate.
  func checkBound(_ uses: [PlaceholderUse]) throws(ExpressionError) {
    for use in uses {
      if use.placeholder.hasPrefix("#") {
        _ = try name(use.placeholder, at: use.offset)
      } else {
        _ = try value(use.placeholder, at: use.offset)
      }
    }
  }
}
