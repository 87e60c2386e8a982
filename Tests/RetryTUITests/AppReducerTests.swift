import RetryCore
import Testing

@testable import RetryTUI

/// Every key of the main screen and of each mode, asserting the whole next state: the expected
/// state is the previous one with exactly the fields the key should change.
@Suite struct AppReducerTests {
  let start: AppState

  init() throws {
    start = try Fixtures.state("async-retries-dlq")
  }

  func next(_ key: Key, from state: AppState? = nil) -> AppState {
    Fixtures.after([key], from: state ?? start)
  }

  @Test func spaceAndDotPlayAndPause() {
    var expected = start
    expected.playing = true
    #expect(next(.character(" ")) == expected)
    #expect(next(.character("."), from: expected) == start)
  }

  @Test func playAtTheEndStartsOver() {
    var atEnd = start
    atEnd.playhead = start.session.lastEvent
    var expected = start
    expected.playing = true
    #expect(next(.character(" "), from: atEnd) == expected)
  }

  @Test func rightLAndPageDownStepForwardAndPause() {
    var playing = start
    playing.playing = true
    var expected = start
    expected.playhead = 1
    #expect(next(.right, from: playing) == expected)
    #expect(next(.character("l")) == expected)
    #expect(next(.pageDown) == expected)
  }

  @Test func leftHAndPageUpStepBack() {
    var there = start
    there.playhead = 5
    var expected = start
    expected.playhead = 4
    #expect(next(.left, from: there) == expected)
    #expect(next(.character("h"), from: there) == expected)
    #expect(next(.pageUp, from: there) == expected)
  }

  @Test func stepBackGivesExactlyTheFrameBefore() throws {
    for name in ["async-retries-dlq", "sync-timeout-retry", "create-user", "async-interleave"] {
      var state = try Fixtures.state(name)
      for _ in 0..<state.session.lastEvent {
        let before = Fixtures.frame(state)
        let forward = Fixtures.after([.right], from: state)
        let back = Fixtures.after([.left], from: forward)
        #expect(Fixtures.frame(back) == before, "\(name) step \(state.playhead + 1)")
        state = forward
      }
    }
  }

  @Test func rightAtTheEndSaysWhatPageDownDoes() {
    var atEnd = start
    atEnd.playhead = start.session.lastEvent
    var expected = atEnd
    expected.message = "end of async-retries-dlq: PgDn opens async-interleave"
    #expect(next(.right, from: atEnd) == expected)
  }

  @Test func pageDownAtTheEndOpensTheNextScenarioOfTheTour() {
    var atEnd = start
    atEnd.playhead = start.session.lastEvent
    let opened = next(.pageDown, from: atEnd)
    var expected = start
    expected.session = opened.session
    expected.scenarioName = "async-interleave"
    expected.tourPosition = start.tourPosition! + 1
    #expect(opened == expected)
    #expect(opened.session.trace.meta.scenario == "async-interleave")
    #expect(opened.playhead == 0)
  }

  @Test func pageUpAtTheStartOpensThePreviousScenarioAtItsEnd() {
    let opened = next(.pageUp)
    var expected = start
    expected.session = opened.session
    expected.scenarioName = "sync-timeout-retry"
    expected.tourPosition = start.tourPosition! - 1
    expected.playhead = opened.session.lastEvent
    #expect(opened == expected)
    #expect(opened.session.trace.meta.scenario == "sync-timeout-retry")
  }

  @Test func theTourEnds() throws {
    var last = try Fixtures.state(Fixtures.environment.catalog.last!.name)
    last.playhead = last.session.lastEvent
    var expected = last
    expected.message = "end of the tour"
    #expect(next(.pageDown, from: last) == expected)
    let first = try Fixtures.state("sync-error")
    var atStart = first
    atStart.message = "start of the tour"
    #expect(next(.pageUp, from: first) == atStart)
  }

  @Test func gAndGGoToStartAndEnd() {
    var expected = start
    expected.playhead = start.session.lastEvent
    #expect(next(.character("G")) == expected)
    #expect(next(.end) == expected)
    #expect(next(.character("g"), from: expected) == start)
    #expect(next(.home, from: expected) == start)
  }

