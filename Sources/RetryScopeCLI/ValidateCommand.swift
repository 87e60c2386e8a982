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
    let steps = Self.countSteps(scenario.handler.steps)
    let invocations = scenario.invocations.count + scenario.schedules.reduce(0) { $0 + $1.count }
    return "\(file): ok: scenario '\(scenario.name)', \(invocations) invocation\(invocations == 1 ? "" : "s"), \(steps) handler step\(steps == 1 ? "" : "s")\n"
  }

  static func countSteps(_ steps: [Step]) -> Int {
    steps.reduce(0) { total, step in
      if case .branch(_, let then, let otherwise) = step.action {
        return total + 1 + countSteps(then) + countSteps(otherwise)
      }
      return total + 1
    }
  }
}
