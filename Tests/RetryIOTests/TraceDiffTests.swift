import RetryCore
import RetryLogs
import Testing

@testable import RetryIO

/// Two runs compared row by row: duplicates on one side only, two seeds, a run and its own logs.
@Suite struct TraceDiffTests {
  static func run(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  @Test func aScenarioComparedWithItselfIsEqualEverywhere() throws {
    let trace = try Self.run("create-user")
    let diff = TraceDiff(trace, label: "a", trace, label: "b")
    #expect(diff.ledgersEqual)
    #expect(diff.divergence == nil)
    #expect(diff.a == diff.b.relabelled("a"))
    let users = try #require(diff.targets.first { $0.name == "users" })
    #expect(users.rows.count == 2)
    #expect(users.rows.allSatisfy { $0.verdict == .same })
    // The second user repeats the first execution's insert: x2 A#1+A#2, as the state panel says.
    #expect(users.rows[1].a?.byText == "x2 A#1+A#2")
    #expect(users.rows[0].a?.value == #"{"mail":"y"}"#)
  }

  /// create-user writes a second user; condition-expression's retry is skipped: the duplicate is
  /// on one side only.
  @Test func duplicatesOnOneSideOnly() throws {
    let buggy = try Self.run("create-user"), fixed = try Self.run("condition-expression")
    let diff = TraceDiff(buggy, label: "create-user", fixed, label: "condition-expression")
    #expect(!diff.ledgersEqual)
    #expect(diff.a.duplicates == 1)
    #expect(diff.b.duplicates == 0)
    #expect(diff.a.executions == 2 && diff.b.executions == 2)
    let users = try #require(diff.targets.first { $0.name == "users" })
    #expect(users.rows.map(\.verdict) == [.onlyA, .onlyA])
    #expect(diff.targets.flatMap(\.rows).contains { $0.verdict == .onlyB })
    let divergence = try #require(diff.divergence)
    #expect(buggy.events[divergence.step].kind == .effect)
    // Everything before the divergence is alike.
    for index in 0..<divergence.step {
      #expect(buggy.events[index].kind == fixed.events[index].kind)
    }
  }

  /// create-user against client-token: the same invocation, but the fixed handler keys the row
  /// by the client's token, and its retry does not add a second row.
  @Test func buggyAndFixedHandlerDiffer() throws {
    let diff = TraceDiff(try Self.run("create-user"), label: "a", try Self.run("client-token"), label: "b")
    #expect(!diff.ledgersEqual)
    #expect(diff.a.duplicates == 1 && diff.b.duplicates == 0)
    #expect(diff.a.executions == 2 && diff.b.executions == 2)
    let users = try #require(diff.targets.first { $0.name == "users" })
    #expect(users.rows.map(\.verdict) == [.onlyA, .onlyA, .onlyB])
    #expect(users.rows.last?.b?.key == "id=5f0c6e1e-2b7a-4e43-9d1c-3a8e2f6b9c01")
  }

  /// Two seeds of async-interleave: other random delays, the same rows in the end; the runs
  /// part where a delay first differs.
  @Test func twoSeedsOfAsyncInterleave() throws {
    let one = try Self.run("async-interleave", seed: 1), other = try Self.run("async-interleave", seed: 2)
    let diff = TraceDiff(one, label: "seed 1", other, label: "seed 2")
    #expect(diff.ledgersEqual)
    #expect(diff.targets.flatMap(\.rows).allSatisfy { $0.a?.key == $0.b?.key })
    #expect(diff.a.outcomeText == diff.b.outcomeText)
    // As of the first step, nothing is written on either side.
    let early = TraceDiff(one, label: "a", other, label: "b", asOfA: 0, asOfB: 0)
    #expect(early.targets.allSatisfy { $0.rows.isEmpty })
  }

  /// Made-up ids differ from seed to seed: rows pair by who wrote them, verdict "key differs".
  @Test func madeUpKeysPairByWriter() throws {
    let diff = TraceDiff(try Self.run("create-user", seed: 1), label: "a", try Self.run("create-user", seed: 7), label: "b")
    let users = try #require(diff.targets.first { $0.name == "users" })
    #expect(users.rows.count == 2)
    #expect(users.rows.allSatisfy { $0.verdict == .differentKey && $0.a != nil && $0.b != nil })
    #expect(diff.divergence?.step == 3)
  }

  /// A scenario against its own logs imported back: no item values on the imported side, the
  /// same rows, writes and duplicates.
  @Test(arguments: ["create-user", "newsletter-post", "async-retries-dlq", "condition-expression"])
  func aScenarioAndItsOwnLogsHaveEqualLedgers(_ name: String) throws {
    let simulated = try Self.run(name)
    let imported = try ImportRoundTripTests.roundTrip(simulated, .init(format: .events))
    let diff = TraceDiff(simulated, label: name, imported, label: "logs")
    #expect(diff.ledgersEqual, "\(diff.targets.flatMap(\.rows).filter(\.verdict.isDifference))")
    #expect(diff.a.duplicates == diff.b.duplicates)
  }

  @Test func endpointRequestsMeetByBody() throws {
    let trace = try Self.run("newsletter-post")
    let diff = TraceDiff(trace, label: "a", trace, label: "b")
    let endpoint = try #require(diff.targets.first { $0.kind == .endpoint })
    #expect(endpoint.rows.allSatisfy { $0.verdict == .same })
    #expect(endpoint.rows.contains { ($0.a?.writes ?? 0) == 2 })
  }
}

extension TraceDiff.Summary {
  func relabelled(_ label: String) -> Self {
    var copy = self
    copy.label = label
    return copy
  }
}
