/// DynamoDB's set types (SS, NS, BS) and binary (B) inside `Value`, which has neither: a map whose
/// only key is the type's tag, `{"$SS": ["a", "b"]}`, `{"$NS": [1, 2]}`, `{"$BS": ["AAE="]}`,
/// `{"$B": "AAE="}` (binary as its base64 text, as DynamoDB's JSON protocol writes it).
///
/// Why tags rather than new `Value` cases: every output (trace JSON, text, the TUI, diffs) already
/// shows and round-trips maps, so a set written by a real handler survives a trace file and comes
/// back to the handler as the same set; a new case would have to be taught to every switch over
/// `Value`. The price: a handler's own map whose only key is one of the tags cannot be told from a
/// set, so the DynamoDB protocol refuses such a map (ValidationException) rather than silently
/// turning it into a set. docs/DECISIONS.md, "Running real handlers".
/// Types: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
extension Value {
  /// The set types' tags, by DynamoDB type name.
  public static let dynamoSetTags: [String: String] = ["SS": "$SS", "NS": "$NS", "BS": "$BS"]
  /// The binary type's tag.
  public static let dynamoBinaryTag = "$B"

  /// A set of DynamoDB type `type` (`SS`, `NS` or `BS`).
  public static func dynamoSet(_ type: String, _ elements: [Value]) -> Value {
    .map([dynamoSetTags[type] ?? "$\(type)": .list(elements)])
  }

  /// A binary value, as its base64 text.
  public static func dynamoBinary(base64: String) -> Value { .map([dynamoBinaryTag: .string(base64)]) }

  /// The set's DynamoDB type (`SS`, `NS`, `BS`) and elements, when this is a tagged set.
  public var dynamoSet: (type: String, elements: [Value])? {
    guard case .map(let fields) = self, fields.count == 1, case .list(let elements) = fields.values[0] else { return nil }
    switch fields.keys[0] {
    case "$SS": return ("SS", elements)
    case "$NS": return ("NS", elements)
    case "$BS": return ("BS", elements)
    default: return nil
    }
  }

  /// The base64 text, when this is a tagged binary value.
  public var dynamoBinary: String? {
    guard case .map(let fields) = self, fields.count == 1, fields.keys[0] == Self.dynamoBinaryTag,
      case .string(let text) = fields.values[0]
    else { return nil }
    return text
  }

  /// Whether this is a map that looks like a tag but is not a well-formed one (`{"$SS": 3}`),
  /// which the DynamoDB protocol refuses, as it would be read back as something else.
  public var isReservedTagMap: Bool {
    guard case .map(let fields) = self, fields.count == 1,
      ["$SS", "$NS", "$BS", Self.dynamoBinaryTag].contains(fields.keys[0])
    else { return false }
    return dynamoSet == nil && dynamoBinary == nil
  }
}
