import Testing

@testable import RetryCore

@Suite struct CivilDateTests {
  @Test func epochIsThursdayFirstOfJanuary1970() {
    let epoch = CivilDate(daysSinceEpoch: 0)
    #expect(epoch == CivilDate(year: 1970, month: 1, day: 1))
    #expect(epoch.weekday == 5)  // Thursday, counting SUN = 1 as cron does
    #expect(CivilDate(daysSinceEpoch: -1) == CivilDate(year: 1969, month: 12, day: 31))
  }

  @Test(arguments: [
    (CivilDate(year: 2000, month: 2, day: 29), 11_016),
    (CivilDate(year: 2100, month: 3, day: 1), 47_541),
    (CivilDate(year: 1900, month: 1, day: 1), -25_567),
    (CivilDate(year: 1600, month: 2, day: 29), -135_081),
    (CivilDate(year: 1, month: 1, day: 1), -719_162),
  ])
  func knownDayNumbers(date: CivilDate, days: Int) {
    #expect(date.daysSinceEpoch == days)
    #expect(CivilDate(daysSinceEpoch: days) == date)
  }

  /// Every day from 1896 to 2204, both ways: each day follows the previous one in the calendar.
  @Test func everyDayRoundTripsAndFollowsTheCalendar() {
    let first = CivilDate(year: 1896, month: 1, day: 1).daysSinceEpoch
    let last = CivilDate(year: 2204, month: 12, day: 31).daysSinceEpoch
    var expected = CivilDate(year: 1896, month: 1, day: 1)
    var weekday = expected.weekday
    var mismatches = 0
    for days in first...last {
      let date = CivilDate(daysSinceEpoch: days)
      if date != expected || date.daysSinceEpoch != days || !date.isValid || date.weekday != weekday { mismatches += 1 }
      // Next day by the calendar rules, independently of the algorithm under test.
      if expected.day < CivilDate.daysIn(month: expected.month, year: expected.year) {
        expected.day += 1
      } else if expected.month < 12 {
        (expected.month, expected.day) = (expected.month + 1, 1)
      } else {
        expected = CivilDate(year: expected.year + 1, month: 1, day: 1)
      }
      weekday = weekday % 7 + 1
    }
    #expect(mismatches == 0)
  }

  @Test func leapYears() {
    #expect(CivilDate.isLeap(year: 2000))
    #expect(CivilDate.isLeap(year: 2024))
    #expect(!CivilDate.isLeap(year: 1900))
    #expect(!CivilDate.isLeap(year: 2100))
    #expect(!CivilDate.isLeap(year: 2023))
    #expect(CivilDate.daysIn(month: 2, year: 2000) == 29)
    #expect(CivilDate.daysIn(month: 2, year: 2100) == 28)
    #expect(CivilDate.daysIn(month: 13, year: 2000) == 0)
  }

  @Test func validity() {
    #expect(CivilDate(year: 2024, month: 2, day: 29).isValid)
    #expect(!CivilDate(year: 2023, month: 2, day: 29).isValid)
    #expect(!CivilDate(year: 2023, month: 4, day: 31).isValid)
    #expect(!CivilDate(year: 2023, month: 0, day: 1).isValid)
    #expect(!CivilDate(year: 2023, month: 1, day: 0).isValid)
  }

  @Test func descriptionAndOrder() {
    #expect(CivilDate(year: 987, month: 6, day: 5).description == "0987-06-05")
    #expect(CivilDate(year: 2019, month: 12, day: 31) < CivilDate(year: 2020, month: 1, day: 1))
  }

  @Test func floorArithmeticRoundsTowardThePast() {
    #expect(CivilDate.floorDivide(-1, 1_000) == -1)
    #expect(CivilDate.floorDivide(-1_000, 1_000) == -1)
    #expect(CivilDate.floorDivide(999, 1_000) == 0)
    #expect(CivilDate.floorModulo(-1, 1_000) == 999)
    #expect(CivilDate.floorModulo(-1_000, 1_000) == 0)
  }
}
