@testable import RetryCore
import Testing

@testable import RetryIO

/// `retryscope check`'s verdicts on the built-in scenarios, found by exploration: the scenarios'
/// own faults are removed first, so the checker must find each counterexample itself.
@Suite struct CheckVerdictTests {
  static func check(_ name: String, maxFaults: Int = 1, edit: (inout Scenario) -> Void = { _ in }) throws -> CheckReport {
    var scenario = try BuiltinScenarios.load(named: name)
    edit(&scenario)
    return IdempotenceChecker(scenario: scenario, options: .init(maxFaults: maxFaults, maxDuplicates: 1)).check()
  }

  /// Issue 6's list of idempotent scenarios, the stream scenarios included.
  @Test(arguments: [
    "echo", "square", "status-client-time", "client-token", "no-system-time", "client-state",
    "condition-expression", "async-interleave", "cron-clock", "status-kinesis", "status-kinesis-ordered",
    "kinesis-serialize",
  ])
  func idempotent(_ name: String) throws {
    let report = try Self.check(name)
    #expect(report.isIdempotent, "\(name): \(report.verdict), e.g. \(report.counterexamples.values.first?.schedule.description ?? "")")
    #expect(report.schedulesRun > 1)
    #expect(!report.stoppedAtBound)
  }

  /// `sqs-visibility-duplicate`'s queue shows a message again while its first execution still
  /// runs (a throttled batch retried late): its plain run has a second invoice with no fault at
  /// all. Taking that run as the reference made the duplicate "expected". The reference caps the
  /// mapping with maximumConcurrency instead of reserved concurrency (nothing is throttled), and
  /// the scenario's own run is the smallest counterexample.
  @Test func aDuplicateFromTheConfigurationAloneIsFound() throws {
    let report = try Self.check("sqs-visibility-duplicate")
    #expect(!report.isIdempotent)
    #expect(report.exitCode == 1)
    #expect(report.failures.contains(.duplicateEffects), "\(report.verdict)")
    #expect(report.deliveredAgain == ["m1"])
    #expect(report.exactlyOnceChanges == [
      "function create-invoice's reservedConcurrency 1 replaced by the mapping's maximumConcurrency 1: as configured, "
        + "Lambda throttles the mapping's batches, and a throttled message is received again or reaches the DLQ unprocessed"
    ])
    let example = try #require(report.counterexamples[.duplicateEffects])
    #expect(example.schedule == CheckSchedule())
    #expect(example.schedule.description == "the scenario as configured, with no fault")
    #expect(example.trace.attempts.filter { $0.outcome != .throttled }.map(\.records) == [["m0"], ["m1"], ["m1"]])
    #expect(example.trace.duplicateEffects.count == 1)
    #expect(example.reference.attempts.map(\.records) == [["m0"], ["m1"]])
    #expect(!example.reference.attempts.contains { $0.outcome == .throttled })
    #expect(example.reference.world.tables.first { $0.name == "invoices" }?.items.count == 2)
    // It leaves the reference where Lambda throttles m1's batch.
    #expect(example.trace.events[example.divergence].kind == .throttled)
  }

  /// sqs-throttled-dlq's handler is idempotent (a put keyed by the order), yet its own run loses
  /// a valid message to the DLQ: check says "idempotent" and reports the lost events apart, the
  /// smallest being the scenario as configured. The reference caps the mapping instead of
  /// throttling it, and loses nothing.
  @Test func aThrottledMappingLosesEventsOfAnIdempotentHandler() throws {
    let report = try Self.check("sqs-throttled-dlq")
    #expect(report.isIdempotent, "\(report.verdict)")
    #expect(report.referenceLostEvents.isEmpty)
    #expect(report.lostEventRuns > 0)
    let lost = try #require(report.lostEvents)
    #expect(lost.schedule == CheckSchedule())
    #expect(lost.trace.outcomes.map(\.records) == [["m5"]])
    #expect(report.deliveredAgain.isEmpty)
  }

  /// A fault names one execution. When a record is delivered again while its first execution
  /// still runs, the fault points and faults of the first were once filed under the record's
  /// receive count at the time (2), so no fault was ever tried on delivery 1, and a fault on
  /// delivery 2 struck both. Here (without reserved concurrency, nothing is throttled) m1 is
  /// delivered again (at-least-once) 10 s into its first execution: a crash on delivery 2
  /// crashes that execution only.
  @Test func aFaultOnOneDeliveryStrikesThatExecutionOnly() throws {
    var scenario = try BuiltinScenarios.load(named: "sqs-visibility-duplicate")
    scenario.function.reservedConcurrency = nil
    let checker = IdempotenceChecker(scenario: scenario)
    let run = checker.run(
      CheckSchedule(faults: [.init(unit: "m1", attempt: 2, step: 2, kind: .crash)], duplicates: [.init(invocation: "m1", after: 10_000)]))
    let m1 = run.trace.attempts.filter { $0.records == ["m1"] }
    #expect(m1.map(\.outcome) == [.success, .crash, .success])
    #expect(m1[1].start < m1[0].end)
    #expect(run.faultPoints["m1#1"] == 4)

    let report = try Self.check("sqs-visibility-duplicate", maxFaults: 2)
    #expect(report.failures.contains(.duplicateEffects))
  }

  /// status-previous-no's exactly-once run loses Bob's update (its predecessor never comes), so
  /// every run was set apart as "lost" and the verdict "idempotent" rested on no run at all. Bob's
  /// update no longer sets a run apart, and the runs are judged: idempotent, as demo 4 tells.
  /// a1's retry after a crash past its write answers {"alreadyApplied":true} where the
  /// exactly-once run answers {"ok":true}, but Lambda discards an Event invocation's answer: it
  /// reaches nobody. Given an on-success destination, the destination's record carries it, and
  /// the other answer is a divergent state.
  @Test func statusPreviousNoIsJudgedAndAnEventsAnswerCountsWhereADestinationReceivesIt() throws {
    let report = try Self.check("status-previous-no")
    #expect(report.referenceLostEvents == ["b1"])
    #expect(report.judgedRuns > 0)
    #expect(report.isIdempotent, "\(report.verdict)")
    #expect(report.exitCode == 0)

    let delivered = try Self.broken(
      "status-previous-no", replacing: "  deadLetterQueue: arn:aws:sqs:us-east-1:123456789012:status-dlq\n",
      with: "  deadLetterQueue: arn:aws:sqs:us-east-1:123456789012:status-dlq\n  onSuccess: {type: eventbridge, target: results}\n")
    #expect(delivered.failures == [.divergentState], "\(delivered.verdict)")
    let example = try #require(delivered.counterexamples[.divergentState])
    #expect(example.schedule.description == "a1#1 crash before step 4")
    #expect(example.trace.attempts.last { $0.invocation == "a1" }?.response == ["alreadyApplied": true])
    #expect(example.reference.attempts.last { $0.invocation == "a1" }?.response == ["ok": true])
  }

  /// Every built-in's exactly-once reference delivers each event once, and only
  /// sqs-visibility-duplicate's own configuration delivers one again: the other verdicts stand
  /// on the same reference as before (sqs-throttled-dlq's reference, like sqs-visibility-duplicate's,
  /// caps its mapping instead of throttling it).
  @Test func everyReferenceIsExactlyOnce() throws {
    for name in BuiltinScenarios.names {
      let checker = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: name))
      let reference = checker.run(CheckSchedule(), on: checker.exactlyOnce).trace
      #expect(IdempotenceChecker.deliveredAgain(reference).isEmpty, "\(name)")
      let asConfigured = IdempotenceChecker.deliveredAgain(checker.run(CheckSchedule()).trace)
      #expect(asConfigured == (name == "sqs-visibility-duplicate" ? ["m1"] : []), "\(name)")
      // The SQS scenarios with reserved concurrency: the reference caps the mapping instead.
      #expect(checker.exactlyOnceChanges.isEmpty == !["sqs-visibility-duplicate", "sqs-throttled-dlq"].contains(name), "\(name)")
    }
  }

  /// A message processed and then moved to the DLQ all the same (a second receive took over
  /// its receipt handle) was not lost: its run is judged. One that never got through was.
  /// Here m0 is delivered again at 29 s while its first execution runs until about 30 s: the
  /// first's delete is stale, the second crashes, and with a maxReceiveCount of 1 the next
  /// receive moves m0 to the DLQ.
  @Test func aRecordProcessedBeforeItsDLQIsNotALostEvent() throws {
    var scenario = try BuiltinScenarios.load(named: "sqs-visibility-duplicate")
    scenario.function.reservedConcurrency = nil
    scenario.eventSource?.queue.maxReceiveCount = 1
    scenario.eventSource?.queue.deadLetterQueue = "orders-dlq"
    let checker = IdempotenceChecker(scenario: scenario)
    let again = CheckSchedule.PlannedDuplicate(invocation: "m0", after: 29_000)
    let processed = checker.run(
      CheckSchedule(faults: [.init(unit: "m0", attempt: 2, step: 1, kind: .crash)], duplicates: [again])).trace
    #expect(processed.outcomes.map(\.kind) == [.deadLetterQueue])
    #expect(processed.outcomes.first?.records == ["m0"])
    #expect(processed.attempts.filter { $0.records == ["m0"] }.map(\.outcome) == [.success, .crash])
    #expect(IdempotenceChecker.lostEvents(processed).isEmpty)
    let crashed = checker.run(
      CheckSchedule(faults: [
        .init(unit: "m0", attempt: 1, step: 1, kind: .crash), .init(unit: "m0", attempt: 2, step: 1, kind: .crash),
      ], duplicates: [again])
    ).trace
    #expect(IdempotenceChecker.lostEvents(crashed) == ["m0"])
  }

  /// The fixes hold with two faults too, where the search is still exhaustive.
  @Test(arguments: ["client-token", "condition-expression", "status-kinesis"])
  func fixesHoldWithTwoFaults(_ name: String) throws {
    let report = try Self.check(name, maxFaults: 2)
    #expect(report.isIdempotent, "\(name): \(report.verdict)")
    #expect(!report.stoppedAtBound)
  }

  /// A built-in scenario's YAML with one piece of text replaced: the fix undone, to show that the
  /// checker finds the bug the fix is for.
  static func broken(_ name: String, replacing old: String, with new: String) throws -> CheckReport {
    let yaml = try #require(BuiltinScenarios.yaml(named: name))
    #expect(yaml.contains(old), "\(name) no longer contains the text to replace")
    let scenario = try ScenarioLoader.load(yaml: yaml.replacingOccurrences(of: old, with: new), file: "\(name).yaml")
    return IdempotenceChecker(scenario: scenario, options: .init(maxFaults: 1, maxDuplicates: 1)).check()
  }

  @Test(arguments: [
    ("create-user", CheckProperty.duplicateEffects), ("newsletter-post", .duplicateEffects),
    ("status-server-time", .duplicateEffects), ("slack-at-least-once", .duplicateEffects),
    ("slack-at-most-once", .lostEffects), ("async-retries-dlq", .duplicateEffects), ("sqs-redrive", .duplicateEffects),
    ("sqs-redrive-partial", .duplicateEffects), ("sync-timeout-retry", .duplicateEffects),
  ])
  func notIdempotent(_ name: String, _ property: CheckProperty) throws {
    let report = try Self.check(name)
    #expect(report.failures.contains(property), "\(name): \(report.verdict)")
    let example = try #require(report.counterexamples[property])
    // The smallest counterexample: one fault or one duplicate delivery is enough for these.
    #expect(example.schedule.size == 1)
    #expect(example.trace.events.indices.contains(example.divergence))
  }

  /// Marking an event done before doing its work loses the work when the process dies in
  /// between: condition-expression with an early return after the skipped update (the way
  /// slack-at-most-once is written) never queues the label when the first execution died between
  /// the two writes. The checker finds that crash by itself.
  @Test func anEarlyReturnAfterTheSkippedUpdateLosesTheLabel() throws {
    let report = try Self.broken(
      "condition-expression", replacing: "  - name: queue-label\n",
      with: "  - if: conditionFailed\n    then:\n      - return: {shipped: \"${event.orderId}\"}\n  - name: queue-label\n")
    #expect(report.failures == [.lostEffects], "\(report.verdict)")
    let example = try #require(report.counterexamples[.lostEffects])
    #expect(example.schedule.faults.count == 1)
    // Before step 2 (queue-label) of the first execution: after the update, before the label.
    #expect(example.schedule.faults[0].step == 2)
    #expect(example.schedule.faults[0].attempt == 1)
  }

  /// The handler's clock in the data is divergent state: a batch whose first execution died
  /// before writing a record writes it later, with another created_at. The record's own arrival
  /// time (the scenario as shipped) is the same on every execution.
  @Test(arguments: ["status-kinesis", "status-kinesis-ordered"])
  func theHandlersClockInCreatedAtDiverges(_ name: String) throws {
    let report = try Self.broken(
      name, replacing: "\"${record.kinesis.approximateArrivalTimestamp}\"", with: "\"${clock}\"")
    #expect(report.failures == [.divergentState], "\(report.verdict)")
    #expect(report.counterexamples[.divergentState]?.schedule.size == 1)
  }

  /// The id from uuid (create-user) instead of the client's token: every crash after the insert
  /// makes a second user.
  @Test func aServerMadeIdInsteadOfTheTokenDuplicatesTheUser() throws {
    let report = try Self.broken("client-token", replacing: "{id: \"${event.token}\", mail:", with: "{id: \"${requestId}-${clockMillis}\", mail:")
    #expect(report.failures.contains(.duplicateEffects), "\(report.verdict)")
  }

  /// `user-exists` reads only: alone it is idempotent; with someone else writing in between, a
  /// second execution (a retry, a duplicate delivery) gets the other answer.
  @Test func userExistsIsIdempotentAloneAndNotWithAConcurrentWriter() throws {
    let alone = try Self.check("user-exists") { $0.externalWrites = [] }
    #expect(alone.isIdempotent, "\(alone.verdict)")
    let withWriter = try Self.check("user-exists")
    #expect(withWriter.failures == [.divergentState])
    // One retry or one duplicate delivery after the write is enough: the answer flips.
    let example = try #require(withWriter.counterexamples[.divergentState])
    #expect(example.schedule.size == 1)
    #expect(example.trace.effects.contains { $0.invocation == nil && $0.time < example.trace.attempts.last!.start })
  }

  /// The exhaustive search with two faults finds nothing smaller than one, and repeats no run.
  @Test func twoFaultsKeepTheSmallestCounterexample() throws {
    let one = try Self.check("newsletter-post")
    let two = try Self.check("newsletter-post", maxFaults: 2)
    #expect(two.schedulesRun > one.schedulesRun)
    #expect(two.counterexamples[.duplicateEffects]?.schedule == one.counterexamples[.duplicateEffects]?.schedule)
  }

  /// Sampling draws the asked number of schedules with a seed, and says so.
  @Test func samplingIsSeededAndSaysSo() throws {
    let scenario = try BuiltinScenarios.load(named: "create-user")
    let a = IdempotenceChecker(scenario: scenario, options: .init(samples: 30, sampleSeed: 5)).check()
    let b = IdempotenceChecker(scenario: scenario, options: .init(samples: 30, sampleSeed: 5)).check()
    #expect(a.sampled == 30)
    #expect(a.mode.hasPrefix("sampled 30 random schedules (seed 5)"))
    #expect(a.schedulesRun == b.schedulesRun)
    #expect(a.verdict == b.verdict)
  }

  /// A fault "just before returning" on the last record of a batch with
  /// ReportBatchItemFailures ended the record and then struck it again, forever (found by check).
  @Test func aFaultBeforeReturningOnABatchsLastRecordStrikesOnce() throws {
    var scenario = try BuiltinScenarios.load(named: "sqs-redrive-partial")
    scenario.faults = [Fault(invocation: "m3", attempt: 1, point: .beforeStep(2), kind: .error(type: "E", message: "x"))]
    let trace = Simulator(scenario: scenario).run()
    let m3 = trace.attempts.filter { $0.records.contains("m3") }
    #expect(m3.count == 2)
    #expect(trace.attempts.count < 10)
  }

  /// Invocations whose executions overlap are also tried in other orders: each order's clean run
  /// is a reference of its own, and faults are explored from each.
  @Test func overlappingInvocationsAreTriedInOtherOrders() throws {
    let report = try Self.check("async-interleave") { scenario in
      // Both at once, and a slow first step: the two executions overlap.
      scenario.invocations[1].at = scenario.invocations[0].at
      scenario.handler.steps.insert(Step(name: "slow", duration: 500, action: .compute), at: 0)
    }
    #expect(report.references > 1)
    #expect(report.isIdempotent, "\(report.verdict)")
    let apart = try Self.check("async-interleave")
    #expect(apart.references == 1)
  }
}
