import RetryCore
import Testing

@testable import RetryLogs

/// An import builds only traces the trace reader accepts (docs/trace-format.md, "Bounds"): a line
/// whose time is out of range is skipped and named in the summary, durations cannot carry an
/// execution past 100 years, and no extreme time reaches an arithmetic that would trap.
@Suite struct ImportTimeBoundsTests {
  static let first = "aaaaaaaa-0000-4000-8000-000000000001"
  static let second = "aaaaaaaa-0000-4000-8000-000000000002"

  /// Two executions on 2025-03-01, with `line` between them (the 4th line).
  static func log(between line: String) -> String {
    """
    2025-03-01T10:00:00.000Z START RequestId: \(first) Version: $LATEST
    2025-03-01T10:00:00.100Z END RequestId: \(first)
    2025-03-01T10:00:00.100Z REPORT RequestId: \(first)\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
    \(line)
    2025-03-01T10:01:00.000Z START RequestId: \(second) Version: $LATEST
    2025-03-01T10:01:00.200Z END RequestId: \(second)
    2025-03-01T10:01:00.200Z REPORT RequestId: \(second)\tDuration: 200.00 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB
    """
  }

  /// Every time of `trace` within the bounds the trace reader checks.
  static func isWithinBounds(_ trace: Trace) -> Bool {
    let times = ImportBounds.times
    return ImportBounds.origins.contains(trace.meta.origin)
      && trace.attempts.allSatisfy { times.contains($0.start) && times.contains($0.end) && $0.start <= $0.end }
      && trace.invocations.allSatisfy { times.contains($0.at) }
      && trace.effects.allSatisfy { times.contains($0.time) }
      && trace.waits.allSatisfy { times.contains($0.from) && times.contains($0.to) }
      && trace.outcomes.allSatisfy { times.contains($0.time) }
      && trace.events.allSatisfy { times.contains($0.time) }
      && zip(trace.events, trace.events.dropFirst()).allSatisfy { $0.time <= $1.time }
      && trace.attemptReports.values.allSatisfy { report in
        [report.memorySizeMB, report.maxMemoryUsedMB].allSatisfy { $0.map { (0...Int(Int32.max)).contains($0) } ?? true }
      }
  }

  /// The bogus line is left out and named; the trace is the minute of 2025 the other lines span.
  @Test(arguments: [
    "9999-12-31T23:59:59.999Z\t\(second)\tINFO\tafter the year 9899",
    "0000-01-01T00:00:00.000+01:00\t\(second)\tINFO\tbefore the year 0000",
    "1900-01-01T00:00:00.000Z\t\(second)\tINFO\tmore than 100 years before the first line",
    "2200-01-01T00:00:00.000Z\t\(second)\tINFO\tmore than 100 years after the first line",
    "{\"time\": 9223372036854775807, \"requestId\": \"\(second)\", \"message\": \"the largest integer\"}",
    "{\"time\": -9223372036854775808, \"requestId\": \"\(second)\", \"message\": \"the smallest integer\"}",
    "{\"time\": 9.9e14, \"requestId\": \"\(second)\", \"message\": \"a double\"}",
    "{\"type\": \"platform.start\", \"time\": 9223372036854775807, \"record\": {\"requestId\": \"\(second)\"}}",
  ])
  func aLineWithATimeOutOfRangeIsSkippedAndNamed(_ line: String) throws {
    let (trace, summary) = try ImportFixture.load(text: Self.log(between: line))
    #expect(trace.attempts.count == 2)
    #expect(trace.meta.origin == ISO8601.parse("2025-03-01T10:00:00.000Z"))
    #expect(trace.attempts.map(\.end) == [100, 60_200])
    #expect(summary.skipped.map(\.reason) == [.timeOutOfRange])
    #expect(summary.skipped.map(\.firstLines) == [[4]])
    #expect(summary.text.contains("skipped lines: 1\n  1 \(SkipReason.timeOutOfRange.explanation) (line 4)\n"))
    #expect(Self.isWithinBounds(trace))
  }

