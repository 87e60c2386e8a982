import RetryCore
import Testing

@testable import RetryIO

/// Every built-in scenario tells its story: these are the facts the audience must see
/// (../shared/docs/scenarios.md), on the scenario's own seed.
@Suite struct ScenarioStoryTests {
  static func run(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  static func effects(_ trace: Trace, _ kind: EffectKind, target: String? = nil) -> [TraceEffect] {
    trace.effects.filter { $0.kind == kind && (target == nil || $0.target == target) }
  }

  // MARK: A. The idempotence ladder (slides 21-27)

  @Test func echoGivesTheSameAnswerAfterARetry() throws {
    let trace = try Self.run("echo")
    #expect(trace.attempts.map(\.outcome) == [.crash, .success])
    #expect(trace.attempts[1].response == ["b": 7])
    #expect(trace.effects.isEmpty)
    #expect(trace.outcomes.map(\.kind) == [.succeeded, .onSuccess])
    #expect(trace.outcomes[1].payload?["responsePayload"] == ["b": 7])
  }

  @Test func squareComputesFortyNineOnEveryAttempt() throws {
    let trace = try Self.run("square")
    #expect(trace.attempts.map(\.outcome) == [.error, .success])
    #expect(trace.attempts[1].response == ["b": 49])
    #expect(trace.effects.isEmpty)
  }

  @Test func createUserInsertsTwoUsersForOneMail() throws {
    let trace = try Self.run("create-user")
    let inserts = Self.effects(trace, .insert, target: "users")
    #expect(inserts.count == 2)
    #expect(inserts.map(\.actor) == ["A#1", "A#2"])
    #expect(inserts[1].duplicateOf == 0)
    let users = try #require(trace.world.tables.first { $0.name == "users" })
    #expect(users.items.count == 2)
    #expect(users.items.allSatisfy { $0["mail"] == "y" })
    #expect(users.items[0]["id"] != users.items[1]["id"])
  }

  @Test func newsletterPostIsPostedTwice() throws {
    let trace = try Self.run("newsletter-post")
    #expect(trace.attempts.map(\.outcome) == [.timeout, .success])
    let posts = Self.effects(trace, .post)
    #expect(posts.count == 2)
    #expect(posts[1].duplicateOf == trace.effects.firstIndex { $0.kind == .post })
    let endpoint = try #require(trace.world.endpoints.first)
    #expect(endpoint.requests.map(\.body) == [["mail": "y"], ["mail": "y"]])
  }

  @Test func userExistsFlipsWhenSomeoneElseWritesInBetween() throws {
    let trace = try Self.run("user-exists")
    #expect(trace.attempts.map(\.response) == [["ok": false], ["ok": true]])
    #expect(trace.attempts.map(\.caller) == [.lambdaAsync, .duplicateDelivery])
    let reads = Self.effects(trace, .read)
    #expect(reads.map(\.detail) == ["missing", "found"])
    let external = try #require(trace.effects.first { $0.invocation == nil })
    #expect(external.actor == "signup-service")
    #expect(external.time > reads[0].time && external.time < reads[1].time)
    #expect(trace.duplicateEffects.isEmpty)
  }

  // MARK: B. The demos

  @Test func cronClockRetryKeepsTheEventTimeWhileTheClockMovesOn() throws {
    let trace = try Self.run("cron-clock")
    #expect(trace.invocations.map(\.id) == ["tick-1", "tick-2", "tick-3"])
    let tick2 = trace.attempts(of: "tick-2")
    #expect(tick2.count == 2)
    let eventTime = try #require(trace.invocations[1].payload["time"])
    #expect(eventTime == "2019-09-20T09:05:00Z")
    let logs = trace.effects.filter { $0.kind == .log && $0.invocation == "tick-2" }
    #expect(logs.count == 2)
    #expect(logs.allSatisfy { $0.detail?.hasPrefix("event time 2019-09-20T09:05:00Z, handler clock 2019-09-20T09:0") == true })
    #expect(logs[0].detail != logs[1].detail)
    #expect(tick2[1].clockAtStart - tick2[0].clockAtStart >= 60_000)
  }

  @Test func statusServerTimeDuplicatesReordersAndLoses() throws {
    let trace = try Self.run("status-server-time")
    let statuses = try #require(trace.world.tables.first { $0.name == "statuses" })
    let alice = statuses.items.filter { $0["user"] == "alice" }
      .sorted { ($0["time"]?.displayText ?? "") < ($1["time"]?.displayText ?? "") }
    // Duplicated: "hello" twice. Reordered: by server time the last word is the retried "hello".
    #expect(alice.map { $0["message"] } == ["hello", "lunch?", "hello"])
    // Lost: b2 failed on every attempt and went to the DLQ, leaving three rows behind.
    #expect(trace.outcomes.first { $0.invocation == "b2" }?.kind == .deadLetterQueue)
    #expect(statuses.items.filter { $0["message"] == "at 12" }.count == 3)
    #expect(trace.duplicateEffects.count == 3)
  }

  @Test func statusClientTimeHasNoDuplicatesButLosesAnUpdate() throws {
    let trace = try Self.run("status-client-time")
    #expect(trace.duplicateEffects.isEmpty)
    #expect(Self.effects(trace, .unchanged).map(\.actor) == ["a1#2"])
    let statuses = try #require(trace.world.tables.first)
    #expect(statuses.items.map { $0["message"] } == ["hello", "hi", "lunch?"])
    #expect(trace.outcomes.first { $0.invocation == "b2" }?.kind == .deadLetterQueue)
    #expect(trace.outcomes.first { $0.kind == .deadLetterQueue }?.payload?["body"]?["message"] == "at 12")
  }

  @Test func statusPreviousNoKeepsOrderSkipsRepeatsAndLosesAnOrphan() throws {
    let trace = try Self.run("status-previous-no")
    #expect(trace.duplicateEffects.isEmpty)
    let statuses = try #require(trace.world.tables.first)
    let alice = statuses.items.filter { $0["user"] == "alice" }
    #expect(alice.map { $0["no"] } == [0, 1, 2])
    #expect(alice.map { $0["message"] } == ["(joined)", "hello", "lunch?"])
    let skip = try #require(Self.effects(trace, .skip).first)
    #expect(skip.actor == "a1#3")
    #expect(trace.attempts(of: "a1").last?.response == ["alreadyApplied": true])
    #expect(trace.attempts(of: "a2").first?.errorMessage == "previous status not found (yet)")
    #expect(trace.outcomes.first { $0.invocation == "b1" }?.kind == .deadLetterQueue)
    #expect(statuses.items.filter { $0["user"] == "bob" }.count == 1)
  }

  @Test func slackAtMostOnceNeverPosts() throws {
    let trace = try Self.run("slack-at-most-once")
    #expect(Self.effects(trace, .post).isEmpty)
    #expect(Self.effects(trace, .rejected).map(\.detail) == ["HTTP 500"])
    #expect(Self.effects(trace, .skip).map(\.actor) == ["A#2"])
    #expect(trace.attempts.last?.response == ["skipped": true])
    // The event "succeeded" for Lambda: nothing in the DLQ tells anyone the message was lost.
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
  }

  @Test func slackAtLeastOncePostsTwice() throws {
    let trace = try Self.run("slack-at-least-once")
    let posts = Self.effects(trace, .post)
    #expect(posts.count == 2)
    #expect(posts[1].duplicateOf != nil)
    #expect(trace.world.endpoints[0].requests.map(\.statusCode) == [200, 200])
  }

  // MARK: C. Invocation flows (slides 8-15)

  @Test func syncErrorReachesTheCallerWithoutALambdaRetry() throws {
    let trace = try Self.run("sync-error")
    #expect(trace.attempts.map(\.outcome) == [.throttled, .error])
    #expect(trace.attempts.map(\.caller) == [.client, .client])
    #expect(trace.waits.map(\.reason) == [.clientBackoff])
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .response && outcome.statusCode == 200 && outcome.functionError == "Unhandled")
    #expect(outcome.payload?["errorType"] == "PaymentDeclined")
  }

