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
    // Two properties fail (a second invoice, and a divergent state): one file each.
    let result = RetryScope.execute(["check", "sqs-visibility-duplicate", "--max-faults", "1", "--save", path])
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

  /// sqs-visibility-duplicate's plain run already has a second invoice for o-42: check says so, exit 1.
  @Test func aDuplicateOfTheConfigurationAloneExitsOne() {
    let result = RetryScope.execute(["check", "sqs-visibility-duplicate", "--max-faults", "1"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.hasPrefix("check sqs-visibility-duplicate: not idempotent: duplicate effects"))
    #expect(result.stdout.contains("\ndelivered again with no fault: m1 (the scenario's own run)\n"))
    #expect(result.stdout.contains(
      "\nduplicate effects: smallest counterexample (no change, 25 steps): the scenario as configured, with no fault\n"))
    #expect(result.stdout.contains(
      "\n  leaves the exactly-once run at step 4: Lambda throttles orders's batch (m1) with 429 (TooManyRequestsException)"))
  }

  /// A search that stopped at --max-schedules, or random samples, finding nothing: not
  /// "idempotent" but "no counterexample in N schedules (not exhaustive)", exit 3, in JSON too.
  @Test func aSearchThatIsNotExhaustiveExitsThree() {
    let bounded = RetryScope.execute(["check", "status-client-time", "--max-schedules", "20"])
    #expect(bounded.exitCode == 3)
    #expect(bounded.stderr.isEmpty)
    #expect(bounded.stdout.hasPrefix(
      "check status-client-time: no counterexample in 20 schedules (not exhaustive)\nexplored: bounded: stopped after 20 schedules"))
    #expect(!bounded.stdout.contains(": idempotent"))
    // What makes the search exhaustive: more schedules, or smaller bounds. Random samples are
    // not exhaustive either (it said "try --samples").
    #expect(bounded.stdout.contains(
      "\nexplored: bounded: stopped after 20 schedules, up to 2 faults and 1 duplicate delivery or client retry "
        + "(not exhaustive: raise --max-schedules, or lower --max-faults or --max-duplicates): 20 schedules run ("))
    #expect(!bounded.stdout.contains("--samples"))

    let json = RetryScope.execute(["check", "status-client-time", "--max-schedules", "20", "--format", "json"])
    #expect(json.exitCode == 3)
    #expect(json.stdout.hasPrefix(
      #"{"scenario":"status-client-time","idempotent":null,"verdict":[],"mode":"bounded","exhaustive":false,"result":"no-counterexample","#))

    let sampled = RetryScope.execute(["check", "echo", "--samples", "5", "--format", "json"])
    #expect(sampled.exitCode == 3)
    #expect(sampled.stdout.contains(#""idempotent":null,"verdict":[],"mode":"sampled","exhaustive":false,"result":"no-counterexample","#))
    let sampledText = RetryScope.execute(["check", "echo", "--samples", "5"])
    #expect(sampledText.stdout.hasPrefix("check echo: no counterexample in 5 random schedules (not exhaustive)\n"))

    let exhaustive = RetryScope.execute(["check", "echo", "--format", "json"])
    #expect(exhaustive.exitCode == 0)
    #expect(exhaustive.stdout.contains(#""idempotent":true,"verdict":[],"mode":"exhaustive","exhaustive":true,"result":"idempotent","#))
  }

  /// sync-error's handler always throws: its exactly-once run loses its one event, and no run
  /// has a result to compare with: "nothing to judge", exit 4, in text and JSON (it said
  /// "idempotent", exit 0, every run set apart). Bounds that allow no run but the reference
  /// judge nothing either.
  @Test func nothingToJudgeExitsFour() throws {
    let text = RetryScope.execute(["check", "sync-error"])
    #expect(text.exitCode == 4)
    #expect(text.stderr.isEmpty)
    #expect(text.stdout.hasPrefix(
      "check sync-error: nothing to judge: the exactly-once run itself loses its event (A), so no run has a result to compare with\n"
        + "explored: no search: it needs an exactly-once run in which an event succeeds (1 schedule run)\n"))
    #expect(text.stdout.contains("\n    A   RequestResponse  at 0.000s  [A#1 ✗ error 3ms] → HTTP 200 FunctionError: Unhandled\n"))
    let json = RetryScope.execute(["check", "sync-error", "--format", "json"])
    #expect(json.exitCode == 4)
    #expect(json.stdout.contains(#""idempotent":null,"verdict":[],"mode":"none","exhaustive":false,"result":"nothing-to-judge","#))
    #expect(json.stdout.contains(#""lostEventRuns":0,"judgedRuns":0,"lostEvents":null,"referenceLostEvents":["A"],"#))

    let noRun = RetryScope.execute(["check", "echo", "--max-faults", "0", "--max-duplicates", "0", "--format", "json"])
    #expect(noRun.exitCode == 4)
    #expect(noRun.stdout.contains(#""idempotent":null,"verdict":[],"mode":"exhaustive","exhaustive":true,"result":"nothing-to-judge","#))
    let noRunText = RetryScope.execute(["check", "echo", "--max-faults", "0", "--max-duplicates", "0"])
    #expect(noRunText.stdout.hasPrefix("check echo: nothing to judge: no run within the bounds but the exactly-once one\n"))

    // The help lists the code.
    let help = CheckCommand.helpMessage(columns: 1_000).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(help.contains("4: nothing to judge: the exactly-once run itself loses every event (no search is run), every other run loses one, or the bounds allow no other run."))
  }

  /// --save to a path that cannot be written fails before the search, in one line, exit 2,
  /// whatever the search would have found (echo saves nothing: it used to exit 0).
  @Test(arguments: ["echo", "create-user"])
  func aSavePathThatCannotBeWrittenIsRefusedBeforeTheSearch(_ scenario: String) throws {
    let directory = NSTemporaryDirectory() + "retryscope-check-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory + "/ce.json", withIntermediateDirectories: true)
    try Data().write(to: URL(fileURLWithPath: directory + "/file"))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let cases = [
      (directory + "/missing/ce.json", "error: --save \(directory)/missing/ce.json: no such folder \(directory)/missing\n"),
      (directory + "/file/ce.json", "error: --save \(directory)/file/ce.json: \(directory)/file is not a folder\n"),
      (directory + "/ce.json", "error: --save \(directory)/ce.json: \(directory)/ce.json is a folder\n"),
      (directory, "error: --save \(directory): \(directory) is a folder\n"),
    ]
    for (path, message) in cases {
      let result = RetryScope.execute(["check", scenario, "--max-faults", "1", "--save", path])
      #expect(result.exitCode == 2, "\(path)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr == message)
    }
    // A per-property file beside the path that is a folder is refused too.
    try FileManager.default.createDirectory(atPath: directory + "/x.lost-effects.json", withIntermediateDirectories: true)
    let beside = RetryScope.execute(["check", scenario, "--save", directory + "/x.json"])
    #expect(beside.stderr == "error: --save \(directory)/x.json: \(directory)/x.lost-effects.json is a folder\n")
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

/// What a long check holds: the search keeps each run's digest and, for the runs it will grow,
/// where they can grow, never their traces. It used to keep every run whole: 6.5 GiB on a scenario
/// of 20 invocations of 20 steps, out of memory at 50 x 30.
@Suite struct CheckMemoryTests {
  /// `invocations` Event invocations of a handler of `steps` steps: puts of their own rows, and
  /// every fifth step an update of one row they share (so that no lane is apart).
  static func load(invocations: Int, steps: Int) -> String {
    var yaml = "name: load-\(invocations)x\(steps)\nseed: 1\nfunction:\n  functionName: load\n"
    yaml += "tables:\n  - name: items\n    partitionKey: id\nhandler:\n"
    for step in 1...steps {
      if step % 5 == 0 {
        yaml += "  - name: step-\(step)\n    update:\n      table: items\n      key: {id: shared}\n"
        yaml += "      set: \"last = :v\"\n      values: {\":v\": \"${event.n}-\(step)\"}\n"
      } else {
        yaml += "  - name: step-\(step)\n    put:\n      table: items\n      item: {id: \"${event.n}-\(step)\", v: \(step)}\n"
      }
    }
    yaml += "invocations:\n"
    for invocation in 1...invocations {
      yaml += "  - {id: i\(invocation), type: Event, at: \(invocation * 2)s, payload: {n: \"n\(invocation)\"}}\n"
    }
    return yaml
  }

  /// Runs the built binary and returns its exit status and its own peak resident set (wait4's
  /// rusage: this child's alone, not the test process's).
  static func peakResidentKilobytes(_ arguments: [String]) throws -> (status: Int32, kilobytes: Int) {
    let binary = try #require(ExecutableTests.binary, "build the retryscope executable first")
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    #expect(posix_spawn(&pid, binary.path, &actions, nil, argv, environ) == 0)
    var status: Int32 = 0
    var usage = rusage()
    #expect(wait4(pid, &status, 0, &usage) == pid)
    return ((status >> 8) & 0xFF, usage.ru_maxrss)
  }

  /// 800 schedules of 20 invocations x 20 steps: about 140 MB when every run was kept (30 MB at
  /// start, some 140 KB a run), under 45 MB now, as for a few schedules.
  @Test func aLongCheckKeepsNoTraces() throws {
    let directory = NSTemporaryDirectory() + "retryscope-check-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/load-20x20.yaml"
    try Self.load(invocations: 20, steps: 20).write(toFile: path, atomically: true, encoding: .utf8)
    let few = try Self.peakResidentKilobytes(["check", path, "--max-schedules", "20"])
    let many = try Self.peakResidentKilobytes(["check", path, "--max-schedules", "800"])
    // A counterexample was found (the shared row's last writer changes with a retry): exit 1.
    #expect(few.status == 1 && many.status == 1)
    #expect(many.kilobytes - few.kilobytes < 15_000, "peak RSS \(few.kilobytes) KB for 20 schedules, \(many.kilobytes) KB for 800")
  }
}
