import RetryScenarios

/// A real handler, as a scenario names it (`handler: {exec: {runtime: python, handler:
/// app.handler, code: path}}`, or `runtime: nodejs`).
public struct HandlerSpec: Sendable {
  public enum Runtime: String, Sendable, CaseIterable {
    /// RetryScope's own Python runtime loop (`Resources/runtimes`), standard library only.
    case python
    /// RetryScope's own Node.js runtime loop (`Resources/runtimes`), node's built-in modules only.
    case nodejs

    /// The interpreter on the PATH that runs the bootstrap.
    public var program: String {
      switch self {
      case .python: "python3"
      case .nodejs: "node"
      }
    }

    /// The bootstrap's file name: node decides from `.mjs` that it is an ES module.
    public var bootstrapName: String {
      switch self {
      case .python: "retryscope_bootstrap.py"
      case .nodejs: "retryscope_bootstrap.mjs"
      }
    }

    /// The bootstrap itself, embedded in the binary.
    public var bootstrap: [UInt8] {
      switch self {
      case .python: RuntimeBootstraps.python
      case .nodejs: RuntimeBootstraps.nodejs
      }
    }

    /// The files written beside each other in the environment's folder: the bootstrap, and the
    /// Python clock module it imports.
    public var files: [(name: String, contents: [UInt8])] {
      switch self {
      case .python: [(bootstrapName, bootstrap), ("retryscope_clock.py", RuntimeBootstraps.pythonClock)]
      case .nodejs: [(bootstrapName, bootstrap)]
      }
    }
  }

  /// The runtime interface client that runs a handler.
  public enum Client: String, Sendable, CaseIterable {
    /// RetryScope's own runtime loop for the runtime (`Resources/runtimes`).
    case retryscope
    /// AWS's Python runtime interface client (PyPI `awslambdaric`), started through our launcher
    /// (`retryscope_awslambdaric.py`), which installs the simulated clock first.
    case awslambdaric
  }

  public var runtime: Runtime
  public var client: Client
  /// `module.function` (`file.export` for Node.js), as Lambda's `Handler` setting.
  public var handler: String
  /// The folder holding the handler's code (`LAMBDA_TASK_ROOT`).
  public var codePath: String
  public var functionName: String
  /// The function's own environment variables (Lambda's `Environment.Variables`).
  public var environment: [String: String]

  public init(
    runtime: Runtime, handler: String, codePath: String, functionName: String = "handler",
    environment: [String: String] = [:], client: Client = .retryscope
  ) {
    self.runtime = runtime
    self.client = client
    self.handler = handler
    self.codePath = codePath
    self.functionName = functionName
    self.environment = environment
  }

  /// The files written to the environment's folder, the first one run by `runtime.program`.
  public var files: [(name: String, contents: [UInt8])] {
    switch client {
    case .retryscope: runtime.files
    case .awslambdaric: [("retryscope_awslambdaric.py", RuntimeBootstraps.pythonAwslambdaric)] + runtime.files.dropFirst()
    }
  }

  /// The program's arguments after the entry file: awslambdaric takes the handler, as
  /// `python3 -m awslambdaric <handler>` does; our runtimes read `_HANDLER`.
  public var arguments: [String] {
    client == .awslambdaric ? [handler] : []
  }

  public var functionArn: String { "arn:aws:lambda:us-east-1:123456789012:function:\(functionName)" }
}
