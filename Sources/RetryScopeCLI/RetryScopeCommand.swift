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
      """,
    version: "0.1.0",
    subcommands: [TUICommand.self, RunCommand.self, ListCommand.self, ValidateCommand.self, BenchCommand.self]
  )

  /// The scenario error messages suggest for text output: an async event retried twice with
  /// random delays, then sent to the dead letter queue (slide 14).
  public static let defaultScenario = "async-retries-dlq"

  @OptionGroup var options: TUIOptions

  public init() {}
}

extension RetryScopeCommand: InteractiveCommand {
  func runInteractive(environment: [String: String]) -> CommandResult {
    TerminalSession.run(scenario: nil, options: options, environment: environment)
  }
}

/// The root command without the tour's options, to parse a command line that names a subcommand.
///
/// ArgumentParser gives a parent command's options their values from anywhere on the line before
/// the subcommand sees it, and `run` and `bench` have options named like the tour's (`--seed`,
/// `--ascii`): parsed from `RetryScopeCommand`, `retryscope run x --seed 4` set the root's seed and
/// left run's at its default. Same name, help and subcommands; no options of its own.
struct RetryScopeSubcommandRoot: ParsableCommand {
  static let configuration = RetryScopeCommand.configuration
}

extension RetryScopeCommand {
  /// The root to parse `arguments` with: `RetryScopeSubcommandRoot` when they start with a
  /// subcommand's name, so that the subcommand's options get their values.
  static func root(for arguments: [String]) -> any ParsableCommand.Type {
    guard let first = arguments.first,
      configuration.subcommands.contains(where: { $0._commandName == first })
    else { return RetryScopeCommand.self }
    return RetryScopeSubcommandRoot.self
  }
}
