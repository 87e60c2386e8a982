import Testing

@testable import RetryCore

/// Event source mappings: SQS and streams, each rule with its source in
/// `docs/lambda-semantics.md` section 3.
@Suite struct EventSourceTests {
  /// Writes `orders[id=<record>]` for each record, then returns.
  static func steps(key: String) -> [Step] {
    [
      Step(name: "work", duration: 50, action: .compute),
      // The request id in the item: a second execution's write changes it (a duplicate), where
      // an identical overwrite would be an idempotent no-op.
      Step(name: "write", action: .putItem(table: "orders", item: try! Template.from(["id": .string(key), "by": "${requestId}"]), condition: nil)),
    ]
  }

  static func scenario(
    _ mapping: EventSourceMapping, records: [SourceRecord], steps: [Step]? = nil, faults: [Fault] = []
  ) -> Scenario {
    let key = mapping.kind == .sqs ? "${record.messageId}" : mapping.kind == .kinesis ? "${record.recordId}" : "${record.eventID}"
    return Scenario(
      name: "esm", seed: 1, tables: [TableDefinition(name: "orders", partitionKey: "id")],
      handler: Handler(steps: steps ?? Self.steps(key: key)), faults: faults, eventSource: mapping, records: records)
  }

  static func kinesisRecords(_ ids: [String], key: String = "alice", every: Milliseconds = 100) -> [SourceRecord] {
    ids.enumerated().map { SourceRecord(id: $1, at: Milliseconds($0) * every, partitionKey: key, data: ["n": .int($0)]) }
  }

  static func fail(_ record: String, attempts: [Int?]) -> [Fault] {
    attempts.map { Fault(invocation: record, attempt: $0, point: .before("write"), kind: .error(type: "Error", message: "poison \(record)")) }
  }

  func run(_ scenario: Scenario) -> Trace { Simulator(scenario: scenario).run() }

  // MARK: streams

  @Test func aShardReadsItsRecordsInOneBatchAtTheNextPoll() {
    let trace = run(Self.scenario(EventSourceMapping(kind: .kinesis), records: Self.kinesisRecords(["r1", "r2", "r3"])))
    #expect(trace.invocations.map(\.id) == ["shard-1"])
    #expect(trace.invocations[0].caller == "Kinesis shard shardId-000000000000")
    #expect(trace.attempts.count == 1)
    #expect(trace.attempts[0].records == ["r1", "r2", "r3"])
    #expect(trace.attempts[0].start == 1_000)  // polled once per second
    #expect(trace.attempts[0].caller == .eventSource)
    #expect(trace.effects.indices.map { trace.record(ofEffect: $0) } == ["r1", "r2", "r3"])
    #expect(trace.events.filter { $0.kind == .recordArrived }.map(\.note) == ["r1", "r2", "r3"])
  }

  @Test func withABacklogTheIteratorReadsOnWithoutWaitingForTheNextTick() {
    let records = (0..<250).map { SourceRecord(id: "r\($0)", at: Milliseconds($0), partitionKey: "alice", data: [:]) }
    var scenario = Self.scenario(EventSourceMapping(kind: .kinesis), records: records)
    scenario.function.timeout = 60_000  // a batch of 100 records takes about 8 s
    let trace = run(scenario)
    #expect(trace.attempts.map(\.records.count) == [100, 100, 50])
    #expect(trace.attempts[0].start == 1_000)
    #expect(trace.attempts[1].start == trace.attempts[0].end)
    #expect(trace.attempts[2].start == trace.attempts[1].end)
  }

