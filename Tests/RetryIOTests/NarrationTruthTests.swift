import RetryCore
import Testing

@testable import RetryIO

/// A teacher must never say something false: the captions count what ran, name who wrote what a
/// condition found, say who invokes, and what a DLQ message holds (issue 12).
@Suite struct NarrationTruthTests {
  static func run(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  /// The captions of the events of `kind`, in order.
  static func captions(_ trace: Trace, _ kind: TraceEvent.Kind) -> [String] {
    let narrator = Narrator(trace: trace)
    return trace.events.indices.filter { trace.events[$0].kind == kind }.map { narrator.caption(at: $0) }
  }

  static func allCaptions(_ trace: Trace) -> [String] {
    let narrator = Narrator(trace: trace)
    return trace.events.indices.map { narrator.caption(at: $0) }
  }

  // MARK: Item 3: executions counted at each point

  @Test func aDuplicateDeliveryIsCountedAndToldAsSuch() throws {
    let trace = try Self.run("async-duplicate-delivery")
    #expect(
      Self.captions(trace, .outcome) == [
        "A's event is done: A#1 succeeded on its first execution.",
        "A#2, on the duplicate delivery, succeeded too: A's event ran again although A#1 had already succeeded. One event, 2 executions so far.",
      ])
  }

  @Test func userExistsCountsBothExecutions() throws {
    let done = Self.captions(try Self.run("user-exists"), .outcome).filter { $0.contains("succeeded") }
    #expect(
      done == [
        "A's event is done: A#1 succeeded on its first execution.",
        "A#2, on the duplicate delivery, succeeded too: A's event ran again although A#1 had already succeeded. One event, 2 executions so far.",
      ])
  }

  @Test func retriesAreCountedUpToTheSuccess() throws {
    let done = Self.captions(try Self.run("create-user"), .outcome)
    #expect(done == ["A's event is done: A#2 succeeded after 2 executions of this event."])
  }

  @Test func noBuiltInScenarioCountsExecutionsInAll() throws {
    for name in BuiltinScenarios.names {
      for caption in Self.allCaptions(try Self.run(name)) {
        #expect(!caption.contains("in all"), "\(name): \(caption)")
        #expect(!caption.contains("an attempt succeeded"), "\(name): \(caption)")
      }
    }
  }

  // MARK: Item 5: "already applied" only for the same event

  static let conflictYAML = """
    name: version-race
    title: two events, one item
    function: {functionName: f}
    tables:
      - name: users
        partitionKey: id
        items:
          - {id: seeded, mail: s}
    handler:
      - name: insert-user
        put:
          table: users
          item: {id: "${event.id}", mail: "${event.mail}"}
          condition: "attribute_not_exists(id)"
          onConditionFailed: continue
      - return: {}
    invocations:
      - {id: A, type: Event, at: 0s, payload: {id: u1, mail: a}}
      - {id: B, type: Event, at: 10s, payload: {id: u1, mail: b}}
      - {id: C, type: Event, at: 20s, payload: {id: seeded, mail: c}}
      - {id: D, type: Event, at: 30s, payload: {id: u2, mail: d}}
    externalWrites:
      - {at: 25s, table: users, put: {id: u2, mail: x}, actor: admin}
    """

  @Test func aConditionLostToAnotherEventIsAConflictNotARetry() throws {
    let trace = Simulator(scenario: try loadScenario(Self.conflictYAML), seed: 1).run()
    let skips = Self.captions(trace, .effect).filter { $0.contains("is skipped") }
    #expect(
      skips == [
        "B#1's conditional write to users[id=u1] is skipped (condition failed: attribute_not_exists(id)): users[id=u1] was last written by A#1: a conflicting write, not a retry.",
        "C#1's conditional write to users[id=seeded] is skipped (condition failed: attribute_not_exists(id)): users[id=seeded] was already there before the run: not a write of this event.",
        "D#1's conditional write to users[id=u2] is skipped (condition failed: attribute_not_exists(id)): users[id=u2] was last written by admin, outside the function: a conflicting write, not a retry.",
      ])
  }

  @Test func aRetryThatFindsItsOwnWriteIsAlreadyApplied() throws {
    let skips = Self.captions(try Self.run("client-token"), .effect).filter { $0.contains("is skipped") }
    #expect(
      skips == [
        "A#2's conditional write to users[id=5f0c6e1e-2b7a-4e43-9d1c-3a8e2f6b9c01] is skipped (condition failed: attribute_not_exists(id)): already applied (A#1, an earlier execution of the same event, wrote it)."
      ])
    // A stream: the same record in the retried batch.
    let stream = Self.captions(try Self.run("kinesis-serialize"), .effect).filter { $0.contains("is skipped") }
    #expect(stream.count == 1)
    #expect(stream.allSatisfy { $0.hasSuffix("already applied (shard-3#2, an earlier execution of the same event, wrote it).") })
  }

  // MARK: Item 6: an invocation's label is shown

  static let labelledYAML = """
    name: labelled
    title: labels
    function: {functionName: f}
    handler:
      - return: {}
    invocations:
      - {id: A, type: Event, at: 0s, payload: {}, label: first status update}
      - {id: B, type: RequestResponse, at: 1s, payload: {}}
    """

  @Test func theLabelIntroducesTheInvocationAndNamesItsTimelineRow() throws {
    let trace = Simulator(scenario: try loadScenario(Self.labelledYAML), seed: 1).run()
    let invokes = Self.captions(trace, .invoke)
    #expect(invokes.first == "The caller invokes A (\"first status update\") asynchronously (Event).")
    #expect(invokes.last?.hasPrefix("The caller invokes B synchronously") == true)
    let rows = TraceTextReport(trace: trace).timeline().split(separator: "\n").map(String.init)
    #expect(rows[1].hasPrefix("  A   Event            \"first status update\"  at 0.000s  [A#1"))
    #expect(rows[2].hasPrefix("  B   RequestResponse                         at 1.000s  [B#1"))
  }

  // MARK: Item 8: who invokes; what a DLQ message holds

  @Test func theEventSourceMappingInvokesNotTheQueueOrTheShard() throws {
    let sqs = Self.captions(try Self.run("sqs-redrive"), .attemptStart)
    #expect(
      sqs.first
        == "The event source mapping (Lambda's poller on SQS queue orders) invokes the function synchronously with records m1, m2, m3 (orders#1, request id db12e54b…).")
    for name in BuiltinScenarios.names {
      for caption in Self.allCaptions(try Self.run(name)) {
        #expect(caption.firstRange(of: #/(queue|shard|stream) [^\s)]+ invokes/#) == nil, "\(name): \(caption)")
      }
    }
  }

  @Test func aDeadLetterQueueCaptionNamesOnlyWhatTheMessageCarries() throws {
    let trace = try Self.run("async-retries-dlq")
    let narrator = Narrator(trace: trace)
    let dlq = try #require(trace.events.indices.last { trace.events[$0].kind == .outcome })
    #expect(
      narrator.caption(at: dlq)
        == "A's event goes to the dead letter queue: all 3 attempts failed. The message is the raw event with the attributes RequestID, ErrorCode and ErrorMessage."
    )
    for name in BuiltinScenarios.names {
      let trace = try Self.run(name)
      let narrator = Narrator(trace: trace)
      for position in trace.events.indices {
        guard let outcome = trace.events[position].outcome, trace.outcomes[outcome].kind == .deadLetterQueue else { continue }
        #expect(!narrator.caption(at: position).contains("RetriesExhausted"), "\(name)")
      }
    }
  }

  // MARK: Item 23: ASCII means ASCII

  @Test func asciiTextReportsAreASCIIForEveryBuiltInScenario() throws {
    for name in BuiltinScenarios.names {
      let text = TraceTextReport(trace: try Self.run(name), ascii: true).render()
      let bad = text.utf8.filter { $0 >= 0x80 }
      #expect(bad.isEmpty, "\(name): \(bad.count) bytes beyond ASCII")
    }
  }

  @Test func foldingKeepsASCIIAndGivesEveryOtherCharacterAStandIn() {
    #expect(ASCIIText.fold("request id db12e54b…") == "request id db12e54b...")
    #expect(ASCIIText.fold("→ DLQ ┄ 1m05s ┄ · ✓") == "-> DLQ ~ 1m05s ~ - +")
    #expect(ASCIIText.fold("café 日本") == "caf? ??")
    #expect(ASCIIText.fold("plain") == "plain")
  }
}
