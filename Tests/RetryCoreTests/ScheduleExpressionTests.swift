import Testing

@testable import RetryCore

@Suite struct ScheduleExpressionTests {
  @Test func rateFiresAtTheStartThenEveryPeriod() throws {
    let schedule = try ScheduleExpression.parse("rate(5 minutes)")
    #expect(schedule.text == "rate(5 minutes)")
    #expect(schedule.kind == .rate(value: 5, unit: .minute))
    #expect(schedule.period == 300_000)
    #expect(schedule.fireTimes(from: 1_234, count: 3) == [1_234, 301_234, 601_234])
    #expect(schedule.fireTimes(from: -600_000, count: 3) == [-600_000, -300_000, 0])
    #expect(schedule.fireTimes(from: 0, count: 0).isEmpty)
    #expect(schedule.fireTimes(from: 0, count: -1).isEmpty)
  }

  @Test(arguments: [
    ("rate(1 minute)", 60_000, "every minute"),
    ("rate(2 minutes)", 120_000, "every 2 minutes"),
    ("rate(1 hour)", 3_600_000, "every hour"),
    ("rate(12 hours)", 43_200_000, "every 12 hours"),
    ("rate(1 day)", 86_400_000, "every day"),
    ("rate(7 days)", 604_800_000, "every 7 days"),
    ("  rate(  030   minutes )  ", 1_800_000, "every 30 minutes"),
  ])
  func rateUnitsAndDescriptions(text: String, period: Milliseconds, description: String) throws {
    let schedule = try ScheduleExpression.parse(text)
    #expect(schedule.period == period)
    #expect(schedule.description == description)
  }

  @Test func rateIsEfficientForManyFirings() throws {
    let times = try ScheduleExpression.parse("rate(1 minute)").fireTimes(from: 0, count: 100_000)
    #expect(times.count == 100_000)
    #expect(times.last == 99_999 * 60_000)
  }

  @Test func cronHasNoPeriodAndDelegatesToCronExpression() throws {
    let schedule = try ScheduleExpression.parse("cron(0 10 * * ? *)")
    #expect(schedule.period == nil)
    #expect(schedule.description == "at 10:00 UTC, every day")
    let start = ISO8601.parse("2019-09-20T09:00:00Z")!
    #expect(
      schedule.fireTimes(from: start, count: 2).map(ISO8601.seconds) == [
        "2019-09-20T10:00:00Z", "2019-09-21T10:00:00Z",
      ])
    guard case .cron(let cron) = schedule.kind else {
      Issue.record("expected a cron expression")
      return
    }
    #expect(cron.fireTimes(from: start, count: 2) == schedule.fireTimes(from: start, count: 2))
  }

  /// Every error message, and the offset of the character it points at.
  @Test(arguments: [
    ("", 0, "expected 'rate(...)' or 'cron(...)'"),
    ("rate 5 minutes", 0, "expected 'rate(...)' or 'cron(...)'"),
    ("  Rate(5 minutes)", 2, "expected 'rate(...)' or 'cron(...)'"),
    ("at(2019-09-20T09:00:00)", 0, "expected 'rate(...)' or 'cron(...)'"),
    ("rate(5 minutes", 14, "missing ')' at the end of the expression"),
    ("rate(5 minutes) now", 16, "unexpected text after ')'"),
    ("rate()", 5, "rate needs a value and a unit, like rate(5 minutes)"),
    ("rate(5)", 6, "rate needs a value and a unit, like rate(5 minutes)"),
    ("rate(5 minutes please)", 15, "rate needs a value and a unit, like rate(5 minutes)"),
    ("rate(0 minutes)", 5, "rate value must be a positive integer, got '0'"),
    ("rate(-5 minutes)", 5, "rate value must be a positive integer, got '-5'"),
    ("rate(1.5 hours)", 5, "rate value must be a positive integer, got '1.5'"),
    ("rate(five minutes)", 5, "rate value must be a positive integer, got 'five'"),
    ("rate(99999999999999999999 days)", 5, "rate value 99999999999999999999 is too large"),
    ("rate(200000000000000 days)", 5, "rate value 200000000000000 is too large"),
    ("rate(5 weeks)", 7, "unknown rate unit 'weeks'; use minute(s), hour(s) or day(s)"),
    ("rate(5 Minutes)", 7, "unknown rate unit 'Minutes'; use minute(s), hour(s) or day(s)"),
    ("rate(1 minutes)", 7, "use 'minute' for a rate of 1"),
    ("rate(1 hours)", 7, "use 'hour' for a rate of 1"),
    ("rate(01 days)", 8, "use 'day' for a rate of 1"),
    ("rate(5 minute)", 7, "use 'minutes' for a rate above 1"),
    ("rate(2 hour)", 7, "use 'hours' for a rate above 1"),
    ("rate(30 day)", 8, "use 'days' for a rate above 1"),
    ("cron(0 10 * * ?)", 15, "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5"),
    ("cron(0 10 * * ? * *)", 18, "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 7"),
    ("cron(0 10 * * ? *", 17, "missing ')' at the end of the expression"),
  ])
  func rejectsBadExpressions(text: String, offset: Int, message: String) {
    #expect(throws: ExpressionError(offset: offset, message: message)) { try ScheduleExpression.parse(text) }
  }
}
