import Foundation
import RetryCore
import Testing
@testable import RetryScopeCLI

/// The commands, run in-process: output, errors and exit codes.
@Suite struct CommandLineTests {
  /// No arguments opens the terminal UI on the tour; under `swift test` stdin and stdout are not
  /// a terminal, so it says so in one line, naming the text command instead, with exit 2.
  @Test func noArgumentsWithoutATerminalPointsAtRun() {
    let result = RetryScope.execute([])
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "error: the terminal UI needs a terminal (stdin and stdout); for text output use 'retryscope run async-retries-dlq'\n"
    )
  }

  @Test func listShowsEveryBuiltInScenarioOnOneLine() {
    let result = RetryScope.execute(["list"])
    #expect(result.exitCode == 0)
    let names = result.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
    #expect(names.count == 27)
    for name in [
      "echo", "square", "create-user", "newsletter-post", "user-exists", "cron-clock", "status-server-time",
      "status-client-time", "status-previous-no", "slack-at-most-once", "slack-at-least-once", "sync-error",
      "sync-timeout-retry", "async-retries-dlq", "async-interleave", "async-duplicate-delivery", "client-token",
      "no-system-time", "client-state", "condition-expression", "status-kinesis", "status-kinesis-ordered",
      "kinesis-serialize", "sqs-visibility-duplicate", "sqs-throttled-dlq", "sqs-redrive", "sqs-redrive-partial",
    ] {
      #expect(names.contains(name), "missing \(name)")
    }
  }

  /// Event source scenarios show their kind where the others show their invocation types.
  @Test func listShowsTheEventSourceKindOfEventSourceScenarios() {
    let lines = RetryScope.execute(["list"]).stdout.split(separator: "\n").map(String.init)
    func types(_ name: String) -> [String] {
      let line = lines.first { $0.hasPrefix(name + " ") } ?? ""
      return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().prefix(1).map(String.init)
    }
    #expect(types("status-kinesis") == ["Kinesis"])
    #expect(types("kinesis-serialize") == ["Kinesis"])
    #expect(types("sqs-redrive") == ["SQS"])
    #expect(types("sqs-visibility-duplicate") == ["SQS"])
    #expect(types("create-user") == ["Event"])
    var fifo = EventSourceMapping(kind: .sqs)
    fifo.queue.fifo = true
    #expect(ListCommand.kind(of: fifo) == "SQS FIFO")
    #expect(ListCommand.kind(of: EventSourceMapping(kind: .dynamodb)) == "DynamoDB")
  }

  @Test func runPrintsTimelineStoryEffectsAndOutcome() {
    let result = RetryScope.execute(["run", "create-user"])
    #expect(result.exitCode == 0)
    for section in ["Timeline", "Step by step", "Effects on the outside world", "Outcome"] {
      #expect(result.stdout.contains(section), "missing section \(section)")
    }
    #expect(result.stdout.contains("DUPLICATE of #1 (A#1)"))
  }

  @Test func runJsonIsTheTraceAndIsDeterministic() throws {
    let one = RetryScope.execute(["run", "async-interleave", "--format", "json", "--seed", "9"])
    let two = RetryScope.execute(["run", "async-interleave", "--format", "json", "--seed", "9"])
    let other = RetryScope.execute(["run", "async-interleave", "--format", "json", "--seed", "10"])
    #expect(one.exitCode == 0)
    #expect(one.stdout == two.stdout)
    #expect(one.stdout != other.stdout)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
    #expect(json["format"] as? String == "retryscope-trace")
    for key in ["invocations", "attempts", "waits", "effects", "outcomes", "events"] {
      #expect(json[key] is [Any], "missing \(key)")
    }
    let attempt = try #require((json["attempts"] as? [[String: Any]])?.first)
    for key in ["invocation", "number", "requestId", "start", "end", "outcome", "caller"] {
      #expect(attempt[key] != nil, "attempt lacks \(key)")
    }
  }

  @Test func unknownScenarioSuggestsTheClosestNames() {
    let result = RetryScope.execute(["run", "crate-user"])
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "error: unknown scenario 'crate-user'; did you mean: create-user? (retryscope list shows all)\n")
  }

  @Test func badFormatIsAUsageErrorWithExitTwo() {
    let result = RetryScope.execute(["run", "echo", "--format", "yaml"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("The value 'yaml' is invalid for '--format <format>'"))
  }

  /// `tui` is the default subcommand, so an unknown word is an unknown scenario to open.
  @Test func anUnknownWordIsAnUnknownScenarioWithExitTwo() {
    let result = RetryScope.execute(["frobnicate"])
    #expect(result.exitCode == 2)
    #expect(result.stderr == "error: unknown scenario 'frobnicate'; retryscope list shows the built-in scenarios\n")
  }

  @Test func helpIsExitZeroOnStdout() {
    let result = RetryScope.execute(["--help"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("USAGE: retryscope"))
  }

  @Test func validateAcceptsAGoodFileAndRejectsOutOfRangeSettings() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retryscope-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let good = directory.appendingPathComponent("good.yaml")
    try "name: good\nhandler:\n  - return: {ok: true}\ninvocations:\n  - {id: A, type: Event}\n".write(to: good, atomically: true, encoding: .utf8)
    let ok = RetryScope.execute(["validate", good.path])
    #expect(ok.exitCode == 0)
    #expect(ok.stdout == "\(good.path): ok: scenario 'good', 1 invocation, 1 handler step\n")

    let bad = directory.appendingPathComponent("bad.yaml")
    try "name: bad\nfunction:\n  timeout: 901\nhandler:\n  - return: {}\n".write(to: bad, atomically: true, encoding: .utf8)
    let rejected = RetryScope.execute(["validate", bad.path])
    #expect(rejected.exitCode == 2)
    #expect(rejected.stderr == "error: \(bad.path):3:12: timeout: 901 is outside AWS's range 1-900 seconds\n")

    let retries = directory.appendingPathComponent("retries.yaml")
    try "name: retries\nfunction:\n  maximumRetryAttempts: 3\nhandler:\n  - return: {}\n".write(to: retries, atomically: true, encoding: .utf8)
    let tooMany = RetryScope.execute(["validate", retries.path])
    #expect(tooMany.exitCode == 2)
    #expect(tooMany.stderr.hasPrefix("error: \(retries.path):3:25: "))
    #expect(tooMany.stderr.contains("0-2"))
  }

  /// `--seed` and `--ascii` reach `run` and `bench` although the root command (the tour) has
  /// options of the same names; options a subcommand lacks are errors, not the tour's.
  @Test func subcommandOptionsAreTheSubcommandsOwn() {
    let seeded = RetryScope.execute(["run", "async-retries-dlq", "--seed", "77"])
    #expect(seeded.exitCode == 0)
    #expect(seeded.stdout.hasPrefix("async-retries-dlq · seed 77 · "))
    let plain = RetryScope.execute(["run", "async-retries-dlq", "--ascii"])
    #expect(plain.exitCode == 0)
    #expect(!plain.stdout.contains("✗"))
    #expect(plain.stdout.contains("[A#1 x error"))
    let bench = RetryScope.execute(["bench", "--invocations", "10", "--seed", "3", "--json", "--stream-records", "20", "--render-invocations", "20", "--render-frames", "3", "--import-megabytes", "1", "--no-check"])
    #expect(bench.stdout.contains("\"seed\":3,"))
    let list = RetryScope.execute(["list", "--seed", "3"])
    #expect(list.exitCode == 2)
    #expect(list.stderr.contains("Unknown option '--seed'"))
  }

  @Test func benchReportsThroughputMemoryAndRendering() {
    let result = RetryScope.execute([
      "bench", "--invocations", "500", "--json", "--stream-records", "300", "--shards", "2", "--render-invocations", "200",
      "--render-frames", "10", "--render-size", "100x30", "--import-megabytes", "1", "--no-check",
    ])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("\"invocations\":500"))
    #expect(result.stdout.contains("\"invocationsPerSecond\":"))
    #expect(result.stdout.contains("\"peakMemoryBytes\":"))
    #expect(result.stdout.contains("\"render\":{\"invocations\":200,"))
    #expect(result.stdout.contains("\"size\":\"100x30\",\"frames\":10,\"millisecondsPerFrame\":"))
    #expect(result.stdout.contains("\"baselineMillisecondsPerFrame\":"))
    // The stream figure: records/s, batches, retries, discards, memory and its own baseline.
    #expect(result.stdout.contains("\"stream\":{\"records\":300,\"shards\":2,\"recordFailureProbability\":"))
    for field in ["batches", "retries", "discardedBatches", "recordsPerSecond", "peakMemoryBytes", "ratioToBaseline"] {
      #expect(result.stdout.contains("\"stream\":") && result.stdout.split(separator: "\"stream\":")[1].contains("\"\(field)\":"))
    }
    // The import figure: a generated file of at least 1 MB imported by `retryscope import` as a
    // process, with its peak memory; jq beside it when installed.
    #expect(result.stdout.contains(",\"import\":{\"bytes\":"))
    let importPart = result.stdout.split(separator: ",\"import\":").last.map(String.init) ?? ""
    for field in ["logEvents", "executions", "megabytesPerSecond", "peakBytes", "jqSeconds", "ratioToJq"] {
      #expect(importPart.contains("\"\(field)\":"), "import: \(field)")
    }
    let bytes = Int(importPart.split(separator: ",")[0].split(separator: ":").last ?? "") ?? 0
    #expect(bytes >= 1_000_000)
    #expect(!importPart.contains("\"executions\":0,"))
    let text = RetryScope.execute([
      "bench", "--invocations", "50", "--stream-records", "40", "--render-invocations", "20", "--render-frames", "2",
      "--import-megabytes", "1", "--check-max-faults", "0",
    ])
    #expect(text.stdout.contains("check        every built-in scenario (27), up to 0 faults and 1 duplicate delivery or client retry: "))
    #expect(text.stdout.contains(" distinct states/s"))
    #expect(text.stdout.contains("import time  retryscope import: "))
    #expect(text.stdout.contains("import mem   peak resident set of the import process: "))
    let skipped = RetryScope.execute([
      "bench", "--invocations", "50", "--stream-records", "40", "--render-invocations", "20", "--render-frames", "2",
      "--import-megabytes", "0", "--no-check",
    ])
    #expect(!skipped.stdout.contains("import"))
    #expect(text.stdout.contains("render       2 frames at 200x60 of a 20-invocation trace"))
    #expect(text.stdout.contains("stream       40 Kinesis records over 4 shards, batches of up to 100"))
    #expect(text.stdout.contains(" records/s ("))
    #expect(text.stdout.contains("stream base  bare heap event loop over "))
    #expect(text.stdout.contains("(target: under 2 ms)"))
    let rejected = RetryScope.execute(["bench", "--failure-probability", "2"])
    #expect(rejected.exitCode == 2)
    #expect(rejected.stderr.contains("--failure-probability must be between 0 and 1"))
    for (arguments, message) in [
      (["--render-invocations", "0"], "--render-invocations must be at least 1"),
      (["--stream-records", "0"], "--stream-records must be at least 1"),
      (["--import-megabytes=-1"], "--import-megabytes must be 0 or more"),
      (["--shards", "0"], "--shards must be at least 1"),
      (["--render-frames", "0"], "--render-frames must be at least 1"),
      (["--render-size", "big"], "--render-size: expected WIDTHxHEIGHT such as 200x60, got 'big'"),
    ] {
      let bad = RetryScope.execute(["bench"] + arguments)
      #expect(bad.exitCode == 2)
      #expect(bad.stderr.contains(message))
    }
  }
}
