import OrderedCollections

/// A JSON syntax error: where it is (1-based line and column, 0-based byte offset) and what was
/// expected there, in one line.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public var offset: Int
  public var line: Int
  public var column: Int
  public var message: String

  public init(offset: Int, line: Int, column: Int, message: String) {
    self.offset = offset
    self.line = line
    self.column = column
    self.message = message
  }

  /// An error at byte `offset` of `bytes` (clamped to its end), with the line and column the
  /// parser would give: for readers that check what they parsed (a trace's fields) and want to
  /// point at a place the same way.
  public init(offset: Int, in bytes: UnsafeBufferPointer<UInt8>, message: String) {
    let end = max(0, min(offset, bytes.count))
    var line = 1
    var lineStart = 0
    for index in 0..<end where bytes[index] == 0x0A {
      line += 1
      lineStart = index + 1
    }
    // Columns count characters, not bytes: skip UTF-8 continuation bytes.
    var column = 1
    for index in lineStart..<end where bytes[index] & 0xC0 != 0x80 { column += 1 }
    self.init(offset: end, line: line, column: column, message: message)
  }

  public var description: String { "\(line):\(column): \(message)" }
}

/// RFC 8259 JSON into `Value`, over bytes, without Foundation.
///
/// Written by hand because it runs on every JSON line of a log import (millions of them): it
/// reads UTF-8 bytes in place, keeps map keys in their order (so a trace read back writes the
/// same bytes), and reports errors with line and column. Integers that fit in `Int` are `.int`;
/// any number with a fraction or an exponent, or too large, is `.double`.
public struct JSONParser: ~Copyable {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var position: Int
  /// Nesting deeper than this is refused rather than allowed to exhaust the stack.
  private static let maximumDepth = 512