  @Test func bracketsJumpBetweenExecutions() {
    let trace = start.trace
    let starts = trace.events.indices.filter { trace.events[$0].kind == .attemptStart }
    #expect(starts.count == 3)
    var first = start
    first.playhead = starts[0]
    #expect(next(.character("]")) == first)
    var second = start
    second.playhead = starts[1]
    #expect(next(.character("]"), from: first) == second)
    #expect(next(.character("["), from: second) == first)
    var last = start
    last.playhead = starts[2]
    var none = last
    none.message = "no later execution"
    #expect(next(.character("]"), from: last) == none)
  }

  @Test func bracesJumpBetweenChangesToTheWorld() throws {
    let createUser = try Fixtures.state("create-user")
    let trace = createUser.trace
    let inserts = trace.events.indices.filter { trace.events[$0].kind == .effect && trace.effects[trace.events[$0].effect!].kind == .insert }
    #expect(inserts.count == 2)
    var first = createUser
    first.playhead = inserts[0]
    #expect(next(.character("}"), from: createUser) == first)
    var duplicate = createUser
    duplicate.playhead = inserts[1]
    #expect(next(.character("}"), from: first) == duplicate)
    #expect(next(.character("{"), from: duplicate) == first)
    var none = createUser
    none.message = "no earlier change to the outside world"
    #expect(next(.character("{"), from: createUser) == none)
  }

  @Test func zoomKeys() {
    var zoomed = start
    zoomed.zoom = 1
    #expect(next(.character("+")) == zoomed)
    var out = start
    out.zoom = -1
    #expect(next(.character("-")) == out)
    #expect(next(.character("="), from: zoomed) == start)
  }

  @Test func zTogglesLinearTime() {
    var linear = start
    linear.timeMode = .linear
    #expect(next(.character("z")) == linear)
    #expect(next(.character("z"), from: linear) == start)
  }

  @Test func speedKeysStopAtTheirEnds() {
    var faster = start
    faster.speed = PlaybackSpeed.normal + 1
    #expect(next(.character(">")) == faster)
    var slowest = start
    slowest.speed = 0
    #expect(next(.character("<"), from: slowest) == slowest)
    #expect(PlaybackSpeed.label(PlaybackSpeed.normal) == "1x")
    #expect(PlaybackSpeed.interval(PlaybackSpeed.normal) == 1_500)
  }

  @Test func tabMovesFocus() {
    var state = start
    state.focus = .state
    #expect(next(.tab) == state)
    #expect(next(.backTab, from: state) == start)
  }

  @Test func arrowsScrollTheFocusedPanelAndStopAtItsEnds() throws {
    // Everything fits: nothing to scroll.
    var focusedState = start
    focusedState.focus = .state
    #expect(next(.down, from: focusedState) == focusedState)
    #expect(next(.down) == start)

    // Seven status rows and two profiles do not fit 80x24 at the end of status-server-time.
    var busy = try Fixtures.state("status-server-time")
    busy.playhead = busy.session.lastEvent
    busy.focus = .state
    let limit = FrameRenderer.scrollLimits(busy).state
    #expect(limit > 0)
    var scrolled = busy
    scrolled.stateScroll = 1
    #expect(next(.down, from: busy) == scrolled)
    #expect(next(.up, from: scrolled) == busy)
    #expect(next(.up, from: busy) == busy)
    var bottom = busy
    bottom.stateScroll = limit
    #expect(Fixtures.after(Array(repeating: .down, count: limit + 5), from: busy) == bottom)

    // At 60x16 its four invocation lanes do not all fit: the timeline scrolls them.
    var small = try Fixtures.state("status-server-time", size: Size(width: 60, height: 16))
    small.playhead = small.session.lastEvent
    let lanes = FrameRenderer.scrollLimits(small).lanes
    #expect(lanes.count > 1)
    var up = small
    up.laneScroll = -1
    #expect(next(.up, from: small) == up)
    var top = small
    top.laneScroll = lanes.lowerBound
    #expect(Fixtures.after(Array(repeating: .up, count: 20), from: small) == top)
    #expect(Fixtures.frame(top).contains("a1 Event"))
    #expect(!Fixtures.frame(small).contains("a1 Event"))
  }

