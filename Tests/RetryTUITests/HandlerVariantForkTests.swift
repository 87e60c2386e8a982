import RetryCore
import RetryIO
import RetryTestSupport
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// The fork menu's handler variants: `F`, `handler variant <name>`, Enter; the executions that
/// start after the playhead run the variant, the past stays the parent's.
@Suite struct HandlerVariantForkTests {
  /// The state with the playhead on the end of A#1 (its crash or its error).
  func afterFirstExecution(_ name: String) throws -> AppState {
    var state = try Fixtures.state(name)
    state.playhead = try #require(state.trace.events.firstIndex { $0.kind == .attemptEnd && $0.attempt == 1 })
    return state
  }

  func effects(_ trace: Trace, attempt: Int) -> [String] {
    trace.effects.filter { $0.attempt == attempt }.map { "\($0.target) \($0.kind.rawValue)\($0.duplicateOf == nil ? "" : " x2")" }
  }

  @Test func theMenuHasALinePerVariantOrOneDisabledLineSayingThereAreNone() throws {
    let slack = try Fixtures.state("slack-at-least-once")
    let lines = ForkPlanner.options(slack).filter { $0.label.hasPrefix("handler variant") }
    #expect(lines == [ForkOption(choice: .handlerVariant("mark-first"), label: "handler variant mark-first", unavailable: nil)])
    let plain = ForkPlanner.options(try Fixtures.state("create-user")).filter { $0.label.hasPrefix("handler variant") }
    #expect(plain.map(\.choice) == [.handlerVariant(nil)])
    #expect(plain.map(\.unavailable) == [ForkPlanner.noVariants])
    #expect(ForkPlanner.noVariants.hasPrefix("this scenario has no handler variants"))
  }

  @Test func choosingAVariantForksWithTheVariantForLaterExecutions() throws {
    let start = try afterFirstExecution("slack-at-least-once")
    let fork = try Fixtures.forked(start, .handlerVariant("mark-first"))
    #expect(fork.forkParents.map(\.change) == ["handler mark-first"])
    #expect(fork.runLabel == "fork of slack-at-least-once (handler mark-first)")
    #expect(fork.message == "forked at step \(start.playhead + 1): handler mark-first; d compares, u goes back")
    #expect(Fixtures.frame(fork).hasPrefix(" ❚❚ pause  fork of slack-at-least-once (handler mark-first)"))
    #expect(fork.playhead == start.playhead)
    #expect(ForkPlanner.firstDifference(start.trace, fork.trace, through: start.playhead) == nil)
    let settings = try #require(fork.session.scenario?.settingsChanges.last)
    #expect(fork.session.scenario?.settingsChanges.count == 1)
    #expect(settings.handlerVariant == "mark-first")
    #expect(settings.from == start.trace.events[start.playhead].time)
    // A#1 posted and crashed with the scenario's handler; A#2 marks first, finds no row and posts
    // again: switching the order after the first POST does not take it back.
    #expect(effects(start.trace, attempt: 1) == ["dedup read", "slack post"])
    #expect(effects(fork.trace, attempt: 1) == ["dedup read", "slack post"])
    #expect(effects(start.trace, attempt: 2) == ["dedup read", "slack post x2", "dedup insert"])
    #expect(effects(fork.trace, attempt: 2) == ["dedup insert", "slack post x2"])
    // d compares the fork with its parent; u goes back to it.
    let diff = Fixtures.after([.character("d")], from: fork)
    #expect(diff.comparison?.session === start.session)
    #expect(diff.comparison?.label == "slack-at-least-once seed 1")
    #expect(Fixtures.frame(diff).contains("diff: fork of slack-at-least-once (handler mark-first) | slack-at-"))
    let back = Fixtures.after([.escape, .character("u")], from: diff)
    #expect(back.session === start.session)
    #expect(back.forkParents.isEmpty)
  }

