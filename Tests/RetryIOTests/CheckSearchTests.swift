@testable import RetryCore
import Testing

@testable import RetryIO

/// How `retryscope check` keeps its search small without losing what it finds: each set of
/// faults in one order, duplicates before faults, no combinations of changes on lanes that share
/// nothing; and the event source mapping's own duplicates (at least once).
@Suite struct CheckSearchTests {
  static func check(_ scenario: Scenario, maxFaults: Int = 1, skip: Bool = true) -> CheckReport {
    var options = IdempotenceChecker.Options(maxFaults: maxFaults, maxDuplicates: 1)
    options.skipIndependentCombinations = skip
    return IdempotenceChecker(scenario: scenario, options: options).check()
  }

  /// The same failures and the same smallest counterexamples with and without the skipping, for
  /// scenarios with independent lanes (users, shards, schedules), in fewer runs.
  @Test(arguments: [
    ("status-server-time", 1), ("status-client-time", 2), ("kinesis-serialize", 1), ("status-kinesis-ordered", 1),
    ("cron-clock", 2), ("async-interleave", 2),
  ])
  func skippingIndependentCombinationsChangesNoVerdict(_ name: String, _ maxFaults: Int) throws {
    let scenario = try BuiltinScenarios.load(named: name)
    let skipping = Self.check(scenario, maxFaults: maxFaults)
    let all = Self.check(scenario, maxFaults: maxFaults, skip: false)
    #expect(!all.stoppedAtBound && !skipping.stoppedAtBound)
    #expect(skipping.independentSkips > 0)
    #expect(all.independentSkips == 0)
    #expect(skipping.schedulesRun < all.schedulesRun)
    #expect(skipping.failures == all.failures)
    for property in all.failures {
      #expect(skipping.counterexamples[property]?.schedule == all.counterexamples[property]?.schedule, "\(property)")
    }
    #expect((skipping.lostEvents == nil) == (all.lostEvents == nil))
  }

  /// Reserved concurrency ties the lanes together (one's retry can throttle another's): nothing
  /// is skipped then.
  @Test func reservedConcurrencyTurnsTheSkippingOff() throws {
    var scenario = try BuiltinScenarios.load(named: "status-client-time")
    #expect(Self.check(scenario).independentSkips > 0)
    scenario.function.reservedConcurrency = 2
    #expect(Self.check(scenario).independentSkips == 0)
  }

  /// Lanes are grouped by what they touch: alice's two updates share her rows, bob's do not;
  /// someone else's write ties everything together.
  @Test func lanesThatShareAnItemAreOneGroup() throws {
    let statuses = Simulator(scenario: try BuiltinScenarios.load(named: "status-previous-no")).run()
    let footprint = CheckFootprint(trace: statuses)
    #expect(footprint.isolated)
    #expect(footprint.group(ofUnit: "a1") == footprint.group(ofUnit: "a2"))
    #expect(footprint.group(ofUnit: "a1") != footprint.group(ofUnit: "b1"))
    #expect(footprint.isApart("b1", from: ["a1", "a2"]))
    #expect(footprint.isApart("a2", from: ["b1"]))
    #expect(!footprint.isApart("a2", from: ["a1"]))
    #expect(!footprint.isApart("nobody", from: ["a1"]))

    // A stream: records are units, shards are lanes.
    let stream = Simulator(scenario: try BuiltinScenarios.load(named: "status-kinesis-ordered")).run()
    let shards = CheckFootprint(trace: stream)
    #expect(shards.group(ofUnit: "alice-1") == shards.group(ofUnit: "dave-2"))
    #expect(shards.isApart("bob-1", from: ["alice-2"]))

    let written = Simulator(scenario: try BuiltinScenarios.load(named: "user-exists")).run()
    #expect(!CheckFootprint(trace: written).isolated)
    #expect(!CheckFootprint(trace: written).isApart("A", from: ["B"]))
  }

