import ArgumentParser
import RetryCore
import RetryIO
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

  @Argument(help: "A built-in scenario name (see 'retryscope list') or a scenario file (.yaml); default: the talk tour.")
  var scenario: String?

  @OptionGroup var options: TUIOptions

  init() {}

  func runInteractive(environment: [String: String]) -> CommandResult {
    TerminalSession.run(scenario: scenario, options: options, environment: environment)
  }
}
