import Foundation
import RetryCore
import RetryIO
import RetryTUI
import Testing

@testable import RetryScopeCLI

/// Warnings (`ScenarioWarning`): settings AWS accepts but advises against. `validate`, `run` and
/// `check` print each on one stderr line and keep their exit code and stdout; the terminal UI
/// shows them on its message line when it opens the scenario.
@Suite struct ScenarioWarningsTests {
  /// A queue that hides messages for 30 s in front of a 10 s function: accepted, below 6 x 10 s.
  static let yaml = """
    name: short-visibility
    function: {timeout: 10}
    handler: [{return: 1}]
    eventSource:
      type: sqs
      queue: {visibilityTimeout: 30s}
    records: [{id: m1}]
    """

  static func file(_ text: String = yaml) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retryscope-warnings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent("short-visibility.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func warning(_ path: String) -> String {
    "\(path):6:30: warning: visibilityTimeout: 30s is less than AWS's recommended 6 x the function timeout 10s = 1m00s: "
      + "a throttled batch has less time to be retried before its messages show again\n"
  }

  @Test func validateSaysOkAndWarnsOnStderr() throws {
    let path = try Self.file()
    let result = RetryScope.execute(["validate", path])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "\(path): ok: scenario 'short-visibility', 0 invocations, 1 handler step\n")
    #expect(result.stderr == Self.warning(path))
  }

  /// stdout stays a valid trace: the warning is on stderr only.
  @Test func runWarnsOnStderrAndKeepsItsOutput() throws {
    let path = try Self.file()
    let json = RetryScope.execute(["run", path, "--format", "json"])
    #expect(json.exitCode == 0)
    #expect(json.stdout.hasPrefix("{"))
    #expect(!json.stdout.contains("warning"))
    #expect(json.stderr == Self.warning(path))
    let text = RetryScope.execute(["run", path])
    #expect(text.stderr == Self.warning(path))
  }

  /// A real handler's run warns as a modelled one's does (exec used to say nothing).
  @Test func execWarnsToo() throws {
    let path = try Self.file(Self.yaml.replacingOccurrences(
      of: "handler: [{return: 1}]", with: "handler: {exec: {runtime: python, handler: app.handler, code: .}}"))
    let folder = (path as NSString).deletingLastPathComponent
    try "def handler(event, context):\n    return 1\n".write(toFile: folder + "/app.py", atomically: true, encoding: .utf8)
    let result = RetryScope.execute(["exec", path])
    #expect(result.exitCode == 0)
    #expect(result.stderr == Self.warning(path))
  }

  @Test func checkWarnsToo() throws {
    let path = try Self.file()
    let result = RetryScope.execute(["check", path, "--max-faults", "0"])
    #expect(result.stderr == Self.warning(path))
  }

  /// An error stops the load before any warning: one line, exit 2, as ever.
  @Test func anErrorIsStillOneLine() throws {
    let path = try Self.file(Self.yaml.replacingOccurrences(of: "30s", with: "9s"))
    let result = RetryScope.execute(["validate", path])
    #expect(result.exitCode == 2)
    #expect(
      result.stderr
        == "error: \(path):6:30: visibilityTimeout: InvalidParameterValueException: Queue visibility timeout: 9 seconds is less than "
        + "Function timeout: 10 seconds (AWS refuses this mapping; hide messages at least as long as the function may run)\n")
  }

  @Test func aScenarioWithoutWarningsPrintsNothingOnStderr() {
    let result = RetryScope.execute(["run", "sqs-redrive"])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
  }

  /// The terminal UI shows the warning on its message line when the scenario opens, from the
  /// command line or from the tour (PageDown), until the next key.
  @Test func theTerminalUIShowsTheWarningOnOpening() throws {
    let path = try Self.file()
    let state = try TUISetup.initialState(scenario: path, seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    #expect(state.message == String(Self.warning(path).dropLast()))

    let environment = try TUISetup.environment()
    let builtin = try #require(BuiltinScenarios.talkTour.firstIndex(of: "sqs-visibility-duplicate"))
    var before = try TUISetup.initialState(
      scenario: BuiltinScenarios.talkTour[builtin - 1], seed: nil, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    before.playhead = before.session.lastEvent
    _ = AppReducer.reduce(&before, .key(.pageDown), environment)
    #expect(before.scenarioName == "sqs-visibility-duplicate")
    #expect(before.message?.hasPrefix("builtin:sqs-visibility-duplicate.yaml:15:24: warning: visibilityTimeout: 1m00s is less than") == true)
    _ = AppReducer.reduce(&before, .key(.right), environment)
    #expect(before.message == nil)
  }

  /// Several warnings share the one line: the first, and how many more.
  @Test func severalWarningsShareTheMessageLine() {
    let warnings = [
      ScenarioWarning(location: RetryCore.SourceLocation(file: "a.yaml", line: 1, column: 2), message: "one"),
      ScenarioWarning(location: nil, message: "two"),
    ]
    #expect(AppState.warningMessage(warnings) == "a.yaml:1:2: warning: one (and 1 more: retryscope validate lists them)")
    #expect(AppState.warningMessage([]) == nil)
  }
}
