import Testing

@testable import RetryCore

/// Event source mappings and concurrency (issue 14 item 2): mappings do not account for reserved
/// concurrency, so Lambda throttles their batches; what a throttle does then depends on the
/// source, and SQS's `ScalingConfig.MaximumConcurrency` caps a mapping without throttles.
@Suite struct EventSourceThrottleTests {
  func run(_ scenario: Scenario, seed: UInt64? = nil) -> Trace { Simulator(scenario: scenario, seed: seed).run() }

  /// One put per message, with the receive count the handler saw, after `work` ms.
  static func receiveSteps(work: Milliseconds) -> [Step] {
    [
      Step(name: "work", duration: work, action: .compute),
      Step(
        name: "write",
        action: .putItem(
          table: "orders",
          item: try! Template.from(["id": "${record.messageId}", "receive": "${record.attributes.ApproximateReceiveCount}"]),
          condition: nil)),
    ]
  }

  static func sqs(visibility: Milliseconds, maxReceiveCount: Int? = nil, maximumConcurrency: Int? = nil) -> EventSourceMapping {
    var mapping = EventSourceMapping(kind: .sqs, batchSize: 1, maximumConcurrency: maximumConcurrency)
    mapping.queue = QueueDefinition(
      name: "orders", visibilityTimeout: visibility, maxReceiveCount: maxReceiveCount,
      deadLetterQueue: maxReceiveCount.map { _ in "orders-dlq" })
    return mapping
  }

  /// The most executions running at one instant.
  static func peakConcurrency(_ trace: Trace) -> Int {
    let ran = trace.attempts.filter { $0.outcome != .throttled }
    return ran.map { attempt in ran.filter { $0.start <= attempt.start && attempt.start < $0.end }.count }.max() ?? 0
  }

  // MARK: SQS