  @Test func aFailingBatchBlocksItsShardAndIsRetriedWholeWithANewRequestId() {
    var records = Self.kinesisRecords(["r1", "r2", "r3"])
    records.append(SourceRecord(id: "r4", at: 1_500, partitionKey: "alice", data: [:]))
    let trace = run(
      Self.scenario(EventSourceMapping(kind: .kinesis), records: records, faults: Self.fail("r2", attempts: [1])))
    // "Retries the batch": the same records, then r4, which arrived while the shard was blocked
    // and waited behind them.
    #expect(trace.attempts.map(\.records) == [["r1", "r2", "r3"], ["r1", "r2", "r3"], ["r4"]])
    #expect(trace.attempts.map(\.outcome) == [.error, .success, .success])
    #expect(trace.attempts[0].requestId != trace.attempts[1].requestId)
    #expect(trace.waits.map(\.reason) == [.shardBlocked])
    // The retry comes one retryDelay (1 s) after the failure.
    #expect(trace.attempts[1].start == trace.attempts[0].end + 1_000)
    // r1 was written by both executions: a duplicate.
    let r1 = trace.effects(ofRecord: "r1")
    #expect(r1.count == 2 && r1[1].duplicateOf == trace.effects.indices.first { trace.record(ofEffect: $0) == "r1" })
  }

  @Test func retriesRunOutAndTheBatchMetadataGoesToTheOnFailureDestination() {
    var mapping = EventSourceMapping(kind: .kinesis, maximumRetryAttempts: 2)
    mapping.onFailure = Destination(kind: .sqs, target: "stream-failures")
    var records = Self.kinesisRecords(["r1", "r2"])
    records.append(SourceRecord(id: "r3", at: 5_000, partitionKey: "alice", data: [:]))
    let trace = run(Self.scenario(mapping, records: records, faults: Self.fail("r2", attempts: [nil])))
    // The first try and two retries, then the shard moves on to r3.
    #expect(trace.attempts.map(\.records) == [["r1", "r2"], ["r1", "r2"], ["r1", "r2"], ["r3"]])
    let outcome = try! #require(trace.outcomes.first)
    #expect(outcome.kind == .onFailure)
    #expect(outcome.reason == "RetryAttemptsExhausted")
    #expect(outcome.target == "stream-failures")
    #expect(outcome.records == ["r1", "r2"])
    #expect(outcome.payload?["KinesisBatchInfo"]?["batchSize"] == .int(2))
    #expect(outcome.payload?["requestContext"]?["approximateInvokeCount"] == .int(3))
  }

  @Test func maximumRetryAttemptsZeroAndNoDestinationDropTheBatch() {
    let mapping = EventSourceMapping(kind: .kinesis, maximumRetryAttempts: 0)
    let trace = run(Self.scenario(mapping, records: Self.kinesisRecords(["r1"]), faults: Self.fail("r1", attempts: [nil])))
    #expect(trace.attempts.count == 1)
    #expect(trace.outcomes.map(\.kind) == [.dropped])
  }

  @Test func recordsOlderThanTheMaximumAgeAreNotRetried() {
    let mapping = EventSourceMapping(kind: .kinesis, maximumRecordAge: 3_000, retryDelay: 1_000)
    let trace = run(Self.scenario(mapping, records: Self.kinesisRecords(["r1"]), faults: Self.fail("r1", attempts: [nil])))
    #expect(trace.outcomes.map(\.reason) == ["RecordAgeExceeded"])
    #expect(trace.attempts.allSatisfy { $0.start - 0 <= 3_000 })
  }

  @Test func bisectSplitsAFailingBatchWithoutSpendingARetry() {
    let mapping = EventSourceMapping(kind: .kinesis, maximumRetryAttempts: 0, bisectBatchOnFunctionError: true)
    let trace = run(
      Self.scenario(mapping, records: Self.kinesisRecords(["r1", "r2", "r3", "r4"]), faults: Self.fail("r4", attempts: [nil])))
    #expect(trace.attempts.map(\.records).first == ["r1", "r2", "r3", "r4"])
    #expect(trace.attempts.map(\.records).contains(["r1", "r2"]))
    #expect(trace.attempts.last?.records == ["r4"])
    #expect(trace.outcomes.map(\.records) == [["r4"]])
  }

