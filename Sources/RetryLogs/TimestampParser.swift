import RetryCore

/// Timestamps as Lambda's log lines and CloudWatch's tools write them, read straight off bytes
/// (a log import reads millions of them; `ISO8601.parse` builds an array per call).
///
/// Accepts `2024-03-01T12:00:00.123Z` (runtime lines), `2024-03-01T12:00:00.123000+00:00`
/// (`aws logs tail`), `2024-03-01 12:00:00.123` (Logs Insights, UTC) and `2024-03-01T12:00:00`
/// (`aws logs tail --format short`, UTC). Fractions beyond milliseconds are truncated.
enum TimestampParser {
  /// The timestamp at the start of `bytes`: epoch milliseconds and how many bytes it took.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int = 0) -> (millis: Milliseconds, length: Int)? {
    var index = start
    func digits(_ count: Int) -> Int? {
      guard index + count <= bytes.count else { return nil }
      var value = 0
      for offset in 0..<count {
        let byte = bytes[index + offset]
        guard byte >= 0x30, byte <= 0x39 else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      index += count
      return value
    }
    func skip(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }
    guard let year = digits(4), skip(0x2D), let month = digits(2), skip(0x2D), let day = digits(2) else { return nil }
    guard index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: " ") else { return nil }
    index += 1
    guard let hour = digits(2), hour < 24, skip(0x3A), let minute = digits(2), minute < 60, skip(0x3A),
      let second = digits(2), second < 61
    else { return nil }
    let date = CivilDate(year: year, month: month, day: day)
    guard date.isValid else { return nil }
    var millis = 0
    // Python's logging (Powertools) writes a comma: `2024-10-12 00:01:15,010+0000`.
    if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
      var count = 0
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
        if count < 3 { millis = millis * 10 + Int(bytes[index] - 0x30) }
        count += 1
        index += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 3) { millis *= 10 }
    }
    var offsetMinutes = 0
    if skip(UInt8(ascii: "Z")) {
    } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
      let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
      index += 1
      guard let offsetHour = digits(2) else { return nil }
      _ = skip(0x3A)
      guard let offsetMinute = digits(2) else { return nil }
      offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
    }
    let seconds = ((date.daysSinceEpoch * 24 + hour) * 60 + minute - offsetMinutes) * 60 + min(second, 59)
    return (seconds * 1_000 + millis, index - start)
  }

  /// An `aws logs tail` line's prefix: its timestamp, the log stream (nil in `--format short`)
  /// and where the message starts.
  ///
  /// `strict` (format detection) accepts a line without a stream only with the short format's
  /// timestamp; reading a file known to be tail output accepts any timestamp there.
  static func tailPrefix(_ line: UnsafeBufferPointer<UInt8>, strict: Bool = true) -> (
    millis: Milliseconds, stream: Range<Int>?, message: Int
  )? {
    guard let (millis, length) = parse(line), length < line.count, line[length] == 0x20 else { return nil }
    let tokenStart = length + 1
    var tokenEnd = tokenStart
    while tokenEnd < line.count, line[tokenEnd] != 0x20, line[tokenEnd] != 0x09 { tokenEnd += 1 }
    let token = UnsafeBufferPointer(rebasing: line[tokenStart..<tokenEnd])
    // Stream names look like `2024/03/01/[$LATEST]0123...`: a date path and a version in brackets.
    if token.contains(UInt8(ascii: "/")) || token.contains(UInt8(ascii: "]")) {
      return (millis, tokenStart..<tokenEnd, min(tokenEnd + 1, line.count))
    }
    // `--format short` writes the timestamp without a zone and without a fraction; runtime lines
    // always have both, so they are not mistaken for it.
    guard length == 19 || !strict else { return nil }
    return (millis, nil, tokenStart)
  }
}
