import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope run`: simulates a scenario and prints the trace as text or JSON.
struct RunCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate a scenario and print its timeline (text) or its trace (json).")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Argument(help: "A built-in scenario name (see 'retryscope list') or a scenario file (.yaml).")
  var scenario: String

  @Option(help: "The seed for every random draw (delays, faults, ids); default: the scenario's own.")
  var seed: UInt64?

  @Option(help: "text: a readable timeline; json: the trace (docs/trace-format.md).")
  var format: Format = .text

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String {
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario) } catch { throw CLIError(error) }
    let trace = Simulator(scenario: loaded, seed: seed).run()
    switch format {
    case .text: return TraceTextReport(trace: trace, ascii: ascii).render()
    case .json: return TraceJSON.encode(trace)
    }
  }
}
