import RetryCore
import RetryIO
import RetryTestSupport
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// `d` (the diff view), `:diff`, `F` (fork from here) and `u` (back to the parent).
@Suite struct DiffAndForkTests {
  static let small = Size(width: 80, height: 24)

  func check(_ state: AppState, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try Snapshot.check(
      Fixtures.frame(state), named: "\(name).frame.txt", in: FrameSnapshotTests.directory, sourceLocation: sourceLocation)
  }

  @Test func dComparesWithTheNextSeedAndClosesWithDOrEscape() throws {
    let start = try Fixtures.state("create-user")
    let open = Fixtures.after([.character("G"), .character("d")], from: start)
    let comparison = try #require(open.comparison)
    #expect(comparison.label == "create-user seed 2")
    #expect(comparison.session.seed == 2)
    #expect(Fixtures.frame(open).contains("diff: create-user seed 1 | create-user seed 2"))
    #expect(Fixtures.after([.character("d")], from: open).comparison == nil)
    let closed = Fixtures.after([.escape], from: open)
    #expect(closed.comparison == nil)
    #expect(closed.playhead == open.playhead)
    // Stepping moves both: b follows a's time.
    let back = Fixtures.after([.character("g")], from: open)
    #expect(back.comparison == open.comparison)
    #expect(DiffView.otherPlayhead(back, comparison.session) == 0)
  }

  @Test func colonDiffChoosesTheOtherRun() throws {
    let start = try Fixtures.state("create-user")
    let keys = ":diff condition-expression 3".map { Key.character($0) } + [.enter]
    let state = Fixtures.after([.character(":")] + keys.dropFirst(), from: start)
    #expect(state.comparison?.label == "condition-expression seed 3")
    let bad = Fixtures.after(":diff nope".map { Key.character($0) } + [.enter], from: start)
    #expect(bad.comparison == nil)
    #expect(bad.message?.contains("nope") == true)
    let badSeed = Fixtures.after(":diff echo x".map { Key.character($0) } + [.enter], from: start)
    #expect(badSeed.message == "seed needs a whole number: :diff echo 7")
  }

  @Test func forkMenuInjectsACrashAndUGoesBack() throws {
    var start = try Fixtures.state("create-user")
    start.playhead = 5  // A#2 has not started yet
    let menu = Fixtures.after([.character("F")], from: start)
    guard case .fork = menu.mode else {
      Issue.record("F did not open the fork menu")
      return
    }
    #expect(Fixtures.after([.escape], from: menu).mode == .normal)
    let fork = try Fixtures.forked(start, .fault(.crash))
    #expect(fork.forkParents.count == 1)
    #expect(fork.forkParents[0].change == "crash A#2")
    #expect(fork.session !== start.session)
    #expect(fork.playhead == start.playhead)
    #expect(fork.runLabel == "fork of create-user (crash A#2)")
    #expect(ForkPlanner.firstDifference(start.trace, fork.trace, through: start.playhead) == nil)
    // The crash of A#2 makes a third execution.
    #expect(fork.trace.attempts.count == 3)
    #expect(Fixtures.frame(fork).hasPrefix(" ❚❚ pause  fork of create-user (crash A#2)"))
    // d compares the fork with its parent.
    let diff = Fixtures.after([.character("d")], from: fork)
    #expect(diff.comparison?.session === start.session)
    let back = Fixtures.after([.escape, .character("u")], from: diff)
    #expect(back.session === start.session)
    #expect(back.forkParents.isEmpty)
    #expect(Fixtures.after([.character("u")], from: back).message == "not a fork: F forks from here")
  }

  @Test func unavailableChoicesSayWhy() throws {
    let end = Fixtures.after([.character("G")], from: try Fixtures.state("create-user"))
    var menu = Fixtures.after([.character("F")], from: end)
    menu.mode = .fork(selection: try Fixtures.menuIndex(end, .fault(.error)))
    let after = Fixtures.after([.enter], from: menu)
    #expect(after.message == "no execution starts after the playhead")
    #expect(after.forkParents.isEmpty)
    var variant = menu
    variant.mode = .fork(selection: try Fixtures.menuIndex(end, .handlerVariant(nil)))
    #expect(Fixtures.after([.enter], from: variant).message?.hasPrefix("this scenario has no handler variants") == true)
  }

  /// The past of a fork is its parent's, event for event, for every choice at several moments.
  @Test(arguments: ["create-user", "async-retries-dlq", "async-interleave", "sync-timeout-retry", "newsletter-post"])
  func aForksPastEqualsItsParents(_ name: String) throws {
    let base = try Fixtures.state(name)
    var forks = 0
    for playhead in Set([0, 2, base.session.lastEvent / 2, base.session.lastEvent - 1]) where playhead >= 0 {
      var state = base
      state.playhead = playhead
      for option in ForkPlanner.options(state) where option.unavailable == nil {
        switch ForkPlanner.fork(state, option.choice) {
        case .success(let (session, _)):
          forks += 1
          for index in 0...playhead {
            #expect(session.trace.events[index] == base.trace.events[index], "\(name) \(option.label) at \(playhead)")
          }
        case .failure(let failure):
          // Refused only because the check found a changed past.
          #expect(failure.message.hasPrefix("not forked"), "\(failure.message)")
        }
      }
    }
    #expect(forks > 0)
  }