  /// Two faults are tried in one order only: attempt numbers first, as retries come from
  /// failures of lower-numbered attempts.
  @Test func faultsAreAddedInOneOrder() {
    let first = CheckSchedule.PlannedFault(unit: "b", attempt: 1, step: 2, kind: .crash)
    let retry = CheckSchedule.PlannedFault(unit: "a", attempt: 2, step: 1, kind: .error)
    #expect(first.comesBefore(retry))
    #expect(!retry.comesBefore(first))
    #expect(!first.comesBefore(first))
  }

  // MARK: The event source mapping delivers a record again

  /// A record delivered again a few seconds later, after newer records of its shard: a batch of
  /// its own, out of order. The statuses do not change; the profile's sequence-number condition
  /// keeps it from moving back.
  @Test func aStreamRecordDeliveredAgainComesAfterNewerOnes() throws {
    var scenario = try BuiltinScenarios.load(named: "status-kinesis-ordered")
    scenario.duplicateDeliveries = [DuplicateDelivery(invocation: "alice-1", after: 3_000)]
    let trace = Simulator(scenario: scenario).run()
    let again = try #require(trace.events.first { $0.kind == .duplicateDelivery })
    #expect(again.note == "alice-1")
    let lane = try #require(trace.attempts.first { $0.records.contains("alice-1") }).invocation
    #expect(trace.attempts(of: lane).map(\.records).last == ["alice-1"])
    let last = try #require(trace.attempts(of: lane).last)
    #expect(last.start > again.time && last.outcome == .success)
    let alice3 = try #require(trace.attempts.first { $0.records == ["alice-3"] })
    #expect(alice3.end < last.start)
    #expect(trace.effects.filter { $0.invocation == lane && $0.time >= last.start }.map(\.kind) == [.unchanged, .skip])
    #expect(trace.duplicateEffects.isEmpty)
    #expect(Narrator(trace: trace).caption(at: trace.events.firstIndex { $0.kind == .duplicateDelivery }!).hasPrefix(
      "The event source mapping is at-least-once: Kinesis shard shardId-"))
    // In the trace JSON the event names its record, and reads back as it was.
    let json = TraceJSON.encode(trace)
    #expect(json.contains(#""kind":"duplicate-delivery","invocation":"\#(lane)","record":"alice-1""#))
    #expect(try TraceJSONDecoder.decode(json, file: "t.json").events == trace.events)
  }

  /// Without the condition, the same duplicate sets alice's profile back to her first message:
  /// the checker finds it with one duplicate delivery and no fault.
  @Test func aProfileWithoutTheSequenceConditionMovesBack() throws {
    let yaml = try #require(BuiltinScenarios.yaml(named: "status-kinesis-ordered"))
    let condition = "      condition: \"attribute_not_exists(lastSeq) OR lastSeq < :seq\"\n"
    let onFailed = "      onConditionFailed: continue\n"
    #expect(yaml.contains(condition) && yaml.contains(onFailed))
    let unconditional = yaml.replacingOccurrences(of: condition, with: "")
      .replacingOccurrences(of: "\"${record.kinesis.sequenceNumber}\"}\n" + onFailed, with: "\"${record.kinesis.sequenceNumber}\"}\n")
    #expect(!unconditional.contains("lastSeq < :seq") && unconditional.components(separatedBy: onFailed).count == 1)
    let scenario = try ScenarioLoader.load(yaml: unconditional, file: "x.yaml")
    let report = Self.check(scenario)
    #expect(report.failures == [.divergentState], "\(report.verdict)")
    let example = try #require(report.counterexamples[.divergentState])
    #expect(example.schedule.faults.isEmpty)
    #expect(example.schedule.duplicates.count == 1)
  }

  static let queue = """
    name: invoices
    eventSource:
      type: sqs
      batchSize: 1
      queue: {name: orders, visibilityTimeout: 30s}
    tables:
      - name: invoices
        partitionKey: id
    handler:
      - uuid: id
      - name: insert-invoice
        put:
          table: invoices
          item: {id: "${id}", order: "${record.body.order}"}
    records:
      - {id: m1, at: 0s, data: {order: o-42}}
    """

  /// A standard queue's other poller receives the message at the same time: two executions at
  /// once, and the second insert is a duplicate.
  @Test func aQueueMessageReceivedTwiceAtOnce() throws {
    var scenario = try ScenarioLoader.load(yaml: Self.queue, file: "q.yaml")
    scenario.duplicateDeliveries = [DuplicateDelivery(invocation: "m1", after: 0)]
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.attempts.map(\.records) == [["m1"], ["m1"]])
    #expect(trace.attempts[1].start < trace.attempts[0].end)
    #expect(trace.duplicateEffects.map(\.kind) == [.insert])
    let report = Self.check(try ScenarioLoader.load(yaml: Self.queue, file: "q.yaml"))
    #expect(report.failures.contains(.duplicateEffects))
  }

  /// A duplicate that fails is a delivery like any other: the queue makes it visible again after
  /// its visibility timeout and it is received once more; a shard retries it.
  @Test func aFailingDuplicateIsRetried() throws {
    var queue = try ScenarioLoader.load(yaml: Self.queue, file: "q.yaml")
    queue.duplicateDeliveries = [DuplicateDelivery(invocation: "m1", after: 5_000)]
    queue.faults = [Fault(invocation: "m1", attempt: 2, point: .beforeStep(1), kind: .error(type: "E", message: "x"))]
    let received = Simulator(scenario: queue).run()
    #expect(received.attempts.map(\.outcome) == [.success, .error, .success])
    #expect(received.attempts[2].start - received.attempts[1].start >= 30_000)

    var stream = try BuiltinScenarios.load(named: "status-kinesis")
    stream.faults = []
    stream.duplicateDeliveries = [DuplicateDelivery(invocation: "bob-1", after: 2_000)]
    stream.faults = [Fault(invocation: "bob-1", attempt: 2, point: .beforeStep(1), kind: .crash)]
    let retried = Simulator(scenario: stream).run()
    let bob = retried.attempts.filter { $0.records == ["bob-1"] }
    #expect(bob.map(\.outcome) == [.crash, .success])
    #expect(retried.waits.map(\.reason) == [.shardBlocked])
  }

  // MARK: Client retries for RequestResponse

  /// The exactly-once caller waits; the search makes its client give up while the function runs
  /// (sync-timeout-retry's own story), and the retry's second charge is a duplicate.
  @Test func aClientThatGivesUpAndRetriesDuplicatesTheCharge() throws {
    let scenario = try BuiltinScenarios.load(named: "sync-timeout-retry")
    #expect(scenario.client.readTimeout == 60_000)
    let report = Self.check(scenario)
    #expect(report.failures.contains(.duplicateEffects), "\(report.verdict)")
    let example = try #require(report.counterexamples[.duplicateEffects])
    #expect(example.schedule.faults.isEmpty && example.schedule.duplicates.isEmpty)
    #expect(example.schedule.clientTimeouts.map(\.invocation) == ["A"])
    #expect(example.schedule.description.hasPrefix("A's client times out after "))
    #expect(example.reference.attempts.count == 1)
    #expect(example.trace.attempts.count > 1)
    #expect(example.trace.events.contains { $0.kind == .clientTimeout })
    #expect(CheckReportText.changes(example.schedule) == "1 client retry")
    let json = CheckReportText.json(report)
    #expect(json.contains(#""faults":0,"duplicateDeliveries":0,"clientRetries":1,"#))
  }

  /// API Gateway gives up after its integration timeout but never retries: no second execution,
  /// no duplicate, however early it gives up.
  @Test func aCallerThatNeverRetriesOnlyStopsWaiting() throws {
    var scenario = try BuiltinScenarios.load(named: "sync-timeout-retry")
    scenario.client = .preset(.apiGateway)
    let report = Self.check(scenario)
    #expect(!report.failures.contains(.duplicateEffects), "\(report.verdict)")
    #expect(report.schedulesRun > 1)
  }

  // MARK: Where a fault can strike, and which orders are tried

  /// The simulator says how far each execution got; the search tries faults only up to there
  /// (a fault before a later step never strikes, and its run would repeat its parent's).
  @Test func faultPointsSayHowFarEachExecutionGot() throws {
    var scenario = try BuiltinScenarios.load(named: "create-user")
    scenario.faults = []
    // uuid, insert-user, respond: the point before each (respond is the return).
    #expect(Simulator(scenario: scenario).runNotingFaultPoints().faultPoints == ["A#1": 3])
    scenario.faults = [Fault(invocation: "A", attempt: 1, point: .beforeStep(2), kind: .crash)]
    let (trace, points) = Simulator(scenario: scenario).runNotingFaultPoints()
    #expect(points == ["A#1": 2, "A#2": 3])
    #expect(TraceJSON.encode(trace) == TraceJSON.encode(Simulator(scenario: scenario).run()))

    // In a batch, per record and delivery: a batch that fails on its third record never reaches
    // the fourth. A record's run ends after its one step; only the batch's last record reaches
    // the point just before the batch returns.
    var stream = try BuiltinScenarios.load(named: "status-kinesis")
    stream.faults = [Fault(invocation: "alice-2", attempt: 1, point: .beforeStep(1), kind: .error(type: "E", message: "x"))]
    let batch = Simulator(scenario: stream).runNotingFaultPoints().faultPoints
    #expect(batch["alice-1#1"] == 1 && batch["bob-1#1"] == 1)
    #expect(batch["alice-2#1"] == 1)
    #expect(batch["bob-2#1"] == nil)
    #expect(batch["alice-2#2"] == 1 && batch["bob-2#2"] == 2)
  }

  /// Alice's two updates, invoked 200 ms apart, may be delivered the other way round (the
  /// delivery delay varies by 200 ms): that order is a reference of its own, and demo 4's
  /// handler stays idempotent in it (the second update waits for the first by failing) once a
  /// retry answers as the first execution did (`CheckVerdictTests`: the built-in's retry
  /// answers `alreadyApplied`). Bob's update shares nothing with them and is not reordered; a
  /// second apart is not a race.
  @Test func closeEventsOnTheSameItemsAreAlsoTriedTheOtherWayRound() throws {
    let yaml = try #require(BuiltinScenarios.yaml(named: "status-previous-no"))
    let scenario = try ScenarioLoader.load(
      yaml: yaml.replacingOccurrences(of: "return: {alreadyApplied: true}", with: "return: {ok: true}"), file: "spn.yaml")
    let previous = Self.check(scenario, maxFaults: 1)
    #expect(previous.references == 2)
    #expect(previous.isIdempotent, "\(previous.verdict)")
    #expect(previous.judgedRuns > 0)
    let server = Self.check(try BuiltinScenarios.load(named: "status-server-time"), maxFaults: 1)
    #expect(server.references == 1)
  }
}

