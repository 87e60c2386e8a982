import RetryCore

/// Turns one JSON record of a CloudWatch container into a `LogMessage`: an API event
/// (`message`, `timestamp`, `logStreamName`), a Logs Insights row object (`@message`,
/// `@timestamp`, `@logStream`), or a `get-query-results` row (`[{"field", "value"}]`).
///
/// API events are the bulk of a large import, so they are read by a walker over the record's
/// bytes that decodes only the three fields it needs, into scratch buffers reused from record to
/// record; everything else goes through `JSONParser`.
final class EventDecoder {
  private var text = ScratchBuffer()
  private var stream = ScratchBuffer()
  private var eventId = ScratchBuffer()
  /// Why the last `decode` returned nil.
  private(set) var failure = SkipReason.malformedRecord

  /// The message in `bytes` (valid until the next call), or nil with `failure` set.
  func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> LogMessage? {
    var index = 0
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
      index += 1
    }
    guard index < bytes.count else { return fail(.malformedRecord) }
    if bytes[index] == UInt8(ascii: "[") { return decodeRow(bytes, line: line) }
    var walker = FieldWalker(bytes: bytes, position: index + 1)
    var timestamp: Milliseconds?
    var haveMessage = false
    var haveStream = false
    var haveId = false
    text.count = 0
    stream.count = 0
    eventId.count = 0
    while true {
      guard let key = walker.nextKey() else { break }
      if key.elementsEqual("message".utf8) || key.elementsEqual("@message".utf8) {
        guard walker.string(into: &text) else { return fail(.malformedRecord) }
        haveMessage = true
      } else if key.elementsEqual("timestamp".utf8) || key.elementsEqual("@timestamp".utf8) {
        guard let value = walker.timestamp() else { return fail(.malformedRecord) }
        timestamp = value
      } else if key.elementsEqual("logStreamName".utf8) || key.elementsEqual("@logStream".utf8) {
        guard walker.string(into: &stream) else { return fail(.malformedRecord) }
        haveStream = true
      } else if key.elementsEqual("eventId".utf8) || key.elementsEqual("@ptr".utf8) {
        guard walker.string(into: &eventId) else { return fail(.malformedRecord) }
        haveId = true
      } else {
        guard walker.skipValue() else { return fail(.malformedRecord) }
      }
    }
    guard walker.closed else { return fail(.malformedRecord) }
    guard haveMessage else { return fail(.malformedRecord) }
    return LogMessage(
      text: text.trimmedBuffer, timestamp: timestamp, stream: haveStream ? stream.buffer : nil, line: line,
      eventId: haveId ? eventId.buffer : nil)
  }

  /// A `get-query-results` row: `[{"field": "@message", "value": "..."}, ...]`.
  private func decodeRow(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> LogMessage? {
    guard case .list(let fields)? = try? JSONParser.parse(bytes) else { return fail(.malformedRecord) }
    var timestamp: Milliseconds?
    var message: String?
    var streamName: String?
    var pointer: String?
    for field in fields {
      guard case .string(let name)? = field["field"], case .string(let value)? = field["value"] else { continue }
      switch name {
      case "@message": message = value
      case "@timestamp":
        var copy = value
        timestamp = copy.withUTF8 { TimestampParser.parse($0)?.millis }
      case "@logStream": streamName = value
      case "@ptr": pointer = value
      default: break
      }
    }
    guard let message else { return fail(.malformedRecord) }
    text.count = 0
    text.append(contentsOf: Array(message.utf8))
    stream.count = 0
    if let streamName { stream.append(contentsOf: Array(streamName.utf8)) }
    eventId.count = 0
    if let pointer { eventId.append(contentsOf: Array(pointer.utf8)) }
    return LogMessage(
      text: text.trimmedBuffer, timestamp: timestamp, stream: streamName == nil ? nil : stream.buffer, line: line,
      eventId: pointer == nil ? nil : eventId.buffer)
  }

  private func fail(_ reason: SkipReason) -> LogMessage? {
    failure = reason
    return nil
  }
}

/// A growable byte buffer whose storage stays put between records.
struct ScratchBuffer: ~Copyable {
  private(set) var storage: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  var count = 0

  init() {
    capacity = 4096
    storage = .allocate(capacity: capacity)
  }

