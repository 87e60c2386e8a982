/// The stream workload of `retryscope bench`: a Kinesis event source mapping whose function
/// writes one item per record, a batch now and then failing, with a retry limit and an
/// on-failure destination so that every record ends.
extension BenchmarkWorkload {
  /// Record `i` arrives at `i * streamSpacing` ms.
  public static let streamSpacing: Milliseconds = 1
  /// Records a batch. The handler's write takes the default 12 ms, so a full batch runs about
  /// 1.2 s and a shard (polled at AWS's base rate, once a second) gets through about 50-80 records
  /// a second of the ~250 that reach it: the shards lag behind the stream, as a real consumer
  /// whose iterator age grows, and nearly every batch is full.
  public static let streamBatchSize = 100
  /// Partition keys `user-0` ... `user-999`, spread over the shards by their hash.
  public static let streamPartitionKeys = 1_000

  /// The probability that one record's processing fails, so that a full batch of
  /// `streamBatchSize` records fails with `batchFailureProbability` (as the async workload's
  /// attempts fail with it): 1 - (1 - p)^(1/100), about p / 100. A per-record probability of p
  /// itself would fail nearly every batch (0.9^100 is 3e-5) and measure only discards.
  public static func recordFailureProbability(batchFailureProbability p: Double) -> Double {
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    // The 100th root of 1 - p by bisection: the same bits on every platform, and no Foundation.
    var low = 0.0
    var high = 1.0
    for _ in 0..<80 {
      let middle = (low + high) / 2
      var power = 1.0
      for _ in 0..<streamBatchSize { power *= middle }
      if power < 1 - p { low = middle } else { high = middle }
    }
    return 1 - (low + high) / 2
  }

  /// `records` Kinesis records over `shards` shards, one every `streamSpacing` ms, partition key
  /// `user-<i % 1000>`, batches of up to 100, a handler that writes `orders[id=<record id>]` and
  /// then fails (after the write, so a retry rewrites it) with
  /// `recordFailureProbability(batchFailureProbability: failureProbability)`, 2 retries a batch
  /// 1 s apart, then its metadata goes to the on-failure destination and the shard moves on.
  public static func streamScenario(records: Int, shards: Int, failureProbability: Double, seed: UInt64) -> Scenario {
    var mapping = EventSourceMapping(
      kind: .kinesis, batchSize: streamBatchSize, shards: shards,
      maximumRetryAttempts: 2)
    mapping.onFailure = Destination(kind: .sqs, target: "stream-failures")
    var scenario = Scenario(
      name: "bench-stream", title: "Synthetic Kinesis stream workload", seed: seed,
      function: FunctionConfiguration(functionName: "bench", timeout: 3_000),
      tables: [TableDefinition(name: "orders", partitionKey: "id")], eventSource: mapping)
    let key = (try? Template.parse("${record.recordId}")) ?? .literal(.null)
    scenario.handler = Handler(steps: [
      Step(name: "write", action: .putItem(table: "orders", item: .map(["id": key]), condition: nil)),
      Step(name: "respond", action: .respond(.literal(.map(["ok": true])))),
    ])
    scenario.faults = [
      Fault(
        point: .before("respond"), kind: .error(type: "Error", message: "injected failure"),
        probability: recordFailureProbability(batchFailureProbability: failureProbability))
    ]
    let keys = (0..<streamPartitionKeys).map { "user-\($0)" }
    scenario.records.reserveCapacity(records)
    for index in 0..<records {
      scenario.records.append(
        SourceRecord(
          id: "r\(index)", at: Milliseconds(index) * streamSpacing, partitionKey: keys[index % streamPartitionKeys],
          data: .map(["id": .int(index)])))
    }
    return scenario
  }
}
