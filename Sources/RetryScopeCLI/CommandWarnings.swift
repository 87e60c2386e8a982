import RetryCore

/// The warnings a command found in its input (`ScenarioWarning`: a setting AWS accepts but
/// advises against). `RetryScope.execute` writes them to stderr, one line each, whatever the
/// command printed on stdout (a JSON trace stays clean), and they leave the exit code alone.
///
/// Task-local rather than returned: the scenario is loaded deep inside each command (a streamed
/// run, a check), and every command's signature would otherwise carry a list that most of them
/// never fill. One command runs per `execute` call, on its thread, so the box is never shared.
final class CommandWarnings: @unchecked Sendable {
  @TaskLocal static var current: CommandWarnings?

  private(set) var lines: [String] = []

  /// Reports the scenario's warnings to the command being executed (none outside `execute`).
  static func report(_ warnings: [ScenarioWarning]) {
    current?.lines += warnings.map(\.description)
  }

  /// The lines for stderr: `file:line:column: warning: ...`, each ending in a newline.
  var text: String { lines.map { $0 + "\n" }.joined() }
}
