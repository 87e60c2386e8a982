import Testing

@testable import RetryCore

/// Handler variants: a whole run with another handler (`applyingVariant(named:)`), and a switch
/// for the executions that start after a moment (`SettingsChange.handlerVariant`).
@Suite struct HandlerVariantTests {
  /// Posts to the hook instead of writing the order.
  static let notifyFirst = HandlerVariant(
    name: "notify-first", lesson: "The hook hears of it.",
    handler: Handler(steps: [
      Step(name: "ping", action: .post(endpoint: "hook", body: .literal(["order": "order-1"]), onError: .throw)),
      Step(name: "respond", action: .respond(.literal(["ok": true]))),
    ]))

  /// A's first execution writes the order and fails before it answers; Lambda retries it about a
  /// minute later.
  static func scenario(faults: [Fault] = Build.failOn(attempts: [1])) -> Scenario {
    Build.scenario(.event, faults: faults) { $0.variants = [notifyFirst] }
  }

  /// The scenario with the variant for executions that start after `from`.
  static func switched(_ scenario: Scenario = scenario(), from: Milliseconds, to name: String = "notify-first") -> Scenario {
    var scenario = scenario
    scenario.settingsChanges = [SettingsChange(from: from, handlerVariant: name)]
    return scenario
  }

  func targets(_ trace: Trace, attempt: Int) -> [String] {
    trace.effects.filter { $0.attempt == attempt }.map(\.target)
  }

  // MARK: the whole run