  @Test func syncTimeoutRetryRunsOverlappingExecutions() throws {
    let trace = try Self.run("sync-timeout-retry")
    let attempts = trace.attempts
    #expect(attempts.count == 3)
    #expect(Set(attempts.map(\.requestId)).count == 3)
    #expect(attempts[1].start < attempts[0].end)
    #expect(attempts[2].start < attempts[1].end)
    #expect(attempts.allSatisfy { $0.outcome == .success })
    #expect(Self.effects(trace, .insert, target: "charges").count == 3)
    #expect(trace.duplicateEffects.count == 2)
    #expect(trace.outcomes.first?.reason == "ReadTimeoutError")
  }

  @Test func asyncRetriesDlqShowsThreeAttemptsTwoDelaysAndTheDlq() throws {
    let trace = try Self.run("async-retries-dlq")
    #expect(trace.attempts.map(\.outcome) == [.error, .error, .error])
    #expect(Set(trace.attempts.map(\.requestId)).count == 1)
    let delays = trace.waits.filter { $0.reason == .retryDelay }.map(\.length)
    #expect(delays.count == 2)
    #expect((60_000...70_000).contains(delays[0]) && (120_000...135_000).contains(delays[1]))
    let dlq = try #require(trace.outcomes.first)
    #expect(dlq.kind == .deadLetterQueue)
    #expect(dlq.payload?["body"] == ["orderId": "o-42", "amount": 30])
  }

