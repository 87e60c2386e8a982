import RetryCore

/// Turns an action into the next state. Pure apart from running the simulator (itself pure), so
/// that a test can assert the whole next state for every key.
public enum AppReducer {
  @discardableResult
  public static func reduce(_ state: inout AppState, _ action: AppAction, _ environment: AppEnvironment) -> [AppEffect] {
    switch action {
    case .resize(let size):
      state.size = size
      return [.repaintAll]
    case .tick:
      guard state.playing else { return [] }
      if state.playhead < state.session.lastEvent { state.playhead += 1 }
      if state.isAtEnd { state.playing = false }
      return []
    case .key(let key):
      // A blank screen comes back on any key, which does nothing else (a clicker's next press
      // must not also step); Ctrl-C still quits.
      if state.blanked && key != .control("c") {
        state.blanked = false
        return []
      }
      switch state.mode {
      case .normal: return normalKey(&state, key, environment)
      case .help(let scroll): return helpKey(&state, key, scroll: scroll)
      case .picker(let filter, let selection): return pickerKey(&state, key, filter: filter, selection: selection, environment)
      case .search(let text): return lineKey(&state, key, text: text, environment, isSearch: true)
      case .command(let text): return lineKey(&state, key, text: text, environment, isSearch: false)
      case .fork(let selection): return forkKey(&state, key, selection: selection)
      }
    }
  }

  // MARK: main screen

  private static func normalKey(_ state: inout AppState, _ key: Key, _ environment: AppEnvironment) -> [AppEffect] {
    state.message = nil
    guard let command = KeyMap.command(for: key) else { return [] }
    return perform(command, on: &state, environment)
  }

  /// Runs a main-screen command.
  @discardableResult
  public static func perform(_ command: Command, on state: inout AppState, _ environment: AppEnvironment) -> [AppEffect] {
    let last = state.session.lastEvent
    switch command {
    case .togglePlay:
      if !state.playing && state.isAtEnd { state.playhead = 0 }
      state.playing.toggle()
    case .stepForward:
      state.playing = false
      if state.playhead < last {
        state.playhead += 1
      } else {
        state.message = state.nextInTour.map { "end of \(state.scenarioName): PgDn opens \($0)" } ?? "end of \(state.scenarioName)"
      }
    case .stepBack:
      state.playing = false
      if state.playhead > 0 { state.playhead -= 1 } else { state.message = "start of \(state.scenarioName)" }
    case .pageForward:
      state.playing = false
      if state.playhead < last {
        state.playhead += 1
      } else if let next = state.nextInTour {
        open(next, tourPosition: state.tourPosition.map { $0 + 1 }, seed: nil, atEnd: false, &state, environment)
      } else {
        state.message = "end of the tour"
      }
    case .pageBack:
      state.playing = false
      if state.playhead > 0 {
        state.playhead -= 1
      } else if let previous = state.previousInTour {
        open(previous, tourPosition: state.tourPosition.map { $0 - 1 }, seed: nil, atEnd: true, &state, environment)
      } else {
        state.message = "start of the tour"
      }
    case .start:
      state.playing = false
      state.playhead = 0
    case .end:
      state.playing = false
      state.playhead = last
    case .nextAttempt, .previousAttempt, .nextEffect, .previousEffect:
      state.playing = false
      let forward = command == .nextAttempt || command == .nextEffect
      let isTarget = command == .nextAttempt || command == .previousAttempt ? isAttemptStart : isWorldChange
      let trace = state.trace
      let found =
        forward
        ? trace.events.indices.dropFirst(state.playhead + 1).first { isTarget(trace, $0) }
        : trace.events.indices.prefix(state.playhead).last { isTarget(trace, $0) }
      if let found {
        state.playhead = found
      } else {
        let what = command == .nextAttempt || command == .previousAttempt ? "execution" : "change to the outside world"
        state.message = "no \(forward ? "later" : "earlier") \(what)"
      }
    case .zoomIn: state.zoom = min(state.zoom + 1, 8)
    case .zoomOut: state.zoom = max(state.zoom - 1, -6)
    case .zoomFit: state.zoom = 0
    case .toggleTimeMode: state.timeMode = state.timeMode == .folded ? .linear : .folded
    case .slower: state.speed = max(0, state.speed - 1)
    case .faster: state.speed = min(PlaybackSpeed.levels.count - 1, state.speed + 1)
    case .toggleFocus: state.focus = state.focus == .timeline ? .state : .timeline
    case .scrollUp, .scrollDown:
      let step = command == .scrollUp ? -1 : 1
      if state.comparison != nil {
        // The diff view scrolls its ledger whatever has the focus.
        state.stateScroll = min(max(state.stateScroll + step, 0), DiffView.maxScroll(state))
        return []
      }
      let limits = FrameRenderer.scrollLimits(state)
      switch state.focus {
      case .timeline: state.laneScroll = min(max(state.laneScroll + step, limits.lanes.lowerBound), limits.lanes.upperBound)
      case .state: state.stateScroll = min(max(state.stateScroll + step, 0), limits.state)
      }
    case .search:
      state.playing = false
      state.mode = .search("")
    case .nextMatch: jumpToMatch(&state, forward: true)
    case .previousMatch: jumpToMatch(&state, forward: false)
    case .commandLine:
      state.playing = false
      state.mode = .command("")
    case .reseed:
      var generator = SplitMix64(seed: state.session.seed ?? 0, stream: "reseed")
      // Short seeds: a presenter reads them out and the audience types them.
      reseed(&state, seed: 1 + generator.next() % 9_999, environment)
    case .picker:
      state.playing = false
      let selection = environment.catalog.firstIndex { $0.name == state.scenarioName } ?? 0
      state.mode = .picker(filter: "", selection: selection)
    case .cycleTheme:
      state.theme = state.theme.next
      return [.repaintAll]
    case .help:
      state.mode = .help(scroll: 0)
    case .blank:
      state.playing = false
      state.blanked = true
    case .dismiss:
      if state.comparison != nil {
        state.comparison = nil
        state.stateScroll = 0
      } else {
        state.search = nil
      }
    case .diff:
      state.playing = false
      if state.comparison != nil {
        state.comparison = nil
        state.stateScroll = 0
      } else {
        openDefaultComparison(&state)
      }
    case .fork:
      state.playing = false
      let options = ForkPlanner.options(state)
      state.mode = .fork(selection: options.firstIndex { $0.unavailable == nil } ?? 0)
    case .unfork:
      state.playing = false
      guard let parent = state.forkParents.popLast() else {
        state.message = "not a fork: F forks from here"
        return []
      }
      state.session = parent.session
      state.scenarioName = parent.scenarioName
      state.tourPosition = parent.tourPosition
      state.playhead = min(state.playhead, state.session.lastEvent)
      state.comparison = nil
      state.search = nil
      state.stateScroll = 0
      state.message = "back to \(state.runLabel)"
    case .redraw:
      return [.repaintAll]
    case .suspend:
      state.playing = false
      return [.suspend, .repaintAll]
    case .quit:
      state.quitRequested = true
    }
    return []
  }

