import Testing

@testable import RetryCore

/// The stream workload of `retryscope bench`, run small: what it simulates, not how fast.
@Suite struct StreamBenchmarkWorkloadTests {
  @Test func aFullBatchFailsWithTheGivenProbability() {
    #expect(BenchmarkWorkload.recordFailureProbability(batchFailureProbability: 0) == 0)
    #expect(BenchmarkWorkload.recordFailureProbability(batchFailureProbability: 1) == 1)
    for p in [0.01, 0.1, 0.5] {
      let q = BenchmarkWorkload.recordFailureProbability(batchFailureProbability: p)
      var survive = 1.0
      for _ in 0..<BenchmarkWorkload.streamBatchSize { survive *= 1 - q }
      #expect(abs((1 - survive) - p) < 1e-9)
    }
  }

  @Test func everyRecordIsProcessedOrDiscardedInItsShardsOrder() {
    let scenario = BenchmarkWorkload.streamScenario(records: 3_000, shards: 4, failureProbability: 0.3, seed: 7)
    #expect(scenario.records.count == 3_000)
    #expect(scenario.records[1_001].partitionKey == "user-1")
    #expect(scenario.records[2].at == 2 * BenchmarkWorkload.streamSpacing)
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.invocations.map(\.id).sorted() == ["shard-1", "shard-2", "shard-3", "shard-4"])
    #expect(trace.attempts.allSatisfy { $0.records.count <= BenchmarkWorkload.streamBatchSize })
    #expect(trace.attempts.contains { $0.outcome == .error })
    // Each record ends once: in a batch that succeeded, or in one given up on.
    var ended: [String] = trace.attempts.filter { $0.outcome == .success }.flatMap(\.records)
    let discarded = trace.outcomes.filter { $0.kind == .onFailure }
    #expect(discarded.allSatisfy { $0.target == "stream-failures" && $0.reason == "RetryAttemptsExhausted" })
    ended += discarded.flatMap(\.records)
    #expect(ended.count == 3_000)
    #expect(Set(ended) == Set(scenario.records.map(\.id)))
    // One item per record that was processed at least once.
    #expect(trace.effects.indices.allSatisfy { trace.record(ofEffect: $0) != nil })
  }

  @Test func theWorkloadIsDeterministic() {
    let scenario = BenchmarkWorkload.streamScenario(records: 500, shards: 2, failureProbability: 0.5, seed: 3)
    let first = Simulator(scenario: scenario).run()
    let second = Simulator(scenario: scenario).run()
    #expect(first.attempts.map(\.records) == second.attempts.map(\.records))
    #expect(first.attempts.map(\.outcome) == second.attempts.map(\.outcome))
  }
}
