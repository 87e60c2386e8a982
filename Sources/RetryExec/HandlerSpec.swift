/// A real handler, as a scenario names it (`handler: {exec: {runtime: python, handler:
/// app.handler, code: path}}`).
public struct HandlerSpec: Sendable {
  public enum Runtime: String, Sendable, CaseIterable {
    /// RetryScope's own Python runtime loop (`Resources/runtimes`), standard library only.
    case python
  }

  public var runtime: Runtime
  /// `module.function`, as Lambda's `Handler` setting.
  public var handler: String
  /// The folder holding the handler's code (`LAMBDA_TASK_ROOT`).
  public var codePath: String
  public var functionName: String
  /// The function's own environment variables (Lambda's `Environment.Variables`).
  public var environment: [String: String]

  public init(
    runtime: Runtime, handler: String, codePath: String, functionName: String = "handler",
    environment: [String: String] = [:]
  ) {
    self.runtime = runtime
    self.handler = handler
    self.codePath = codePath
    self.functionName = functionName
    self.environment = environment
  }

  public var functionArn: String { "arn:aws:lambda:us-east-1:123456789012:function:\(functionName)" }
}
