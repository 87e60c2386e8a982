import RetryCore
import Testing

@testable import RetryLogs

/// What real inputs do to an import (issue 12, item 22): the same events in two files, empty
/// files, stray NUL bytes, byte order marks, mixed formats, Python's `[INFO]` first line, a
/// timestamp before START, an init phase that timed out.
@Suite struct ImportInputQuirksTests {
  static let id = "0c1d2e3f-aaaa-4bbb-8ccc-123456789abc"

  /// Imports named byte inputs as one import, as `TraceLoader` does (several files: de-duplicated).
  static func load(_ inputs: [(String, [UInt8])], options: LogImporter.Options = .init(), chunk: Int = 97) throws -> (
    Trace, ImportSummary
  ) {
    var options = options
    options.deduplicate = inputs.count > 1
    let importer = LogImporter(options: options)
    for (name, bytes) in inputs { try importer.read(MemoryByteSource(bytes, chunkLimit: chunk), name: name) }
    return try importer.finish()
  }

  static func lines(_ name: String) -> [String] {
    String(decoding: ImportFixture.bytes(name), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  static func bytes(_ lines: some Sequence<String>) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) }

  // MARK: - (a) The same events in two files

  @Test(arguments: [
    "raw-async-retries.log", "raw-new-timeout.log", "tail-client-retry.txt", "filter-log-events-pages.json",
    "get-log-events-pages.json", "json-log-format.log", "insights.csv", "insights-query-results.json",
  ])
  func theSameFileTwiceCountsOnce(_ name: String) throws {
    let options = LogImporter.Options(correlate: "event.userId")
    let (once, single) = try ImportFixture.load([name], options: options)
    let (twice, summary) = try ImportFixture.load([name, name], options: options)
    #expect(twice.attempts == once.attempts)
    #expect(twice.effects == once.effects)
    #expect(twice.waits == once.waits)
    #expect(summary.duplicatesDropped == single.messages)
    #expect(summary.messages == single.messages)
    #expect(summary.skipped == single.skipped)
    #expect(summary.text.contains("duplicates dropped: \(single.messages) log events read twice (the same event in more than one file)"))
  }

  @Test func overlappingTextExportsDropOnlyTheOverlap() throws {
    let lines = Self.lines("tail-client-retry.txt")
    // Two downloads of the same stream: lines 1-12 and 8-19.
    let (whole, _) = try ImportFixture.load(["tail-client-retry.txt"])
    let (joined, summary) = try Self.load([("first.txt", Self.bytes(lines[0..<12])), ("second.txt", Self.bytes(lines[7...]))])
    #expect(joined.attempts == whole.attempts)
    #expect(joined.effects == whole.effects)
    #expect(summary.duplicatesDropped == 5)
  }