  @Test func asyncInterleaveAlternatesAndBFinishesFirst() throws {
    let trace = try Self.run("async-interleave")
    let order = trace.attempts.sorted { $0.start < $1.start }.map(\.invocation)
    #expect(order == ["A", "B", "A", "B", "A"])
    let finishA = try #require(trace.outcomes.first { $0.invocation == "A" }).time
    let finishB = try #require(trace.outcomes.first { $0.invocation == "B" }).time
    #expect(finishB < finishA)
  }

  @Test func asyncDuplicateDeliveryRunsTwiceWithoutAnError() throws {
    let trace = try Self.run("async-duplicate-delivery")
    #expect(trace.attempts.map(\.outcome) == [.success, .success])
    #expect(trace.attempts.map(\.caller) == [.lambdaAsync, .duplicateDelivery])
    #expect(trace.duplicateEffects.map(\.kind) == [.insert, .post])
  }

  // MARK: D. The tricks (slides 29-31)

  /// create-user, fixed: the same crash after the insert, but the id is the caller's token, so
  /// the retry's conditional write is a skip and there is one user.
  @Test func clientTokenSkipsTheSecondInsert() throws {
    let trace = try Self.run("client-token")
    #expect(trace.effects.map(\.kind) == [.insert, .skip])
    #expect(trace.effects.map(\.actor) == ["A#1", "A#2"])
    #expect(trace.attempts.map(\.outcome) == [.crash, .success])
    let users = try #require(trace.world.tables.first { $0.name == "users" })
    #expect(users.items == [["id": "5f0c6e1e-2b7a-4e43-9d1c-3a8e2f6b9c01", "mail": "y"]])
    #expect(trace.attempts.last?.response == ["id": "5f0c6e1e-2b7a-4e43-9d1c-3a8e2f6b9c01"])
    #expect(trace.duplicateEffects.isEmpty)
  }

  @Test func noSystemTimeWritesTheSameReportOnEveryAttempt() throws {
    let trace = try Self.run("no-system-time")
    #expect(trace.effects.filter { $0.target == "reports" }.map(\.kind) == [.insert, .unchanged])
    #expect(trace.world.tables[0].items == [["day": "2019-09-20T09:00:00Z", "status": "generated"]])
    let logs = Self.effects(trace, .log)
    #expect(logs.count == 2)
    #expect(logs.allSatisfy { $0.detail?.hasPrefix("report for 2019-09-20T09:00:00Z (handler clock") == true })
    #expect(logs[0].detail != logs[1].detail)
  }

  @Test func clientStateComputesTheSameBalance() throws {
    let trace = try Self.run("client-state")
    #expect(trace.effects.map(\.kind) == [.update, .unchanged])
    #expect(trace.world.tables[0].items == [["user": "alice", "balance": 70]])
    #expect(trace.attempts.last?.response == ["balance": 70])
  }

  /// The function dies between the update and the label: the retry's update fails the condition
  /// (a skip), and it goes on to queue the label, which the first execution never reached.
  @Test func conditionExpressionSkipsTheRepeatedUpdateAndStillQueuesTheLabel() throws {
    let trace = try Self.run("condition-expression")
    #expect(trace.effects.map(\.kind) == [.update, .skip, .insert])
    #expect(trace.effects.map(\.target) == ["orders", "orders", "labels"])
    #expect(trace.effects.map(\.actor) == ["A#1", "A#2", "A#2"])
    let order = try #require(trace.world.tables.first { $0.name == "orders" }?.items.first)
    #expect(order["status"] == "shipped")
    #expect(order["version"] == 4)
    #expect(order["shippedAt"] == "2019-09-20T08:59:30Z")
    #expect(trace.world.tables.first { $0.name == "labels" }?.items == [["orderId": "order-42", "carrier": "ups"]])
    #expect(trace.attempts.last?.response == ["shipped": "order-42"])
    #expect(trace.duplicateEffects.isEmpty)
  }

