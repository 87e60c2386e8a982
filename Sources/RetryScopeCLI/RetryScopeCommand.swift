import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope`: the root command. Without a subcommand it opens the terminal UI on the talk tour.
public struct RetryScopeCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "retryscope",
    abstract: "Shows, step by step, why an AWS Lambda function runs twice and what that does to the outside world.",
    discussion: """
      Without a subcommand, opens the terminal UI on the talk tour (press ? there for the keys).
      'retryscope run <scenario>' prints a scenario's timeline as text; 'retryscope list' shows every built-in scenario.
      'retryscope exec <scenario.yaml>' runs a scenario whose handler is your own code (exec: in its file).
      'retryscope import <logs>' rebuilds a trace from real Lambda logs; 'retryscope tui <logs>' steps through it.
      """,
    version: "0.1.0",
    subcommands: [TUICommand.self, RunCommand.self, ImportCommand.self, CheckCommand.self, ListCommand.self, ValidateCommand.self, BenchCommand.self, DiffCommand.self, ExecCommand.self],
    // `retryscope` alone (or with only `--seed`, `--theme`...) is `retryscope tui`: the tour.
    defaultSubcommand: TUICommand.self
  )

  /// The scenario error messages suggest for text output: an async event retried twice with
  /// random delays, then sent to the dead letter queue (slide 14).
  public static let defaultScenario = "async-retries-dlq"

  public init() {}
}
