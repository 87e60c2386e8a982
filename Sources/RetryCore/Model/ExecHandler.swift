/// `handler: {exec: {runtime: python, handler: app.handler, code: ./create_user}}`: the function's
/// code is a real program, run by `retryscope exec` (RetryExec), not steps.
public struct ExecHandler: Sendable, Hashable {
  /// The runtime that runs it (`python` or `nodejs`).
  public var runtime: String
  /// `module.function` (`file.export` for Node.js), as Lambda's `Handler` setting.
  public var handler: String
  /// The folder holding the code, resolved against the scenario file's folder.
  public var code: String
  /// The runtime interface client that talks to the Runtime API: `retryscope` (RetryScope's own,
  /// shipped in the binary) or, for Python, `awslambdaric` (AWS's, from PyPI).
  public var client: String

  public init(runtime: String, handler: String, code: String, client: String = "retryscope") {
    self.runtime = runtime
    self.handler = handler
    self.code = code
    self.client = client
  }
}