  @Test func searchFindsStepsAndNAndShiftNWalkThem() {
    let typing = Fixtures.after([.character("/"), .character("r"), .character("e"), .character("t")], from: start)
    var expected = start
    expected.mode = .search("ret")
    #expect(typing == expected)
    let found = next(.enter, from: typing)
    let matches = SearchIndex.matches(of: "ret", in: start.session)
    #expect(matches.count >= 3)
    var afterSearch = start
    afterSearch.search = AppState.Search(query: "ret", matches: matches)
    afterSearch.playhead = matches[0]
    afterSearch.message = "match 1 of \(matches.count) for \"ret\""
    #expect(found == afterSearch)
    var second = afterSearch
    second.playhead = matches[1]
    second.message = "match 2 of \(matches.count) for \"ret\""
    #expect(next(.character("n"), from: afterSearch) == second)
    var wrapped = afterSearch
    wrapped.playhead = matches[matches.count - 1]
    wrapped.message = "match \(matches.count) of \(matches.count) for \"ret\" (wrapped)"
    #expect(next(.character("N"), from: afterSearch) == wrapped)
    var cleared = afterSearch
    cleared.search = nil
    cleared.message = nil
    #expect(next(.escape, from: afterSearch) == cleared)
  }

  @Test func searchWithoutMatchesSaysSo() {
    let state = Fixtures.after("/zzzz".map { Key.character($0) } + [.enter], from: start)
    var expected = start
    expected.search = AppState.Search(query: "zzzz", matches: [])
    expected.message = "no step matches \"zzzz\""
    #expect(state == expected)
    var noSearch = start
    noSearch.message = "no search yet: / starts one"
    #expect(next(.character("n")) == noSearch)
  }

  @Test func typingLinesEditAndCancel() {
    var typing = start
    typing.mode = .command("go")
    var shorter = start
    shorter.mode = .command("g")
    #expect(next(.backspace, from: typing) == shorter)
    #expect(next(.escape, from: typing) == start)
    var empty = start
    empty.mode = .command("")
    #expect(next(.backspace, from: empty) == start)
    var quit = typing
    quit.quitRequested = true
    #expect(next(.control("c"), from: typing) == quit)
  }

  func command(_ line: String, from state: AppState? = nil) -> AppState {
    Fixtures.after([.character(":")] + line.map { Key.character($0) } + [.enter], from: state ?? start)
  }

  @Test func gotoAnAttemptATimeAStep() {
    let trace = start.trace
    var attempt = start
    attempt.playhead = trace.events.firstIndex { $0.kind == .attemptStart && $0.attempt == 2 }!
    #expect(command("goto A#2") == attempt)
    var time = start
    time.playhead = trace.events.lastIndex { $0.time <= 90_000 }!
    #expect(command("goto 90s") == time)
    #expect(command("goto 1m30s") == time)
    var step = start
    step.playhead = 11
    #expect(command("goto 12") == step)
  }

  @Test func badGotosSayWhy() {
    var noAttempt = start
    noAttempt.message = "no attempt A#9: A has A#1, A#2, A#3"
    #expect(command("goto A#9") == noAttempt)
    var noInvocation = start
    noInvocation.message = "no invocation Z: this run has A"
    #expect(command("goto Z#1") == noInvocation)
    var noStep = start
    noStep.message = "no step 99: there are steps 1-\(start.trace.events.count)"
    #expect(command("goto 99") == noStep)
    var what = start
    what.message = "goto what? :goto A#2, :goto 90s, :goto 12, :goto end"
    #expect(command("goto soon") == what)
  }

  /// `:goto` with a time no trace can reach: a status message, not a trap.
  @Test func gotoAHugeTimeSaysNoSuchTime() {
    var noTime = start
    noTime.message = "no such time: 99999999999999999999s is past the end of any trace"
    #expect(command("goto 99999999999999999999s") == noTime)
  }