  /// slack-at-most-once's first execution marked the event sent before its POST failed: the
  /// post-first handler, from then on, finds the row and skips. The message stays lost.
  @Test func aVariantCannotUndoWhatThePastWrote() throws {
    let start = try afterFirstExecution("slack-at-most-once")
    let fork = try Fixtures.forked(start, .handlerVariant("post-first"))
    #expect(fork.runLabel == "fork of slack-at-most-once (handler post-first)")
    #expect(effects(fork.trace, attempt: 2) == ["dedup read"])
    #expect(!fork.trace.effects.contains { $0.kind == .post })
    // The same variant for the whole run does post: the retry finds no row.
    let whole = Simulator(scenario: try BuiltinScenarios.resolve("slack-at-most-once@post-first")).run()
    #expect(whole.effects.contains { $0.kind == .post })
  }

  /// At every playhead a variant fork keeps the parent's past, or is not offered: nothing
  /// starts after the playhead.
  @Test(arguments: [("slack-at-least-once", "mark-first"), ("slack-at-most-once", "post-first")])
  func aVariantForksPastEqualsItsParentsAtEveryStep(_ name: String, _ variant: String) throws {
    let base = try Fixtures.state(name)
    var forks = 0
    for playhead in 0...base.session.lastEvent {
      var state = base
      state.playhead = playhead
      let option = try #require(ForkPlanner.options(state).first { $0.choice == .handlerVariant(variant) })
      guard option.unavailable == nil else {
        #expect(option.unavailable == "no execution starts after the playhead")
        #expect(ForkPlanner.nextAttempt(state) == nil)
        continue
      }
      switch ForkPlanner.fork(state, option.choice) {
      case .success(let (session, change)):
        forks += 1
        #expect(change == "handler \(variant)")
        #expect(ForkPlanner.firstDifference(base.trace, session.trace, through: playhead) == nil, "\(name) at \(playhead)")
      case .failure(let failure):
        Issue.record("\(name) at \(playhead): \(failure.message)")
      }
    }
    #expect(forks > 0)
  }

  @Test func atTheEndNothingIsLeftToSwitch() throws {
    let end = Fixtures.after([.character("G")], from: try Fixtures.state("slack-at-least-once"))
    var menu = Fixtures.after([.character("F")], from: end)
    menu.mode = .fork(selection: try Fixtures.menuIndex(end, .handlerVariant("mark-first")))
    let after = Fixtures.after([.enter], from: menu)
    #expect(after.message == "no execution starts after the playhead")
    #expect(after.forkParents.isEmpty)
    #expect(ForkPlanner.fork(end, .handlerVariant("mark-first")).failureMessage == "no execution starts after the playhead")
    #expect(ForkPlanner.fork(end, .handlerVariant("nope")).failureMessage == ForkPlanner.noVariants)
  }

  @Test func aRunWithTheVariantAlreadyDoesNotOfferItAgain() throws {
    let scenario = try BuiltinScenarios.resolve("slack-at-least-once@mark-first")
    let state = TUISetup.state(
      named: "slack-at-least-once@mark-first", scenario, seed: nil, theme: .dark, ascii: false, size: Size(width: 80, height: 24))
    let option = try #require(ForkPlanner.options(state).first { $0.choice == .handlerVariant("mark-first") })
    #expect(option.unavailable == "this run already runs mark-first")
  }

  @Test func colonDiffTakesAScenarioWithAVariant() throws {
    let start = try Fixtures.state("slack-at-least-once")
    let keys = ":diff slack-at-least-once@mark-first".map { Key.character($0) } + [.enter]
    let state = Fixtures.after(keys, from: start)
    let comparison = try #require(state.comparison)
    #expect(comparison.label == "slack-at-least-once@mark-first seed 1")
    #expect(comparison.session.scenario?.runName == "slack-at-least-once@mark-first")
    let bad = Fixtures.after(":diff slack-at-least-once@mark-frist".map { Key.character($0) } + [.enter], from: start)
    #expect(bad.comparison == nil)
    #expect(bad.message == "unknown variant 'mark-frist' of slack-at-least-once; did you mean: mark-first?")
  }