/// What the search keeps of each run (digests, not states or traces), the verdict of a search
/// that was not exhaustive, and the progress it tells.
@Suite struct CheckBoundsTests {
  /// Equal states digest alike whatever order their dictionaries were built in; a row more, a
  /// value of another kind (`1` and `1.0`), a count changed, all digest apart.
  @Test func statesDigestAsTheyCompare() throws {
    let scenario = try BuiltinScenarios.load(named: "newsletter-post")
    let checker = IdempotenceChecker(scenario: scenario)
    let clean = checker.run(CheckSchedule())
    let again = checker.run(CheckSchedule())
    #expect(clean.state.digest == again.state.digest)
    let crashed = checker.run(CheckSchedule(faults: [.init(unit: "A", attempt: 1, step: 2, kind: .crash)]))
    #expect(crashed.state != clean.state)
    #expect(crashed.state.digest != clean.state.digest)

    var one = CheckDigest()
    one.add(Value.int(1))
    var real = CheckDigest()
    real.add(Value.double(1))
    #expect(one != real)
    var ab = CheckDigest()
    ab.add("ab")
    ab.add("")
    var a_b = CheckDigest()
    a_b.add("a")
    a_b.add("b")
    #expect(ab != a_b)
  }

  /// A search stopped at `maxSchedules` or drawn at random that finds nothing is not a proof:
  /// "no counterexample in N schedules (not exhaustive)", exit code 3, never "idempotent". A
  /// counterexample found by such a search still counts.
  @Test func aSearchThatIsNotExhaustiveNeverSaysIdempotent() throws {
    let scenario = try BuiltinScenarios.load(named: "status-client-time")
    let bounded = IdempotenceChecker(scenario: scenario, options: .init(maxSchedules: 20)).check()
    #expect(bounded.stoppedAtBound)
    #expect(!bounded.isExhaustive && !bounded.isIdempotent && bounded.isInconclusive)
    #expect(bounded.verdict == "no counterexample in 20 schedules (not exhaustive)")
    #expect(bounded.exitCode == 3)
    #expect(bounded.mode == "bounded: stopped after 50000 schedules, up to 2 faults and 1 duplicate delivery or client retry (not exhaustive: raise --max-schedules, or lower --max-faults or --max-duplicates)".replacingOccurrences(of: "50000", with: "20"))

    let sampled = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: "echo"), options: .init(samples: 5)).check()
    #expect(sampled.verdict == "no counterexample in 5 random schedules (not exhaustive)")
    #expect(sampled.exitCode == 3)

    let found = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: "create-user"), options: .init(maxSchedules: 10)).check()
    #expect(found.stoppedAtBound)
    #expect(found.verdict.hasPrefix("not idempotent: duplicate effects"))
    #expect(found.exitCode == 1)

    let exhaustive = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: "echo")).check()
    #expect(exhaustive.verdict == "idempotent" && exhaustive.exitCode == 0)
  }

  /// The search tells how far it has come after every run: the count goes up one at a time to
  /// the report's, level by level.
  @Test func theSearchTellsItsProgress() throws {
    var told: [CheckProgress] = []
    let report = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: "create-user"), options: .init(maxFaults: 1))
      .check { told.append($0) }
    #expect(told.count == report.schedulesRun - 1)
    #expect(told.map(\.schedulesRun) == Array(2...report.schedulesRun))
    #expect(told.map(\.depth) == told.map(\.depth).sorted())
    #expect(told.last?.depth == 2)
    #expect(told.last?.failingProperties == report.failures.count)
  }

  /// On a terminal the line shows after a tenth of a second, at most ten times a second, and is
  /// cleared at the end; elsewhere nothing is written.
  @Test func theProgressLineIsDrawnOnATerminalOnlyAndCleared() {
    var now: UInt64 = 0
    var written: [String] = []
    let line = CheckProgressLine(
      title: "checking x", bound: 50_000, isTerminal: true, terminalWidth: { 120 }, clock: { now }, write: { written.append($0) })
    let progress = CheckProgress(schedulesRun: 1234, depth: 2, failingProperties: 1)
    line.update(progress)
    now += 50_000_000
    line.update(progress)
    #expect(written.isEmpty)
    now += 60_000_000
    line.update(progress)
    #expect(written == ["\rchecking x: 1234 schedules run (up to 50000), 2 changes deep, 1 failing property\u{1B}[K"])
    now += 10_000_000
    line.update(progress)
    #expect(written.count == 1)
    line.finish()
    #expect(written.last == "\r\u{1B}[K")
    #expect(CheckProgressLine.render(title: "checking x", progress, bound: 50_000, width: 20) == "checking x: 1234 s…")

    var silent: [String] = []
    let piped = CheckProgressLine(
      title: "checking x", bound: 10, isTerminal: false, terminalWidth: { 80 }, clock: { now }, write: { silent.append($0) })
    for step in 0..<5 {
      now += 200_000_000
      piped.update(CheckProgress(schedulesRun: step, depth: 1, failingProperties: 0))
    }
    piped.finish()
    #expect(silent.isEmpty)
  }
}
