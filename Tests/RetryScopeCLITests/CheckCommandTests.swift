import Foundation
import RetryCore
import RetryIO
import RetryTUI
import Testing

@testable import RetryScopeCLI

/// `retryscope check`: verdict, exploration counts, counterexamples, saved traces, exit codes.
@Suite struct CheckCommandTests {
  @Test func anIdempotentHandlerExitsZero() {
    let result = RetryScope.execute(["check", "echo"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.hasPrefix("check echo: idempotent\nexplored: exhaustive, up to 2 faults and 1 duplicate delivery or client retry: "))
    #expect(result.stdout.contains("lost events: none"))
  }

  @Test func aDuplicatingHandlerExitsOneWithItsSmallestCounterexample() {
    let result = RetryScope.execute(["check", "newsletter-post", "--max-faults", "1"])
    #expect(result.exitCode == 1)
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("check newsletter-post: not idempotent: duplicate effects\n"))
    #expect(result.stdout.contains("duplicate effects: smallest counterexample (1 fault, "))
    #expect(result.stdout.contains("  leaves the exactly-once run at step "))
    #expect(result.stdout.contains("  Timeline (waits folded to their length"))
  }

  @Test func saveWritesOneTraceAPropertyThatTheTUIOpensWhereItDiverges() throws {
    let directory = NSTemporaryDirectory() + "retryscope-check-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/ce.json"
    let result = RetryScope.execute(["check", "slack-at-most-once", "--max-faults", "1", "--save", path])
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("  saved: \(path) (retryscope tui \(path) opens it at step "))
    #expect(FileManager.default.fileExists(atPath: directory + "/ce.divergent-state.json"))
    let trace = try TraceJSONDecoder.load(path: path)
    #expect(trace.meta.source == "check")
    let focus = try #require(trace.meta.focus)
    let state = try TUISetup.initialState(scenario: path, seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    #expect(state.playhead == focus)
    #expect(focus > 0)
    // The command printed on quitting opens the file again: a recorded trace has no seed to give.
    #expect(state.reproduceCommand == "retryscope tui \(path)")
    #expect(RetryScope.execute(["run", path, "--format", "text"]).exitCode == 0)
  }

  @Test func jsonSaysWhatWasExploredAndFound() {
    let result = RetryScope.execute(["check", "create-user", "--max-faults", "1", "--format", "json"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.hasPrefix("{\"scenario\":\"create-user\",\"idempotent\":false,\"verdict\":[\"duplicate-effects\""))
    for field in ["\"mode\":\"exhaustive\"", "\"schedules\":", "\"repeats\":", "\"distinctStates\":", "\"counterexamples\":{\"duplicate-effects\":{\"schedule\":"] {
      #expect(result.stdout.contains(field), "\(field)")
    }
  }

  @Test func samplesAreSaidToBeSamples() {
    let result = RetryScope.execute(["check", "create-user", "--samples", "20", "--sample-seed", "3"])
    #expect(result.stdout.contains("explored: sampled 20 random schedules (seed 3), up to 2 faults and 1 duplicate delivery or client retry"))
  }

  @Test(arguments: [
    (["check", "nosuch"], "unknown scenario"),
    (["check", "echo", "--max-faults=-1"], "--max-faults must be 0 or more"),
    (["check", "echo", "--samples", "0"], "--samples must be at least 1"),
  ])
  func badInputIsOneLineAndExitTwo(_ arguments: [String], _ message: String) {
    let result = RetryScope.execute(arguments)
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains(message))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }
}
