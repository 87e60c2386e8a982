import ArgumentParser
import Glibc
import RetryCore
import RetryExec
import RetryIO

/// `retryscope check <scenario>`: is the handler idempotent under every fault, duplicate
/// delivery and interleaving within the bounds? Exit 0 when it is, 1 when not, 2 on bad input, 3
/// when a search that was not exhaustive (`--max-schedules` reached, `--samples`) found nothing,
/// 4 when no run was judged (the exactly-once run lost every event, or every other run lost one).
struct CheckCommand: StatusCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Explore every fault, duplicate delivery, client retry and interleaving of a scenario: is its handler idempotent?",
    discussion: """
      Runs the scenario without its own faults (exactly once) as the reference, then every schedule of faults \
      (an error, a timeout or a crash before each step of each execution), duplicate deliveries (async events, \
      event source records), client retries (RequestResponse: the client gives up while the function runs) \
      and orders of concurrent invocations within the bounds, and compares each final world (tables, the requests \
      each endpoint took, each event's final answer) with the reference. Prints the verdict, what was explored, \
      and the smallest counterexample of each failing property. Runs in which an event never succeeds are \
      reported apart (lost events), not judged; an event the exactly-once run loses too sets no run apart. \
      Exit 0: idempotent; 1: not; 2: bad input; \
      3: no counterexample, but the search was not exhaustive (--max-schedules reached, or --samples); \
      4: nothing to judge: the exactly-once run itself loses every event (no search is run), every other run \
      loses one, or the bounds allow no other run. \
      A scenario whose handler is your own program (handler: {exec: ...}) is checked on real processes: its faults \
      strike the program's calls (an error reply, a timeout before or after the call, a crash before or after it), \
      as many as each execution made, and every schedule starts with no process; a run takes real time there, \
      so the bounds default to 1 fault and 200 schedules.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @Argument(help: "A built-in scenario name (see 'retryscope list') or a scenario file (.yaml).")
  var scenario: String

  @Option(help: "Check the scenario with one of its handler variants ('variants:' in its file); NAME@VARIANT does the same.")
  var variant: String?

  @Option(
    help: ArgumentHelp(
      "Faults per schedule; default \(Self.defaultMaxFaults), \(Self.defaultMaxProgramFaults) for a real handler (exec:).",
      valueName: "max-faults"))
  var maxFaults: Int?

  @Option(help: "Duplicate deliveries (async events, event source records) and client retries (RequestResponse) per schedule.")
  var maxDuplicates = 1

  @Option(help: "Instead of the exhaustive search, this many random schedules within the bounds.")
  var samples: Int?

  @Option(help: "The seed of --samples.")
  var sampleSeed: UInt64 = 1

  @Option(
    help: ArgumentHelp(
      "Stop the exhaustive search after this many runs (and say so); default \(Self.defaultMaxSchedules), \(Self.defaultMaxProgramSchedules) for a real handler (exec:).",
      valueName: "max-schedules"))
  var maxSchedules: Int?

  /// The bounds of a search on a handler of steps: a run takes microseconds.
  static let defaultMaxFaults = 2
  static let defaultMaxSchedules = 50_000
  /// The bounds of a search on a real handler, where a run starts processes (a cold start is
  /// a tenth of a second or more) and a timeout fault waits out the function timeout in real
  /// time: every single fault and duplicate delivery, exhaustively for a handler of a few calls
  /// (the welcome-mail example: 34 schedules), within a few hundred runs otherwise.
  static let defaultMaxProgramFaults = 1
  static let defaultMaxProgramSchedules = 200

  @Option(help: "Save the smallest counterexample as a trace (retryscope tui FILE opens it where it diverges); one file per failing property.")
  var save: String?

  @Option(help: "text or json.")
  var format: Format = .text

  @Flag(help: "Plain ASCII instead of Unicode in the text (also with a locale without UTF-8).")
  var ascii = false

  init() {}

  /// The bounds, checked here rather than in `validate()`: a bad value is one line, not a usage
  /// screen.
  func checkBounds() throws(CLIError) {
    if let maxFaults, maxFaults < 0 { throw CLIError("--max-faults must be 0 or more") }
    guard maxDuplicates >= 0 else { throw CLIError("--max-duplicates must be 0 or more") }
    if let samples, samples < 1 { throw CLIError("--samples must be at least 1") }
    if let maxSchedules, maxSchedules < 1 { throw CLIError("--max-schedules must be at least 1") }
  }

  func output() throws(CLIError) -> String { try outputAndStatus().0 }

  func outputAndStatus() throws(CLIError) -> (String, Int32) {
    try checkBounds()
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario, variant: variant, allowingExec: true) } catch { throw CLIError(error) }
    CommandWarnings.report(loaded.warnings)
    var program: ProcessHandler? = nil
    if let exec = loaded.exec { program = try Self.program(exec, of: loaded, argument: scenario) }
    // Before the search, which can take minutes: a report that cannot be saved is bad input.
    let inputs = BuiltinScenarios.inputFile(of: scenario).map { [$0] } ?? []
    if let save { try Self.checkSavePath(save, inputs: inputs) }
    let bound = maxSchedules ?? (program == nil ? Self.defaultMaxSchedules : Self.defaultMaxProgramSchedules)
    let maxFaults = self.maxFaults ?? (program == nil ? Self.defaultMaxFaults : Self.defaultMaxProgramFaults)
    let line = CheckProgressLine(title: "checking \(loaded.runName)", bound: samples ?? bound)
    let checker = IdempotenceChecker(
      scenario: loaded,
      options: .init(
        maxFaults: maxFaults, maxDuplicates: maxDuplicates, samples: samples, sampleSeed: sampleSeed, maxSchedules: bound),
      external: program)
    let report: CheckReport
    if let program {
      // The search runs on a thread of its own while the processes run (`ProcessHandler`).
      nonisolated(unsafe) let progress = line
      report = program.runBlocking { checker.check(progress: progress.update) }
      if let error = program.setupError { throw CLIError("\(scenario): cannot run the handler: \(error)") }
    } else {
      report = checker.check(progress: line.update)
    }
    line.finish()
    var saved: [CheckProperty: String] = [:]
    if let save {
      for (position, property) in report.failures.enumerated() {
        let path = position == 0 ? save : Self.path(save, suffix: property.rawValue)
        try Self.write(report.counterexamples[property]!, to: path, inputs: inputs)
        saved[property] = path
      }
    }
    let text = format == .json ? CheckReportText.json(report, saved: saved) : CheckReportText.text(report, saved: saved)
    return (format == .text && ascii ? ASCIIText.fold(text) : text, report.exitCode)
  }

  /// The program of an `exec:` scenario, for a search on real processes. An event source's
  /// faults name records within a batch, which a program's calls do not follow: refused.
  static func program(_ exec: ExecHandler, of loaded: Scenario, argument: String) throws(CLIError) -> ProcessHandler {
    if loaded.eventSource != nil {
      throw CLIError(
        "\(argument): check of a real handler with an event source is not supported yet (its faults name records, a program's calls do not)")
    }
    return try ExecCommand.processHandler(exec, of: loaded, argument: argument)
  }

  /// Fails, in one line, when `--save` could not be written: its folder is missing, not a
  /// folder or not writable, the path (or one of the per-property paths beside it) is a folder,
  /// or the writer would refuse the path itself (a link, a device, one of `inputs`).
  static func checkSavePath(_ path: String, inputs: [String]) throws(CLIError) {
    func isFolder(_ path: String) -> Bool? {
      var status = stat()
      guard stat(path, &status) == 0 else { return nil }
      return (status.st_mode & S_IFMT) == S_IFDIR
    }
    guard !path.isEmpty else { throw CLIError("--save needs a file name") }
    let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    switch isFolder(folder) {
    case nil: throw CLIError("--save \(path): no such folder \(folder)")
    case false?: throw CLIError("--save \(path): \(folder) is not a folder")
    case true?:
      guard access(folder, W_OK | X_OK) == 0 else { throw CLIError("--save \(path): cannot write in \(folder) (permission denied)") }
    }
    for candidate in [path] + CheckProperty.allCases.map({ Self.path(path, suffix: $0.rawValue) }) where isFolder(candidate) == true {
      throw CLIError("--save \(path): \(candidate) is a folder")
    }
    do throws(FileWriteError) { try TextFileWriter.checkTarget(path, inputs: inputs) } catch { throw CLIError(error) }
  }

  /// `ce.json` → `ce.lost-effects.json`.
  static func path(_ path: String, suffix: String) -> String {
    guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path + "." + suffix }
    return String(path[..<dot]) + "." + suffix + String(path[dot...])
  }

  /// The counterexample's trace, marked with the step where it leaves the reference.
  /// Through `TextFileWriter`: whole or not at all, never through a link, never over `inputs`.
  static func write(_ counterexample: CheckReport.Counterexample, to path: String, inputs: [String] = []) throws(CLIError) {
    var trace = counterexample.trace
    trace.meta.source = "check"
    trace.meta.focus = counterexample.divergence
    trace.meta.lesson = "retryscope check: \(counterexample.schedule)"
    do throws(FileWriteError) {
      let writer = try TextFileWriter(path: path, inputs: inputs)
      TraceJSON.write(trace) { writer.write($0) }
      try writer.commit()
    } catch {
      throw CLIError(error)
    }
  }
}
