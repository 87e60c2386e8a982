/// ISO-8601 UTC timestamps, computed without Foundation.
///
/// Scheduled events carry a `time` field and Lambda log lines a timestamp; scenario files give
/// start times as text. RetryCore must stay pure (no `Date`, no formatters, no time zone database),
/// so the conversion is done by hand on top of `CivilDate`.
public enum ISO8601 {
  private static let millisPerDay = 86_400_000

  /// `2019-09-20T09:00:00Z` (seconds precision, as EventBridge's `time` field). Milliseconds are
  /// dropped (rounding toward the past), as EventBridge does.
  public static func seconds(_ epochMillis: Milliseconds) -> String {
    let (date, millisOfDay) = split(epochMillis)
    return "\(date)T" + clock(millisOfDay) + "Z"
  }

  /// `2019-09-20T09:00:00.123Z` (milliseconds, as Lambda's log timestamps).
  public static func millis(_ epochMillis: Milliseconds) -> String {
    let (date, millisOfDay) = split(epochMillis)
    return "\(date)T" + clock(millisOfDay) + "." + CivilDate.zeroPadded(millisOfDay % 1_000, 3) + "Z"
  }

  /// Parses `2019-09-20T09:00:00Z`, `2019-09-20T09:00:00.123Z`, the same with an offset
  /// (`+02:00`, `-05:30`) instead of `Z`, or a bare date `2019-09-20` (midnight UTC).
  ///
  /// Returns nil for anything else, including dates and times that do not exist (month 13,
  /// February 30, hour 24, second 60): a typo in a scenario file should be reported, not rolled
  /// over into the next day. Fractions beyond milliseconds are truncated.
  public static func parse(_ text: String) -> Milliseconds? {
    var scanner = Scanner(bytes: Array(text.utf8))
    guard let year = scanner.digits(4), scanner.skip("-"),
      let month = scanner.digits(2), scanner.skip("-"),
      let day = scanner.digits(2)
    else { return nil }
    let date = CivilDate(year: year, month: month, day: day)
    guard date.isValid else { return nil }
    let midnight = date.daysSinceEpoch * millisPerDay
    if scanner.atEnd { return midnight }

    guard scanner.skip("T"),
      let hour = scanner.digits(2), hour < 24, scanner.skip(":"),
      let minute = scanner.digits(2), minute < 60, scanner.skip(":"),
      let second = scanner.digits(2), second < 60
    else { return nil }
    var millis = 0
    if scanner.skip(".") {
      var count = 0
      while let digit = scanner.digits(1) {
        if count < 3 { millis = millis * 10 + digit }
        count += 1
      }
      guard count > 0 else { return nil }
      for _ in count..<max(count, 3) { millis *= 10 }
    }
    var offsetMinutes = 0
    if !scanner.skip("Z") {
      let sign: Int
      if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
      guard let offsetHour = scanner.digits(2), offsetHour < 24, scanner.skip(":"),
        let offsetMinute = scanner.digits(2), offsetMinute < 60
      else { return nil }
      offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
    }
    guard scanner.atEnd else { return nil }
    // Local time minus its offset from UTC is UTC.
    return midnight + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1_000 + millis
  }

  private static func split(_ epochMillis: Milliseconds) -> (CivilDate, Int) {
    let days = CivilDate.floorDivide(epochMillis, millisPerDay)
    return (CivilDate(daysSinceEpoch: days), epochMillis - days * millisPerDay)
  }

  /// `HH:MM:SS` for a millisecond of the day.
  private static func clock(_ millisOfDay: Int) -> String {
    let seconds = millisOfDay / 1_000
    return CivilDate.zeroPadded(seconds / 3_600, 2) + ":" + CivilDate.zeroPadded(seconds / 60 % 60, 2) + ":"
      + CivilDate.zeroPadded(seconds % 60, 2)
  }

  /// Fixed-width reading over ASCII bytes; any other byte simply fails to match.
  private struct Scanner {
    let bytes: [UInt8]
    var position = 0

    var atEnd: Bool { position == bytes.count }

    /// Exactly `count` decimal digits, or nil (consuming nothing).
    mutating func digits(_ count: Int) -> Int? {
      guard position + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[position..<position + count] {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      position += count
      return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
      guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
      position += 1
      return true
    }
  }
}
