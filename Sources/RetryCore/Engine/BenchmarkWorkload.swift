/// The synthetic workload of `retryscope bench`: many Event invokes of a handler that writes one
/// item, failing with a given probability, with Lambda's default retries and a DLQ.
///
/// Benchmarks/simpy_model.py models the same workload in SimPy, for the throughput comparison in
/// docs/performance.md.
public enum BenchmarkWorkload {
  /// Invocation `i` arrives at `i * spacing` ms.
  public static let spacing: Milliseconds = 10

  public static func scenario(invocations: Int, failureProbability: Double, seed: UInt64) -> Scenario {
    var scenario = Scenario(
      name: "bench", title: "Synthetic Event workload", seed: seed,
      function: FunctionConfiguration(functionName: "bench", timeout: 3_000, deadLetterQueue: "bench-dlq"),
      tables: [TableDefinition(name: "orders", partitionKey: "id")])
    let key = (try? Template.parse("${event.id}")) ?? .literal(.null)
    scenario.handler = Handler(steps: [
      Step(name: "write", action: .putItem(table: "orders", item: .map(["id": key]), condition: nil)),
      Step(action: .respond(.literal(.map(["ok": true])))),
    ])
    scenario.faults = [
      Fault(point: .before("respond"), kind: .error(type: "Error", message: "injected failure"), probability: failureProbability)
    ]
    scenario.handler.steps[1].name = "respond"
    scenario.invocations.reserveCapacity(invocations)
    for index in 0..<invocations {
      scenario.invocations.append(
        InvocationDefinition(id: "e\(index)", type: .event, at: Milliseconds(index) * spacing, payload: .map(["id": .int(index)])))
    }
    return scenario
  }
}