  @Test func reportBatchItemFailuresCheckpointsAtTheFirstFailedRecord() {
    let mapping = EventSourceMapping(kind: .kinesis, reportBatchItemFailures: true)
    let trace = run(
      Self.scenario(mapping, records: Self.kinesisRecords(["r1", "r2", "r3"]), faults: Self.fail("r2", attempts: [1])))
    #expect(trace.attempts.map(\.records) == [["r1", "r2", "r3"], ["r2", "r3"]])
    #expect(trace.attempts[0].outcome == .success)
    #expect(trace.attempts[0].response == ["batchItemFailures": [["itemIdentifier": "r2"]]])
    // r3 was processed in the first batch and again from the checkpoint.
    #expect(trace.effects(ofRecord: "r3").count == 2)
  }

  @Test func eachPartitionKeyStaysInItsShardInOrder() {
    var mapping = EventSourceMapping(kind: .kinesis)
    mapping.shards = 4
    let records = (0..<12).map { SourceRecord(id: "r\($0)", at: Milliseconds($0) * 10, partitionKey: ["alice", "bob", "carol"][$0 % 3], data: [:]) }
    let trace = run(Self.scenario(mapping, records: records))
    for key in ["alice", "bob", "carol"] {
      let ids = records.filter { $0.partitionKey == key }.map(\.id)
      let lanes = Set(trace.attempts.filter { !Set($0.records).isDisjoint(with: ids) }.map(\.invocation))
      #expect(lanes.count == 1, "\(key)")
      let order = trace.effects.indices.compactMap { trace.record(ofEffect: $0) }.filter(ids.contains)
      #expect(order == ids, "\(key)")
    }
  }

  @Test func parallelizationFactorRunsKeysOfOneShardConcurrently() {
    var mapping = EventSourceMapping(kind: .kinesis, parallelizationFactor: 10)
    mapping.shards = 1
    let records = (0..<20).map { SourceRecord(id: "r\($0)", at: 0, partitionKey: "user-\($0)", data: [:]) }
    let trace = run(Self.scenario(mapping, records: records))
    #expect(trace.invocations.count > 1)
    #expect(trace.invocations.allSatisfy { $0.id.hasPrefix("shard-1.") })
    let starts = Set(trace.attempts.map(\.start))
    #expect(starts == [1_000])
  }

  // MARK: SQS

  static func messages(_ ids: [String], at: Milliseconds = 0, group: String? = nil) -> [SourceRecord] {
    ids.map { SourceRecord(id: $0, at: at, messageGroupId: group, data: ["text": .string($0)]) }
  }

