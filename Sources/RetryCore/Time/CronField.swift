/// The values one field selects: sorted for listing a day's times, and a mask for membership.
struct CronField: Sendable, Hashable {
  let values: [Int]
  private let mask: [Bool]
  private let lowerBound: Int

  init(values: [Int], range: ClosedRange<Int>) {
    self.values = values
    lowerBound = range.lowerBound
    var mask = [Bool](repeating: false, count: range.count)
    for value in values { mask[value - range.lowerBound] = true }
    self.mask = mask
  }

  func contains(_ value: Int) -> Bool {
    let index = value - lowerBound
    return index >= 0 && index < mask.count && mask[index]
  }
}

/// Which days fire: whichever of day-of-month and day-of-week is not `?`.
enum DayRule: Sendable, Hashable {
  case everyDay
  case daysOfMonth(CronField)
  /// `L` in day-of-month.
  case lastDayOfMonth
  /// `LW`: the month's last Monday-to-Friday day.
  case lastWeekdayOfMonth
  /// `15W`: the Monday-to-Friday day nearest the 15th, without leaving the month (Quartz's rule);
  /// nothing in a month too short to have that day.
  case nearestWeekday(Int)
  case daysOfWeek(CronField)
  /// `6L`: the month's last Friday.
  case lastInMonth(weekday: Int)
  /// `3#2`: the month's second Tuesday.
  case nth(weekday: Int, Int)

  func matches(_ date: CivilDate) -> Bool {
    let length = CivilDate.daysIn(month: date.month, year: date.year)
    switch self {
    case .everyDay: return true
    case .daysOfMonth(let field): return field.contains(date.day)
    case .lastDayOfMonth: return date.day == length
    case .lastWeekdayOfMonth:
      let lastWeekday = CivilDate(year: date.year, month: date.month, day: length).weekday
      return date.day == length - (lastWeekday == 7 ? 1 : lastWeekday == 1 ? 2 : 0)
    case .nearestWeekday(let target):
      guard target <= length else { return false }
      let weekday = CivilDate(year: date.year, month: date.month, day: target).weekday
      var day = target
      if weekday == 7 { day = target == 1 ? 3 : target - 1 }  // Saturday: Friday, or Monday the 3rd
      if weekday == 1 { day = target == length ? target - 2 : target + 1 }  // Sunday: Monday, or Friday
      return date.day == day
    case .daysOfWeek(let field): return field.contains(date.weekday)
    case .lastInMonth(let weekday): return date.weekday == weekday && date.day + 7 > length
    case .nth(let weekday, let n): return date.weekday == weekday && (date.day - 1) / 7 + 1 == n
    }
  }
}
