/// Something a scenario file may say, and AWS accepts, but advises against: the run goes ahead,
/// and `validate`, `run`, `check` and the terminal UI show it in one line
/// (`orders.yaml:9:24: warning: ...`). Errors stop a load (`ScenarioError`); warnings only inform,
/// so a scenario that teaches what goes wrong with such a setting can still be played.
public struct ScenarioWarning: Sendable, Hashable, CustomStringConvertible {
  /// Where the setting is; nil when it concerns no one place.
  public var location: SourceLocation?
  /// What AWS advises, and why, in one line.
  public var message: String

  public init(location: SourceLocation?, message: String) {
    self.location = location
    self.message = message
  }

  /// `file:line:column: warning: message`.
  public var description: String {
    (location.map { "\($0): " } ?? "") + "warning: " + message
  }
}
