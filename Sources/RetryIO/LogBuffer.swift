import RetryCore

/// A growable buffer of UTF-8 bytes with the appends the log writer needs: text, decimal numbers,
/// fixed-point durations, ISO-8601 times and JSON string literals.
///
/// The log writer produces hundreds of megabytes for the import benchmark, so it appends raw bytes
/// into memory it owns rather than building `String`s: no Foundation formatting, no intermediate
/// strings per number, no reference counting per append. Noncopyable, so that the memory has one
/// owner and is freed exactly once.
struct LogBuffer: ~Copyable {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  var isEmpty: Bool { count == 0 }

  /// Empties the buffer, keeping its memory.
  mutating func removeAll() { count = 0 }

  /// Drops the last `n` bytes (`n` at most `count`).
  mutating func removeLast(_ n: Int) { count -= min(n, count) }

  /// The byte at `offset` (`0..<count`).
  func byte(at offset: Int) -> UInt8 { base[offset] }

  /// Makes room for `extra` more bytes.
  @inline(__always)
  mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private mutating func grow(to needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  @inline(__always)
  mutating func append(byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count)
    UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
    count += bytes.count
  }

  mutating func append(_ text: StaticString) {
    append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
  }

  mutating func append(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { append($0) }
  }

  /// Appends the bytes of another buffer.
  mutating func append(contentsOf other: borrowing LogBuffer) {
    append(other.bytes)
  }

  // MARK: Numbers

  /// "00" through "99": two digits per division by 100.
  private static let digitPairs: StaticString =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

  /// `value` in decimal, with a minus sign when negative.
  mutating func append(decimal value: Int) {
    if value < 0 {
      append(byte: UInt8(ascii: "-"))
      // `Int.min` has no positive counterpart: print its magnitude as unsigned.
      append(unsigned: UInt64(bitPattern: Int64(value)).magnitudeOfNegative)
    } else {
      append(unsigned: UInt64(value))
    }
  }

  mutating func append(unsigned value: UInt64) {
    var digits = 1
    var probe = value
    while probe >= 10 {
      probe /= 10
      digits += 1
    }
    append(unsigned: value, width: digits)
  }

  /// `value` zero-padded on the left to exactly `width` digits (higher digits are dropped).
  mutating func append(unsigned value: UInt64, width: Int) {
    reserve(width)
    var remaining = value
    var position = count + width
    while position - count >= 2 {
      let pair = Int(remaining % 100) * 2
      remaining /= 100
      position -= 2
      base[position] = Self.digitPairs.utf8Start[pair]
      base[position + 1] = Self.digitPairs.utf8Start[pair + 1]
    }
    if position > count {
      base[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
    }
    count += width
  }

  mutating func append(padded value: Int, width: Int) {
    append(unsigned: UInt64(max(value, 0)), width: width)
  }

  /// A non-negative count of hundredths as a fixed-point number with exactly two decimals:
  /// 15321 is `153.21`, 150000 is `1500.00` (REPORT lines print durations this way).
  mutating func append(hundredths value: Int) {
    let magnitude = abs(value)
    if value < 0 { append(byte: UInt8(ascii: "-")) }
    append(unsigned: UInt64(magnitude / 100))
    append(byte: UInt8(ascii: "."))
    append(unsigned: UInt64(magnitude % 100), width: 2)
  }

  /// Hundredths as the shortest decimal with at least one fraction digit, as JSON serializers
  /// print a double: 15321 is `153.21`, 15320 is `153.2`, 150000 is `1500.0`.
  mutating func append(shortHundredths value: Int) {
    let magnitude = abs(value)
    if value < 0 { append(byte: UInt8(ascii: "-")) }
    append(unsigned: UInt64(magnitude / 100))
    append(byte: UInt8(ascii: "."))
    let fraction = magnitude % 100
    if fraction % 10 == 0 {
      append(unsigned: UInt64(fraction / 10), width: 1)
    } else {
      append(unsigned: UInt64(fraction), width: 2)
    }
  }

  // MARK: Hexadecimal

  private static let hexDigits: StaticString = "0123456789abcdef"

  /// The 16 lowercase hex digits of `value`.
  mutating func append(hex value: UInt64) {
    reserve(16)
    let digits = Self.hexDigits.utf8Start
    for index in 0..<16 {
      base[count + index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xf)]
    }
    count += 16
  }