  @Test func applyingAVariantRunsItsHandlerEverywhereWithItsLesson() throws {
    let scenario = try Self.scenario().applyingVariant(named: "notify-first")
    #expect(scenario.runName == "test@notify-first")
    #expect(scenario.lesson == "The hook hears of it.")
    #expect(scenario.handler.steps.map(\.label) == ["ping", "respond"])
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.meta.scenario == "test@notify-first")
    #expect(trace.meta.lesson == "The hook hears of it.")
    #expect(targets(trace, attempt: 1) == ["hook"])
    #expect(targets(trace, attempt: 2) == ["hook"])
    // The scenario itself is left as it was.
    #expect(Self.scenario().runName == "test")
    #expect(Simulator(scenario: Self.scenario()).run().effects.map(\.target) == ["orders", "orders"])
  }

  @Test func anUnknownVariantNamesTheClosestOnes() {
    #expect(throws: UnknownVariant(scenario: "test", name: "notfy-first", available: ["notify-first"])) {
      try Self.scenario().applyingVariant(named: "notfy-first")
    }
    let near = UnknownVariant(scenario: "test", name: "notfy-first", available: ["notify-first"])
    #expect(near.message == "unknown variant 'notfy-first' of test; did you mean: notify-first?")
    let far = UnknownVariant(scenario: "test", name: "zzz", available: ["notify-first", "mark-first"])
    #expect(far.message == "unknown variant 'zzz' of test; its variants: notify-first, mark-first")
    let none = UnknownVariant(scenario: "echo", name: "fixed", available: [])
    #expect(none.message == "unknown variant 'fixed' of echo: it has no handler variants")
  }

  // MARK: from a moment on

  @Test func executionsThatStartAfterTheChangeRunTheVariantAndRunningOnesKeepTheirs() throws {
    let plain = Simulator(scenario: Self.scenario()).run()
    let first = try #require(plain.attempts.first)
    // Between A#1's end and A#2's start: only A#2 switches.
    let afterFirst = Simulator(scenario: Self.switched(from: first.end)).run()
    #expect(targets(afterFirst, attempt: 1) == ["orders"])
    #expect(targets(afterFirst, attempt: 2) == ["hook"])
    // While A#1 runs: A#1 finishes the handler it started with.
    let during = Simulator(scenario: Self.switched(from: first.start + 1)).run()
    #expect(targets(during, attempt: 1) == ["orders"])
    #expect(targets(during, attempt: 2) == ["hook"])
    // Strictly after: an execution starting at `from` itself keeps the scenario's handler.
    let atStart = Simulator(scenario: Self.switched(from: first.start)).run()
    #expect(targets(atStart, attempt: 1) == ["orders"])
    // Before A#1 starts: every execution runs the variant.
    let before = Simulator(scenario: Self.switched(from: first.start - 1)).run()
    #expect(targets(before, attempt: 1) == ["hook"])
  }

  @Test func thePastUpToTheChangeIsTheUnchangedRunAndTheRunIsDeterministic() throws {
    let plain = Simulator(scenario: Self.scenario()).run()
    let from = try #require(plain.attempts.first).end
    let switched = Simulator(scenario: Self.switched(from: from)).run()
    let past = plain.events.prefix { $0.time <= from }
    #expect(!past.isEmpty)
    #expect(Array(switched.events.prefix(past.count)) == Array(past))
    #expect(switched.effects.prefix { $0.time <= from } == plain.effects.prefix { $0.time <= from })
    let again = Simulator(scenario: Self.switched(from: from)).run()
    #expect(again.events == switched.events)
    #expect(again.effects == switched.effects)
    #expect(again.attempts == switched.attempts)
  }

  @Test func aNameTheScenarioDoesNotHaveChangesNothing() {
    let plain = Simulator(scenario: Self.scenario()).run()
    let unknown = Simulator(scenario: Self.switched(from: 0, to: "nope")).run()
    #expect(unknown.events == plain.events)
    #expect(unknown.effects == plain.effects)
  }

  /// Steps of two handlers with one name are one step for duplicates: the retry's POST repeats
  /// the first execution's whichever handler made it; a step of its own name is a step of its own.
  @Test func aStepWithTheSameNameInTheVariantDuplicatesTheFirstExecutionsEffect() throws {
    let post = StepAction.post(endpoint: "hook", body: .literal(["order": "order-1"]), onError: .throw)
    let respond = Step(name: "respond", action: .respond(.literal(["ok": true])))
    func scenario(variantPostName: String) -> Scenario {
      Build.scenario(.event, steps: [Step(name: "notify", action: post), respond], faults: Build.failOn(attempts: [1])) {
        $0.variants = [
          HandlerVariant(
            name: "logged",
            handler: Handler(steps: [Step(action: .log(.literal("sending"))), Step(name: variantPostName, action: post), respond]))
        ]
      }
    }
    let plain = Simulator(scenario: scenario(variantPostName: "notify")).run()
    let from = try #require(plain.attempts.first).end
    let shared = Simulator(scenario: Self.switched(scenario(variantPostName: "notify"), from: from, to: "logged")).run()
    let posts = shared.effects.enumerated().filter { $0.element.kind == .post }
    #expect(posts.map(\.element.attempt) == [1, 2])
    #expect(posts[1].element.duplicateOf == posts[0].offset)
    // The trace's step is where the step stands in the handler that ran it.
    #expect(posts.map(\.element.step) == ["1", "2"])
    let own = Simulator(scenario: Self.switched(scenario(variantPostName: "notify-again"), from: from, to: "logged")).run()
    #expect(own.effects.filter { $0.kind == .post }.map(\.duplicateOf) == [nil, nil])
  }

  @Test func faultsNamingAVariantsStepStrikeWhenTheVariantRunsIt() throws {
    let crash = Fault(invocation: "A", attempt: 2, point: .after("ping"), kind: .crash)
    let plain = Simulator(scenario: Self.scenario(faults: Build.failOn(attempts: [1]) + [crash])).run()
    #expect(plain.executions.map(\.outcome) == [.error, .success])
    let from = try #require(plain.attempts.first).end
    let switched = Simulator(scenario: Self.switched(Self.scenario(faults: Build.failOn(attempts: [1]) + [crash]), from: from)).run()
    #expect(switched.executions.map(\.outcome) == [.error, .crash, .success])
    #expect(targets(switched, attempt: 2) == ["hook"])
  }

  /// A batch runs the handler once per record: each record of a batch that started after the
  /// change runs the variant.
  @Test func everyRecordOfALaterBatchRunsTheVariant() throws {
    let records = [
      SourceRecord(id: "r1", at: 0, partitionKey: "alice", data: [:]),
      SourceRecord(id: "r2", at: 5_000, partitionKey: "alice", data: [:]),
      SourceRecord(id: "r3", at: 5_001, partitionKey: "alice", data: [:]),
    ]
    var scenario = EventSourceTests.scenario(EventSourceMapping(kind: .kinesis), records: records)
    scenario.variants = [
      HandlerVariant(name: "log-only", handler: Handler(steps: [Step(name: "say", action: .log(.literal("seen")))]))
    ]
    let plain = Simulator(scenario: scenario).run()
    #expect(plain.attempts.map(\.records) == [["r1"], ["r2", "r3"]])
    scenario.settingsChanges = [SettingsChange(from: plain.attempts[0].end, handlerVariant: "log-only")]
    let switched = Simulator(scenario: scenario).run()
    #expect(switched.attempts.map(\.records) == [["r1"], ["r2", "r3"]])
    #expect(switched.effects.map(\.target) == ["orders", "logs", "logs"])
    #expect(switched.effects.indices.map { switched.record(ofEffect: $0) } == ["r1", "r2", "r3"])
  }

  /// The checker places faults up to where each execution got, in the handler it ran: the
  /// longer variant's last step and the point before it returns.
  @Test func theCheckerPlacesFaultsUpToTheEndOfTheLongerHandler() throws {
    func lastFaultStep(_ scenario: Scenario) -> Int? {
      let checker = IdempotenceChecker(scenario: scenario)
      var skipped = 0
      return checker.children(of: checker.node(checker.run(CheckSchedule()), footprints: false), singles: [:], skipped: &skipped)
        .compactMap { $0.faults.first?.step }.max()
    }
    var scenario = Self.scenario(faults: [])
    // Two steps, the second a return: nothing runs after it, so a fault "before step 3" would
    // never strike (the old fixed bound tried it, and repeated the clean run).
    #expect(lastFaultStep(scenario) == 2)
    var beyond = scenario
    beyond.faults = [Fault(invocation: nil, attempt: 1, point: .beforeStep(3), kind: .crash)]
    #expect(Simulator(scenario: beyond).run().attempts.map(\.outcome) == Simulator(scenario: scenario).run().attempts.map(\.outcome))
    let long = Handler(steps: (1...4).map { Step(name: "work-\($0)", action: .compute) })
    scenario.variants.append(HandlerVariant(name: "long", handler: long))
    scenario.settingsChanges = [SettingsChange(from: 0, handlerVariant: "long")]
    #expect(lastFaultStep(scenario) == 5)
    #expect(long.stepCount == 4)
  }
}
