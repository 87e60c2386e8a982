import OrderedCollections

/// A JSON-like value: event payloads, DynamoDB items, HTTP bodies and handler results.
///
/// Maps keep their insertion order so that every output (text, JSON) is byte-identical from run to
/// run: `Dictionary` iteration order is seeded per process and must never reach an output.
public enum Value: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([Value])
  case map(OrderedDictionary<String, Value>)

  /// The value at `key` when this is a map.
  public subscript(key: String) -> Value? {
    if case .map(let fields) = self { return fields[key] }
    return nil
  }

  /// Follows a path of map keys and list indexes (`["items", "0", "id"]`).
  public func value(at path: some Collection<String>) -> Value? {
    var current = self
    for component in path {
      switch current {
      case .map(let fields):
        guard let next = fields[component] else { return nil }
        current = next
      case .list(let items):
        guard let index = Int(component), items.indices.contains(index) else { return nil }
        current = items[index]
      default:
        return nil
      }
    }
    return current
  }

  /// DynamoDB's type name for this value (`S`, `N`, `BOOL`, `NULL`, `L`, `M`, and `SS`, `NS`,
  /// `BS`, `B` for the tagged maps of `Value+DynamoSet.swift`).
  public var dynamoType: String {
    if let (type, _) = dynamoSet { return type }
    if dynamoBinary != nil { return "B" }
    return switch self {
    case .null: "NULL"
    case .bool: "BOOL"
    case .int, .double: "N"
    case .string: "S"
    case .list: "L"
    case .map: "M"
    }
  }

  /// A short, human-readable rendering: strings bare, everything else as compact JSON.
  public var displayText: String {
    if case .string(let text) = self { return text }
    return JSONText.compact(self)
  }
}

/// A DynamoDB item: attribute names to values, in the order they were written.
public typealias Item = OrderedDictionary<String, Value>

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(arrayLiteral elements: Value...) { self = .list(elements) }
  public init(nilLiteral: ()) { self = .null }
  public init(dictionaryLiteral elements: (String, Value)...) {
    self = .map(OrderedDictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}

/// Deterministic JSON text for `Value` (the simulator's own writer: no Foundation, stable key order).
public enum JSONText {
  /// One line, no spaces: `{"a":7}`.
  public static func compact(_ value: Value) -> String {
    var out = ""
    write(value, into: &out)
    return out
  }

  /// Appends the compact JSON of `value` to `out`.
  public static func write(_ value: Value, into out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .int(let number): out += String(number)
    case .double(let number): out += number.isFinite ? formatDouble(number) : "null"
    case .string(let text): writeString(text, into: &out)
    case .list(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        write(item, into: &out)
      }
      out += "]"
    case .map(let fields):
      out += "{"
      for (index, (key, item)) in fields.enumerated() {
        if index > 0 { out += "," }
        writeString(key, into: &out)
        out += ":"
        write(item, into: &out)
      }
      out += "}"
    }
  }

  /// Writes `text` as a JSON string literal with the escapes RFC 8259 requires, and `\u007f`,
  /// `\u0080`-`\u009f` too (allowed, not required): the JSON then holds no character a terminal
  /// acts on, so printing it changes nothing (`TerminalText`).
  public static func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where TerminalText.isControl(scalar):
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  /// Integral doubles print without a fraction (`49`, not `49.0`), like JavaScript, so that
  /// `a * a` reads the same whether the payload said `7` or `7.0`.
  static func formatDouble(_ number: Double) -> String {
    if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
    return String(number)
  }
}