  // MARK: E. Event sources (issue 4: demos 5-6, slide 31, SQS)

  /// The scenario's own seed (nil) and the seeds the lessons must also hold for.
  static let stageAndOtherSeeds: [UInt64?] = [nil, 2, 3, 99]

  /// The records each effect was made for, in effect order, among `ids`.
  static func effectRecords(_ trace: Trace, kinds: Set<EffectKind>, among ids: [String]) -> [String] {
    trace.effects.indices.filter { kinds.contains(trace.effects[$0].kind) }
      .compactMap { trace.record(ofEffect: $0) }.filter(ids.contains)
  }

  /// Each lane runs one batch at a time: a shard's iterator, not a pool.
  static func batchesAreSerializedPerLane(_ trace: Trace) -> Bool {
    Set(trace.attempts.map(\.invocation)).allSatisfy { lane in
      let attempts = trace.attempts(of: lane).sorted { $0.start < $1.start }
      return zip(attempts, attempts.dropFirst()).allSatisfy { $0.end <= $1.start }
    }
  }

  @Test(arguments: Self.stageAndOtherSeeds)
  func statusKinesisRetriesTheBlockedBatchWithoutDuplicates(seed: UInt64?) throws {
    let trace = try Self.run("status-kinesis", seed: seed)
    #expect(trace.invocations.map(\.id) == ["shard-1"])
    let batch = ["alice-1", "bob-1", "alice-2", "bob-2"]
    #expect(trace.attempts.map(\.records) == [batch, batch, ["alice-3"]])
    #expect(trace.attempts.map(\.outcome) == [.error, .success, .success])
    #expect(trace.attempts[0].requestId != trace.attempts[1].requestId)
    // The shard is blocked while the batch fails; alice-3 arrives then and waits behind it.
    let wait = try #require(trace.waits.first)
    #expect(trace.waits.map(\.reason) == [.shardBlocked])
    #expect(wait.invocation == "shard-1" && wait.beforeAttempt == 2)
    let arrival = try #require(trace.events.first { $0.kind == .recordArrived && $0.note == "alice-3" })
    #expect(arrival.time > trace.attempts[0].end && arrival.time < trace.attempts[1].start)
    // The retry rewrites alice-1 and bob-1 with the same values: no duplicates.
    #expect(trace.duplicateEffects.isEmpty)
    #expect(Self.effectRecords(trace, kinds: [.unchanged], among: batch) == ["alice-1", "bob-1"])
    #expect(Self.effects(trace, .unchanged).allSatisfy { $0.actor == "shard-1#2" })
    let statuses = try #require(trace.world.tables.first { $0.name == "statuses" })
    #expect(statuses.items.count == 5)
    let alice = statuses.items.filter { $0["user"] == "alice" }
      .sorted { ($0["seq"]?.displayText ?? "") < ($1["seq"]?.displayText ?? "") }
    #expect(alice.map { $0["message"] } == ["hello", "lunch?", "see you"])
    // created_at is the record's arrival time (epoch seconds), the same on every execution.
    #expect(alice.map { $0["created_at"] } == [.int(1_568_970_000), .int(1_568_970_000), .int(1_568_970_001)])
    #expect(Self.effectRecords(trace, kinds: [.insert], among: batch + ["alice-3"]) == batch + ["alice-3"])
  }

