/// The six fields of an EventBridge `cron(minutes hours day-of-month month day-of-week year)`
/// expression, parsed, and the UTC minutes they select.
///
/// Follows https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
/// (the wildcard table and its rules), and rejects what EventBridge rejects, so that a scenario
/// that runs here is also a schedule AWS would accept:
/// - exactly one of day-of-month and day-of-week is `?`;
/// - day-of-week counts 1-7 as SUN-SAT (not cron's 0-6) and has no `/`;
/// - `L` (day-of-month, day-of-week), `W` (day-of-month) and `#` (day-of-week) stand alone in
///   their field (the AWS page says so for `#`; Quartz, whose syntax AWS adopted, for all three).
/// Beyond the page, it accepts `a-b/n` (an increment within a range, as Quartz does) and names in
/// any letter case. Ranges may not wrap around (`FRI-MON`): the page does not promise it.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
  /// The fields as written, for `description`.
  let written: [String]
  let minutes: CronField
  let hours: CronField
  let months: CronField
  let years: CronField
  let days: DayRule

  /// Parses the text between `cron(` and `)`. Error offsets count characters in `fields`.
  public static func parse(_ fields: String) throws(ExpressionError) -> CronExpression {
    try CronExpressionParser(source: Array(fields)).parse(from: 0, to: fields.count)
  }

  /// The first time at or after `start` (Unix epoch milliseconds, UTC) that the expression
  /// selects, or nil if there is none before the year field's end, 2199.
  public func next(atOrAfter start: Milliseconds) -> Milliseconds? {
    fireTimes(from: start, count: 1).first
  }

  /// Whether the minute containing `epochMillis` is selected.
  public func matches(_ epochMillis: Milliseconds) -> Bool {
    let minute = CivilDate.floorDivide(epochMillis, 60_000) * 60_000
    return next(atOrAfter: minute) == minute
  }

  /// The first `count` selected minutes at or after `start`, as epoch milliseconds. A start
  /// inside a minute rounds up to the next whole minute, since EventBridge fires on minute
  /// boundaries.
  ///
  /// Walks day by day, skipping whole years and months that the fields exclude, and only then
  /// lists the selected hours and minutes of a matching day: the cost follows the number of days
  /// looked at and times returned, never the number of minutes in between.
  public func fireTimes(from start: Milliseconds, count: Int) -> [Milliseconds] {
    guard count > 0, start <= Int.max - 60_000 else { return [] }
    var result: [Milliseconds] = []
    result.reserveCapacity(min(count, 1 << 16))
    let firstMinute = CivilDate.floorDivide(start + 59_999, 60_000)
    var day = CivilDate.floorDivide(firstMinute, 1_440)
    var minuteOfDay = firstMinute - day * 1_440
    if day < 0 { (day, minuteOfDay) = (0, 0) }  // the year field begins in 1970
    let lastDay = CivilDate(year: Self.fieldRanges[5].upperBound, month: 12, day: 31).daysSinceEpoch

    while day <= lastDay {
      let date = CivilDate(daysSinceEpoch: day)
      if !years.contains(date.year) {
        guard let year = years.values.first(where: { $0 > date.year }) else { break }
        (day, minuteOfDay) = (CivilDate(year: year, month: 1, day: 1).daysSinceEpoch, 0)
        continue
      }
      if !months.contains(date.month) {
        let firstOfNext = CivilDate(year: date.year + date.month / 12, month: date.month % 12 + 1, day: 1)
        (day, minuteOfDay) = (firstOfNext.daysSinceEpoch, 0)
        continue
      }
      if days.matches(date) {
        let (startHour, startMinute) = (minuteOfDay / 60, minuteOfDay % 60)
        for hour in hours.values where hour >= startHour {
          for minute in minutes.values where hour > startHour || minute >= startMinute {
            result.append(((day * 1_440) + hour * 60 + minute) * 60_000)
            if result.count == count { return result }
          }
        }
      }
      (day, minuteOfDay) = (day + 1, 0)
    }
    return result
  }

  /// In words, UTC: `at 10:00 UTC, every day`, `every 15 minutes, on MON-FRI`.
  public var description: String {
    var parts: [String] = []
    let (minute, hour) = (written[0].uppercased(), written[1].uppercased())
    if minutes.values.count == 1, hours.values.count == 1, !minute.contains("/"), !hour.contains("/") {
      let clock = CivilDate.zeroPadded(hours.values[0], 2) + ":" + CivilDate.zeroPadded(minutes.values[0], 2)
      parts.append("at \(clock) UTC")
    } else {
      let everyMinutes = minute == "*" ? 1 : Self.step(of: minute)
      var time = everyMinutes.map { $0 == 1 ? "every minute" : "every \($0) minutes" } ?? "at minute \(minute)"
      if let everyHours = hour == "*" ? 1 : Self.step(of: hour) {
        if everyMinutes == nil || everyHours > 1 {
          time += everyHours == 1 ? " of every hour" : " of every \(everyHours) hours"
        }
      } else {
        time += " during hour \(hour) UTC"
      }
      parts.append(time)
    }
    switch days {
    case .everyDay: parts.append("every day")
    case .daysOfMonth: parts.append("on day \(written[2].uppercased()) of the month")
    case .lastDayOfMonth: parts.append("on the last day of the month")
    case .lastWeekdayOfMonth: parts.append("on the last weekday (MON-FRI) of the month")
    case .nearestWeekday(let day): parts.append("on the weekday (MON-FRI) nearest day \(day) of the month")
    case .daysOfWeek: parts.append("on " + Self.named(written[4], names: Self.weekdayNames, first: 1))
    case .lastInMonth(let weekday): parts.append("on the last \(Self.weekdayNames[weekday - 1]) of the month")
    case .nth(let weekday, let n):
      let ordinal = ["1st", "2nd", "3rd", "4th", "5th"][n - 1]
      parts.append("on the \(ordinal) \(Self.weekdayNames[weekday - 1]) of the month")
    }
    if written[3] != "*" { parts.append("in " + Self.named(written[3], names: Self.monthNames, first: 1)) }
    if written[5] != "*" { parts.append("in year \(written[5])") }
    return parts.joined(separator: ", ")
  }

  /// `n` for `*/n` and `0/n`: a plain "every n minutes" (or hours).
  private static func step(of field: String) -> Int? {
    for prefix in ["*/", "0/"] where field.hasPrefix(prefix) {
      if let n = Int(field.dropFirst(2)) { return n }
    }
    return nil
  }

  /// The field with its numbers replaced by names (`2-6` -> `MON-FRI`), for readability.
  private static func named(_ field: String, names: [String], first: Int) -> String {
    var out = ""
    var number = ""
    func flush() {
      if let value = Int(number), (first..<first + names.count).contains(value) {
        out += names[value - first]
      } else {
        out += number
      }
      number = ""
    }
    for character in field.uppercased() {
      if character.isASCII, character.isNumber {
        number.append(character)
      } else {
        flush()
        out.append(character)
      }
    }
    flush()
    return out
  }
}

extension CronExpression {
  static let fieldNames = ["minutes", "hours", "day-of-month", "month", "day-of-week", "year"]
  static let fieldRanges = [0...59, 0...23, 1...31, 1...12, 1...7, 1970...2199]
  static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
  static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
}