  @Test func seedCommandRerunsWithThatSeedAtTheSameStep() {
    var there = start
    there.playhead = 6
    let reseeded = command("seed 42", from: there)
    var expected = there
    expected.session = reseeded.session
    expected.message = "seed 42"
    #expect(reseeded == expected)
    #expect(reseeded.session.seed == 42)
    #expect(reseeded.session.trace.waits.map(\.length) != start.session.trace.waits.map(\.length))
    var bad = start
    bad.message = "seed needs a whole number: :seed 42"
    #expect(command("seed x") == bad)
  }

  @Test func capitalSReseedsDeterministically() {
    let one = next(.character("S"))
    let two = next(.character("S"))
    #expect(one.session.seed == two.session.seed)
    #expect(one.session.seed != start.session.seed)
    var expected = start
    expected.session = one.session
    expected.message = "seed \(one.session.seed!)"
    #expect(one == expected)
    #expect((1...9_999).contains(one.session.seed!))
  }

  @Test func scenarioCommandOpensAnother() {
    let opened = command("scenario create-user")
    var expected = start
    expected.session = opened.session
    expected.scenarioName = "create-user"
    expected.tourPosition = start.tour.firstIndex(of: "create-user")
    #expect(opened == expected)
    var unknown = start
    unknown.message = "unknown scenario 'crate-user'; did you mean: create-user? (retryscope list shows all)"
    #expect(command("scenario crate-user") == unknown)
  }

  /// `:scenario` and `:diff` with a device refuse it in the status line (issue 12: the TUI had
  /// read `/dev/zero` until memory ran out).
  @Test func aDeviceIsRefusedInTheStatusLine() {
    var scenario = start
    scenario.message = "/dev/zero: cannot read file: it is a character device, not a regular file"
    #expect(command("scenario /dev/zero") == scenario)
    var diff = start
    diff.message = "/dev/zero: is a character device, not a regular file"
    #expect(command("diff /dev/zero") == diff)
  }

  @Test func otherCommands() {
    var light = start
    light.theme = .light
    #expect(command("theme light") == light)
    var quit = start
    quit.quitRequested = true
    #expect(command("q") == quit)
    var help = start
    help.mode = .help(scroll: 0)
    #expect(command("help") == help)
    var unknown = start
    unknown.message = "unknown command \"frob\": try goto, seed, scenario, diff, theme, quit"
    #expect(command("frob") == unknown)
  }

  @Test func pickerFiltersMovesAndOpens() {
    let opened = next(.character("o"))
    var expected = start
    expected.mode = .picker(filter: "", selection: Fixtures.environment.catalog.firstIndex { $0.name == "async-retries-dlq" }!)
    #expect(opened == expected)
    let filtered = Fixtures.after([.character("s"), .character("l"), .character("a")], from: opened)
    var filterState = start
    filterState.mode = .picker(filter: "sla", selection: 0)
    #expect(filtered == filterState)
    let down = next(.down, from: filtered)
    var downState = start
    downState.mode = .picker(filter: "sla", selection: 1)
    #expect(down == downState)
    let chosen = next(.enter, from: down)
    let entries = AppReducer.pickerEntries(Fixtures.environment, filter: "sla")
    #expect(entries.map(\.name).prefix(2) == ["slack-at-most-once", "slack-at-least-once"])
    #expect(AppReducer.pickerEntries(Fixtures.environment, filter: "twice").map(\.name) == ["newsletter-post", "sqs-visibility-duplicate", "async-duplicate-delivery"])
    #expect(chosen.scenarioName == "slack-at-least-once")
    #expect(chosen.mode == .normal)
    #expect(next(.escape, from: opened) == start)
  }

  @Test func mCyclesThemesAndRepaints() {
    var state = start
    let effects = AppReducer.reduce(&state, .key(.character("m")), Fixtures.environment)
    var expected = start
    expected.theme = .light
    #expect(state == expected)
    #expect(effects == [.repaintAll])
    #expect(Fixtures.after([.character("m"), .character("m")], from: start).theme == .mono)
    #expect(Fixtures.after([.character("m"), .character("m"), .character("m")], from: start).theme == .dark)
  }