  private init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
    self.bytes = bytes
    self.position = position
  }

  /// The one JSON value that is `text` (whitespace around it allowed).
  public static func parse(_ text: String) throws(JSONParseError) -> Value {
    var copy = text
    let result: Result<Value, JSONParseError> = copy.withUTF8 { buffer in
      do throws(JSONParseError) {
        return .success(try parse(buffer))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The one JSON value that is `bytes` (whitespace around it allowed).
  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> Value {
    let (value, end) = try parsePrefix(bytes, from: 0)
    var parser = JSONParser(bytes: bytes, position: end)
    parser.skipWhitespace()
    guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  /// The JSON value that starts at `offset` (after optional whitespace), and the offset just after
  /// it: for text that holds several values one after another (pages, lines).
  public static func parsePrefix(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int) throws(JSONParseError) -> (
    Value, Int
  ) {
    var parser = JSONParser(bytes: bytes, position: offset)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    return (value, parser.position)
  }

  /// Whether `text` is a JSON object (a cheap first look: its first and last non-blank bytes).
  public static func looksLikeObject(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var start = 0
    var end = bytes.count
    while start < end, isWhitespace(bytes[start]) { start += 1 }
    while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
    return end - start >= 2 && bytes[start] == UInt8(ascii: "{") && bytes[end - 1] == UInt8(ascii: "}")
  }

  // MARK: - Values

  private mutating func value(depth: Int) throws(JSONParseError) -> Value {
    guard position < bytes.count else { throw error("the text ends where a value should be") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw error("expected a value (object, array, string, number, true, false or null)")
    }
  }

  private mutating func object(depth: Int) throws(JSONParseError) -> Value {
    guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
    position += 1
    var fields = OrderedDictionary<String, Value>()
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return .map(fields)
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw error(position < bytes.count ? "expected a string key" : "the text ends inside an object")
      }
      let key = try string()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
      position += 1
      skipWhitespace()
      fields[key] = try value(depth: depth)
      skipWhitespace()
      guard position < bytes.count else { throw error("the text ends inside an object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
      position += 1
      return .map(fields)
    }
  }

  private mutating func array(depth: Int) throws(JSONParseError) -> Value {
    guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
    position += 1
    var items: [Value] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return .list(items)
    }
    while true {
      skipWhitespace()
      items.append(try value(depth: depth))
      skipWhitespace()
      guard position < bytes.count else { throw error("the text ends inside an array") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
      position += 1
      return .list(items)
    }
  }

  private mutating func literal(_ word: StaticString) throws(JSONParseError) {
    let count = word.utf8CodeUnitCount
    guard position + count <= bytes.count else { throw error("expected \(word)") }
    let start = word.utf8Start
    for offset in 0..<count where bytes[position + offset] != start[offset] {
      throw error("expected \(word)")
    }
    position += count
  }

  private mutating func number() throws(JSONParseError) -> Value {
    let start = position
    var isInteger = true
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("expected a digit") }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
    } else {
      while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("expected a digit after '.'") }
      while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
      isInteger = false
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      guard position < bytes.count, Self.isDigit(bytes[position]) else { throw error("expected a digit in the exponent") }
      while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }
    if isInteger, position - start <= 18 {
      var value = 0
      var index = start
      let negative = bytes[index] == UInt8(ascii: "-")
      if negative { index += 1 }
      while index < position {
        value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
        index += 1
      }
      return .int(negative ? -value : value)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    if isInteger, let value = Int(text) { return .int(value) }
    return .double(Double(text) ?? .nan)
  }

  /// A string literal at `position` (on its opening quote).
  private mutating func string() throws(JSONParseError) -> String {
    position += 1
    let start = position
    // The common case: no escapes, so the bytes are the string.
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("a control character inside a string (escape it)") }
      position += 1
    }
    guard position < bytes.count else { throw error("the text ends inside a string") }
    var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return String(decoding: scalars, as: UTF8.self)
      }
      if byte < 0x20 { throw error("a control character inside a string (escape it)") }
      guard byte == UInt8(ascii: "\\") else {
        scalars.append(byte)
        position += 1
        continue
      }
      position += 1
      guard position < bytes.count else { break }
      let escape = bytes[position]
      position += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
      case UInt8(ascii: "b"): scalars.append(0x08)
      case UInt8(ascii: "f"): scalars.append(0x0C)
      case UInt8(ascii: "n"): scalars.append(0x0A)
      case UInt8(ascii: "r"): scalars.append(0x0D)
      case UInt8(ascii: "t"): scalars.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
          // A surrogate pair: the low half must follow as another \u escape. When what follows
          // is another escape but not a low half, this half alone is U+FFFD and that escape is
          // read on its own (it may be a character, or the high half of a pair).
          if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
              code = 0xFFFD
              position -= 6
            }
          } else {
            code = 0xFFFD
          }
        } else if (0xDC00..<0xE000).contains(code) {
          code = 0xFFFD
        }
        Self.appendUTF8(code, to: &scalars)
      default:
        position -= 1
        throw error("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
      }
    }
    throw error("the text ends inside a string")
  }

  /// Appends scalar `code` (not a surrogate, at most 0x10FFFF) as UTF-8.
  private static func appendUTF8(_ code: UInt32, to bytes: inout [UInt8]) {
    switch code {
    case 0..<0x80:
      bytes.append(UInt8(code))
    case 0x80..<0x800:
      bytes.append(UInt8(0xC0 | code >> 6))
      bytes.append(UInt8(0x80 | code & 0x3F))
    case 0x800..<0x10000:
      bytes.append(UInt8(0xE0 | code >> 12))
      bytes.append(UInt8(0x80 | code >> 6 & 0x3F))
      bytes.append(UInt8(0x80 | code & 0x3F))
    default:
      bytes.append(UInt8(0xF0 | code >> 18))
      bytes.append(UInt8(0x80 | code >> 12 & 0x3F))
      bytes.append(UInt8(0x80 | code >> 6 & 0x3F))
      bytes.append(UInt8(0x80 | code & 0x3F))
    }
  }

  private mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard position + 4 <= bytes.count else { throw error("expected 4 hex digits after \\u") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("expected 4 hex digits after \\u")
      }
      code = code << 4 | UInt32(digit)
      position += 1
    }
    return code
  }

  // MARK: - Bytes

  private mutating func skipWhitespace() {
    while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  /// An error at the current position, with its line and column counted from the start (only
  /// when an error happens, so parsing pays nothing for them).
  private func error(_ message: String) -> JSONParseError {
    JSONParseError(offset: position, in: bytes, message: message)
  }
}
