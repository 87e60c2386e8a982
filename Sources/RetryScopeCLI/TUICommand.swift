import ArgumentParser
import RetryCore
import RetryIO
import RetryLogs
import RetryTUI

/// Options shared by `retryscope` (the tour) and `retryscope tui`.
struct TUIOptions: ParsableArguments {
  @Option(help: "The seed for every random draw; default: the scenario's own.")
  var seed: UInt64?

  @Option(help: "dark, light or mono (default: dark; mono with NO_COLOR or TERM=dumb).")
  var theme: Theme.Name?

  @Flag(help: "No colours: the mono theme, attributes only.")
  var noColor = false

  @Flag(help: "Plain ASCII symbols instead of Unicode box drawing.")
  var ascii = false
}

/// A command that takes over the terminal instead of printing text.
protocol InteractiveCommand: ParsableCommand {
  func runInteractive(environment: [String: String]) -> CommandResult
}

/// `retryscope tui <scenario>`: the terminal UI on one scenario (within the tour, so that
/// PageDown at its end opens the next one).
struct TUICommand: InteractiveCommand {
  static let configuration = CommandConfiguration(
    commandName: "tui",
    abstract: "Play a scenario in the terminal UI: step, search, reseed (keys: ? in the UI).")

  @Argument(help: "A built-in scenario name (see 'retryscope list'), a scenario file (.yaml), Lambda logs or a trace file (.json); default: the talk tour.")
  var scenario: String?

  @Argument(help: "More log files of the same function, imported together with the first.")
  var moreLogs: [String] = []

  @OptionGroup var options: TUIOptions

  @Option(help: "Play the scenario with one of its handler variants ('variants:' in its file); NAME@VARIANT does the same.")
  var variant: String?

  @OptionGroup var importOptions: ImportOptions

  init() {}

  func runInteractive(environment: [String: String]) -> CommandResult {
    TerminalSession.run(
      scenario: scenario, moreLogs: moreLogs, variant: variant, options: options, importOptions: importOptions.values,
      environment: environment)
  }
}

/// How to read logs given to `tui` and `run` (as `import` does).
struct ImportOptions: ParsableArguments {
  @Option(name: .customLong("input-format"), help: "Logs only: force the input format (\(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))); default: detected.")
  var format: LogFormat?

  @Option(help: "Logs only: a field of a logged JSON line naming the logical event (event.orderId).")
  var correlate: String?

  @Option(help: "Logs only: invocations (a lane per logical event) or streams (a lane per log stream).")
  var lanes: ImportLanes?

  var values: LogOpenOptions { LogOpenOptions(format: format, correlate: correlate, lanes: lanes) }
}

/// The options that say how to read logs, as plain values (code and tests build them).
struct LogOpenOptions: Equatable {
  var format: LogFormat?
  var correlate: String?
  var lanes: ImportLanes?

  var importerOptions: LogImporter.Options {
    LogImporter.Options(format: format, correlate: correlate, lanes: lanes ?? .invocations)
  }

  var isEmpty: Bool { format == nil && correlate == nil && lanes == nil }

  /// The options as typed, for the reproduce command.
  var arguments: [String] {
    var options: [String] = []
    if let format { options += ["--input-format", format.rawValue] }
    if let correlate { options += ["--correlate", correlate] }
    if let lanes, lanes != .invocations { options += ["--lanes", lanes.rawValue] }
    return options
  }
}