  @Test func helpOpensScrollsAndCloses() {
    var help = start
    help.mode = .help(scroll: 0)
    #expect(next(.character("?")) == help)
    #expect(next(.function(1)) == help)
    var scrolled = start
    scrolled.mode = .help(scroll: 1)
    #expect(next(.down, from: help) == scrolled)
    // 31 lines in a 20-line box at 80x24: it scrolls to the last line and stops there.
    var bottom = start
    bottom.mode = .help(scroll: HelpOverlay.maxScroll(start))
    #expect(HelpOverlay.maxScroll(start) == HelpOverlay.lines(glyphs: .unicode).count - 20)
    #expect(Fixtures.after(Array(repeating: .down, count: 50), from: help) == bottom)
    #expect(Fixtures.after([.pageDown, .pageDown, .pageDown, .pageDown], from: help) == bottom)
    for key in [Key.character("?"), .escape, .character("q")] {
      #expect(next(key, from: help) == start)
    }
  }

  @Test func qAndCtrlCQuit() {
    var quit = start
    quit.quitRequested = true
    #expect(next(.character("q")) == quit)
    #expect(next(.control("c")) == quit)
    var help = start
    help.mode = .help(scroll: 0)
    var quitFromHelp = help
    quitFromHelp.quitRequested = true
    #expect(next(.control("c"), from: help) == quitFromHelp)
  }

  @Test func ctrlLAsksForAFullRepaint() {
    var state = start
    #expect(AppReducer.reduce(&state, .key(.control("l")), Fixtures.environment) == [.repaintAll])
    #expect(state == start)
  }

  @Test func bBlanksTheScreenAndAnyKeyBringsItBack() {
    var playing = start
    playing.playing = true
    var blank = start
    blank.blanked = true
    #expect(next(.character("b"), from: playing) == blank)
    #expect(Fixtures.frame(blank) == String(repeating: "\n", count: 24))
    // The key that brings the screen back does nothing else.
    #expect(next(.pageDown, from: blank) == start)
    #expect(next(.character("b"), from: blank) == start)
    var quit = blank
    quit.quitRequested = true
    #expect(next(.control("c"), from: blank) == quit)
  }

  @Test func ctrlZSuspendsAndRepaintsAfter() {
    var playing = start
    playing.playing = true
    var state = playing
    #expect(AppReducer.reduce(&state, .key(.control("z")), Fixtures.environment) == [.suspend, .repaintAll])
    #expect(state == start)
  }

  @Test func unboundKeysChangeNothingButClearTheMessage() {
    var withMessage = start
    withMessage.message = "seed 42"
    #expect(next(.character("x"), from: withMessage) == start)
  }

  @Test func ticksPlayToTheEndAndStop() {
    var playing = start
    playing.playing = true
    var state = playing
    AppReducer.reduce(&state, .tick, Fixtures.environment)
    var expected = playing
    expected.playhead = 1
    #expect(state == expected)
    for _ in 0..<100 { AppReducer.reduce(&state, .tick, Fixtures.environment) }
    var ended = start
    ended.playhead = start.session.lastEvent
    #expect(state == ended)
    var paused = start
    AppReducer.reduce(&paused, .tick, Fixtures.environment)
    #expect(paused == start)
  }

  @Test func resizeKeepsEverythingElse() {
    var state = start
    let effects = AppReducer.reduce(&state, .resize(Size(width: 120, height: 40)), Fixtures.environment)
    var expected = start
    expected.size = Size(width: 120, height: 40)
    #expect(state == expected)
    #expect(effects == [.repaintAll])
  }

  @Test func reproduceCommandNamesScenarioAndSeed() {
    #expect(start.reproduceCommand == "retryscope tui async-retries-dlq --seed 1")
    #expect(command("seed 7").reproduceCommand == "retryscope tui async-retries-dlq --seed 7")
  }

  @Test func keymapHasOneMeaningPerKey() {
    var seen: Set<Key> = []
    for binding in KeyMap.bindings {
      for key in binding.keys { #expect(seen.insert(key).inserted, "\(key.name) bound twice") }
    }
    for command in Command.allCases { #expect(KeyMap.bindings.contains { $0.command == command }, "\(command) has no key") }
  }
}
