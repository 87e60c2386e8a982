import Foundation
import RetryCore

/// DynamoDB's typed JSON (`{"S": "ada"}`, `{"N": "42"}`) to RetryCore's `Value` and back.
/// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
///
/// - S, BOOL, NULL, L and M map onto the `Value` of the same shape.
/// - N is a string on the wire; it becomes `.int` when it is an integer that fits in 64 bits,
///   else `.double` (so a number DynamoDB stores with 38 digits loses precision past 17; a
///   handler's counters and timestamps fit). It is written back as the shortest decimal text,
///   as DynamoDB normalises numbers too (`"1.50"` comes back `"1.5"`).
/// - B, SS, NS and BS become `Value`'s tagged maps (`Value+DynamoSet.swift`: `{"$SS": [...]}`,
///   binary as its base64 text), so they come back to the handler as the type it wrote.
enum AttributeValueCodec {
  struct Invalid: Error {
    var message: String
  }

  static func decodeItem(_ value: Value, field: String) throws(Invalid) -> Item {
    guard case .map(let fields) = value else { throw Invalid(message: "\(field) must be a map of attribute values") }
    var item: Item = [:]
    for (name, attribute) in fields { item[name] = try decode(attribute) }
    return item
  }

  static func decode(_ value: Value) throws(Invalid) -> Value {
    guard case .map(let fields) = value, fields.count == 1 else {
      throw Invalid(message: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    }
    let (type, content) = (fields.keys[0], fields.values[0])
    switch (type, content) {
    case ("S", .string(let text)): return .string(text)
    case ("N", .string(let text)): return try number(text)
    case ("B", .string(let base64)): return .dynamoBinary(base64: base64)
    case ("BOOL", .bool(let flag)): return .bool(flag)
    case ("NULL", .bool(true)): return .null
    case ("L", .list(let elements)):
      var list: [Value] = []
      for element in elements { list.append(try decode(element)) }
      return .list(list)
    case ("M", .map):
      let map = Value.map(try decodeItem(content, field: "M"))
      if map.dynamoSet != nil || map.dynamoBinary != nil || map.isReservedTagMap {
        throw Invalid(message: "RetryScope keeps sets and binary values as maps with the single key $SS, $NS, $BS or $B; a map attribute of that shape cannot be stored")
      }
      return map
    case ("SS", .list(let elements)), ("NS", .list(let elements)), ("BS", .list(let elements)):
      guard !elements.isEmpty else {
        throw Invalid(message: "One or more parameter values were invalid: An \(type) set may not be empty")
      }
      var set: [Value] = []
      for element in elements {
        guard case .string(let text) = element else { throw Invalid(message: "\(type) holds strings on the wire") }
        set.append(type == "NS" ? try number(text) : .string(text))
      }
      guard Set(set).count == set.count else {
        throw Invalid(message: "One or more parameter values were invalid: Input collection contains duplicates")
      }
      return .dynamoSet(type, set)
    default:
      throw Invalid(message: "Supplied AttributeValue has an invalid data type or value: \(type)")
    }
  }

  /// A number attribute: an integer when it is one, else a double.
  static func number(_ text: String) throws(Invalid) -> Value {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let integer = Int(trimmed) { return .int(integer) }
    guard let double = Double(trimmed), double.isFinite, !trimmed.lowercased().hasPrefix("0x") else {
      throw Invalid(message: "The parameter cannot be converted to a numeric value: \(text)")
    }
    if double == double.rounded(), abs(double) < 9e15 { return .int(Int(double)) }
    return .double(double)
  }

  static func encodeItem(_ item: Item) -> Value {
    var fields: Item = [:]
    for (name, value) in item { fields[name] = encode(value) }
    return .map(fields)
  }

  static func encode(_ value: Value) -> Value {
    if let (type, elements) = value.dynamoSet {
      return [type: .list(elements.map { .string(type == "NS" ? numberText($0) : $0.displayText) })]
    }
    if let base64 = value.dynamoBinary { return ["B": .string(base64)] }
    switch value {
    case .null: return ["NULL": true]
    case .bool(let flag): return ["BOOL": .bool(flag)]
    case .int, .double: return ["N": .string(numberText(value))]
    case .string(let text): return ["S": .string(text)]
    case .list(let elements): return ["L": .list(elements.map(encode))]
    case .map(let fields): return ["M": encodeItem(fields)]
    }
  }

  static func numberText(_ value: Value) -> String {
    switch value {
    case .int(let number): String(number)
    case .double(let number): JSONText.compact(.double(number))
    default: value.displayText
    }
  }
}
