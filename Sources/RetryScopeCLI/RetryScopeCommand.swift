import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope`: the root command. Without a subcommand it plays the default scenario.
public struct RetryScopeCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "retryscope",
    abstract: "Shows, step by step, why an AWS Lambda function runs twice and what that does to the outside world.",
    discussion: """
      Without a subcommand, runs the built-in scenario '\(RetryScopeCommand.defaultScenario)' and prints its timeline.
      'retryscope list' shows every built-in scenario.
      """,
    version: "0.1.0",
    subcommands: [RunCommand.self, ListCommand.self, ValidateCommand.self, BenchCommand.self]
  )

  /// The scenario a new user sees first: an async event retried twice with random delays, then
  /// sent to the dead letter queue (slide 14).
  public static let defaultScenario = "async-retries-dlq"

  public init() {}
}

extension RetryScopeCommand: TextCommand {
  func output() throws(CLIError) -> String {
    let run: RunCommand
    do { run = try RunCommand.parse([Self.defaultScenario]) } catch { throw CLIError("\(error)") }
    return try run.output()
  }
}