  @Test func snapshotOfTheMenu() throws {
    var state = try afterFirstExecution("slack-at-least-once")
    state.theme = .mono
    try Snapshot.check(
      Fixtures.frame(Fixtures.after([.character("F")], from: state)), named: "fork-menu-slack-at-least-once-80x24.frame.txt",
      in: FrameSnapshotTests.directory)
  }
}

extension Result<(TraceSession, change: String), LoadFailure> {
  /// The failure's message; nil for a fork.
  var failureMessage: String? {
    if case .failure(let failure) = self { return failure.message }
    return nil
  }
}

/// Forks of forks: each keeps the changes made before it, at their own moments, so a second
/// fork no longer moves the first one's moment (and is no longer refused for changing the past).
@Suite struct NestedForkTests {
  @Test func aForkOfAForkKeepsTheFirstChangeAtItsMoment() throws {
    var scenario = try BuiltinScenarios.load(named: "slack-at-least-once")
    scenario.invocations.append(
      InvocationDefinition(id: "B", type: .event, at: 300_000, payload: ["id": "msg-2", "text": "Rollback"]))
    var start = TUISetup.state(named: "slack-at-least-once", scenario, seed: nil, theme: .dark, ascii: false, size: Size(width: 80, height: 24))
    start.playhead = try #require(start.trace.events.firstIndex { $0.kind == .attemptEnd && $0.invocation == "A" && $0.attempt == 1 })
    let first = try Fixtures.forked(start, .handlerVariant("mark-first"))
    #expect(first.forkParents.map(\.change) == ["handler mark-first"])

    // In the fork, after A#2 and before B: the variant is what runs now, and the menu offers the
    // scenario's own handler back.
    var child = first
    child.playhead = try #require(child.trace.events.firstIndex { $0.kind == .attemptEnd && $0.invocation == "A" && $0.attempt == 2 })
    let options = ForkPlanner.options(child)
    #expect(options.first { $0.choice == .handlerVariant("mark-first") }?.unavailable == "this run already runs mark-first")
    let back = try #require(options.first { $0.choice == .handlerVariant("") })
    #expect(back.label == "handler: slack-at-least-once's own again (instead of mark-first)")
    #expect(back.unavailable == nil)

    let second = try Fixtures.forked(child, .handlerVariant(""))
    #expect(second.forkParents.map(\.change) == ["handler mark-first", "handler slack-at-least-once's own"])
    #expect(second.session.scenario?.settingsChanges.map(\.handlerVariant) == ["mark-first", ""])
    #expect(ForkPlanner.firstDifference(child.trace, second.trace, through: child.playhead) == nil)
    // A#2 kept the first fork's handler (mark first); B, later, runs the scenario's own (read first).
    let a2 = second.trace.effects.filter { $0.invocation == "A" && $0.attempt == 2 }.map(\.kind)
    #expect(a2 == [.insert, .post])
    let b1 = second.trace.effects.filter { $0.invocation == "B" }.map(\.kind)
    #expect(b1 == [.read, .post, .insert])
  }

  /// The latest change wins after its moment; before it, the earlier ones still hold.
  @Test func theLatestChangeWinsFromItsMomentOn() throws {
    var scenario = try BuiltinScenarios.load(named: "echo")
    scenario.settingsChanges = [
      SettingsChange(from: 100, maximumRetryAttempts: 0, clientMaxAttempts: 1),
      SettingsChange(from: 50, maximumRetryAttempts: 1),
    ]
    #expect(scenario.changed(\.maximumRetryAttempts, at: 50) == nil)
    #expect(scenario.changed(\.maximumRetryAttempts, at: 51) == 1)
    #expect(scenario.changed(\.maximumRetryAttempts, at: 101) == 1)
    #expect(scenario.changed(\.clientMaxAttempts, at: 101) == 1)
    #expect(scenario.changed(\.clientMaxAttempts, at: 100) == nil)
  }
}
