/// `handler: {exec: {runtime: python, handler: app.handler, code: ./create_user}}`: the function's
/// code is a real program, run by `retryscope exec` (RetryExec), not steps.
public struct ExecHandler: Sendable, Hashable {
  /// The runtime that runs it (`python` or `nodejs`).
  public var runtime: String
  /// `module.function` (`file.export` for Node.js), as Lambda's `Handler` setting.
  public var handler: String
  /// The folder holding the code, resolved against the scenario file's folder.
  public var code: String

  public init(runtime: String, handler: String, code: String) {
    self.runtime = runtime
    self.handler = handler
    self.code = code
  }
}
