import Foundation
import RetryCore
import RetryIO
import RetryTUI
import Testing

@testable import RetryScopeCLI

/// `retryscope import` and opening logs and traces: summaries, written traces, one-line errors.
@Suite struct ImportCommandTests {
  static let fixtures: String = {
    let file = #filePath
    let tests = file[..<file.range(of: "/RetryScopeCLITests/")!.lowerBound]
    return String(tests) + "/RetryLogsTests/Fixtures/"
  }()

  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = NSTemporaryDirectory() + "retryscope-import-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
  }

  @Test func importPrintsTheSummary() {
    let path = Self.fixtures + "raw-async-retries.log"
    let result = RetryScope.execute(["import", path])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdout == """
        read \(path) (Lambda log text)
        19 log messages, 3 executions in 1 invocation
        1 invocation retried (2 Lambda retries with the same request id)
        executions: 1 succeeded, 2 failed; 1 cold start
        timeouts: 0
        effects: 4, duplicate effects: 2 (orders[id=o-1] by A#2 (first by A#1); orders[id=o-1] by A#3 (first by A#1))
        skipped lines: 0
        open it: retryscope tui \(path)

        """)
  }

  @Test func importWritesATraceThatReadsBackAndOpensAsIs() throws {
    try Self.withDirectory { directory in
      let out = directory + "/trace.json"
      let path = Self.fixtures + "tail-client-retry.txt"
      let result = RetryScope.execute(["import", path, "--correlate", "event.userId", "--out", out])
      #expect(result.exitCode == 0)
      #expect(result.stdout.contains("wrote \(out) ("))
      #expect(result.stdout.hasSuffix("open it: retryscope tui \(out)\n"))
      let trace = try TraceJSONDecoder.load(path: out)
      #expect(trace.meta.source == "import")
      #expect(trace.attempts.map(\.label) == ["A#1", "A#2", "B#1"])
      #expect(trace.attempts.map(\.caller) == [.client, .newRequest, .client])
      #expect(trace.attemptReports[1]?.initDurationMs == 160.02)
      #expect(trace.effects.map(\.duplicateOf) == [nil, 0, nil])
      // The written trace, opened again, is the same trace; importing it is refused.
      let state = try TUISetup.initialState(scenario: out, seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
      #expect(state.session.trace.attempts == trace.attempts)
      #expect(state.session.scenario == nil)
      let again = RetryScope.execute(["import", out])
      #expect(again.exitCode == 2)
      #expect(again.stderr == "error: \(out): is already a RetryScope trace; open it with 'retryscope tui \(out)'\n")
    }
  }

  /// The `open it:` line is a command that works: `tui` reads the same options (`--format` is
  /// `--input-format` there, since `run --format` names the output).
  @Test func theOpenItLineRepeatsTheOptionsAsTuiTakesThem() throws {
    let path = Self.fixtures + "tail-client-retry.txt"
    let result = RetryScope.execute(["import", path, "--format", "tail", "--correlate", "event.userId", "--lanes", "streams"])
    let line = try #require(result.stdout.split(separator: "\n").last)
    #expect(line == "open it: retryscope tui \(path) --input-format tail --correlate event.userId --lanes streams")
    let arguments = line.split(separator: " ").dropFirst(3).map(String.init)
    let command = try RetryScopeCommand.parseAsRoot(arguments)
    #expect(command is TUICommand)
  }

  @Test func gzipOfALogImportsTheSame() throws {
    try Self.withDirectory { directory in
      let copy = directory + "/pages.json"
      try FileManager.default.copyItem(atPath: Self.fixtures + "filter-log-events-pages.json", toPath: copy)
      let gzip = Process()
      gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
      gzip.arguments = ["-k", "-n", copy]
      try gzip.run()
      gzip.waitUntilExit()
      #expect(gzip.terminationStatus == 0)
      let plain = RetryScope.execute(["import", copy, "--correlate", "event.Records.0.messageId"])
      let compressed = RetryScope.execute(["import", copy + ".gz", "--correlate", "event.Records.0.messageId"])
      #expect(compressed.exitCode == 0)
      #expect(compressed.stdout.replacingOccurrences(of: copy + ".gz", with: copy) == plain.stdout)
      #expect(compressed.stdout.contains("1 invocation retried (1 new request id tied by event.Records.0.messageId)"))
    }
  }

  @Test func severalFilesAreOneImport() throws {
    // Lambda's retries of one request id, split over two files (two days, two downloads), join.
    try Self.withDirectory { directory in
      let lines = try String(contentsOfFile: Self.fixtures + "raw-async-retries.log", encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false)
      try (lines[0..<13].joined(separator: "\n") + "\n").write(toFile: directory + "/day1.log", atomically: true, encoding: .utf8)
      try lines[13...].joined(separator: "\n").write(toFile: directory + "/day2.log", atomically: true, encoding: .utf8)
      let result = RetryScope.execute(["import", directory + "/day2.log", directory + "/day1.log"])
      #expect(result.exitCode == 0)
      #expect(result.stdout.contains("3 executions in 1 invocation"))
      #expect(result.stdout.contains("1 invocation retried (2 Lambda retries with the same request id)"))
    }
  }

  /// Issue 12, item 22: what real files do to an import, end to end.
  @Test func theSameFileTwiceAnEmptyFileAndAPaddedGzipImportAsOne() throws {
    try Self.withDirectory { directory in
      let log = Self.fixtures + "raw-async-retries.log"
      try Data().write(to: URL(fileURLWithPath: directory + "/empty.log"))
      try FileManager.default.copyItem(atPath: log, toPath: directory + "/app.log")
      let gzip = Process()
      gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
      gzip.arguments = ["-k", "-n", directory + "/app.log"]
      try gzip.run()
      gzip.waitUntilExit()
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/app.log.gz"))
      handle.seekToEndOfFile()
      handle.write(Data(count: 1_024))
      try handle.close()
      let result = RetryScope.execute(["import", log, directory + "/empty.log", directory + "/app.log.gz"])
      #expect(result.exitCode == 0)
      #expect(result.stderr.isEmpty)
      #expect(
        result.stdout == """
          read \(log) (Lambda log text)
          read \(directory)/app.log.gz (Lambda log text)
          note: \(directory)/empty.log: empty file, skipped
          note: \(directory)/app.log.gz: 1024 zero bytes after the gzip data, ignored
          duplicates dropped: 19 log events read twice (the same event in more than one file)
          19 log messages, 3 executions in 1 invocation
          1 invocation retried (2 Lambda retries with the same request id)
          executions: 1 succeeded, 2 failed; 1 cold start
          timeouts: 0
          effects: 4, duplicate effects: 2 (orders[id=o-1] by A#2 (first by A#1); orders[id=o-1] by A#3 (first by A#1))
          skipped lines: 0
          open it: retryscope tui \(log) \(directory)/empty.log \(directory)/app.log.gz

          """)
      // Only empty files: nothing to import, one line, exit 2.
      try Data("\n".utf8).write(to: URL(fileURLWithPath: directory + "/blank.log"))
      let empty = RetryScope.execute(["import", directory + "/empty.log", directory + "/blank.log"])
      #expect(empty.exitCode == 2)
      #expect(empty.stderr == "error: nothing to import: every file is empty (\(directory)/empty.log, \(directory)/blank.log)\n")
    }
  }

  /// A trace saved by an editor that puts a byte order mark first is still a trace, not a log.
  @Test func aTraceWithAByteOrderMarkOpensAsATrace() throws {
    try Self.withDirectory { directory in
      let out = directory + "/trace.json"
      #expect(RetryScope.execute(["import", Self.fixtures + "raw-async-retries.log", "--out", out]).exitCode == 0)
      let marked = directory + "/marked.json"
      try Data([0xEF, 0xBB, 0xBF] + Array(try Data(contentsOf: URL(fileURLWithPath: out)))).write(to: URL(fileURLWithPath: marked))
      let result = RetryScope.execute(["import", marked])
      #expect(result.exitCode == 2)
      #expect(result.stderr == "error: \(marked): is already a RetryScope trace; open it with 'retryscope tui \(marked)'\n")
      let loaded = try TraceLoader.load([marked])
      #expect(loaded.summary == nil)
      #expect(loaded.trace.attempts == (try TraceLoader.load([out])).trace.attempts)
    }
  }

  /// An init phase that timed out is in the written trace (`report.initStatus`) and read back.
  @Test func anInitTimeoutReachesTheWrittenTrace() throws {
    try Self.withDirectory { directory in
      let out = directory + "/trace.json"
      let result = RetryScope.execute(["import", Self.fixtures + "raw-new-timeout.log", "--out", out])
      #expect(result.exitCode == 0)
      #expect(result.stdout.contains("init failures: 1 (init timed out after 10000.04 ms at line 2, re-run by A#1's START)\n"))
      let trace = try TraceJSONDecoder.load(path: out)
      #expect(trace.attemptReports[0]?.initStatus == "timeout")
      #expect(trace.attemptReports[1]?.initStatus == nil)
      // The player says so when the execution starts.
      #expect(
        Narrator(trace: trace).caption(at: 0)
          == "Execution A#1 starts (request id 0b4a6c1e…), in an execution environment whose init phase timed out (INIT_REPORT Status: timeout): this START re-runs the init (a suppressed init).")
    }
  }

  @Test(arguments: [
    (["import"], "error: import needs at least one log file: retryscope import app.log\n"),
    (["import", "/no/such.log"], "error: /no/such.log: no such file\n"),
    (
      ["import", fixtures + "not-a-log.txt"],
      "error: \(fixtures)not-a-log.txt: not a Lambda log (3 messages read as Lambda log text, but no START, END, REPORT or platform record among them)\n"
    ),
    (["import", fixtures + "raw-async-retries.log", "--correlate", "event..id"], "error: --correlate: expected a field path such as event.orderId, got 'event..id'\n"),
    (["import", fixtures + "raw-async-retries.log", "--out", "/no/such/dir/t.json"], "error: /no/such/dir/t.json: no such file or directory\n"),
  ])
  func badInputIsOneLineAndExitTwo(_ arguments: [String], _ message: String) {
    let result = RetryScope.execute(arguments)
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == message)
  }

  @Test func anUnknownFormatNamesTheChoices() {
    let result = RetryScope.execute(["import", Self.fixtures + "raw-async-retries.log", "--format", "xml"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("text, tail, events, insights-json, insights-csv"))
  }

  @Test func tuiOnLogsRefusesASeedAndScenarioOnlyOptionsAreRefusedForScenarios() {
    #expect(throws: CLIError("--seed: \(Self.fixtures)raw-async-retries.log is a recorded trace, not a scenario: there is nothing to reseed")) {
      _ = try TUISetup.initialState(scenario: Self.fixtures + "raw-async-retries.log", seed: 4, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    }
    var options = LogOpenOptions()
    options.correlate = "event.id"
    #expect(throws: CLIError("--input-format, --correlate and --lanes read logs; 'create-user' is a scenario")) {
      _ = try TUISetup.initialState(scenario: "create-user", importOptions: options, seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    }
  }

  @Test func tuiOnLogsStartsWithTheImportedTraceAndItsReproduceCommand() throws {
    var options = LogOpenOptions()
    options.correlate = "event.userId"
    options.lanes = .streams
    let path = Self.fixtures + "tail-client-retry.txt"
    let state = try TUISetup.initialState(scenario: path, importOptions: options, seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    #expect(state.tourPosition == nil)
    #expect(state.session.trace.invocations.map(\.id) == ["E1", "E2"])
    #expect(state.session.trace.attempts.map(\.label) == ["E1#1", "E2#1", "E1#2"])
    #expect(state.reproduceCommand == "retryscope tui \(path) --correlate event.userId --lanes streams")
  }

  /// Logs with one line out of the trace's bounds (issue 12): `import --out` writes a trace the
  /// trace reader takes back, equal to the one imported, and the summary names the line.
  @Test(arguments: [
    "9999-12-31T23:59:59.999Z\tbbbbbbbb-0000-4000-8000-000000000002\tINFO\tthe year 9999",
    "1900-01-01T00:00:00.000Z\tbbbbbbbb-0000-4000-8000-000000000002\tINFO\t125 years before",
    "{\"time\": 9223372036854775807, \"message\": \"the largest integer\"}",
  ])
  func aTraceImportedFromLogsWithATimeOutOfRangeReadsBack(_ line: String) throws {
    try Self.withDirectory { directory in
      let log = directory + "/app.log"
      let a = "aaaaaaaa-0000-4000-8000-000000000001"
      let b = "bbbbbbbb-0000-4000-8000-000000000002"
      let text = """
        2025-03-01T10:00:00.000Z START RequestId: \(a) Version: $LATEST
        2025-03-01T10:00:00.050Z\t\(a)\tINFO\t{"effect": {"kind": "insert", "target": "orders", "key": "o-1"}}
        2025-03-01T10:00:00.100Z REPORT RequestId: \(a)\tDuration: 100.00 ms\tStatus: error
        \(line)
        2025-03-01T10:01:00.000Z START RequestId: \(a) Version: $LATEST
        2025-03-01T10:01:00.050Z\t\(a)\tINFO\t{"effect": {"kind": "insert", "target": "orders", "key": "o-1"}}
        2025-03-01T10:01:00.200Z REPORT RequestId: \(a)\tDuration: 200.00 ms
        2025-03-01T10:02:00.000Z START RequestId: \(b) Version: $LATEST
        2025-03-01T10:02:00.300Z REPORT RequestId: \(b)\tDuration: 300.00 ms\tMemory Size: 99999999999 MB

        """
      try Data(text.utf8).write(to: URL(fileURLWithPath: log))
      let out = directory + "/trace.json"
      let result = RetryScope.execute(["import", log, "--out", out])
      #expect(result.exitCode == 0)
      #expect(result.stderr.isEmpty)
      #expect(result.stdout.contains("skipped lines: 1\n  1 a timestamp out of range (before the year 0000, after 9899, or more than 100 years from the lines before it) (line 4)\n"))
      let imported = try TraceLoader.load([log]).trace
      let read = try TraceLoader.load([out])
      #expect(read.summary == nil)
      #expect(read.trace.meta == imported.meta)
      #expect(read.trace.invocations == imported.invocations)
      #expect(read.trace.attempts == imported.attempts)
      #expect(read.trace.waits == imported.waits)
      #expect(read.trace.effects == imported.effects)
      #expect(read.trace.outcomes == imported.outcomes)
      #expect(read.trace.events == imported.events)
      #expect(read.trace.attemptReports == imported.attemptReports)
      #expect(imported.attempts.count == 3)
      #expect(imported.meta.origin == ISO8601.parse("2025-03-01T10:00:00.000Z"))
      #expect(imported.events.last?.time == 120_300)
      // And what `tui` opens is the same trace.
      let opened = RetryScope.execute(["run", out, "--format", "json"])
      #expect(opened.exitCode == 0)
    }
  }

}

/// `retryscope run` on logs and traces: everything the UI shows, headless.
@Suite struct RunRecordedTests {
  @Test func runPrintsAnImportedTimelineWithReportFigures() {
    let path = ImportCommandTests.fixtures + "tail-client-retry.txt"
    let result = RetryScope.execute(["run", path, "--correlate", "event.userId"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("  A   invocation type unknown  at 0.000s  [A#1 ✓ success 5s] [A#2 ✓ success 4.7s] (overlaps)"))
    #expect(result.stdout.contains("  5.020s  A#1 sends POST https://mail.example.com/welcome."))
    #expect(result.stdout.contains("  5.050s  A#1 returns after 5s. REPORT: Duration 5050.12 ms, billed 5214 ms, 77 of 128 MB used."))
    #expect(result.stdout.contains("DUPLICATE of #1 (A#1)"))
  }

  @Test func runFramesAnImportedTraceAtAnAttempt() {
    let path = ImportCommandTests.fixtures + "raw-async-retries.log"
    let result = RetryScope.execute(["run", path, "--format", "frame", "--at", "A#2"])
    #expect(result.exitCode == 0)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0].contains("raw-async-retries.log"))
    #expect(lines.contains { $0.hasPrefix("A Event") && $0.contains("[A#1 ✗") })
    #expect(result.stdout.contains("The same request id (8f5e4a2c…) started again 1m05s later (A#2, attempt 2 of"))
  }

  @Test func runJSONOfLogsIsTheTraceImportWrites() throws {
    let path = ImportCommandTests.fixtures + "json-log-format.log"
    let json = RetryScope.execute(["run", path, "--format", "json"])
    #expect(json.exitCode == 0)
    let trace = try TraceJSONDecoder.decode(json.stdout, file: "stdout")
    #expect(trace.attempts.map(\.outcome) == [.error, .success, .timeout])
    #expect(trace.attemptReports[0]?.initDurationMs == 397.68)
  }

  @Test(arguments: [
    (["run", "create-user", "--correlate", "x"], "error: --input-format, --correlate and --lanes read logs; 'create-user' is a scenario\n"),
    (["run", ImportCommandTests.fixtures + "raw-async-retries.log", "--seed", "3"], "error: --seed: \(ImportCommandTests.fixtures)raw-async-retries.log is a recorded trace, not a scenario: there is nothing to reseed\n"),
  ])
  func scenarioAndRecordOptionsDoNotMix(_ arguments: [String], _ message: String) {
    let result = RetryScope.execute(arguments)
    #expect(result.exitCode == 2)
    #expect(result.stderr == message)
  }

  /// With a stdout sink (the executable's), large output goes there as it is made, byte for byte
  /// what `output()` returns.
  @Test(arguments: [["run", "async-interleave", "--format", "logs"], ["run", "create-user", "--format", "json"]])
  func largeOutputStreamsToTheSink(_ arguments: [String]) {
    var streamed: [UInt8] = []
    var chunks = 0
    let result = RetryScope.execute(arguments) { chunk in
      streamed += chunk
      chunks += 1
    }
    #expect(result.exitCode == 0)
    #expect(result.stdout.isEmpty)
    #expect(chunks >= 1)
    #expect(String(decoding: streamed, as: UTF8.self) == RetryScope.execute(arguments).stdout)
  }
}