  @Test func theReasonSaysWhatIsOutOfRange() {
    #expect(
      SkipReason.timeOutOfRange.explanation
        == "a timestamp out of range (before the year 0000, after 9899, or more than 100 years from the lines before it)")
  }

  /// A START stamped in the year 9999: its execution is not in the trace, and its END and REPORT
  /// are orphans (each counted under its own reason).
  @Test func aStartOutOfRangeTakesItsExecutionAlong() throws {
    let text = Self.log(between: "").replacingOccurrences(of: "2025-03-01T10:01:00.000Z START", with: "9999-01-01T00:00:00.000Z START")
    let (trace, summary) = try ImportFixture.load(text: text)
    #expect(trace.attempts.map(\.requestId) == [Self.first])
    #expect(summary.skipped.map(\.reason) == [.orphanEnd, .timeOutOfRange])
    #expect(summary.skipped.map(\.firstLines) == [[6, 7], [5]])
    #expect(Self.isWithinBounds(trace))
  }

  /// A file whose Lambda lines are all at times no trace can hold is refused saying so, with
  /// the first such line, not as "not a Lambda log".
  @Test func aLogWhollyOutOfRangeIsRefusedSayingSo() {
    let text = """
      {"time": 9223372036854775807, "type": "platform.start", "record": {"requestId": "\(Self.first)"}}
      {"time": 9223372036854775807, "type": "platform.report", "record": {"requestId": "\(Self.first)", "metrics": {"durationMs": 5}}}
      """
    #expect(throws: ImportError.notALog(
      "app.log:1: no START, END, REPORT or platform record at a time in range (2 lines have a timestamp before the year 0000, after 9899, or more than 100 years from the lines before it)"
    )) {
      _ = try ImportFixture.load(text: text, name: "app.log")
    }
  }

  /// The second file of an import two centuries after the first: its line is named.
  @Test func aSecondFileOutOfRangeIsNamedWithItsLine() throws {
    let importer = LogImporter()
    try importer.read(MemoryByteSource(Self.log(between: ""), chunkLimit: 97), name: "2025.log")
    let later = "\n2225-03-01T10:00:00.000Z START RequestId: \(Self.second) Version: $LATEST"
    #expect(throws: ImportError.notALog(
      "2225.log:2: no START, END, REPORT or platform record at a time in range (1 line has a timestamp before the year 0000, after 9899, or more than 100 years from the lines before it)"
    )) {
      try importer.read(MemoryByteSource(later, chunkLimit: 97), name: "2225.log")
    }
  }

  /// Times up to 100 years apart are a trace the reader takes: kept as they are.
  @Test func linesWithinOneHundredYearsAreKept() throws {
    let (trace, summary) = try ImportFixture.load(text: Self.log(between: "2124-01-01T00:00:00.000Z\t\(Self.second)\tINFO\tfar, but in range"))
    #expect(summary.skipped.isEmpty)
    #expect(trace.attempts.count == 2)
    #expect(Self.isWithinBounds(trace))
  }

  /// Epoch milliseconds in a Logs Insights CSV, 18 digits: no time at all of a log.
  @Test func anInsightsRowOutOfRangeIsSkipped() throws {
    let text = """
      @timestamp,@message
      2025-03-01 10:00:00.000,START RequestId: \(Self.first) Version: $LATEST
      999999999999999999,"2025-03-01T10:00:00.050Z\t\(Self.first)\tINFO\t{""effect"": {""kind"": ""insert"", ""target"": ""t"", ""key"": ""k""}}"
      2025-03-01 10:00:00.100,END RequestId: \(Self.first)
      2025-03-01 10:00:00.100,REPORT RequestId: \(Self.first)\tDuration: 100.00 ms
      """
    let (trace, summary) = try ImportFixture.load(text: text, name: "insights.csv")
    #expect(trace.attempts.count == 1)
    #expect(trace.effects.isEmpty)
    #expect(summary.skipped.map(\.reason) == [.timeOutOfRange])
    #expect(summary.skipped.map(\.firstLines) == [[3]])
    #expect(Self.isWithinBounds(trace))
  }

  /// A REPORT's duration cannot carry the last execution past 100 years: its end stops there.
  @Test func aDurationCannotCarryAnExecutionPastTheBound() throws {
    let text = """
      2025-03-01T10:00:00.000Z START RequestId: \(Self.first) Version: $LATEST
      2124-12-01T10:00:00.000Z START RequestId: \(Self.second) Version: $LATEST
      2124-12-01T10:00:00.000Z REPORT RequestId: \(Self.second)\tDuration: 999999999999 ms
      """
    let (trace, _) = try ImportFixture.load(text: text)
    #expect(trace.attempts.count == 2)
    #expect(trace.attempts[1].end == ImportBounds.times.upperBound)
    #expect(Self.isWithinBounds(trace))
  }

  /// Without any timestamp, times are rebuilt from REPORT durations: they stop at 100 years too.
  @Test func rebuiltTimesStopAtTheBound() throws {
    let text = (1...6).map { index in
      let id = "bbbbbbbb-0000-4000-8000-00000000000\(index)"
      return "START RequestId: \(id) Version: $LATEST\nREPORT RequestId: \(id)\tDuration: 999999999999 ms"
    }.joined(separator: "\n")
    let (trace, summary) = try ImportFixture.load(text: text)
    #expect(!summary.hasTimestamps)
    #expect(trace.attempts.count == 6)
    #expect(trace.attempts.map(\.start) == [0, 1_000_000_000_000, 2_000_000_000_000, 3_000_000_000_000, 3_155_760_000_000, 3_155_760_000_000])
    #expect(Self.isWithinBounds(trace))
  }

  /// A memory size beyond what a trace holds (2147483647 MB) is no figure.
  @Test func anAbsurdMemorySizeIsLeftOut() throws {
    let text = """
      2025-03-01T10:00:00.000Z START RequestId: \(Self.first) Version: $LATEST
      2025-03-01T10:00:00.100Z REPORT RequestId: \(Self.first)\tDuration: 100.00 ms\tMemory Size: 99999999999 MB\tMax Memory Used: 2147483648 MB
      """
    let (trace, _) = try ImportFixture.load(text: text)
    #expect(trace.attemptReports[0]?.memorySizeMB == nil)
    #expect(trace.attemptReports[0]?.maxMemoryUsedMB == nil)
    #expect(trace.attemptReports[0]?.durationMs == 100)
  }

  /// The bounds are the trace reader's (`TraceJSON.timeRange`, `originRange`; a RetryIO test
  /// holds them equal): 100 years of 365.25 days, years 0000 to 9899.
  @Test func theBoundsAreTheTraceFormats() {
    #expect(ImportBounds.times == 0...3_155_760_000_000)
    #expect(ImportBounds.origins == -62_167_219_200_000...250_246_627_199_999)
  }

  // MARK: - Item 2: the only stamped line before START

  /// Python's runtime writes `[INFO]` lines with a time; Lambda's lines in a bare copy have none.
  /// When the only stamped line comes first, the summary does not say no line has a timestamp,
  /// and the rebuilt times start at that line's.
  @Test func aStampedLineBeforeUnstampedPlatformLinesIsSeen() throws {
    let text = """
      [INFO]\t2025-03-01T10:00:00.000Z\tFound credentials in environment variables.
      START RequestId: \(Self.first) Version: $LATEST
      END RequestId: \(Self.first)
      REPORT RequestId: \(Self.first)\tDuration: 100.00 ms\tBilled Duration: 100 ms
      START RequestId: \(Self.second) Version: $LATEST
      END RequestId: \(Self.second)
      REPORT RequestId: \(Self.second)\tDuration: 200.00 ms\tBilled Duration: 200 ms
      """
    let (trace, summary) = try ImportFixture.load(text: text, name: "python.log")
    #expect(!summary.text.contains("no line has a timestamp"))
    #expect(summary.hasTimestampedLines)
    #expect(!summary.hasTimestamps)
    #expect(
      summary.text.contains(
        "note: no START, END or REPORT line has a timestamp (line 1 has the first); times come from REPORT durations from there on and the waits between executions are unknown\n"
      ))
    #expect(trace.meta.origin == ISO8601.parse("2025-03-01T10:00:00.000Z"))
    #expect(trace.attempts.map(\.start) == [0, 101])
    #expect(trace.attempts.map(\.end) == [100, 301])
    #expect(Self.isWithinBounds(trace))
  }
}
