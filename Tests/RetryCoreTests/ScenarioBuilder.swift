import RetryCore

/// Small scenarios for rule tests, built in code so that each test states only what it is about.
enum Build {
  /// A handler that writes `orders[id=order-1]` and returns `{ok: true}`.
  static let writeThenReturn: [Step] = [
    Step(name: "write", action: .putItem(table: "orders", item: .map(["id": .literal("order-1"), "total": .literal(42)]), condition: nil)),
    Step(name: "respond", action: .respond(.literal(["ok": true]))),
  ]

  static func scenario(
    _ type: InvocationType, steps: [Step] = writeThenReturn, faults: [Fault] = [], configure: (inout Scenario) -> Void = { _ in }
  ) -> Scenario {
    var scenario = Scenario(
      name: "test", seed: 1, tables: [TableDefinition(name: "orders", partitionKey: "id")],
      endpoints: [EndpointDefinition(name: "hook", url: "https://hooks.example/post")],
      handler: Handler(steps: steps), invocations: [InvocationDefinition(id: "A", type: type, payload: ["id": "order-1"])],
      faults: faults)
    configure(&scenario)
    return scenario
  }

  /// A fault that makes every attempt of A throw before it returns.
  static let alwaysFail = Fault(invocation: "A", point: .before("respond"), kind: .error(type: "Error", message: "boom"))

  static func failOn(attempts: [Int], kind: Fault.Kind = .error(type: "Error", message: "boom")) -> [Fault] {
    attempts.map { Fault(invocation: "A", attempt: $0, point: .before("respond"), kind: kind) }
  }

  /// A compute step that runs for `ms`.
  static func work(_ ms: Milliseconds) -> Step { Step(name: "work", duration: ms, action: .compute) }
}

extension Trace {
  /// Attempts that actually ran the handler (not rejected by Lambda).
  var executions: [TraceAttempt] { attempts.filter { $0.outcome != .throttled } }
  func outcomes(_ kind: TraceOutcome.Kind) -> [TraceOutcome] { outcomes.filter { $0.kind == kind } }
  func waits(_ reason: WaitReason) -> [TraceWait] { waits.filter { $0.reason == reason } }
}