  @Test func settingsChangeOnlyTheFuture() throws {
    var state = try Fixtures.state("async-retries-dlq")
    // After A#1's retry was decided, before A#2 ends.
    state.playhead = try GotoTarget.attempt(invocation: "A", number: 2).eventIndex(in: state.trace).get()
    let fork = try Fixtures.forked(state, .maximumRetryAttempts(1))
    #expect(fork.forkParents.last?.change == "maximumRetryAttempts 1")
    #expect(state.trace.attempts.count == 3)
    #expect(fork.trace.attempts.count == 2)
  }

  @Test func snapshots() throws {
    var state = try Fixtures.state("create-user", size: Self.small)
    state.theme = .mono
    state.playhead = 5
    let fork = try Fixtures.forked(state, .fault(.crash))
    try check(Fixtures.after([.character("G")], from: fork), "fork-create-user-80x24")
    try check(Fixtures.after([.character("G"), .character("d")], from: fork), "diff-fork-create-user-80x24")
    try check(Fixtures.after([.character("F")], from: state), "fork-menu-create-user-80x24")
    let seeds = Fixtures.after([.character("G"), .character("d")], from: state)
    try check(seeds, "diff-create-user-seeds-80x24")
    var ascii = seeds
    ascii.ascii = true
    try check(ascii, "diff-create-user-seeds-80x24-ascii")
  }

  /// On a stream, the fork delivers the current step's record again: the mapping's poller, at
  /// least once. The past stays; the record's own batch comes after the playhead.
  @Test func forkDeliversTheCurrentRecordAgainOnAStream() throws {
    var start = try Fixtures.state("status-kinesis-ordered")
    let trace = start.trace
    let effect = try #require(trace.events.indices.first { trace.events[$0].kind == .effect })
    start.playhead = effect
    let record = try #require(trace.events[effect].effect.flatMap { trace.record(ofEffect: $0) })
    let option = try #require(ForkPlanner.options(start).first { $0.choice == .duplicateDelivery })
    #expect(option.label == "deliver \(record) again (duplicate delivery)")
    #expect(option.unavailable == nil)
    let fork = try Fixtures.forked(start, .duplicateDelivery)
    #expect(fork.forkParents.map(\.change) == ["\(record) delivered again"])
    let again = try #require(fork.trace.events.firstIndex { $0.kind == .duplicateDelivery })
    #expect(again > effect && fork.trace.events[again].note == record)
    #expect(fork.trace.attempts.last { $0.records == [record] } != nil)
    #expect(ForkPlanner.firstDifference(trace, fork.trace, through: effect) == nil)

    // A record's arrival names it too; a shard's retry decision names none, and the line says so.
    start.playhead = 0
    #expect(trace.events[0].kind == .recordArrived)
    #expect(ForkPlanner.options(start).first { $0.choice == .duplicateDelivery }?.label == "deliver alice-1 again (duplicate delivery)")
    start.playhead = try #require(trace.events.firstIndex { $0.kind == .retryScheduled })
    let none = try #require(ForkPlanner.options(start).first { $0.choice == .duplicateDelivery })
    #expect(none.unavailable == "the current step names no record")
  }

  /// The diff view's comparison is kept between frames, and computed again when a playhead
  /// moves or the other run changes.
  @Test func theComparisonIsKeptUntilAPlayheadOrTheOtherRunChanges() throws {
    let scenario = try BuiltinScenarios.load(named: "create-user")
    let a = TraceSession(scenario: scenario, seed: 1)
    let b = TraceSession(scenario: scenario, seed: 2), c = TraceSession(scenario: scenario, seed: 7)
    func text(_ diff: TraceDiff) -> String { "\(diff.targets.flatMap(\.rows))|\(String(describing: diff.divergence))" }
    func fresh(_ other: TraceSession, _ asOf: Int, _ otherAsOf: Int) -> String {
      text(TraceDiff(a.trace, label: "a", other.trace, label: "b", asOfA: asOf, asOfB: otherAsOf))
    }
    let early = a.diff(label: "a", with: b, label: "b", asOf: 2, otherAsOf: 2)
    #expect(text(early) == fresh(b, 2, 2))
    let end = a.lastEvent
    #expect(text(a.diff(label: "a", with: b, label: "b", asOf: end, otherAsOf: b.lastEvent)) == fresh(b, end, b.lastEvent))
    #expect(fresh(b, 2, 2) != fresh(b, end, b.lastEvent))
    #expect(text(a.diff(label: "a", with: c, label: "b", asOf: end, otherAsOf: c.lastEvent)) == fresh(c, end, c.lastEvent))
    #expect(fresh(b, end, b.lastEvent) != fresh(c, end, c.lastEvent))
  }
}