  @Test func anSQSErrorMakesTheWholeBatchVisibleAgainAfterTheVisibilityTimeout() {
    var mapping = EventSourceMapping(kind: .sqs)
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 30_000)
    let trace = run(Self.scenario(mapping, records: Self.messages(["m1", "m2", "m3"]), faults: Self.fail("m2", attempts: [1])))
    #expect(trace.attempts.map(\.records) == [["m1", "m2", "m3"], ["m1", "m2", "m3"]])
    #expect(trace.attempts[1].start >= 30_000)
    #expect(trace.waits.map(\.reason) == [.visibilityTimeout])
    // The wait leads to the batch that receives the messages again.
    #expect(trace.waits[0].beforeAttempt == 2)
    // m1 was processed both times: the whole batch comes back, processed messages included.
    #expect(trace.effects(ofRecord: "m1").last?.duplicateOf != nil)
  }

  /// Without ReportBatchItemFailures the poison message takes its whole batch along: every
  /// message of it is received as often as the poison one, and all reach the DLQ together,
  /// m1 though it was processed (twice), m3 though it never was.
  @Test func theRedrivePolicyMovesAPoisonMessageAndItsBatchToTheQueuesDLQ() {
    var mapping = EventSourceMapping(kind: .sqs)
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 30_000, maxReceiveCount: 2, deadLetterQueue: "orders-dlq")
    let trace = run(Self.scenario(mapping, records: Self.messages(["m1", "m2", "m3"]), faults: Self.fail("m2", attempts: [nil])))
    #expect(trace.attempts.map(\.records) == [["m1", "m2", "m3"], ["m1", "m2", "m3"]])
    #expect(trace.outcomes.map(\.records) == [["m1"], ["m2"], ["m3"]])
    #expect(trace.outcomes.allSatisfy { $0.kind == .deadLetterQueue && $0.target == "orders-dlq" && $0.attempts == 2 })
    #expect(trace.outcomes.allSatisfy { $0.time == 60_000 })
    #expect(trace.effects(ofRecord: "m1").map { $0.duplicateOf != nil } == [false, true])
    #expect(trace.world.tables[0].items.compactMap { $0["id"]?.displayText } == ["m1"])
  }

  @Test func reportBatchItemFailuresReturnsOnlyTheFailedMessage() {
    var mapping = EventSourceMapping(kind: .sqs, reportBatchItemFailures: true)
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 30_000, maxReceiveCount: 2, deadLetterQueue: "orders-dlq")
    let trace = run(Self.scenario(mapping, records: Self.messages(["m1", "m2", "m3"]), faults: Self.fail("m2", attempts: [nil])))
    #expect(trace.attempts.map(\.records) == [["m1", "m2", "m3"], ["m2"]])
    #expect(trace.effects(ofRecord: "m1").count == 1)
    #expect(trace.outcomes.map(\.records) == [["m2"]])
  }

  @Test func aHandlerSlowerThanTheVisibilityTimeoutGetsTheMessageTwiceAtOnce() {
    var mapping = EventSourceMapping(kind: .sqs, batchSize: 1)
    // Each receive gives a new receipt handle, so the first execution's delete (with the old
    // one) does not remove the message: it keeps coming back until the redrive policy moves it.
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 10_000, maxReceiveCount: 2, deadLetterQueue: "orders-dlq")
    let slow = [
      Step(name: "work", duration: 15_000, action: .compute),
      Step(name: "write", action: .putItem(table: "orders", item: try! Template.from(["id": "${record.messageId}", "n": "${record.attributes.ApproximateReceiveCount}"]), condition: nil)),
    ]
    var scenario = Self.scenario(mapping, records: Self.messages(["m1"]), steps: slow)
    scenario.function.timeout = 60_000
    let trace = run(scenario)
    #expect(trace.attempts.count == 2)
    #expect(trace.attempts[1].start < trace.attempts[0].end)
    #expect(trace.attempts[1].start - trace.attempts[0].start == 10_000)
    #expect(trace.effects(ofRecord: "m1").map { $0.duplicateOf != nil } == [false, true])
    #expect(trace.outcomes.map(\.kind) == [.deadLetterQueue])
  }

  /// A fault names one execution: a record and the delivery it struck on. While the first
  /// execution of m1 still runs, the queue shows m1 again and a second execution receives it
  /// (delivery 2). The fault aimed at delivery 2 must strike the second execution only, and one
  /// aimed at delivery 1 the first only: the delivery number is the one the execution received,
  /// not the record's count at the moment the fault is looked up (the first execution crashed
  /// as well in `retryscope check sqs-visibility-duplicate`'s divergent-state counterexample).
  @Test(arguments: [
    (Fault.Point.beforeStep(2), 2, [AttemptOutcome.success, .crash]), (.before("write"), 2, [.success, .crash]),
    (.after("work"), 2, [.success, .crash]), (.beforeStep(2), 1, [.crash, .success]),
    (.before("write"), 1, [.crash, .success]), (.beforeStep(3), 1, [.crash, .success]),
  ])
  func aFaultOnOneDeliveryOfARecordNeverStrikesAnotherExecution(
    _ point: Fault.Point, _ attempt: Int, _ outcomes: [AttemptOutcome]
  ) {
    var mapping = EventSourceMapping(kind: .sqs, batchSize: 1)
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 10_000, maxReceiveCount: 2, deadLetterQueue: "orders-dlq")
    let slow = [
      Step(name: "work", duration: 15_000, action: .compute),
      Step(name: "write", action: .putItem(table: "orders", item: try! Template.from(["id": "${record.messageId}", "by": "${requestId}"]), condition: nil)),
    ]
    var scenario = Self.scenario(
      mapping, records: Self.messages(["m1"]), steps: slow,
      faults: [Fault(invocation: "m1", attempt: attempt, point: point, kind: .crash)])
    scenario.function.timeout = 60_000
    let (trace, points) = Simulator(scenario: scenario).runNotingFaultPoints()
    // Both executions overlap: the second starts while the first works.
    #expect(trace.attempts.map(\.start) == [0, 10_000])
    #expect(trace.attempts.map(\.outcome) == outcomes)
    #expect(trace.attempts.map(\.records) == [["m1"], ["m1"]])
    #expect(trace.outcomes.map(\.kind) == [.deadLetterQueue])
    // How far each got is kept under its own delivery: the one that ran to the end reached
    // "just before returning" (step 3), the crashed one the step it crashed before (after
    // "work": step 1, the last it started).
    let crashed = outcomes[0] == .crash ? 1 : 2
    let finished = 3 - crashed
    #expect(points["m1#\(finished)"] == 3)
    #expect(points["m1#\(crashed)"] == (point == .beforeStep(3) ? 3 : point == .after("work") ? 1 : 2))
  }

  @Test func messagesPastTheRetentionPeriodAreDeleted() {
    var mapping = EventSourceMapping(kind: .sqs)
    mapping.queue = QueueDefinition(name: "orders", visibilityTimeout: 30_000, messageRetentionPeriod: 90_000)
    let trace = run(Self.scenario(mapping, records: Self.messages(["m1"]), faults: Self.fail("m1", attempts: [nil])))
    #expect(trace.attempts.map(\.start) == [0, 30_000, 60_000])
    #expect(trace.outcomes.map(\.reason) == ["MessageRetentionPeriodExpired"])
    #expect(trace.outcomes.map(\.time) == [90_000])
  }

  @Test func stepNumberFaultsCountEachRecordsSteps() {
    let fault = Fault(invocation: "r2", attempt: 1, point: .beforeStep(2), kind: .error(type: "Error", message: "boom"))
    let trace = run(Self.scenario(EventSourceMapping(kind: .kinesis), records: Self.kinesisRecords(["r1", "r2"]), faults: [fault]))
    #expect(trace.attempts.map(\.outcome) == [.error, .success])
    #expect(trace.attempts[0].errorMessage == "boom")
    // r1 was written, r2 stopped before its write (its step 2).
    #expect(trace.effects(ofRecord: "r2").count == 1)
  }

  @Test func fifoDeliversAGroupOneBatchAtATimeInOrder() {
    var mapping = EventSourceMapping(kind: .sqs, batchSize: 2)
    mapping.queue = QueueDefinition(name: "orders.fifo", fifo: true, visibilityTimeout: 30_000)
    let records = Self.messages(["a1", "a2", "a3"], group: "a") + Self.messages(["b1"], group: "b")
    let trace = run(Self.scenario(mapping, records: records, faults: Self.fail("a1", attempts: [1])))
    #expect(trace.invocations.map(\.id) == ["group a", "group b"])
    let a = trace.attempts.filter { $0.invocation == "group a" }
    #expect(a.map(\.records) == [["a1", "a2"], ["a1", "a2"], ["a3"]])
    #expect(a[1].start >= 30_000)
    #expect(trace.attempts.filter { $0.invocation == "group b" }.map(\.start) == [0])
    #expect(trace.effects.indices.compactMap { trace.record(ofEffect: $0) }.filter { $0.hasPrefix("a") }.last == "a3")
  }
}

extension Trace {
  /// The effects made for one message or stream record.
  func effects(ofRecord id: String) -> [TraceEffect] {
    effects.indices.filter { record(ofEffect: $0) == id }.map { effects[$0] }
  }
}
