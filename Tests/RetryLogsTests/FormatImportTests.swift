import RetryCore
import Testing

@testable import RetryLogs

/// One fixture per container and runtime format, each written from the formats documented in
/// lambda-semantics.md §5, with the attempts, waits and effects it must rebuild.
@Suite struct FormatImportTests {
  @Test func oldTimeoutLineAfterReportWithCRLFLineEnds() throws {
    let (trace, summary) = try ImportFixture.load(["raw-old-timeout-crlf.log"])
    #expect(summary.inputs.map(\.format) == [.text])
    #expect(trace.invocations.map(\.type) == [.event])
    #expect(trace.attempts.map(\.outcome) == [.timeout, .success])
    #expect(trace.attempts[0].errorType == "Sandbox.Timedout")
    #expect(trace.attempts[0].errorMessage == "Task timed out after 3.00 seconds")
    // START has no time of its own: it takes its first stamped line's (23:41:11.910); the
    // timeout line at 23:41:14.915 comes after REPORT and does not stretch the execution.
    #expect(trace.meta.origin == ISO8601.parse("2024-02-23T23:41:11.910Z"))
    #expect(trace.attempts.map(\.start) == [0, 68_091])
    #expect(trace.attempts.map(\.end) == [3_004, 68_501])
    #expect(trace.waits == [TraceWait(invocation: "A", from: 3_004, to: 68_091, reason: .retryDelay, beforeAttempt: 2)])
    // The print() line has no request id: it belongs to the request running in the stream.
    #expect(trace.effects.map(\.actor) == ["A#1", "A#2"])
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0])
    #expect(trace.attemptReports[0]?.version == "7")
    #expect(trace.attemptReports[1]?.billedDurationMs == 500)
    #expect(trace.meta.functionTimeout == 3_000)
    #expect(summary.skipped.isEmpty)
  }

  @Test func newTimeoutStatusInitTimeoutAndAnUnhandledPythonError() throws {
    let (trace, summary) = try ImportFixture.load(["raw-new-timeout.log"])
    #expect(trace.invocations.map(\.type) == [.unknown, .unknown])
    #expect(trace.attempts.map(\.outcome) == [.timeout, .error])
    // No line is stamped: executions follow one another, each as long as its REPORT says.
    #expect(!summary.hasTimestamps)
    #expect(summary.text.contains("note: no line has a timestamp"))
    #expect(trace.attempts.map(\.start) == [0, 3_001])
    #expect(trace.attempts.map(\.duration) == [3_000, 2])
    // The init phase timed out (10 s), and its retry inside the invoke did too.
    #expect(trace.attemptReports[0]?.initDurationMs == 10_000.04)
    #expect(trace.attemptReports[0]?.status == "timeout")
    #expect(trace.attempts[0].errorMessage == "init timed out (Phase: invoke)")
    // `[ERROR] Exception: uh oh` has no request id: it is the running request's failure.
    #expect(trace.attempts[1].errorType == "Exception")
    #expect(trace.attempts[1].errorMessage == "uh oh")
    #expect(summary.coldStarts == 1)
  }

  @Test func tailOutputWithAClientRetryTiedByTheCorrelationKey() throws {
    let options = LogImporter.Options(correlate: "event.userId")
    let (trace, summary) = try ImportFixture.load(["tail-client-retry.txt"], options: options)
    #expect(summary.inputs.map(\.format) == [.tail])
    #expect(trace.invocations.map(\.label) == ["userId=u-42", "userId=u-43"])
    #expect(trace.attempts.map(\.label) == ["A#1", "A#2", "B#1"])
    #expect(trace.attempts.map(\.caller) == [.client, .newRequest, .client])
    // The retry starts 1.15 s in, while A#1 runs on until 5.05 s: two executions at once.
    #expect(trace.attempts.map(\.start) == [0, 1_150, 8_820])
    #expect(trace.attempts[0].end > trace.attempts[1].start)
    #expect(trace.waits.isEmpty)
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0, nil])
    #expect(trace.effects.map(\.version) == [1, 2, 3])
    #expect(trace.attemptReports[0]?.logStream == "2024/06/11/[$LATEST]4f2a9c1d8e7b6a5f4e3d2c1b0a998877")
    #expect(trace.attemptReports[1]?.initDurationMs == 160.02)
    #expect(trace.attemptReports[2]?.isColdStart == false)
    #expect(summary.newRequests == 1)
    #expect(summary.text.contains("1 invocation retried (1 new request id tied by event.userId)"))
  }

  @Test func withoutCorrelationEveryRequestIdIsItsOwnInvocation() throws {
    let (trace, _) = try ImportFixture.load(["tail-client-retry.txt"])
    #expect(trace.invocations.count == 3)
    #expect(trace.effects.allSatisfy { $0.duplicateOf == nil })
  }

  @Test func logEventsPagesOutOfOrderAreReadInTimeOrder() throws {
    let options = LogImporter.Options(correlate: "event.Records.0.messageId")
    let (trace, summary) = try ImportFixture.load(["filter-log-events-pages.json"], options: options)
    #expect(summary.inputs.map(\.format) == [.events])
    #expect(summary.messages == 12)
    #expect(trace.invocations.map(\.label) == ["messageId=059f36b4-87a3-44ab-83d2-661975830a7d"])
    #expect(trace.attempts.map(\.requestId) == ["11111111-aaaa-4bbb-8ccc-000000000001", "22222222-aaaa-4bbb-8ccc-000000000002"])
    #expect(trace.attempts.map(\.start) == [0, 30_500])
    #expect(trace.attempts.map(\.end) == [35_010, 31_010])
    // Both stored the invoice and charged: the redelivery's charge comes first in time.
    #expect(trace.effects.map(\.actor) == ["A#1", "A#2", "A#2", "A#1"])
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0, nil, 2])
    #expect(trace.effects.map(\.step) == ["store-invoice", "store-invoice", "charge", "charge"])
    #expect(summary.duplicateEffects == 2)
  }

  /// `get-log-events` reads one stream: its events name none, and its pages carry forward and
  /// backward tokens instead of `nextToken`.
  @Test func getLogEventsPagesOfOneStream() throws {
    let (trace, summary) = try ImportFixture.load(["get-log-events-pages.json"])
    #expect(summary.inputs.map(\.format) == [.events])
    #expect(summary.messages == 19)
    #expect(trace.meta.origin == ISO8601.parse("2024-05-02T10:00:00Z"))
    #expect(trace.attempts.map(\.label) == ["A#1", "A#2", "A#3"])
    #expect(trace.attempts.map(\.start) == [0, 65_400, 192_002])
    #expect(trace.attempts.map(\.duration) == [152, 98, 120])
    #expect(trace.attempts.map(\.outcome) == [.error, .error, .success])
    #expect(trace.waits.map(\.length) == [65_400 - 152, 192_002 - 65_498])
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0, 0, nil])
    #expect(trace.attemptReports[0]?.logStream == nil)
    #expect(trace.attemptReports[0]?.isColdStart == true)
  }

  @Test func aTruncatedPageKeepsWhatCameBeforeTheCut() throws {
    let options = LogImporter.Options(correlate: "event.Records.0.messageId")
    let (trace, summary) = try ImportFixture.load(["filter-log-events-truncated.json"], options: options)
    #expect(summary.skipped.map(\.reason) == [.truncatedRecord])
    #expect(summary.skipped.map(\.count) == [1])
    #expect(summary.skipped[0].firstLines == [85])
    // The redelivery's event line is the one cut off: it cannot be tied to the message.
    #expect(trace.invocations.count == 2)
    #expect(trace.attempts.count == 2)
    #expect(trace.effects.count == 4)
  }

  @Test func jsonLogFormatWithPlatformRecordsAndPowertoolsLines() throws {
    let (trace, summary) = try ImportFixture.load(["json-log-format.log"])
    #expect(summary.inputs.map(\.format) == [.text])
    #expect(trace.attempts.map(\.label) == ["A#1", "A#2", "B#1"])
    #expect(trace.attempts.map(\.outcome) == [.error, .success, .timeout])
    #expect(trace.attempts[0].errorType == "ConnectionError")
    #expect(trace.attempts[0].errorMessage == "smtp timeout")
    #expect(trace.attempts.map(\.start) == [0, 65_100, 225_000])
    #expect(trace.attempts.map(\.duration) == [694, 350, 3_000])
    #expect(trace.attemptReports[0]?.initDurationMs == 397.68)
    #expect(trace.attemptReports[0]?.billedDurationMs == 694)
    // An effect as a JSON message object, and as a string holding JSON.
    #expect(trace.effects.map(\.kind) == [.insert, .insert, .post])
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0, nil])
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
    #expect(summary.skipped.map(\.reason) == [.malformedJSON])
    #expect(summary.skipped[0].firstLines == [17])
  }

  @Test(arguments: ["insights.csv", "insights.json", "insights-query-results.json"])
  func insightsExports(_ name: String) throws {
    let (trace, summary) = try ImportFixture.load([name])
    #expect(summary.inputs.map(\.format) == [name.hasSuffix(".csv") ? .insightsCSV : .insightsJSON])
    #expect(summary.messages == 5)
    #expect(trace.attempts.count == 1)
    #expect(trace.attempts[0].outcome == .error)
    // The Invoke Error's JSON spans lines inside one quoted message.
    #expect(trace.attempts[0].errorType == "TypeError")
    #expect(trace.attempts[0].errorMessage == "Cannot read properties of undefined (reading 'id')")
    #expect(trace.attempts[0].duration == 25)
    #expect(trace.meta.origin == ISO8601.parse("2024-03-01T12:00:00Z"))
    #expect(trace.effects.map(\.kind) == [.delete])
    #expect(trace.effects.map(\.time) == [10])
    #expect(trace.attemptReports[0]?.logStream == "2024/03/01/[$LATEST]abcdefabcdefabcdefabcdefabcdef12")
  }

  @Test(arguments: [
    "raw-async-retries.log", "raw-old-timeout-crlf.log", "tail-client-retry.txt", "filter-log-events-pages.json",
    "get-log-events-pages.json", "json-log-format.log", "insights.csv", "insights-query-results.json",
  ])
  func everyChunkSizeGivesTheSameTrace(_ name: String) throws {
    let options = LogImporter.Options(correlate: "event.userId")
    let (whole, _) = try ImportFixture.load([name], options: options, chunk: .max)
    for chunk in [1, 2, 3, 7, 16, 64, 333] {
      let (trace, _) = try ImportFixture.load([name], options: options, chunk: chunk)
      #expect(trace.attempts == whole.attempts, "chunk \(chunk)")
      #expect(trace.effects == whole.effects, "chunk \(chunk)")
      #expect(trace.waits == whole.waits, "chunk \(chunk)")
      #expect(trace.events == whole.events, "chunk \(chunk)")
    }
  }
}