  // MARK: JSON

  /// `text` as a JSON string literal, quotes included.
  mutating func append(jsonString text: String) {
    append(byte: UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { appendJSONEscaped(UnsafeRawBufferPointer($0)) }
    append(byte: UInt8(ascii: "\""))
  }

  /// The bytes of `text` escaped for the inside of a JSON string literal, as `JSON.stringify`
  /// and Python's `json.dumps(ensure_ascii=False)` escape them: `"` and `\`, the short forms
  /// `\b \f \n \r \t`, `\u00XX` for the other control characters; everything else (UTF-8
  /// included) as it is, except DEL and the C1 controls (U+0080-U+009F), escaped too so that the
  /// JSON holds no character a terminal acts on (`TerminalText`). Unescaped runs are copied whole.
  mutating func appendJSONEscaped(_ text: UnsafeRawBufferPointer) {
    guard let start = text.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    let end = text.count
    var runStart = 0
    var index = 0
    while index < end {
      let byte = start[index]
      if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F
        && !(byte == 0xC2 && index + 1 < end && (0x80...0x9F).contains(start[index + 1]))
      {
        index += 1
        continue
      }
      if index > runStart { append(UnsafeRawBufferPointer(start: start + runStart, count: index - runStart)) }
      if byte == 0xC2 {
        index += 1  // C2 xx is U+00xx: escaped as that code point
        appendEscape(for: start[index])
      } else {
        appendEscape(for: byte)
      }
      index += 1
      runStart = index
    }
    if end > runStart { append(UnsafeRawBufferPointer(start: start + runStart, count: end - runStart)) }
  }

  private mutating func appendEscape(for byte: UInt8) {
    switch byte {
    case UInt8(ascii: "\""): append("\\\"")
    case UInt8(ascii: "\\"): append("\\\\")
    case 0x08: append("\\b")
    case 0x0c: append("\\f")
    case UInt8(ascii: "\n"): append("\\n")
    case UInt8(ascii: "\r"): append("\\r")
    case UInt8(ascii: "\t"): append("\\t")
    default:
      append("\\u00")
      let digits = Self.hexDigits.utf8Start
      append(byte: digits[Int(byte >> 4)])
      append(byte: digits[Int(byte & 0xf)])
    }
  }

  /// `value` as compact JSON, the same text as `JSONText.compact` (except that `\b` and `\f`
  /// take their short escapes): keys in their stored order, no spaces.
  mutating func append(json value: Value) {
    switch value {
    case .null: append("null")
    case .bool(let flag): flag ? append("true") : append("false")
    case .int(let number): append(decimal: number)
    case .double: append(JSONText.compact(value))
    case .string(let text): append(jsonString: text)
    case .list(let items):
      append(byte: UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { append(byte: UInt8(ascii: ",")) }
        append(json: item)
      }
      append(byte: UInt8(ascii: "]"))
    case .map(let fields):
      append(byte: UInt8(ascii: "{"))
      var first = true
      for (key, item) in fields {
        if !first { append(byte: UInt8(ascii: ",")) }
        first = false
        append(jsonString: key)
        append(byte: UInt8(ascii: ":"))
        append(json: item)
      }
      append(byte: UInt8(ascii: "}"))
    }
  }
}

extension UInt64 {
  /// The magnitude of this bit pattern read as a negative `Int64` (two's complement).
  fileprivate var magnitudeOfNegative: UInt64 { 0 &- self }
}