  /// "If the invocation fails due to throttling, Lambda gradually backs off retries ... Lambda
  /// continues to retry the message until the message's timestamp exceeds your queue's visibility
  /// timeout, at which point Lambda drops the message." With a redrive policy, a valid message
  /// reaches the DLQ and the handler never ran, let alone failed.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
  @Test func aThrottledSQSBatchBacksOffUntilItsVisibilityTimeoutThenItsReceiveCountsTowardsTheDLQ() {
    var scenario = EventSourceTests.scenario(
      Self.sqs(visibility: 30_000, maxReceiveCount: 2), records: EventSourceTests.messages(["m1"]))
    scenario.function.reservedConcurrency = 0
    let trace = run(scenario)
    #expect(trace.attempts.allSatisfy { $0.outcome == .throttled && $0.records == ["m1"] && $0.errorType == "TooManyRequestsException" })
    // Received at 0 and at 30 s: retried after 1, 3, 7 and 15 s; the next (31 s) would come after
    // the visibility timeout.
    #expect(trace.attempts.map(\.start) == [0, 1_000, 3_000, 7_000, 15_000, 30_000, 31_000, 33_000, 37_000, 45_000])
    #expect(Set(trace.attempts.map(\.requestId)).count == 10)
    #expect(trace.waits.map(\.reason) == [
      .throttleBackoff, .throttleBackoff, .throttleBackoff, .throttleBackoff, .visibilityTimeout,
      .throttleBackoff, .throttleBackoff, .throttleBackoff, .throttleBackoff, .visibilityTimeout,
    ])
    #expect(trace.waits[4].from == 15_000 && trace.waits[4].to == 30_000 && trace.waits[4].beforeAttempt == 6)
    let dlq = try! #require(trace.outcomes.first)
    #expect(trace.outcomes.count == 1)
    #expect(dlq.kind == .deadLetterQueue && dlq.target == "orders-dlq" && dlq.records == ["m1"])
    #expect(dlq.time == 60_000 && dlq.attempts == 2 && dlq.reason == "maxReceiveCount 2 reached")
    #expect(trace.effects.isEmpty)
  }

  /// The throttled receive counted: when the message gets through on its next receive, the
  /// handler reads ApproximateReceiveCount 2 although it never ran before.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (ApproximateReceiveCount)
  @Test func theHandlerSeesTheThrottledReceivesInApproximateReceiveCount() {
    var scenario = EventSourceTests.scenario(
      Self.sqs(visibility: 30_000), records: EventSourceTests.messages(["m1", "m2"]), steps: Self.receiveSteps(work: 20_000))
    scenario.function.timeout = 25_000
    scenario.function.reservedConcurrency = 1
    let trace = run(scenario)
    let ran = trace.attempts.filter { $0.outcome != .throttled }
    #expect(ran.map(\.records) == [["m1"], ["m2"]])
    #expect(ran[1].start == 30_000)
    #expect(trace.attempts.filter { $0.outcome == .throttled }.map(\.start) == [0, 1_000, 3_000, 7_000, 15_000])
    #expect(trace.world.tables[0].items.map { $0["receive"] } == ["1", "2"])
    #expect(trace.outcomes.isEmpty)
  }

  /// A retry that gets through late in the visibility timeout runs past it: the message shows
  /// again and a second execution receives it while the first still runs (why AWS recommends 6
  /// times the function timeout: "The extra time allows Lambda to retry if your function is
  /// throttled while processing a previous batch").
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  @Test func aLateRetryOutlivesTheVisibilityTimeoutAndTheMessageIsReceivedAgain() {
    var scenario = EventSourceTests.scenario(
      Self.sqs(visibility: 60_000), records: EventSourceTests.messages(["m0", "m1"]), steps: Self.receiveSteps(work: 30_000))
    scenario.function.timeout = 60_000
    scenario.function.reservedConcurrency = 1
    let trace = run(scenario)
    let ran = trace.attempts.filter { $0.outcome != .throttled }
    #expect(ran.map(\.records) == [["m0"], ["m1"], ["m1"]])
    #expect(ran[1].start == 31_000)
    #expect(ran[1].end > 60_000)
    #expect(ran[2].start > ran[1].end)
    #expect(trace.world.tables[0].items.map { $0["receive"] } == ["1", "2"])
    #expect(trace.duplicateEffects.count == 1)
  }

  /// `ScalingConfig.MaximumConcurrency` "limits the number of concurrent instances that the
  /// Amazon SQS event source can invoke": the mapping receives no more, so nothing is throttled.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
  @Test func maximumConcurrencyCapsTheMappingWithoutThrottles() {
    let messages = EventSourceTests.messages(["m1", "m2", "m3", "m4", "m5", "m6"])
    let steps = Self.receiveSteps(work: 1_000)
    let capped = run(EventSourceTests.scenario(Self.sqs(visibility: 30_000, maximumConcurrency: 2), records: messages, steps: steps))
    #expect(Self.peakConcurrency(capped) == 2)
    #expect(!capped.attempts.contains { $0.outcome == .throttled })
    #expect(capped.world.tables[0].items.count == 6)
    #expect(capped.world.tables[0].items.allSatisfy { $0["receive"] == "1" })

    let free = run(EventSourceTests.scenario(Self.sqs(visibility: 30_000), records: messages, steps: steps))
    #expect(Self.peakConcurrency(free) == 5)  // the pollers

    // Reserved concurrency does not cap the mapping: it throttles it.
    var reserved = EventSourceTests.scenario(Self.sqs(visibility: 30_000), records: messages, steps: steps)
    reserved.function.reservedConcurrency = 2
    let throttled = run(reserved)
    #expect(Self.peakConcurrency(throttled) == 2)
    #expect(throttled.attempts.filter { $0.outcome == .throttled }.count > 0)
    // Both, as AWS advises: the cap at the reserved concurrency, and no throttle.
    reserved.eventSource?.maximumConcurrency = 2
    #expect(!run(reserved).attempts.contains { $0.outcome == .throttled })
  }

  /// On a FIFO queue the cap spans the message groups.
  @Test func maximumConcurrencySpansFIFOGroups() {
    var mapping = Self.sqs(visibility: 30_000, maximumConcurrency: 2)
    mapping.queue.fifo = true
    let records = ["a", "b", "c"].flatMap { group in
      EventSourceTests.messages(["\(group)1", "\(group)2"], group: group)
    }
    let trace = run(EventSourceTests.scenario(mapping, records: records, steps: Self.receiveSteps(work: 1_000)))
    #expect(Self.peakConcurrency(trace) == 2)
    #expect(trace.world.tables[0].items.count == 6)
    let uncapped = EventSourceTests.scenario(
      { var m = mapping; m.maximumConcurrency = nil; return m }(), records: records, steps: Self.receiveSteps(work: 1_000))
    #expect(Self.peakConcurrency(run(uncapped)) == 3)
  }

  /// A FIFO group's throttled batch blocks its group as a failed one does: the group's next
  /// message waits behind it, and each group keeps its order.
  @Test func aThrottledFIFOBatchKeepsItsGroupInOrder() {
    var mapping = Self.sqs(visibility: 30_000)
    mapping.queue.fifo = true
    let records = EventSourceTests.messages(["a1", "a2"], group: "a") + EventSourceTests.messages(["b1", "b2"], group: "b")
    var scenario = EventSourceTests.scenario(mapping, records: records, steps: Self.receiveSteps(work: 1_000))
    scenario.function.reservedConcurrency = 1
    let trace = run(scenario)
    let ran = trace.attempts.filter { $0.outcome != .throttled }.map(\.records)
    #expect(ran.filter { $0[0].hasPrefix("a") } == [["a1"], ["a2"]])
    #expect(ran.filter { $0[0].hasPrefix("b") } == [["b1"], ["b2"]])
    #expect(trace.attempts.first { $0.outcome == .throttled }?.records == ["b1"])
    #expect(Self.peakConcurrency(trace) == 1)
    #expect(trace.world.tables[0].items.count == 4)
    #expect(trace.outcomes.isEmpty)
  }

  // MARK: Streams

  /// `MaximumRetryAttempts` "doesn't apply to throttles or service errors where the batch never
  /// reached the function": with 0 retries allowed, a throttled batch is retried all the same,
  /// until its records are too old.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  @Test func throttledStreamBatchesRetryWithoutCountingMaximumRetryAttempts() {
    var mapping = EventSourceMapping(kind: .kinesis, maximumRetryAttempts: 0, maximumRecordAge: 60_000)
    mapping.pollingInterval = 1_000
    var scenario = EventSourceTests.scenario(mapping, records: EventSourceTests.kinesisRecords(["r1"]))
    scenario.function.reservedConcurrency = 0
    let trace = run(scenario)
    // Polled at 1 s, then retried 1, 2, 4, 8, 16 and 32 s later.
    #expect(trace.attempts.map(\.start) == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000])
    #expect(trace.attempts.allSatisfy { $0.outcome == .throttled })
    #expect(trace.waits.allSatisfy { $0.reason == .throttleBackoff })
    let dropped = try! #require(trace.outcomes.first)
    #expect(trace.outcomes.count == 1)
    #expect(dropped.kind == .dropped && dropped.reason == "RecordAgeExceeded" && dropped.time == 64_000)
    #expect(dropped.payload?["requestContext"]?["approximateInvokeCount"] == 0)
  }

  /// Two shards, one execution at a time: the second shard's batch is throttled, backs off 1 s
  /// and then succeeds; no retry is used, so even `maximumRetryAttempts: 0` keeps it.
  @Test func aStreamBatchThrottledByAnotherShardSucceedsAfterItsBackoff() throws {
    let keys = ["alice", "bob", "carol", "dave", "erin"]
    let first = keys[0]
    let other = try #require(keys.first { EventSourceState.hash($0) % 2 != EventSourceState.hash(first) % 2 })
    let records = [
      SourceRecord(id: "r1", at: 0, partitionKey: first, data: [:]),
      SourceRecord(id: "r2", at: 0, partitionKey: other, data: [:]),
    ]
    var scenario = EventSourceTests.scenario(EventSourceMapping(kind: .kinesis, shards: 2, maximumRetryAttempts: 0), records: records)
    scenario.function.reservedConcurrency = 1
    let trace = run(scenario)
    #expect(trace.attempts.map(\.outcome) == [.success, .throttled, .success])
    #expect(trace.attempts.map(\.start) == [1_000, 1_000, 2_000])
    #expect(trace.attempts[1].invocation == trace.attempts[2].invocation)
    #expect(trace.waits.map(\.reason) == [.throttleBackoff])
    #expect(trace.outcomes.isEmpty)
    #expect(trace.world.tables[0].items.count == 2)
  }

  // MARK: Determinism

  @Test func throttledRunsAreTheSameOnEverySameSeedRun() {
    var scenario = EventSourceTests.scenario(
      Self.sqs(visibility: 30_000, maxReceiveCount: 3), records: EventSourceTests.messages(["m1", "m2", "m3", "m4"]),
      steps: Self.receiveSteps(work: 12_000))
    scenario.function.timeout = 20_000
    scenario.function.reservedConcurrency = 1
    let one = run(scenario, seed: 7)
    let two = run(scenario, seed: 7)
    #expect(one.events == two.events)
    #expect(one.attempts == two.attempts)
    #expect(one.outcomes.map(\.records) == two.outcomes.map(\.records))
  }
}