  deinit { storage.deallocate() }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { grow(count + 1) }
    storage[count] = byte
    count += 1
  }

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    if count + bytes.count > capacity { grow(count + bytes.count) }
    if let base = bytes.baseAddress { (storage + count).update(from: base, count: bytes.count) }
    count += bytes.count
  }

  mutating func append(contentsOf bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { append($0) }
  }

  private mutating func grow(_ needed: Int) {
    var larger = capacity * 2
    while larger < needed { larger *= 2 }
    let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
    storage.update(from: self.storage, count: count)
    self.storage.deallocate()
    self.storage = storage
    capacity = larger
  }

  var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

  /// Without the trailing line end the API keeps on every message (`"...\n"`).
  var trimmedBuffer: UnsafeBufferPointer<UInt8> {
    var end = count
    while end > 0, storage[end - 1] == 0x0A || storage[end - 1] == 0x0D { end -= 1 }
    return UnsafeBufferPointer(start: storage, count: end)
  }
}

/// Walks the fields of one JSON object held in memory, decoding only what it is asked for.
struct FieldWalker {
  let bytes: UnsafeBufferPointer<UInt8>
  var position: Int
  /// Whether the object's closing brace was reached.
  private(set) var closed = false

  init(bytes: UnsafeBufferPointer<UInt8>, position: Int) {
    self.bytes = bytes
    self.position = position
  }

  @inline(__always)
  private mutating func skipBlanks() {
    while position < bytes.count {
      let byte = bytes[position]
      guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ",") else { return }
      position += 1
    }
  }

  /// The next key (raw bytes between its quotes; keys of interest have no escapes), positioned on
  /// its value; nil at the closing brace or on broken input.
  mutating func nextKey() -> UnsafeBufferPointer<UInt8>? {
    skipBlanks()
    guard position < bytes.count else { return nil }
    if bytes[position] == UInt8(ascii: "}") {
      closed = true
      return nil
    }
    guard bytes[position] == UInt8(ascii: "\"") else { return nil }
    let start = position + 1
    var end = start
    while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
      end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
    }
    guard end < bytes.count else { return nil }
    position = end + 1
    while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
      position += 1
    }
    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
    position += 1
    while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x09 {
      position += 1
    }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  /// A string value, unescaped into `out`.
  mutating func string(into out: inout ScratchBuffer) -> Bool {
    guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
    position += 1
    var runStart = position
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
        position += 1
        return true
      }
      guard byte == UInt8(ascii: "\\") else {
        position += 1
        continue
      }
      out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
      guard position + 1 < bytes.count else { return false }
      let escape = bytes[position + 1]
      position += 2
      switch escape {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        guard var code = hex4() else { return false }
        if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
          bytes[position + 1] == UInt8(ascii: "u")
        {
          position += 2
          guard let low = hex4() else { return false }
          code = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
        } else if (0xD800..<0xE000).contains(code) {
          code = 0xFFFD
        }
        for byte in String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8 { out.append(byte) }
      default: out.append(escape)
      }
      runStart = position
    }
    return false
  }

  private mutating func hex4() -> UInt32? {
    guard position + 4 <= bytes.count else { return nil }
    var code: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case 0x30...0x39: digit = byte - 0x30
      case 0x61...0x66: digit = byte - 0x61 + 10
      case 0x41...0x46: digit = byte - 0x41 + 10
      default: return nil
      }
      code = code << 4 | UInt32(digit)
      position += 1
    }
    return code
  }

  /// A timestamp: epoch milliseconds as a number, or an ISO/Insights text.
  mutating func timestamp() -> Milliseconds? {
    guard position < bytes.count else { return nil }
    if bytes[position] == UInt8(ascii: "\"") {
      let start = position + 1
      guard skipValue() else { return nil }
      return TimestampParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)]))?.millis
    }
    var value = 0
    var digits = 0
    let negative = bytes[position] == UInt8(ascii: "-")
    if negative { position += 1 }
    while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39, digits < 18 {
      value = value * 10 + Int(bytes[position] - 0x30)
      position += 1
      digits += 1
    }
    guard digits > 0 else { return nil }
    // A fraction (seconds with decimals would be odd, but harmless): dropped.
    while position < bytes.count, bytes[position] == UInt8(ascii: ".") || (bytes[position] >= 0x30 && bytes[position] <= 0x39) {
      position += 1
    }
    // Epoch milliseconds before 1970 or after 9999 are no time a log was written: a garbled
    // field, read as missing rather than stretching the timeline over millennia.
    guard !negative, value <= 253_402_300_799_999 else { return nil }
    return value
  }

  /// Moves past the value at `position`.
  mutating func skipValue() -> Bool {
    guard position < bytes.count, let base = bytes.baseAddress else { return false }
    if JSONValueSkipper.isStray(bytes[position]) {
      position += 1
      return true
    }
    var skipper = JSONValueSkipper(first: bytes[position])
    if let end = skipper.scan(base, from: position, to: bytes.count) {
      position = end
      return true
    }
    position = bytes.count
    return skipper.isScalar
  }
}