  @Test(arguments: Self.stageAndOtherSeeds)
  func statusKinesisOrderedKeepsEachUsersOrderWhileTheOtherShardGoesOn(seed: UInt64?) throws {
    let trace = try Self.run("status-kinesis-ordered", seed: seed)
    #expect(Set(trace.invocations.map(\.id)) == ["shard-1", "shard-2"])
    let users = ["alice": 3, "bob": 2, "carol": 3, "dave": 2]
    for (user, count) in users {
      let ids = (1...count).map { "\(user)-\($0)" }
      let lanes = Set(trace.attempts.filter { !Set($0.records).isDisjoint(with: ids) }.map(\.invocation))
      #expect(lanes.count == 1, "\(user) on one shard")
      #expect(Self.effectRecords(trace, kinds: [.insert, .update], among: ids) == Self.orderedPairs(ids), "\(user) in order")
    }
    // alice's batch fails and blocks her shard; carol's last update goes through on the other
    // shard meanwhile.
    let blocked = try #require(trace.waits.first)
    #expect(trace.waits.map(\.reason) == [.shardBlocked])
    let aliceLane = try #require(trace.attempts.first { $0.records.contains("alice-1") }).invocation
    #expect(blocked.invocation == aliceLane)
    let retry = trace.attempts(of: aliceLane)[1]
    #expect(trace.attempts(of: aliceLane).map(\.outcome) == [.error, .success, .success])
    let carol3 = try #require(trace.attempts.first { $0.records == ["carol-3"] })
    #expect(carol3.invocation != aliceLane)
    #expect(carol3.start > trace.attempts(of: aliceLane)[0].end && carol3.end < retry.start)
    let profiles = try #require(trace.world.tables.first { $0.name == "profiles" })
    let last = Dictionary(uniqueKeysWithValues: profiles.items.map { ($0["user"]?.displayText ?? "", $0["lastMessage"]) })
    #expect(last == ["alice": "see you", "bob": "at 12", "carol": "2 minutes", "dave": "on my way"])
    #expect(trace.duplicateEffects.isEmpty)
    // The retry rewrites the statuses it had written with the same values, and its profile
    // updates fail their sequence-number condition: the profile never moves back.
    #expect(Self.effects(trace, .unchanged).map(\.target) == ["statuses", "statuses"])
    #expect(Self.effects(trace, .skip).map(\.target) == ["profiles", "profiles"])
    #expect(Self.effectRecords(trace, kinds: [.unchanged, .skip], among: ["alice-1", "dave-1"]) == ["alice-1", "alice-1", "dave-1", "dave-1"])
    #expect(Self.batchesAreSerializedPerLane(trace))
  }

  /// Each record writes its status row, then its profile: the expected record of each effect.
  static func orderedPairs(_ ids: [String]) -> [String] { ids.flatMap { [$0, $0] } }