  /// An execution starts (or a request is rejected, which is where one would have started).
  static func isAttemptStart(_ trace: Trace, _ position: Int) -> Bool {
    let kind = trace.events[position].kind
    return kind == .attemptStart || kind == .throttled
  }

  /// The outside world changes, or a write to it is skipped or rejected: what the state panel
  /// shows. Reads and logs are not.
  static func isWorldChange(_ trace: Trace, _ position: Int) -> Bool {
    guard let effect = trace.events[position].effect else { return false }
    let kind = trace.effects[effect].kind
    return kind.mutates || kind == .skip || kind == .rejected || kind == .unchanged
  }

  // MARK: diff and fork

  /// `d`: a fork against its parent; a scenario against its next seed.
  private static func openDefaultComparison(_ state: inout AppState) {
    if let parent = state.forkParents.last {
      let label = parent.session.seed.map { "\(parent.scenarioName) seed \($0)" } ?? parent.scenarioName
      state.comparison = AppState.Comparison(session: parent.session, label: label)
    } else if let scenario = state.session.scenario {
      let seed = (state.session.seed ?? scenario.seed) &+ 1
      state.comparison = AppState.Comparison(
        session: TraceSession(scenario: scenario, seed: seed), label: "\(state.scenarioName) seed \(seed)")
    } else {
      state.message = "an imported trace: :diff NAME|FILE chooses what to compare it with"
      return
    }
    state.stateScroll = 0
  }

  /// `:diff NAME|FILE [SEED]`.
  private static func openComparison(_ state: inout AppState, _ argument: String, _ environment: AppEnvironment) {
    let words = argument.split(separator: " ").map(String.init)
    guard let name = words.first, words.count <= 2 else {
      state.message = "diff with what? :diff create-user 7, :diff client-token, :diff app.log"
      return
    }
    var seed: UInt64?
    if words.count == 2 {
      guard let parsed = UInt64(words[1]) else {
        state.message = "seed needs a whole number: :diff \(name) 7"
        return
      }
      seed = parsed
    }
    switch environment.loadRun(name) {
    case .failure(let failure):
      state.message = failure.message
    case .success(.scenario(let scenario)):
      let session = TraceSession(scenario: scenario, seed: seed)
      state.comparison = AppState.Comparison(session: session, label: "\(name) seed \(session.seed.map(String.init) ?? "-")")
      state.stateScroll = 0
    case .success(.trace(let trace)):
      guard seed == nil else {
        state.message = "\(name) is a recorded trace: there is no seed to choose"
        return
      }
      state.comparison = AppState.Comparison(session: TraceSession(scenario: nil, trace: trace), label: name)
      state.stateScroll = 0
    }
  }

