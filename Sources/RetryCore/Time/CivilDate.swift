/// A proleptic Gregorian calendar date (year, month, day), converted to and from a count of days
/// since 1970-01-01.
///
/// RetryCore may not use Foundation, so ISO-8601 timestamps and cron schedules do their calendar
/// arithmetic here, with Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms
/// (https://howardhinnant.github.io/date_algorithms.html). They are exact for every year an `Int`
/// can hold, before 1970 included, and need no tables or loops.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var year: Int
  /// 1 (January) to 12.
  public var month: Int
  /// 1 to 31.
  public var day: Int

  /// No validation: `isValid` says whether the date exists.
  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// The date `days` days after 1970-01-01 (negative: before it).
  public init(daysSinceEpoch days: Int) {
    // Shift the epoch to 0000-03-01 so that the leap day is the last day of the (March-based) year.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097  // [0, 146096]
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365]
    let shiftedMonth = (5 * dayOfYear + 2) / 153  // [0, 11], 0 = March
    day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Days from 1970-01-01 to this date (negative before it). Meaningful only for valid dates.
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400  // [0, 399]
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // [0, 365]
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // [0, 146096]
    return era * 146_097 + dayOfEra - 719_468
  }

  /// 1 = Sunday ... 7 = Saturday: the numbering of EventBridge cron's day-of-week field.
  public var weekday: Int {
    let days = daysSinceEpoch
    // 1970-01-01 was a Thursday (5).
    return CivilDate.floorModulo(days + 4, 7) + 1
  }

  /// Whether the month exists and has that day.
  public var isValid: Bool {
    (1...12).contains(month) && day >= 1 && day <= CivilDate.daysIn(month: month, year: year)
  }

  public static func isLeap(year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  /// 28 to 31; 0 for a month outside 1-12.
  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 1, 3, 5, 7, 8, 10, 12: 31
    case 4, 6, 9, 11: 30
    case 2: isLeap(year: year) ? 29 : 28
    default: 0
    }
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// `2019-09-20`.
  public var description: String {
    let sign = year < 0 ? "-" : ""
    return sign + Self.zeroPadded(abs(year), 4) + "-" + Self.zeroPadded(month, 2) + "-" + Self.zeroPadded(day, 2)
  }
}

extension CivilDate {
  /// Division rounding toward negative infinity, so that times before 1970 fall in the right day.
  /// (Swift's `/` truncates toward zero.) `divisor` must be positive.
  static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
    let quotient = value / divisor
    return value % divisor < 0 ? quotient - 1 : quotient
  }

  /// The remainder that goes with `floorDivide`: always in `0..<divisor`.
  static func floorModulo(_ value: Int, _ divisor: Int) -> Int {
    let remainder = value % divisor
    return remainder < 0 ? remainder + divisor : remainder
  }

  /// `value` in decimal, left-padded with zeros to `width` digits.
  static func zeroPadded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
