import RetryCore

/// Why a scenario could not be loaded, as one line that editors and terminals can jump to:
/// `create-user.yaml:12:14: timeout: 901 is outside AWS's range 1-900 seconds`.
///
/// The loader stops at the first problem: a scenario file is short and hand-written, so one exact
/// message beats a cascade of follow-up errors that the first one caused.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Where the problem is; nil when it concerns a whole file (unreadable, empty) or no file at all.
  public var location: SourceLocation?
  /// What is wrong, in one line, with the allowed range or the closest valid names where they help.
  public var message: String
  /// The file the error concerns when there is no location (`cannot read file: ...`); nil for
  /// errors that concern no file (an unknown built-in scenario name).
  public var file: String?

  /// An error at a position in a file.
  public init(location: SourceLocation, message: String) {
    self.location = location
    self.message = ScenarioError.oneLine(message)
    self.file = location.file
  }

  /// An error about a whole file, or about no file when `file` is nil.
  public init(file: String?, message: String) {
    self.location = nil
    self.message = ScenarioError.oneLine(message)
    self.file = file
  }

  /// `file:line:column: message`, `file: message`, or just the message.
  public var description: String {
    if let location { return "\(location): \(message)" }
    if let file { return "\(file): \(message)" }
    return message
  }

  /// Messages must stay on one line (they are grepped, and shown in a one-line status bar).
  private static func oneLine(_ text: String) -> String {
    guard text.contains(where: \.isNewline) else { return text }
    return text.split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}
