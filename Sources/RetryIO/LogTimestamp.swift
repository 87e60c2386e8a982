import RetryCore

/// Writes epoch milliseconds as the timestamps of Lambda's log lines (`2019-09-20T09:00:00.339Z`)
/// and of `aws logs tail` (`2019-09-20T09:00:00.339000+00:00`), straight into a `LogBuffer`.
///
/// The same text as `ISO8601.millis`, but without building a `String` per line: the date part is
/// cached for the day (a log is millions of lines over a few days) and the clock is written digit
/// by digit.
struct LogTimestamp {
  private static let millisPerDay = 86_400_000
  private var cachedDay = Int.min
  /// `2019-09-20`, the date of `cachedDay`.
  private var cachedDate: [UInt8] = []

  /// `2019-09-20T09:00:00.339Z`: Lambda's own timestamps (ISO-8601 UTC, milliseconds).
  mutating func appendISO(_ epochMillis: Int, to buffer: inout LogBuffer) {
    appendDateAndClock(epochMillis, to: &buffer)
    buffer.append(byte: UInt8(ascii: "Z"))
  }

  /// `2019-09-20T09:00:00.339000+00:00`: Python's `datetime.isoformat(timespec='microseconds')`
  /// of a UTC time, which is what `aws logs tail` prints.
  mutating func appendTail(_ epochMillis: Int, to buffer: inout LogBuffer) {
    appendDateAndClock(epochMillis, to: &buffer)
    buffer.append("000+00:00")
  }

  /// `2019/09/20`: the date prefix of a log stream name.
  mutating func appendStreamDate(_ epochMillis: Int, to buffer: inout LogBuffer) {
    refreshDay(of: epochMillis)
    for byte in cachedDate { buffer.append(byte: byte == UInt8(ascii: "-") ? UInt8(ascii: "/") : byte) }
  }

  private mutating func appendDateAndClock(_ epochMillis: Int, to buffer: inout LogBuffer) {
    let millisOfDay = refreshDay(of: epochMillis)
    buffer.append(cachedDate)
    let seconds = millisOfDay / 1_000
    buffer.append(byte: UInt8(ascii: "T"))
    buffer.append(padded: seconds / 3_600, width: 2)
    buffer.append(byte: UInt8(ascii: ":"))
    buffer.append(padded: seconds / 60 % 60, width: 2)
    buffer.append(byte: UInt8(ascii: ":"))
    buffer.append(padded: seconds % 60, width: 2)
    buffer.append(byte: UInt8(ascii: "."))
    buffer.append(padded: millisOfDay % 1_000, width: 3)
  }

  /// Makes `cachedDate` the date of `epochMillis` and returns the millisecond of its day.
  @discardableResult
  private mutating func refreshDay(of epochMillis: Int) -> Int {
    // Floor division: times before 1970 belong to the day before, as in `ISO8601`.
    var day = epochMillis / Self.millisPerDay
    if epochMillis % Self.millisPerDay < 0 { day -= 1 }
    if day != cachedDay {
      cachedDay = day
      cachedDate = Array(CivilDate(daysSinceEpoch: day).description.utf8)
    }
    return epochMillis - day * Self.millisPerDay
  }
}
