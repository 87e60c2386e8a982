import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// `handler: {exec: ...}`: a real handler, for `retryscope exec`.
@Suite struct ScenarioLoaderExecTests {
  /// A scenario in a temporary folder with a `code/` folder beside it, removed afterwards.
  static func withFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-exec-loader-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/code", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
  }

  static func yaml(_ exec: String, extra: String = "") -> String {
    """
    name: t
    handler:
      exec: \(exec)
    invocations:
      - {id: A, type: Event, payload: {}}
    \(extra)
    """
  }

  @Test func theCodeFolderIsResolvedAgainstTheScenariosFolder() throws {
    try Self.withFolder { folder in
      let scenario = try ScenarioLoader.load(
        yaml: Self.yaml("{runtime: python, handler: app.handler, code: code}"), file: folder + "/s.yaml")
      #expect(scenario.exec == ExecHandler(runtime: "python", handler: "app.handler", code: folder + "/code"))
      #expect(scenario.handler.steps.isEmpty)
    }
  }

  @Test func aNodejsHandlerLoads() throws {
    try Self.withFolder { folder in
      let scenario = try ScenarioLoader.load(
        yaml: Self.yaml("{runtime: nodejs, handler: index.handler, code: code}"), file: folder + "/s.yaml")
      #expect(scenario.exec == ExecHandler(runtime: "nodejs", handler: "index.handler", code: folder + "/code"))
    }
  }

  /// Faults name calls: `step: k` and `before: call k` strike before the k-th call, `after:
  /// call k` after it, whatever the number (a program's calls are not known in advance).
  @Test func faultsNameTheProgramsCalls() throws {
    try Self.withFolder { folder in
      let scenario = try ScenarioLoader.load(
        yaml: Self.yaml(
          "{runtime: python, handler: app.handler, code: code}",
          extra: "faults:\n  - {invocation: A, step: 7, kind: crash}\n  - {invocation: A, after: call 2, kind: timeout}"),
        file: folder + "/s.yaml")
      #expect(scenario.faults.map(\.point) == [.beforeStep(7), .after("call 2")])
      #expect(scenario.faults.compactMap(ExternalFault.init) == [.crashBeforeCall, .holdAfterCall])
    }
  }

  /// Handlers in folders, as Lambda's runtimes accept them: Python `pkg/module.handler` or
  /// `pkg.module.handler`, Node.js `src/index.handler` (a folder may hold dots and dashes).
  @Test func handlersInFoldersLoad() throws {
    try Self.withFolder { folder in
      for (runtime, handler) in [
        ("python", "pkg/module.handler"), ("python", "pkg.module.handler"), ("python", "src/pkg/app.lambda_handler"),
        ("nodejs", "src/index.handler"), ("nodejs", "src.v2/my-app/index.handlers.create"), ("nodejs", "my-file.handler"),
      ] {
        let scenario = try ScenarioLoader.load(
          yaml: Self.yaml("{runtime: \(runtime), handler: \(handler), code: code}"), file: folder + "/s.yaml")
        #expect(scenario.exec?.handler == handler)
      }
    }
  }

  @Test func awslambdaricIsAPythonClient() throws {
    try Self.withFolder { folder in
      let file = folder + "/s.yaml"
      let scenario = try ScenarioLoader.load(
        yaml: Self.yaml("{runtime: python, client: awslambdaric, handler: app.handler, code: code}"), file: file)
      #expect(scenario.exec == ExecHandler(runtime: "python", handler: "app.handler", code: folder + "/code", client: "awslambdaric"))
      #expect(
        loadError(Self.yaml("{runtime: python, client: boto, handler: app.handler, code: code}"), file: file)
          == "\(file):3:35: client: 'boto' is not supported; use retryscope or awslambdaric")
      #expect(
        loadError(Self.yaml("{runtime: nodejs, client: awslambdaric, handler: index.handler, code: code}"), file: file)
          == "\(file):3:35: client: awslambdaric is a Python runtime client; runtime nodejs runs with RetryScope's own (client: retryscope)")
    }
  }

  @Test func handlerNamesLambdaRefusesAreOneLocatedLine() throws {
    try Self.withFolder { folder in
      let file = folder + "/s.yaml"
      #expect(
        loadError(Self.yaml("{runtime: python, handler: pkg/my-module.handler, code: code}"), file: file)
          == "\(file):3:36: handler: 'pkg/my-module.handler' is not module.function: write app.handler, or pkg/module.handler or pkg.module.handler for a module in a folder")
      #expect(
        loadError(Self.yaml("{runtime: python, handler: pkg//app.handler, code: code}"), file: file)?.hasPrefix(
          "\(file):3:36: handler: 'pkg//app.handler' is not module.function") == true)
      #expect(
        loadError(Self.yaml("{runtime: nodejs, handler: ../shared/index.handler, code: code}"), file: file)
          == "\(file):3:36: handler: '../shared/index.handler' is not a valid handler name: Lambda refuses '..' in a handler (the folder is relative to the code)")
      #expect(
        loadError(Self.yaml("{runtime: nodejs, handler: src/index, code: code}"), file: file)
          == "\(file):3:36: handler: 'src/index' is not file.export: write index.handler, or src/index.handler for a file in a folder")
      #expect(
        loadError(Self.yaml("{runtime: nodejs, handler: /index.handler, code: code}"), file: file)?.hasSuffix(
          "is not file.export: write index.handler, or src/index.handler for a file in a folder") == true)
    }
  }

  /// `queues:`: standard and FIFO queues, their deduplication and failures.
  @Test func queuesLoad() throws {
    try Self.withFolder { folder in
      let scenario = try ScenarioLoader.load(
        yaml: Self.yaml(
          "{runtime: python, handler: app.handler, code: code}",
          extra: """
            queues:
              - name: notifications
              - {name: orders.fifo, fifo: true, contentBasedDeduplication: true, failures: {requests: [2]}}
            """),
        file: folder + "/s.yaml")
      #expect(scenario.queues.map(\.name) == ["notifications", "orders.fifo"])
      #expect(scenario.queues.map(\.fifo) == [false, true])
      #expect(scenario.queues.map(\.contentBasedDeduplication) == [false, true])
      #expect(scenario.queues[1].failures.requests == [2])
      #expect(scenario.queues[1].failures.error == "InternalError")
      #expect(scenario.queues[0].url() == "https://sqs.us-east-1.amazonaws.com/123456789012/notifications")
    }
  }

  @Test(arguments: [
    ("  - {name: orders.fifo}", "7:12: name: 'orders.fifo' ends in '.fifo', the name of a FIFO queue; add 'fifo: true'"),
    ("  - {name: orders, fifo: true}", "7:26: fifo: a FIFO queue's name must end in '.fifo', and 'orders' does not"),
    ("  - {name: a b}", "7:12: name: 'a b' must be 1-80 letters, digits, '_' or '-' (a FIFO queue's ending in '.fifo') (SQS)"),
    ("  - {name: q}\n  - {name: q}", "8:12: name: queue 'q' is already declared at line 7"),
    ("  - {name: q, contentBasedDeduplication: true}", "7:42: contentBasedDeduplication: only a FIFO queue deduplicates; add 'fifo: true' and name it 'q.fifo'"),
    ("  - {name: q, fifo: 1}", "7:21: fifo: expected true or false, got '1'"),
    ("  - {name: q, delay: 1s}", "7:15: unknown key 'delay' in a queue; expected one of: name, fifo, contentBasedDeduplication, failures"),
  ])
  func queueMistakesAreOneLocatedLine(_ queues: String, _ message: String) throws {
    try Self.withFolder { folder in
      let file = folder + "/s.yaml"
      let yaml = Self.yaml("{runtime: python, handler: app.handler, code: code}", extra: "queues:\n" + queues)
      #expect(loadError(yaml, file: file) == "\(file):\(message)")
    }
  }

  @Test func mistakesAreOneLocatedLine() throws {
    try Self.withFolder { folder in
      let file = folder + "/s.yaml"
      #expect(
        loadError(Self.yaml("{runtime: ruby, handler: app.handler, code: code}"), file: file)
          == "\(file):3:19: runtime: 'ruby' is not supported; use python or nodejs")
      #expect(
        loadError(Self.yaml("{runtime: python, handler: handler, code: code}"), file: file)
          == "\(file):3:36: handler: 'handler' is not module.function: write app.handler, or pkg/module.handler or pkg.module.handler for a module in a folder")
      #expect(
        loadError(Self.yaml("{runtime: python, handler: app.handler, code: nowhere}"), file: file)
          == "\(file):3:55: code: no such folder: \(folder)/nowhere")
      #expect(
        loadError(Self.yaml("{runtime: python, handler: app.handler}"), file: file)?.hasPrefix("\(file):3:9: ") == true)
      #expect(
        loadError(
          Self.yaml("{runtime: python, handler: app.handler, code: code}", extra: "variants:\n  - {name: v2, handler: [{return: 1}]}"),
          file: file)
          == "\(file):6:1: variants: not supported with an 'exec' handler yet (a real handler has no steps to name)")
      #expect(
        loadError(
          Self.yaml("{runtime: python, handler: app.handler, code: code}", extra: "faults:\n  - {invocation: A, after: send-mail, kind: crash}"),
          file: file)
          == "\(file):7:28: after: 'send-mail' is not a call of an exec handler; write 'call 1', 'call 2', ...")
    }
  }
}
