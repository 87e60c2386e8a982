import Testing

@testable import RetryCore

@Suite struct ISO8601Tests {
  static let known: [(text: String, millis: Milliseconds)] = [
    ("1970-01-01T00:00:00Z", 0),
    ("2019-09-20T09:00:00Z", 1_568_970_000_000),
    ("2000-02-29T00:00:00Z", 951_782_400_000),
    ("2100-02-28T23:59:59Z", 4_107_542_399_000),
    ("2100-03-01T00:00:00Z", 4_107_542_400_000),
    ("1999-12-31T23:59:59Z", 946_684_799_000),
    ("2024-12-31T23:59:59Z", 1_735_689_599_000),
    ("2016-12-31T12:00:00Z", 1_483_185_600_000),
    ("1969-12-31T23:59:59Z", -1_000),
    ("1900-01-01T00:00:00Z", -2_208_988_800_000),
    ("1600-02-29T12:00:00Z", -11_670_955_200_000),
    ("0001-01-01T00:00:00Z", -62_135_596_800_000),
    ("9999-12-31T23:59:59Z", 253_402_300_799_000),
  ]

  @Test func formatsAndParsesKnownInstants() {
    for (text, millis) in Self.known {
      #expect(ISO8601.seconds(millis) == text)
      #expect(ISO8601.parse(text) == millis)
    }
  }

  @Test func millisecondPrecision() {
    #expect(ISO8601.millis(1_568_970_000_123) == "2019-09-20T09:00:00.123Z")
    #expect(ISO8601.millis(0) == "1970-01-01T00:00:00.000Z")
    #expect(ISO8601.millis(-1) == "1969-12-31T23:59:59.999Z")
    #expect(ISO8601.millis(951_868_799_999) == "2000-02-29T23:59:59.999Z")
    // `seconds` drops the milliseconds toward the past, also before 1970.
    #expect(ISO8601.seconds(1_568_970_000_999) == "2019-09-20T09:00:00Z")
    #expect(ISO8601.seconds(-1) == "1969-12-31T23:59:59Z")
  }

  /// Every 7 hours, 13 minutes and 17.345 seconds from 1969 to 2101: formatting and parsing are inverse.
  @Test func roundTripsAcrossLeapYearsAndCenturies() {
    let step = ((7 * 60 + 13) * 60 + 17) * 1_000 + 345
    var millis = ISO8601.parse("1969-01-01")!
    let end = ISO8601.parse("2101-01-01")!
    var failures: [Milliseconds] = []
    while millis < end {
      if ISO8601.parse(ISO8601.millis(millis)) != millis { failures.append(millis) }
      if ISO8601.parse(ISO8601.seconds(millis)) != CivilDate.floorDivide(millis, 1_000) * 1_000 {
        failures.append(millis)
      }
      millis += step
    }
    #expect(failures.isEmpty)
  }

  @Test func endOfYearRollsOver() {
    let lastMillisecond = ISO8601.parse("2023-12-31T23:59:59.999Z")!
    #expect(ISO8601.millis(lastMillisecond + 1) == "2024-01-01T00:00:00.000Z")
    let leapDayEnd = ISO8601.parse("2024-02-29T23:59:59.999Z")!
    #expect(ISO8601.millis(leapDayEnd + 1) == "2024-03-01T00:00:00.000Z")
  }

  @Test func parsesFractionsOffsetsAndBareDates() {
    #expect(ISO8601.parse("2019-09-20T09:00:00.123Z") == 1_568_970_000_123)
    #expect(ISO8601.parse("2019-09-20T09:00:00.1Z") == 1_568_970_000_100)
    #expect(ISO8601.parse("2019-09-20T09:00:00.12Z") == 1_568_970_000_120)
    #expect(ISO8601.parse("2019-09-20T09:00:00.123999Z") == 1_568_970_000_123)  // truncated, not rounded
    #expect(ISO8601.parse("2019-09-20T11:00:00+02:00") == 1_568_970_000_000)
    #expect(ISO8601.parse("2019-09-20T03:30:00-05:30") == 1_568_970_000_000)
    #expect(ISO8601.parse("2019-09-20T09:00:00.5+00:00") == 1_568_970_000_500)
    #expect(ISO8601.parse("2019-09-20") == 1_568_937_600_000)
    #expect(ISO8601.parse("1969-07-20") == -14_256_000_000)
    // An offset can move the instant across a day, month and year boundary.
    #expect(ISO8601.parse("2000-01-01T01:00:00+02:00") == ISO8601.parse("1999-12-31T23:00:00Z"))
  }

  @Test(arguments: [
    "", "2019", "2019-09", "2019-9-20", "19-09-20", "2019/09/20", "2019-09-20T", "2019-09-20T09:00",
    "2019-09-20T09:00:00", "2019-09-20 09:00:00Z", "2019-09-20T09:00:00z", "2019-09-20T09:00:00.Z",
    "2019-09-20T09:00:00ZZ", "2019-09-20T09:00:00+02", "2019-09-20T09:00:00+0200", "2019-09-20T09:00:00+24:00",
    "2019-09-20T09:00:00+02:60", " 2019-09-20", "2019-09-20 ",
    "2019-13-01", "2019-00-10", "2019-02-29", "2019-02-30", "2100-02-29", "2019-04-31", "2019-09-00",
    "2019-09-20T24:00:00Z", "2019-09-20T09:60:00Z", "2019-09-20T09:00:60Z", "2019-09-2OT09:00:00Z",
    "２０１９-09-20",
  ])
  func rejectsInvalidText(text: String) {
    #expect(ISO8601.parse(text) == nil)
  }

  @Test func acceptsLeapDaysThatExist() {
    #expect(ISO8601.parse("2000-02-29") == 951_782_400_000)
    #expect(ISO8601.parse("2024-02-29T12:00:00Z") != nil)
  }
}
