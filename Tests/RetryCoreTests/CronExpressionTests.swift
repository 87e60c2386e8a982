import Testing

@testable import RetryCore

@Suite struct CronExpressionTests {
  /// Fire times from `start` as ISO-8601 text, for readable expectations.
  func times(_ expression: String, from start: String, count: Int) throws -> [String] {
    let schedule = try ScheduleExpression.parse(expression)
    return schedule.fireTimes(from: try #require(ISO8601.parse(start)), count: count).map(ISO8601.seconds)
  }

  @Test func firesAtOrAfterTheStartOnWholeMinutes() throws {
    #expect(
      try times("cron(0 10 * * ? *)", from: "2019-09-20T10:00:00Z", count: 2) == [
        "2019-09-20T10:00:00Z", "2019-09-21T10:00:00Z",
      ])
    #expect(try times("cron(0 10 * * ? *)", from: "2019-09-20T10:00:00.001Z", count: 1) == ["2019-09-21T10:00:00Z"])
    #expect(
      try times("cron(* * * * ? *)", from: "2019-09-20T10:00:30Z", count: 2) == [
        "2019-09-20T10:01:00Z", "2019-09-20T10:02:00Z",
      ])
    #expect(try times("cron(* * * * ? *)", from: "2019-12-31T23:59:59.999Z", count: 1) == ["2020-01-01T00:00:00Z"])
  }

  @Test func incrementsListsAndRanges() throws {
    // Friday evening: every 15 minutes on weekdays skips the weekend.
    #expect(
      try times("cron(0/15 * ? * MON-FRI *)", from: "2019-09-20T23:40:00Z", count: 3)
        == ["2019-09-20T23:45:00Z", "2019-09-23T00:00:00Z", "2019-09-23T00:15:00Z"])
    #expect(
      try times("cron(1/10 9 * * ? *)", from: "2019-09-20T00:00:00Z", count: 7)
        == [
          "2019-09-20T09:01:00Z", "2019-09-20T09:11:00Z", "2019-09-20T09:21:00Z", "2019-09-20T09:31:00Z",
          "2019-09-20T09:41:00Z", "2019-09-20T09:51:00Z", "2019-09-21T09:01:00Z",
        ])
    #expect(
      try times("cron(0,30 8-9 * * ? *)", from: "2019-09-20T08:15:00Z", count: 4)
        == ["2019-09-20T08:30:00Z", "2019-09-20T09:00:00Z", "2019-09-20T09:30:00Z", "2019-09-21T08:00:00Z"])
    #expect(
      try times("cron(0 0 1 JAN-DEC/6 ? *)", from: "2019-09-20T00:00:00Z", count: 3)
        == ["2020-01-01T00:00:00Z", "2020-07-01T00:00:00Z", "2021-01-01T00:00:00Z"])
    #expect(
      try times("cron(0 0 1-10/3 * ? *)", from: "2019-09-20T00:00:00Z", count: 4)
        == ["2019-10-01T00:00:00Z", "2019-10-04T00:00:00Z", "2019-10-07T00:00:00Z", "2019-10-10T00:00:00Z"])
  }

  @Test func namesInAnyCaseAndWeekdayNumbersFromSunday() throws {
    // 1 = SUN ... 7 = SAT; 2019-09-22 was a Sunday.
    #expect(try times("cron(0 12 ? * 1 *)", from: "2019-09-20T00:00:00Z", count: 1) == ["2019-09-22T12:00:00Z"])
    #expect(try times("cron(0 12 ? * sun *)", from: "2019-09-20T00:00:00Z", count: 1) == ["2019-09-22T12:00:00Z"])
    #expect(try times("cron(0 12 ? * 7 *)", from: "2019-09-20T00:00:00Z", count: 1) == ["2019-09-21T12:00:00Z"])
    #expect(
      try times("cron(0 12 1 feb,Mar ? *)", from: "2019-09-20T00:00:00Z", count: 2) == [
        "2020-02-01T12:00:00Z", "2020-03-01T12:00:00Z",
      ])
  }

  @Test func leapDaysAndShortMonths() throws {
    #expect(
      try times("cron(0 0 29 2 ? *)", from: "2019-09-20T00:00:00Z", count: 3)
        == ["2020-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z"])
    // 2100 is not a leap year.
    #expect(try times("cron(0 0 29 2 ? *)", from: "2097-01-01T00:00:00Z", count: 1) == ["2104-02-29T00:00:00Z"])
    #expect(
      try times("cron(0 0 31 * ? *)", from: "2019-09-20T00:00:00Z", count: 2) == [
        "2019-10-31T00:00:00Z", "2019-12-31T00:00:00Z",
      ])
    #expect(try times("cron(0 0 30 2 ? *)", from: "2019-09-20T00:00:00Z", count: 5).isEmpty)
  }

  @Test func lastDayAndWeekdayForms() throws {
    #expect(
      try times("cron(0 12 L * ? *)", from: "2019-09-20T00:00:00Z", count: 6)
        == [
          "2019-09-30T12:00:00Z", "2019-10-31T12:00:00Z", "2019-11-30T12:00:00Z", "2019-12-31T12:00:00Z",
          "2020-01-31T12:00:00Z", "2020-02-29T12:00:00Z",
        ])
    // Last Monday-to-Friday: 2019-11-30 was a Saturday, 2020-02-29 too.
    #expect(
      try times("cron(0 12 LW * ? *)", from: "2019-09-20T00:00:00Z", count: 6)
        == [
          "2019-09-30T12:00:00Z", "2019-10-31T12:00:00Z", "2019-11-29T12:00:00Z", "2019-12-31T12:00:00Z",
          "2020-01-31T12:00:00Z", "2020-02-28T12:00:00Z",
        ])
    // Nearest weekday within the month: 2019-06-01 was a Saturday (-> Monday 3rd), 2019-09-01 a
    // Sunday (-> Monday 2nd), 2019-07-01 a Monday.
    #expect(
      try times("cron(0 9 1W * ? *)", from: "2019-06-01T00:00:00Z", count: 4)
        == ["2019-06-03T09:00:00Z", "2019-07-01T09:00:00Z", "2019-08-01T09:00:00Z", "2019-09-02T09:00:00Z"])
    // 2019-08-31 was a Saturday (-> Friday 30th); 2020-05-31 a Sunday (-> Friday 29th); months
    // without a 31st are skipped.
    #expect(
      try times("cron(0 9 31W * ? *)", from: "2019-08-01T00:00:00Z", count: 2) == [
        "2019-08-30T09:00:00Z", "2019-10-31T09:00:00Z",
      ])
    #expect(try times("cron(0 9 31W 5 ? 2020)", from: "2020-01-01T00:00:00Z", count: 1) == ["2020-05-29T09:00:00Z"])
    // Day-of-week L alone is the week's last day, Saturday.
    #expect(
      try times("cron(0 0 ? * L *)", from: "2019-09-20T00:00:00Z", count: 2) == [
        "2019-09-21T00:00:00Z", "2019-09-28T00:00:00Z",
      ])
    #expect(
      try times("cron(0 9 ? * 6L *)", from: "2019-09-20T00:00:00Z", count: 3)
        == ["2019-09-27T09:00:00Z", "2019-10-25T09:00:00Z", "2019-11-29T09:00:00Z"])
    #expect(
      try times("cron(0 9 ? * MON#1 *)", from: "2019-09-20T00:00:00Z", count: 3)
        == ["2019-10-07T09:00:00Z", "2019-11-04T09:00:00Z", "2019-12-02T09:00:00Z"])
    // A fifth Tuesday only in some months: 2019-10-29, 2019-12-31.
    #expect(
      try times("cron(0 9 ? * 3#5 *)", from: "2019-09-20T00:00:00Z", count: 2) == [
        "2019-10-29T09:00:00Z", "2019-12-31T09:00:00Z",
      ])
  }

  @Test func yearFieldBoundsTheSchedule() throws {
    #expect(
      try times("cron(0 0 1 JAN ? 2020,2030)", from: "2019-09-20T00:00:00Z", count: 5)
        == ["2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"])
    #expect(try times("cron(0 0 1 1 ? *)", from: "2199-06-01T00:00:00Z", count: 3).isEmpty)
    #expect(try times("cron(59 23 31 12 ? *)", from: "2199-06-01T00:00:00Z", count: 3) == ["2199-12-31T23:59:00Z"])
    // Before 1970 the first firing is in 1970, where the year field starts.
    #expect(try times("cron(30 23 31 12 ? 1970)", from: "1960-01-01T00:00:00Z", count: 2) == ["1970-12-31T23:30:00Z"])
    #expect(try times("cron(0 0 * * ? *)", from: "1969-12-31T23:59:00Z", count: 1) == ["1970-01-01T00:00:00Z"])
  }

  @Test func manyFiringsAreComputedWithoutWalkingEveryMinute() throws {
    let everyMinute = try ScheduleExpression.parse("cron(* * * * ? *)").fireTimes(from: 0, count: 100_000)
    #expect(everyMinute.count == 100_000)
    #expect(everyMinute.last == 99_999 * 60_000)
    let daily = try ScheduleExpression.parse("cron(0 0 * * ? *)").fireTimes(from: 0, count: 100_000)
    // 1970 to 2199 inclusive is 84,006 days: the year field runs out first.
    #expect(daily.count == 84_006)
    #expect(daily.last.map(ISO8601.seconds) == "2199-12-31T00:00:00Z")
    #expect(try ScheduleExpression.parse("cron(0 0 30 2 ? *)").fireTimes(from: 0, count: 100_000).isEmpty)
    let firstMondays = try ScheduleExpression.parse("cron(0 9 ? * 2#1 *)").fireTimes(from: 0, count: 100_000)
    #expect(firstMondays.count == 230 * 12)
  }

  /// A cron expression and, independently, what it means for one minute of one day.
  struct Meaning: Sendable, CustomTestStringConvertible {
    let fields: String
    let selects: @Sendable (_ date: CivilDate, _ hour: Int, _ minute: Int) -> Bool
    var testDescription: String { fields }
  }

  static let meanings = [
    Meaning(fields: "*/7 */5 * * ? *") { _, h, m in h % 5 == 0 && m % 7 == 0 },
    Meaning(fields: "15,45 9-17 ? * MON-FRI *") { d, h, m in
      (9...17).contains(h) && [15, 45].contains(m) && (2...6).contains(d.weekday)
    },
    Meaning(fields: "0 0 L * ? *") { d, h, m in
      h == 0 && m == 0 && d.day == CivilDate.daysIn(month: d.month, year: d.year)
    },
    Meaning(fields: "30 6 1,15 JAN-MAR ? *") { d, h, m in h == 6 && m == 30 && [1, 15].contains(d.day) && d.month <= 3
    },
    Meaning(fields: "0 12 ? * 6#2 2020") { d, h, m in
      h == 12 && m == 0 && d.weekday == 6 && (8...14).contains(d.day) && d.year == 2020
    },
  ]

  /// The fast walk agrees with checking every minute against the meaning, over 21 months that
  /// include a leap day and a year end.
  @Test(arguments: meanings)
  func agreesWithMinuteByMinuteCheck(_ meaning: Meaning) throws {
    let (fields, selects) = (meaning.fields, meaning.selects)
    let cron = try CronExpression.parse(fields)
    let start = try #require(ISO8601.parse("2019-06-01T00:00:00Z"))
    let end = try #require(ISO8601.parse("2021-03-01T00:00:00Z"))
    var expected: [Milliseconds] = []
    for day in (start / 86_400_000)..<(end / 86_400_000) {
      let date = CivilDate(daysSinceEpoch: day)
      for minute in 0..<1_440 where selects(date, minute / 60, minute % 60) {
        expected.append((day * 1_440 + minute) * 60_000)
      }
    }
    let actual = cron.fireTimes(from: start, count: expected.count + 1).filter { $0 < end }
    #expect(actual == expected)
    #expect(!expected.isEmpty)
    if let first = expected.first {
      #expect(cron.next(atOrAfter: start) == first)
      #expect(cron.matches(first + 59_999))
      #expect(!cron.matches(first - 1))
    }
  }

  @Test(arguments: [
    ("0 10 * * ? *", "at 10:00 UTC, every day"),
    ("15 12 * * ? *", "at 12:15 UTC, every day"),
    ("0 18 ? * MON-FRI *", "at 18:00 UTC, on MON-FRI"),
    ("0 8 1 * ? *", "at 08:00 UTC, on day 1 of the month"),
    ("0/15 * * * ? *", "every 15 minutes, every day"),
    ("*/10 * ? * 2-6 *", "every 10 minutes, on MON-FRI"),
    ("* * * * ? *", "every minute, every day"),
    ("0/5 8-17 ? * MON-FRI *", "every 5 minutes during hour 8-17 UTC, on MON-FRI"),
    ("0,30 * * * ? *", "at minute 0,30 of every hour, every day"),
    ("0 */2 * * ? *", "at minute 0 of every 2 hours, every day"),
    ("*/20 0/6 * * ? *", "every 20 minutes of every 6 hours, every day"),
    ("*/1 * * * ? *", "every minute, every day"),
    ("0 9 ? * 2#1 *", "at 09:00 UTC, on the 1st MON of the month"),
    ("0 9 ? * 6L *", "at 09:00 UTC, on the last FRI of the month"),
    ("0 9 L * ? *", "at 09:00 UTC, on the last day of the month"),
    ("0 9 LW * ? *", "at 09:00 UTC, on the last weekday (MON-FRI) of the month"),
    ("0 9 15W * ? *", "at 09:00 UTC, on the weekday (MON-FRI) nearest day 15 of the month"),
    ("0 0 1 1,7 ? 2020-2022", "at 00:00 UTC, on day 1 of the month, in JAN,JUL, in year 2020-2022"),
  ])
  func describesInWords(fields: String, description: String) throws {
    #expect(try CronExpression.parse(fields).description == description)
  }

  /// Every error message, and the offset of the character it points at (in the whole text).
  @Test(arguments: [
    ("cron(61 * * * ? *)", 5, "minutes field: 61 is outside 0-59"),
    ("cron(0,5,61 * * * ? *)", 9, "minutes field: 61 is outside 0-59"),
    ("cron(10-60 * * * ? *)", 8, "minutes field: 60 is outside 0-59"),
    ("cron(0 24 * * ? *)", 7, "hours field: 24 is outside 0-23"),
    ("cron(0 0 32 * ? *)", 9, "day-of-month field: 32 is outside 1-31"),
    ("cron(0 0 0 * ? *)", 9, "day-of-month field: 0 is outside 1-31"),
    ("cron(0 0 * 13 ? *)", 11, "month field: 13 is outside 1-12"),
    ("cron(0 0 ? * 0 *)", 13, "day-of-week field: 0 is outside 1-7"),
    ("cron(0 0 ? * 8 *)", 13, "day-of-week field: 8 is outside 1-7"),
    ("cron(0 0 * * ? 1969)", 15, "year field: 1969 is outside 1970-2199"),
    ("cron(0 0 * * ? 2020-2200)", 20, "year field: 2200 is outside 1970-2199"),
    ("cron(x * * * ? *)", 5, "minutes field: expected a number, got 'x'"),
    ("cron(0 0 * January ? *)", 11, "month field: expected a number or JAN-DEC, got 'January'"),
    ("cron(0 0 ? * Mon-Fun *)", 17, "day-of-week field: expected a number or SUN-SAT, got 'Fun'"),
    ("cron(0 0 15L * ? *)", 9, "day-of-month field: expected a number, got '15L'"),
    ("cron(5- * * * ? *)", 7, "minutes field: missing a value"),
    ("cron(0,,5 * * * ? *)", 7, "minutes field: empty value in the list"),
    ("cron(50-10 * * * ? *)", 5, "minutes field: range 50-10 goes backwards"),
    ("cron(0 0 ? * FRI-MON *)", 13, "day-of-week field: range FRI-MON goes backwards"),
    ("cron(*/0 * * * ? *)", 7, "minutes field: increment must be a positive integer, got '0'"),
    ("cron(0 1/x * * ? *)", 9, "hours field: increment must be a positive integer, got 'x'"),
    (
      "cron(0 0 * * * *)", 13,
      "one of day-of-month and day-of-week must be '?' (AWS allows neither two values nor '*' in both)"
    ),
    (
      "cron(0 0 1 * MON *)", 13,
      "one of day-of-month and day-of-week must be '?' (AWS allows neither two values nor '*' in both)"
    ),
    ("cron(0 0 ? * ? *)", 13, "day-of-month and day-of-week cannot both be '?'"),
    ("cron(? 0 * * ? *)", 5, "minutes field: '?' is only allowed in day-of-month or day-of-week"),
    ("cron(0 0 * * ? ?)", 15, "year field: '?' is only allowed in day-of-month or day-of-week"),
    ("cron(0 0 1,? * ? *)", 11, "day-of-month field: '?' must be the only value in the field"),
    ("cron(0 0 1#2 * ? *)", 10, "day-of-month field: '#' is only allowed in day-of-week"),
    ("cron(0 0 ? * */2 *)", 14, "day-of-week field: increments ('/') are not allowed in day-of-week"),
    ("cron(L 0 * * ? *)", 5, "minutes field: 'L' is only allowed in day-of-month or day-of-week"),
    ("cron(0 0 * 5W ? *)", 12, "month field: 'W' is only allowed in day-of-month"),
    ("cron(0 0 ? * 2W *)", 14, "day-of-week field: 'W' is only allowed in day-of-month"),
    ("cron(0 0 1,L * ? *)", 11, "day-of-month field: 'L' must be the only value in the field"),
    ("cron(0 0 1,15w * ? *)", 11, "day-of-month field: '15w' must be the only value in the field"),
    ("cron(0 0 ? * 3#1,6#3 *)", 13, "day-of-week field: '3#1' must be the only value in the field"),
    ("cron(0 0 ? * MON,6L *)", 17, "day-of-week field: '6L' must be the only value in the field"),
    ("cron(0 0 ? * 3#6 *)", 15, "day-of-week field: '#' must be followed by a week of the month 1-5, got '6'"),
    ("cron(0 0 ? * 3# *)", 15, "day-of-week field: '#' must be followed by a week of the month 1-5, got ''"),
    ("cron(0 0 ? * 9#1 *)", 13, "day-of-week field: 9 is outside 1-7"),
    ("cron(0 0 ? * 8L *)", 13, "day-of-week field: 8 is outside 1-7"),
    ("cron(0 0 32W * ? *)", 9, "day-of-month field: 32 is outside 1-31"),
    ("cron(0 0 W * ? *)", 9, "day-of-month field: missing a value"),
  ])
  func rejectsBadFieldsAtTheBadToken(text: String, offset: Int, message: String) {
    #expect(throws: ExpressionError(offset: offset, message: message)) { try ScheduleExpression.parse(text) }
  }

  @Test func offsetsOfCronExpressionParseCountFromItsOwnText() {
    #expect(throws: ExpressionError(offset: 0, message: "minutes field: 61 is outside 0-59")) {
      try CronExpression.parse("61 * * * ? *")
    }
    #expect(
      throws: ExpressionError(
        offset: 7, message: "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 4")
    ) {
      try CronExpression.parse("0 0 * *")
    }
  }
}
