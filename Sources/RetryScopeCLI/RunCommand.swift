import ArgumentParser
import RetryCore
import RetryIO
import RetryTUI

/// `retryscope run`: simulates a scenario and prints the trace as text or JSON, or one frame of
/// the terminal UI as plain text.
struct RunCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate a scenario and print its timeline (text), its trace (json) or a frame of the terminal UI (frame).")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, frame
  }

  @Argument(help: "A built-in scenario name (see 'retryscope list') or a scenario file (.yaml).")
  var scenario: String

  @Option(help: "The seed for every random draw (delays, faults, ids); default: the scenario's own.")
  var seed: UInt64?

  @Option(help: "text: a readable timeline; json: the trace (docs/trace-format.md); frame: the terminal UI's screen as plain text.")
  var format: Format = .text

  @Option(help: "With --format frame: the step to show: a number (1 is the first), A#2, 90s, start or end (default: end).")
  var at: String?

  @Option(help: "With --format frame: the screen size, WIDTHxHEIGHT (default: 80x24).")
  var size: String?

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String {
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario) } catch { throw CLIError(error) }
    if format != .frame {
      if at != nil { throw CLIError("--at needs --format frame") }
      if size != nil { throw CLIError("--size needs --format frame") }
    }
    if format == .frame { return try frame(loaded) }
    let trace = Simulator(scenario: loaded, seed: seed).run()
    switch format {
    case .text: return TraceTextReport(trace: trace, ascii: ascii).render()
    case .json: return TraceJSON.encode(trace)
    case .frame: return ""
    }
  }

  /// The terminal UI's frame at `--at`, exactly as the TUI draws it (without colours).
  private func frame(_ loaded: Scenario) throws(CLIError) -> String {
    let screen: Size
    if let size {
      guard let parsed = Size(parsing: size) else { throw CLIError("--size: expected WIDTHxHEIGHT such as 80x24, got '\(size)'") }
      screen = parsed
    } else {
      screen = Size(width: 80, height: 24)
    }
    let target: GotoTarget
    if let at {
      guard let parsed = GotoTarget(parsing: at) else {
        throw CLIError("--at: expected a step number, an attempt (A#2), a time (90s), start or end; got '\(at)'")
      }
      target = parsed
    } else {
      target = .end
    }
    let environment = try TUISetup.environment()
    var state = TUISetup.state(named: scenario, loaded, seed: seed, theme: .mono, ascii: ascii, size: screen)
    switch target.eventIndex(in: state.trace) {
    case .success(let index): state.playhead = index
    case .failure(let error): throw CLIError("--at: \(error.message)")
    }
    return FrameRenderer.render(state, environment: environment).text
  }
}