  private static func forkKey(_ state: inout AppState, _ key: Key, selection: Int) -> [AppEffect] {
    let options = ForkPlanner.options(state)
    switch key {
    case .escape, .character("F"), .character("q"): state.mode = .normal
    case .control("c"): state.quitRequested = true
    case .down, .character("j"): state.mode = .fork(selection: min(selection + 1, max(0, options.count - 1)))
    case .up, .character("k"): state.mode = .fork(selection: max(0, selection - 1))
    case .enter:
      guard options.indices.contains(selection) else { return [] }
      let option = options[selection]
      if let reason = option.unavailable {
        state.message = reason
        return []
      }
      state.mode = .normal
      switch ForkPlanner.fork(state, option.choice) {
      case .failure(let failure):
        state.message = failure.message
      case .success(let (session, change)):
        state.forkParents.append(
          AppState.ForkParent(
            session: state.session, scenarioName: state.scenarioName, tourPosition: state.tourPosition, change: change))
        state.session = session
        state.tourPosition = nil
        state.comparison = nil
        state.search = nil
        state.stateScroll = 0
        state.message = "forked at step \(state.playhead + 1): \(change); d compares, u goes back"
      }
    default: break
    }
    return []
  }

  // MARK: help

  private static func helpKey(_ state: inout AppState, _ key: Key, scroll: Int) -> [AppEffect] {
    switch key {
    case .character("?"), .escape, .character("q"), .function(1): state.mode = .normal
    case .control("c"): state.quitRequested = true
    case .down, .character("j"): state.mode = .help(scroll: min(scroll + 1, HelpOverlay.maxScroll(state)))
    case .up, .character("k"): state.mode = .help(scroll: max(0, scroll - 1))
    case .pageDown: state.mode = .help(scroll: min(scroll + 10, HelpOverlay.maxScroll(state)))
    case .pageUp: state.mode = .help(scroll: max(0, scroll - 10))
    default: break
    }
    return []
  }

  // MARK: picker

  /// The catalog entries whose name contains `filter`, then those whose title does (`sl` finds
  /// the Slack demos before every title that says "slide").
  public static func pickerEntries(_ environment: AppEnvironment, filter: String) -> [AppEnvironment.Entry] {
    guard !filter.isEmpty else { return environment.catalog }
    let needle = filter.lowercased()
    let byName = environment.catalog.filter { $0.name.lowercased().contains(needle) }
    let byTitle = environment.catalog.filter { !$0.name.lowercased().contains(needle) && $0.title.lowercased().contains(needle) }
    return byName + byTitle
  }

  private static func pickerKey(
    _ state: inout AppState, _ key: Key, filter: String, selection: Int, _ environment: AppEnvironment
  ) -> [AppEffect] {
    let entries = pickerEntries(environment, filter: filter)
    switch key {
    case .escape: state.mode = .normal
    case .control("c"): state.quitRequested = true
    case .down: state.mode = .picker(filter: filter, selection: min(selection + 1, max(0, entries.count - 1)))
    case .up: state.mode = .picker(filter: filter, selection: max(0, selection - 1))
    case .pageDown: state.mode = .picker(filter: filter, selection: min(selection + 10, max(0, entries.count - 1)))
    case .pageUp: state.mode = .picker(filter: filter, selection: max(0, selection - 10))
    case .backspace: state.mode = .picker(filter: String(filter.dropLast()), selection: 0)
    case .character(let character): state.mode = .picker(filter: filter + String(character), selection: 0)
    case .enter:
      guard entries.indices.contains(selection) else { return [] }
      state.mode = .normal
      let name = entries[selection].name
      open(name, tourPosition: state.tour.firstIndex(of: name), seed: nil, atEnd: false, &state, environment)
    default: break
    }
    return []
  }

  // MARK: search and command lines

  private static func lineKey(
    _ state: inout AppState, _ key: Key, text: String, _ environment: AppEnvironment, isSearch: Bool
  ) -> [AppEffect] {
    func edit(_ text: String) { state.mode = isSearch ? .search(text) : .command(text) }
    switch key {
    case .escape: state.mode = .normal
    case .control("c"): state.quitRequested = true
    case .backspace:
      if text.isEmpty { state.mode = .normal } else { edit(String(text.dropLast())) }
    case .character(let character): edit(text + String(character))
    case .enter:
      state.mode = .normal
      if isSearch { runSearch(&state, query: text) } else { runCommand(&state, text, environment) }
    default: break
    }
    return []
  }