  @Test(arguments: Self.stageAndOtherSeeds)
  func kinesisSerializeProcessesEachAccountInOrderOnItsOwnShard(seed: UInt64?) throws {
    let trace = try Self.run("kinesis-serialize", seed: seed)
    #expect(Set(trace.invocations.map(\.id)) == ["shard-1", "shard-2", "shard-3"])
    #expect(Self.batchesAreSerializedPerLane(trace))
    let accounts = ["acme", "globex", "initech", "wayne", "soylent"]
    for account in accounts {
      let ids = (1...3).map { "\(account)-\($0)" }
      let lanes = Set(trace.attempts.filter { !Set($0.records).isDisjoint(with: ids) }.map(\.invocation))
      #expect(lanes.count == 1, "\(account) on one shard")
      #expect(Self.effectRecords(trace, kinds: [.update], among: ids) == ids, "\(account) in order")
    }
    // globex-2 fails: its shard (acme and globex) is blocked and retries the batch; the retried
    // acme-2 fails its condition (done = 1) and is skipped. The other shards go on.
    let failed = try #require(trace.attempts.first { $0.outcome == .error })
    #expect(failed.records == ["acme-2", "globex-2"])
    #expect(trace.waits.map(\.reason) == [.shardBlocked])
    #expect(trace.waits.allSatisfy { $0.invocation == failed.invocation })
    #expect(trace.attempts(of: failed.invocation).map(\.records) == [
      ["acme-1", "globex-1"], ["acme-2", "globex-2"], ["acme-2", "globex-2"], ["acme-3", "globex-3"],
    ])
    let wait = try #require(trace.waits.first)
    #expect(trace.attempts.contains { $0.invocation != failed.invocation && $0.start >= wait.from && $0.start < wait.to })
    #expect(Self.effectRecords(trace, kinds: [.skip], among: ["acme-2"]) == ["acme-2"])
    #expect(Self.effects(trace, .skip).count == 1)
    #expect(trace.duplicateEffects.isEmpty)
    let table = try #require(trace.world.tables.first)
    #expect(table.items.allSatisfy { $0["done"] == 3 })
    #expect(table.items.count == accounts.count)
  }

  /// AWS refuses a queue that hides messages for less than the function timeout, and advises 6
  /// times as much "to retry if your function is throttled": at exactly the timeout, a throttled
  /// batch retried late runs past its visibility timeout, and the message is received again.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  @Test(arguments: Self.stageAndOtherSeeds)
  func sqsVisibilityDuplicateRunsAThrottledBatchPastItsVisibilityTimeout(seed: UInt64?) throws {
    let trace = try Self.run("sqs-visibility-duplicate", seed: seed)
    #expect(trace.invocations.map(\.id) == ["orders"])
    let ran = trace.attempts.filter { $0.outcome != .throttled }
    let throttled = trace.attempts.filter { $0.outcome == .throttled }
    #expect(ran.map(\.records) == [["m0"], ["m1"], ["m1"]])
    #expect(ran.map(\.outcome) == [.success, .success, .success])
    // m0 holds the reserved concurrency of 1; m1's batch is throttled and retried after 1, 3, 7,
    // 15 and 31 s, the last while m1 is still hidden (60 s).
    #expect(throttled.map(\.records).allSatisfy { $0 == ["m1"] })
    #expect(throttled.prefix(5).map(\.start) == [0, 1_000, 3_000, 7_000, 15_000])
    #expect(ran[1].start == 31_000)
    // It still runs when the visibility timeout ends: received again at 60 s, throttled by the
    // first execution, and run once that one ends.
    #expect(ran[1].end > 60_000)
    #expect(throttled.dropFirst(5).first?.start == 60_000)
    #expect(ran[2].start > ran[1].end)
    #expect(trace.waits.map(\.reason).filter { $0 != .throttleBackoff }.isEmpty)
    let inserts = Self.effects(trace, .insert, target: "invoices")
    #expect(inserts.count == 3)
    #expect(inserts[2].duplicateOf == trace.effects.firstIndex { $0 == inserts[1] })
    let invoices = try #require(trace.world.tables.first).items.filter { $0["order"] == "o-42" }
    #expect(invoices.count == 2)
    #expect(invoices[0]["id"] != invoices[1]["id"])
    #expect(Set(invoices.compactMap { $0["receive"]?.displayText }) == ["1", "2"])
    // The second execution deletes the message (its receipt is current): nothing else happens.
    #expect(trace.outcomes.isEmpty)
  }

  /// "Event source mappings don't account for reserved concurrency" (https://repost.aws/knowledge-center/lambda-sqs-scaling);
  /// a throttled SQS batch is retried "until the message's timestamp exceeds your queue's
  /// visibility timeout" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
  /// and each receive counts towards the redrive policy: a valid message reaches the DLQ.
  @Test(arguments: Self.stageAndOtherSeeds)
  func sqsThrottledDLQMovesAValidMessageTheHandlerNeverRan(seed: UInt64?) throws {
    let trace = try Self.run("sqs-throttled-dlq", seed: seed)
    let ran = trace.attempts.filter { $0.outcome != .throttled }
    // The handler never fails.
    #expect(ran.allSatisfy { $0.outcome == .success })
    #expect(ran.count == 9)
    // Five pollers: m1 runs, m2-m5 are throttled at once.
    #expect(trace.attempts.prefix(5).map(\.outcome) == [.success, .throttled, .throttled, .throttled, .throttled])
    #expect(trace.attempts.filter { $0.outcome == .throttled }.count > 40)
    // m5 never ran: its two receives were throttled until their visibility timeouts ended.
    #expect(!ran.contains { $0.records == ["m5"] })
    let dlq = try #require(trace.outcomes.first)
    #expect(trace.outcomes.count == 1)
    #expect(dlq.kind == .deadLetterQueue && dlq.target == "orders-dlq" && dlq.records == ["m5"])
    #expect(dlq.time == 120_000 && dlq.attempts == 2 && dlq.reason == "maxReceiveCount 2 reached")
    #expect(trace.waits.contains { $0.reason == .visibilityTimeout })
    #expect(trace.duplicateEffects.isEmpty)
    let stored = try #require(trace.world.tables.first).items
    #expect(stored.count == 9)
    // Some orders were stored on their second receive: the throttled first one counted.
    let logged = Self.effects(trace, .log).map(\.detail)
    #expect(logged.count == 9)
    #expect(logged.contains { $0?.hasSuffix(", receive 2") == true })

    // The fix AWS advises: the same limit as the mapping's maximumConcurrency, and nothing is
    // throttled or lost.
    var fixed = try BuiltinScenarios.load(named: "sqs-throttled-dlq")
    fixed.function.reservedConcurrency = nil
    fixed.eventSource?.maximumConcurrency = 1
    let calm = Simulator(scenario: fixed, seed: seed).run()
    #expect(!calm.attempts.contains { $0.outcome == .throttled })
    #expect(calm.outcomes.isEmpty)
    #expect(try #require(calm.world.tables.first).items.count == 10)
  }

  @Test(arguments: Self.stageAndOtherSeeds)
  func sqsRedriveReprocessesTheWholeBatchAndMovesItToTheQueuesDLQ(seed: UInt64?) throws {
    let trace = try Self.run("sqs-redrive", seed: seed)
    let batch = ["m1", "m2", "m3"]
    #expect(trace.attempts.map(\.records) == [batch, batch, batch])
    #expect(trace.attempts.map(\.outcome) == [.error, .error, .error])
    #expect(trace.attempts.map(\.start) == [0, 30_000, 60_000])
    #expect(trace.waits.map(\.reason) == [.visibilityTimeout, .visibilityTimeout, .visibilityTimeout])
    // o-1 is shipped on every receive; o-3 never.
    let posts = Self.effects(trace, .post)
    #expect(posts.count == 3)
    #expect(Self.effectRecords(trace, kinds: [.post], among: batch) == ["m1", "m1", "m1"])
    #expect(trace.duplicateEffects.count == 2)
    #expect(trace.world.endpoints[0].requests.map(\.body) == [["order": "o-1"], ["order": "o-1"], ["order": "o-1"]])
    #expect(trace.outcomes.map(\.records) == [["m1"], ["m2"], ["m3"]])
    #expect(trace.outcomes.allSatisfy { $0.kind == .deadLetterQueue && $0.target == "orders-dlq" && $0.attempts == 3 })
  }

  @Test(arguments: Self.stageAndOtherSeeds)
  func sqsRedrivePartialReturnsOnlyThePoisonMessage(seed: UInt64?) throws {
    let trace = try Self.run("sqs-redrive-partial", seed: seed)
    #expect(trace.attempts.map(\.records) == [["m1", "m2", "m3"], ["m2"], ["m2"]])
    #expect(trace.attempts.map(\.outcome) == [.success, .success, .success])
    #expect(trace.attempts[0].response == ["batchItemFailures": [["itemIdentifier": "m2"]]])
    #expect(trace.waits.map(\.reason) == [.visibilityTimeout, .visibilityTimeout, .visibilityTimeout])
    #expect(Self.effectRecords(trace, kinds: [.post], among: ["m1", "m2", "m3"]) == ["m1", "m3"])
    #expect(trace.world.endpoints[0].requests.map(\.body) == [["order": "o-1"], ["order": "o-3"]])
    #expect(trace.duplicateEffects.isEmpty)
    let dlq = try #require(trace.outcomes.first)
    #expect(trace.outcomes.count == 1)
    #expect(dlq.kind == .deadLetterQueue && dlq.target == "orders-dlq" && dlq.records == ["m2"] && dlq.attempts == 3)
  }

  /// The lessons hold for any seed, not just the one on stage.
  @Test(arguments: ["create-user", "newsletter-post", "slack-at-least-once", "sync-timeout-retry", "async-duplicate-delivery", "sqs-visibility-duplicate", "sqs-redrive"])
  func duplicatesAppearWhateverTheSeed(name: String) throws {
    for seed: UInt64 in [2, 3, 99] {
      #expect(!(try Self.run(name, seed: seed)).duplicateEffects.isEmpty)
    }
  }

  @Test(arguments: ["echo", "square", "client-token", "no-system-time", "client-state", "condition-expression", "status-client-time", "status-previous-no", "status-kinesis", "status-kinesis-ordered", "kinesis-serialize", "sqs-redrive-partial"])
  func idempotentScenariosHaveNoDuplicatesWhateverTheSeed(name: String) throws {
    for seed: UInt64 in [2, 3, 99] {
      #expect((try Self.run(name, seed: seed)).duplicateEffects.isEmpty)
    }
  }
}
