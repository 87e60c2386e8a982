import ArgumentParser
import RetryCore
import RetryIO
import RetryTUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `retryscope run`: simulates a scenario and prints the trace as text or JSON, one frame of the
/// terminal UI as plain text, or the CloudWatch logs the function would have written.
struct RunCommand: StreamingCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate a scenario and print its timeline (text), its trace (json), a frame of the terminal UI (frame) or its CloudWatch logs (logs).")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, frame, logs
  }

  /// `--log-format`: how the logs are framed (`CloudWatchLogWriter.Format`).
  enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case raw, tail, events
    case jsonLines = "json-lines"

    var writerFormat: CloudWatchLogWriter.Format {
      switch self {
      case .raw: .raw
      case .tail: .tail
      case .events: .events
      case .jsonLines: .jsonLines
      }
    }
  }

  /// `--timeout-style`: how a timeout shows in text logs.
  enum TimeoutStyle: String, ExpressibleByArgument, CaseIterable {
    case status
    case taskTimedOut = "task-timed-out"
  }

  /// `--runtime`: whose application log lines.
  enum Runtime: String, ExpressibleByArgument, CaseIterable {
    case node, python
  }

  @Argument(help: "A built-in scenario name (see 'retryscope list'), a scenario file (.yaml), Lambda logs or a trace file (.json).")
  var scenario: String

  @Option(help: "The seed for every random draw (delays, faults, ids); default: the scenario's own.")
  var seed: UInt64?

  @Option(help: "Run the scenario with one of its handler variants ('variants:' in its file); NAME@VARIANT does the same.")
  var variant: String?

  @Option(
    help: """
      text: a readable timeline; json: the trace (docs/trace-format.md); frame: the terminal UI's screen as plain text; \
      logs: the CloudWatch logs the function would have written (docs/tracing-your-handler.md).
      """)
  var format: Format = .text

  @Option(
    help: """
      With --format logs: raw (the bare lines), tail (like 'aws logs tail'), events (the JSON pages of \
      'aws logs filter-log-events') or json-lines (Lambda's JSON log format). Default: events.
      """)
  var logFormat: LogFormat?

  @Option(
    help: """
      With --format logs: how a timeout shows: status (REPORT ends with 'Status: timeout', since 2025) or \
      task-timed-out (a 'Task timed out after 3.00 seconds' line, older runtimes). Default: status.
      """)
  var timeoutStyle: TimeoutStyle?

  @Option(help: "With --format logs: the runtime whose application lines are shown: node or python. Default: node.")
  var runtime: Runtime?

  @Option(help: "With --format frame: the step to show: a number (1 is the first), A#2, 90s, start or end (default: end).")
  var at: String?

  @Option(help: "With --format frame: the screen size, WIDTHxHEIGHT from 60x16 to 1000x500 (default: 80x24).")
  var size: String?

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  @OptionGroup var importOptions: ImportOptions

  init() {}

  func output() throws(CLIError) -> String {
    var text = ""
    try stream { text += String(decoding: $0, as: UTF8.self) }
    return text
  }

  /// Writes the output to `sink` in chunks: the logs of a big scenario (or of a big import) are
  /// never built whole.
  func stream(to sink: (UnsafeRawBufferPointer) -> Void) throws(CLIError) {
    let source = try checkedSource()
    func send(_ text: String) {
      var text = text
      text.withUTF8 { sink(UnsafeRawBufferPointer($0)) }
    }
    if format == .frame {
      send(try frame(source))
      return
    }
    let trace: Trace
    switch source {
    case .scenario(let loaded): trace = Simulator(scenario: loaded, seed: seed).run()
    case .recorded(let recorded): trace = recorded
    }
    switch format {
    case .text: send(TraceTextReport(trace: trace, ascii: ascii).render())
    case .json: TraceJSON.write(trace, to: send)
    case .logs: logWriter(trace).write(to: sink)
    case .frame: break
    }
  }

  /// What to run: a scenario to simulate, or a trace that already happened (logs, a trace file).
  enum Source {
    case scenario(Scenario)
    case recorded(Trace)
  }

  /// The scenario or trace, after the checks that options go with the right format.
  private func checkedSource() throws(CLIError) -> Source {
    if format != .frame {
      if at != nil { throw CLIError("--at needs --format frame") }
      if size != nil { throw CLIError("--size needs --format frame") }
    }
    if format != .logs {
      if logFormat != nil { throw CLIError("--log-format needs --format logs") }
      if timeoutStyle != nil { throw CLIError("--timeout-style needs --format logs") }
      if runtime != nil { throw CLIError("--runtime needs --format logs") }
    }
    let options = importOptions.values
    if TraceLoader.isTraceOrLog(scenario) {
      try TUISetup.checkScenarioOptions(of: scenario, seed: seed, variant: variant)
      return .recorded(try TUISetup.loadTrace([scenario], options, ascii: ascii))
    }
    if !options.isEmpty { throw CLIError("--input-format, --correlate and --lanes read logs; '\(scenario)' is a scenario") }
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario, variant: variant) } catch { throw CLIError(error) }
    CommandWarnings.report(loaded.warnings)
    return .scenario(loaded)
  }

  private func logWriter(_ trace: Trace) -> CloudWatchLogWriter {
    let options = CloudWatchLogWriter.Options(
      format: (logFormat ?? .events).writerFormat,
      timeoutStyle: timeoutStyle == .taskTimedOut ? .taskTimedOutLine : .statusField,
      runtime: runtime == .python ? .python : .node)
    return CloudWatchLogWriter(trace: trace, options: options)
  }

  /// The terminal UI's frame at `--at`, exactly as the TUI draws it (without colours).
  private func frame(_ source: Source) throws(CLIError) -> String {
    let screen: Size
    if let size {
      switch FrameLayout.size(parsing: size) {
      case .success(let parsed): screen = parsed
      case .failure(let error): throw CLIError("--size: " + error.message)
      }
    } else {
      screen = Size(width: 80, height: 24)
    }
    let target: GotoTarget
    if let at {
      switch GotoTarget.parse(at) {
      case .success(let parsed): target = parsed
      case .failure(let failure):
        throw CLIError("--at: " + (failure.message ?? "expected a step number, an attempt (A#2), a time (90s), start or end; got '\(at)'"))
      }
    } else {
      target = .end
    }
    let environment = try TUISetup.environment()
    var state: AppState
    switch source {
    case .scenario(let loaded):
      state = TUISetup.state(named: scenario, loaded, seed: seed, theme: .mono, ascii: ascii, size: screen)
    case .recorded(let trace):
      state = AppState(
        tour: BuiltinScenarios.talkTour, tourPosition: nil, scenarioName: scenario,
        session: TraceSession(scenario: nil, trace: trace), theme: .mono, ascii: ascii, size: screen)
    }
    switch target.eventIndex(in: state.trace) {
    case .success(let index): state.playhead = index
    case .failure(let error): throw CLIError("--at: \(error.message)")
    }
    return FrameRenderer.render(state, environment: environment).text
  }
}