  private static func runSearch(_ state: inout AppState, query: String) {
    guard !query.isEmpty else {
      state.search = nil
      return
    }
    let matches = SearchIndex.matches(of: query, in: state.session)
    state.search = AppState.Search(query: query, matches: matches)
    guard !matches.isEmpty else {
      state.message = "no step matches \"\(query)\""
      return
    }
    jumpToMatch(&state, forward: true)
  }

  private static func jumpToMatch(_ state: inout AppState, forward: Bool) {
    guard let search = state.search else {
      state.message = "no search yet: / starts one"
      return
    }
    guard !search.matches.isEmpty else {
      state.message = "no step matches \"\(search.query)\""
      return
    }
    state.playing = false
    let target: Int
    let wrapped: Bool
    if forward {
      let next = search.matches.first { $0 > state.playhead }
      target = next ?? search.matches[0]
      wrapped = next == nil
    } else {
      let previous = search.matches.last { $0 < state.playhead }
      target = previous ?? search.matches[search.matches.count - 1]
      wrapped = previous == nil
    }
    state.playhead = target
    let position = search.matches.firstIndex(of: target)! + 1
    state.message = "match \(position) of \(search.matches.count) for \"\(search.query)\"" + (wrapped ? " (wrapped)" : "")
  }

  private static func runCommand(_ state: inout AppState, _ line: String, _ environment: AppEnvironment) {
    let words = line.split(separator: " ", maxSplits: 1).map(String.init)
    guard let verb = words.first else { return }
    let argument = words.count > 1 ? words[1].trimmingSpaces() : ""
    switch verb {
    case "goto", "g":
      let target: GotoTarget
      switch GotoTarget.parse(argument) {
      case .success(let parsed): target = parsed
      case .failure(let failure):
        state.message = failure.message ?? "goto what? :goto A#2, :goto 90s, :goto 12, :goto end"
        return
      }
      switch target.eventIndex(in: state.trace) {
      case .success(let index):
        state.playing = false
        state.playhead = index
      case .failure(let error): state.message = error.message
      }
    case "seed":
      guard let seed = UInt64(argument) else {
        state.message = "seed needs a whole number: :seed 42"
        return
      }
      reseed(&state, seed: seed, environment)
    case "scenario", "open", "e":
      guard !argument.isEmpty else {
        state.message = "which scenario? :scenario create-user (o lists them)"
        return
      }
      open(argument, tourPosition: state.tour.firstIndex(of: argument), seed: nil, atEnd: false, &state, environment)
    case "diff":
      openComparison(&state, argument, environment)
    case "theme":
      guard let theme = Theme.Name(rawValue: argument) else {
        state.message = "themes: dark, light, mono"
        return
      }
      state.theme = theme
    case "q", "quit", "exit":
      state.quitRequested = true
    case "help":
      state.mode = .help(scroll: 0)
    default:
      state.message = "unknown command \"\(verb)\": try goto, seed, scenario, diff, theme, quit"
    }
  }

  // MARK: runs

  /// Opens scenario `name`: on success the playhead is at its start (or end), the search is
  /// cleared; on failure the current run stays and the message says why.
  private static func open(
    _ name: String, tourPosition: Int?, seed: UInt64?, atEnd: Bool, _ state: inout AppState, _ environment: AppEnvironment
  ) {
    switch environment.load(name) {
    case .failure(let failure):
      state.message = failure.message
    case .success(let scenario):
      state.session = TraceSession(scenario: scenario, seed: seed)
      state.scenarioName = name
      state.reproduceOptions = []
      state.reproduceInputs = nil
      state.tourPosition = tourPosition
      state.forkParents = []
      state.comparison = nil
      state.playhead = atEnd ? state.session.lastEvent : 0
      state.playing = false
      state.search = nil
      state.laneScroll = 0
      state.stateScroll = 0
      state.message = AppState.warningMessage(scenario.warnings)
    }
  }

  /// Runs the current scenario again with `seed`, keeping the playhead where it was (clamped):
  /// the same moment of the story under other random delays.
  private static func reseed(_ state: inout AppState, seed: UInt64, _ environment: AppEnvironment) {
    guard let scenario = state.session.scenario else {
      state.message = "an imported trace has no seed to change"
      return
    }
    state.session = TraceSession(scenario: scenario, seed: seed)
    state.playhead = min(state.playhead, state.session.lastEvent)
    if let search = state.search { state.search = AppState.Search(query: search.query, matches: SearchIndex.matches(of: search.query, in: state.session)) }
    state.message = "seed \(seed)"
  }
}
