import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope validate`: checks a scenario file without running it.
struct ValidateCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate", abstract: "Check a scenario file and report the first error with file:line:column.")

  @Argument(help: "The scenario file (.yaml).")
  var file: String

  init() {}

  func output() throws(CLIError) -> String {
    let scenario: Scenario
    do { scenario = try ScenarioLoader.load(contentsOf: file) } catch { throw CLIError(error) }
    CommandWarnings.report(scenario.warnings)
    let steps = scenario.handler.stepCount
    let invocations = scenario.invocations.count + scenario.schedules.reduce(0) { $0 + $1.count }
    if let exec = scenario.exec {
      return "\(file): ok: scenario '\(scenario.name)', \(invocations) invocation\(invocations == 1 ? "" : "s"), handler \(exec.handler) (\(exec.runtime), run with 'retryscope exec')\n"
    }
    let names = scenario.variants.map(\.name)
    let variants = names.isEmpty ? "" : ", \(names.count) handler variant\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", ")))"
    return "\(file): ok: scenario '\(scenario.name)', \(invocations) invocation\(invocations == 1 ? "" : "s"), \(steps) handler step\(steps == 1 ? "" : "s")\(variants)\n"
  }
}