  @Test func overlappingAPIPagesAreJoinedByEventId() throws {
    // The same event under another stream name and time would not match by content: the id does.
    let event = { (id: String, message: String) in
      "{\"logStreamName\":\"s\",\"timestamp\":1718000000000,\"message\":\"\(message)\",\"eventId\":\"\(id)\"}"
    }
    let start = event("1", "START RequestId: \(Self.id) Version: $LATEST")
    let report = event("2", "REPORT RequestId: \(Self.id)\\tDuration: 1.00 ms\\tBilled Duration: 1 ms")
    let first = "{\"events\":[\(start),\(report)]}"
    let second = "{\"events\":[\(report.replacing("\"s\"", with: "\"t\""))]}"
    let (trace, summary) = try Self.load([("a.json", Array(first.utf8)), ("b.json", Array(second.utf8))])
    #expect(trace.attempts.count == 1)
    #expect(summary.skipped.isEmpty, "the second REPORT would be an orphan END")
    #expect(summary.duplicatesDropped == 1)
  }

  @Test func anInsightsCSVRowAppendedTwiceIsReadOnceByItsPointer() throws {
    let header = "@timestamp,@message,@logStream,@ptr"
    let start = "2024-03-01 12:00:00.000,START RequestId: \(Self.id) Version: $LATEST,s,CmAKJwojMDEyMzQ1Njc4OTAxOk"
    let report = "2024-03-01 12:00:00.025,\"REPORT RequestId: \(Self.id)\tDuration: 25.00 ms\",s,CmAKJwojMDEyMzQ1Njc4OTAxOl"
    // One file holds the REPORT row twice (two exports pasted together): same pointer, read once.
    let (trace, summary) = try Self.load([
      ("a.csv", Self.bytes([header, start, report, report])), ("b.csv", Self.bytes([header, report])),
    ])
    #expect(trace.attempts.map(\.duration) == [25])
    #expect(summary.skipped.isEmpty, "a second REPORT would be an orphan")
    #expect(summary.duplicatesDropped == 2)
  }

  @Test func aLineTwiceInOneFileIsKeptAndStillMatchedAcrossFiles() throws {
    // The handler logged the same effect twice within one millisecond: two effects, in one file.
    let text = [
      "START RequestId: \(Self.id) Version: $LATEST",
      "2024-01-01T00:00:00.000Z\t\(Self.id)\tINFO\t{\"effect\":{\"kind\":\"post\",\"target\":\"hook\",\"key\":\"k\"}}",
      "2024-01-01T00:00:00.000Z\t\(Self.id)\tINFO\t{\"effect\":{\"kind\":\"post\",\"target\":\"hook\",\"key\":\"k\"}}",
      "END RequestId: \(Self.id)",
      "REPORT RequestId: \(Self.id)\tDuration: 1.00 ms\tBilled Duration: 1 ms",
    ]
    let (once, _) = try Self.load([("a.log", Self.bytes(text))])
    #expect(once.effects.count == 2)
    let (twice, summary) = try Self.load([("a.log", Self.bytes(text)), ("copy.log", Self.bytes(text))])
    #expect(twice.effects.count == 2)
    #expect(twice.attempts.count == 1)
    #expect(summary.duplicatesDropped == 5)
  }

  @Test func aRetryInAnotherFileIsNoDuplicateOfItsFirstExecution() throws {
    // Lambda's retry repeats the request id: START and END read the same, at another time.
    let lines = Self.lines("raw-async-retries.log")
    let (whole, _) = try ImportFixture.load(["raw-async-retries.log"])
    let (joined, summary) = try Self.load([("day1.log", Self.bytes(lines[0..<13])), ("day2.log", Self.bytes(lines[13...]))])
    #expect(joined.attempts == whole.attempts)
    #expect(summary.duplicatesDropped == 0)
    #expect(!summary.text.contains("duplicates dropped"))
  }

  // MARK: - (b) Empty files

  @Test func anEmptyFileAmongOthersIsSkippedWithANote() throws {
    let (whole, _) = try ImportFixture.load(["raw-async-retries.log"])
    let (trace, summary) = try Self.load([
      ("empty.log", []), ("app.log", ImportFixture.bytes("raw-async-retries.log")), ("blank.log", Array(" \n\r\n\t\n".utf8)),
    ])
    #expect(trace.attempts == whole.attempts)
    #expect(summary.inputs.map(\.name) == ["app.log"])
    #expect(summary.emptyInputs == ["empty.log", "blank.log"])
    #expect(summary.text.contains("note: empty.log: empty file, skipped\nnote: blank.log: empty file, skipped\n"))
  }

  @Test func everyFileEmptyIsOneError() {
    #expect(throws: ImportError.notALog("nothing to import: every file is empty (a.log, b.log)")) {
      _ = try Self.load([("a.log", []), ("b.log", Array("\n\n".utf8))])
    }
    #expect(throws: ImportError.notALog("a.log: empty file, nothing to import")) {
      _ = try Self.load([("a.log", [0xEF, 0xBB, 0xBF])])
    }
  }

  // MARK: - (c) NUL bytes

  /// A line with a NUL is skipped and counted the same wherever it is: in the first 64 KiB
  /// (where the format is detected) or after them.
  @Test(arguments: [0, 5_000]) func aLineWithANULIsSkippedWhereverItIs(_ padding: Int) throws {
    var lines = Self.lines("raw-async-retries.log")
    // Ordinary output lines push the NUL line past the first 64 KiB for the second case.
    let filler = Array(repeating: "2024-05-02T10:00:00.000Z\t\(String(repeating: "x", count: 8))\tINFO\tpadding line of the log", count: padding)
    lines.insert(contentsOf: filler, at: 2)
    lines.insert("garbage\u{0}\u{0}\u{0}written by a crash", at: 2 + padding)
    let (trace, summary) = try Self.load([("app.log", Self.bytes(lines))])
    #expect(trace.attempts.count == 3)
    #expect(summary.skipped.map(\.reason) == [.binaryLine])
    #expect(summary.skipped[0].firstLines == [3 + padding])
    #expect(summary.text.contains("  1 a line with a NUL byte (binary data) (line \(3 + padding))"))
  }

  @Test func aNULInAnAPIEventsMessageSkipsThatEvent() throws {
    let page = """
      {"events":[
      {"timestamp":1,"message":"START RequestId: \(Self.id) Version: $LATEST"},
      {"timestamp":2,"message":"bad\\u0000bytes"},
      {"timestamp":3,"message":"REPORT RequestId: \(Self.id)\\tDuration: 1.00 ms"}]}
      """
    let (trace, summary) = try Self.load([("page.json", Array(page.utf8))])
    #expect(trace.attempts.count == 1)
    #expect(summary.skipped.map(\.reason) == [.binaryLine])
    #expect(summary.skipped[0].firstLines == [3])
  }

  @Test func aFileThatIsNotTextIsStillRefused() {
    var elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]
    for index in 0..<4_000 { elf.append(UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7)) }
    #expect(throws: ImportError.notALog(
      "a.out: not a Lambda log (binary data); expected Lambda log text, aws logs tail output, CloudWatch Logs JSON or a Logs Insights export"
    )) {
      _ = try Self.load([("a.out", elf)])
    }
  }

  // MARK: - (e) A byte order mark

  @Test(arguments: ["raw-async-retries.log", "filter-log-events-pages.json", "insights.csv", "json-log-format.log", "tail-client-retry.txt"])
  func aByteOrderMarkIsNoPartOfTheLog(_ name: String) throws {
    let (plain, plainSummary) = try ImportFixture.load([name])
    let (marked, summary) = try Self.load([(name, [0xEF, 0xBB, 0xBF] + ImportFixture.bytes(name))])
    #expect(summary.inputs.map(\.format) == plainSummary.inputs.map(\.format))
    #expect(marked.attempts == plain.attempts)
    #expect(marked.effects == plain.effects)
    #expect(summary.skipped == plainSummary.skipped)
  }

  @Test func aByteOrderMarkBeforeTheFirstStartKeepsIt() throws {
    let text = "\u{FEFF}START RequestId: \(Self.id) Version: $LATEST\nEND RequestId: \(Self.id)\nREPORT RequestId: \(Self.id)\tDuration: 1.00 ms\n"
    let (trace, summary) = try Self.load([("bom.log", Array(text.utf8))])
    #expect(trace.attempts.map(\.outcome) == [.success])
    #expect(summary.skipped.isEmpty)
  }

  // MARK: - (f) Mixed formats in one file

  @Test func aConsoleCopyFollowedByTailOutputReadsBoth() throws {
    let raw = Self.lines("raw-async-retries.log").filter { !$0.isEmpty }
    let tail = Self.lines("tail-client-retry.txt").filter { !$0.isEmpty }
    for (first, second) in [(raw, tail), (tail, raw)] {
      let (trace, summary) = try Self.load([("mixed.log", Self.bytes(first + second))])
      #expect(trace.attempts.count == 6, "\(summary.inputs.map(\.format))")
      #expect(trace.effects.count == 7)
      #expect(summary.skipped.isEmpty)
    }
  }

  @Test func linesOfAnotherFormatAreNamedInTheSummary() throws {
    let page = String(decoding: ImportFixture.bytes("get-log-events-pages.json"), as: UTF8.self)
    let text = page + "\nSTART RequestId: \(Self.id) Version: $LATEST\nEND RequestId: \(Self.id)\n"
    let (_, summary) = try Self.load([("pages.json", Array(text.utf8))])
    let pageLines = page.split(separator: "\n", omittingEmptySubsequences: false).count
    #expect(summary.skipped.map(\.reason) == [.notInFormat])
    #expect(summary.skipped[0].firstLines == [pageLines + 1, pageLines + 2])
    #expect(
      summary.text.contains(
        "  2 a line not in the detected format, CloudWatch Logs API JSON (get-log-events / filter-log-events) (lines \(pageLines + 1), \(pageLines + 2))"))
  }

  @Test func anAPIPagePastedIntoATextLogIsRead() throws {
    let raw = Self.lines("raw-async-retries.log").filter { !$0.isEmpty }
    let page = String(decoding: ImportFixture.bytes("get-log-events-pages.json"), as: UTF8.self)
    let (pages, _) = try ImportFixture.load(["get-log-events-pages.json"])
    let (trace, _) = try Self.load([("mixed.log", Array((raw.joined(separator: "\n") + "\n" + page).utf8))])
    // The page holds the same request id's three executions again, a day apart.
    #expect(trace.attempts.count == 3 + pages.attempts.count)
  }

  // MARK: - (g) Python's `[INFO]` first line

  @Test func aPythonLogStartingWithINFOIsText() throws {
    let text = """
      [INFO]\t2025-11-23T00:37:28.259Z\t\(Self.id)\tFound credentials in environment variables.
      START RequestId: \(Self.id) Version: $LATEST
      [INFO]\t2025-11-23T00:37:28.300Z\t\(Self.id)\t{"effect": {"kind": "insert", "target": "t", "key": "k"}}
      END RequestId: \(Self.id)
      REPORT RequestId: \(Self.id)\tDuration: 50.00 ms\tBilled Duration: 50 ms
      """
    var copy = text
    #expect(copy.withUTF8 { LogFormat.detect($0) } == .text)
    let (trace, summary) = try Self.load([("python.log", Array(text.utf8))])
    #expect(summary.inputs.map(\.format) == [.text])
    #expect(trace.attempts.count == 1)
    #expect(trace.effects.map(\.kind) == [.insert])
  }

  // MARK: - (h) A timestamp before START

  @Test func aTimestampPrefixBeforePlatformLinesGivesTheirTime() throws {
    let text = """
      2025-11-23 00:37:28.259000+00:00: INIT_START Runtime Version: python:3.13.v74
      2025-11-23 00:37:28.400000+00:00: START RequestId: \(Self.id) Version: $LATEST
      2025-11-23 00:37:28.410000+00:00: [INFO]\t2025-11-23T00:37:28.410Z\t\(Self.id)\t{"effect": {"kind": "insert", "target": "t", "key": "k"}}
      2025-11-23 00:37:28.450000+00:00: END RequestId: \(Self.id)
      2025-11-23 00:37:28.450000+00:00: REPORT RequestId: \(Self.id)\tDuration: 50.00 ms\tBilled Duration: 50 ms\tInit Duration: 140.00 ms
      """
    let (trace, summary) = try Self.load([("console.log", Array(text.utf8))])
    #expect(trace.attempts.count == 1)
    #expect(trace.meta.origin == ISO8601.parse("2025-11-23T00:37:28.400Z"))
    #expect(trace.attempts[0].outcome == .success)
    #expect(trace.attempts[0].duration == 50)
    #expect(summary.hasTimestamps)
    #expect(summary.skipped.isEmpty)
  }

  @Test func platformLinesBehindAnUnknownPrefixAreNamedTruthfully() {
    let text = """
      app | START RequestId: \(Self.id) Version: $LATEST
      app | END RequestId: \(Self.id)
      app | REPORT RequestId: \(Self.id)\tDuration: 50.00 ms
      """
    #expect(throws: ImportError.notALog(
      "console.log:1: START, END, REPORT or INIT lines come after a prefix that is not a timestamp (3 lines); expected them at the start of a line, after a timestamp, or in aws logs tail output"
    )) {
      _ = try Self.load([("console.log", Array(text.utf8))])
    }
  }

  // MARK: - (i) An init phase that timed out

  @Test func anInitTimeoutIsImportedAndItsReRunNamed() throws {
    let text = """
      INIT_START Runtime Version: python:3.13.v74\tRuntime Version ARN: arn:aws:lambda:eu-west-2::runtime:8a1f
      INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout
      START RequestId: \(Self.id) Version: $LATEST
      END RequestId: \(Self.id)
      REPORT RequestId: \(Self.id)\tDuration: 1200.00 ms\tBilled Duration: 1200 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB
      INIT_START Runtime Version: python:3.13.v74\tRuntime Version ARN: arn:aws:lambda:eu-west-2::runtime:8a1f
      INIT_REPORT Init Duration: 171.15 ms\tPhase: init\tStatus: error\tError Type: Runtime.Unknown
      """
    let (trace, summary) = try Self.load([("init.log", Array(text.utf8))])
    #expect(trace.attempts.map(\.outcome) == [.success])
    #expect(trace.attemptReports[0]?.initStatus == "timeout")
    #expect(summary.initFailures.map(\.status) == ["timeout", "error"])
    #expect(summary.initFailures.map(\.rerunBy) == ["A#1", nil])
    #expect(
      summary.text.contains(
        "init failures: 2 (init timed out after 10000 ms at line 2, re-run by A#1's START; init failed (Runtime.Unknown) after 171.15 ms at line 7, no START followed in that environment)\n"
      ))
  }

  @Test func onlyAnInitFailureIsStillALog() throws {
    let text = "INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout\n"
    let (trace, summary) = try Self.load([("init.log", Array(text.utf8))])
    #expect(trace.attempts.isEmpty)
    #expect(summary.initFailures.count == 1)
  }
}
