import RetryCore

/// Draws a whole frame for a state: the one function behind the terminal, the frame snapshots
/// and `retryscope run --format frame`.
public enum FrameRenderer {
  public static func render(_ state: AppState, environment: AppEnvironment) -> CellGrid {
    var grid = draw(state, environment: environment)
    if state.ascii { asciiOnly(&grid) }
    return grid
  }

  /// `--ascii` (or a locale without UTF-8): the views draw ASCII glyphs, and what they take from
  /// the trace or the narrator (a caption's `…`, a key, a title) is made ASCII here, cell by cell,
  /// so that no character of the frame is beyond ASCII.
  static func asciiOnly(_ grid: inout CellGrid) {
    for y in 0..<grid.size.height {
      for x in 0..<grid.size.width where !grid[x, y].scalar.isASCII {
        grid[x, y].scalar = ASCIIText.cell(grid[x, y].scalar)
      }
    }
  }

  private static func draw(_ state: AppState, environment: AppEnvironment) -> CellGrid {
    let theme = Theme(state.theme)
    let glyphs = Glyphs.forASCII(state.ascii)
    var grid = CellGrid(size: state.size)
    if state.blanked { return grid }
    let session = state.session
    guard let layout = FrameLayout(size: state.size, timelineRows: TimelineView.wantedRows(session.model)) else {
      TooSmallScreen.render(size: state.size, theme: theme, into: &grid)
      return grid
    }
    if let comparison = state.comparison {
      DiffView.render(state, comparison, glyphs: glyphs, theme: theme, into: &grid)
      HintLine.render(state, glyphs: glyphs, theme: theme, area: layout.hint, into: &grid)
      overlays(state, environment: environment, glyphs: glyphs, theme: theme, into: &grid)
      return grid
    }
    StatusLine.render(state, glyphs: glyphs, theme: theme, area: layout.status, into: &grid)
    if let title = layout.title {
      grid.put(" " + session.trace.meta.title, x: title.x, y: title.y, width: title.width, style: theme.style(.title))
    }
    let gutter = TimelineView.gutterWidth(session.model)
    let axis = session.axis(mode: state.timeMode, zoom: state.zoom, available: layout.timeline.width - gutter)
    TimelineView(
      trace: session.trace, model: session.model, axis: axis, playhead: state.playhead, laneScroll: state.laneScroll,
      focused: state.focus == .timeline, theme: theme, glyphs: glyphs
    ).render(into: &grid, area: layout.timeline)
    // A rule between the timeline and the state panel says which moment the panel shows.
    let (rule, panel) = Self.panelAreas(layout)
    let time = session.trace.events.isEmpty ? 0 : session.trace.events[state.playhead].time
    grid.fill(rule, with: glyphs.horizontal, style: theme.style(.dim))
    grid.put(
      " outside world at t=\(DurationText.offset(time)) ", x: rule.x + 2, y: rule.y, width: rule.width - 4,
      style: theme.style(.dim))
    StatePanelView.render(
      session.ledger, playhead: state.playhead, scroll: state.stateScroll, focused: state.focus == .state,
      area: panel, theme: theme, glyphs: glyphs, into: &grid)
    var caption = session.trace.events.isEmpty ? "This run has no steps." : session.narrator.caption(at: state.playhead)
    // Folded before wrapping: `…` becomes `...`, which takes more room.
    if state.ascii { caption = ASCIIText.fold(caption) }
    CaptionLine.render(caption, highlight: state.search?.query, theme: theme, area: layout.caption, into: &grid)
    HintLine.render(state, glyphs: glyphs, theme: theme, area: layout.hint, into: &grid)
    overlays(state, environment: environment, glyphs: glyphs, theme: theme, into: &grid)
    return grid
  }

  /// Help, the picker or the fork menu over the screen.
  private static func overlays(
    _ state: AppState, environment: AppEnvironment, glyphs: Glyphs, theme: Theme, into grid: inout CellGrid
  ) {
    switch state.mode {
    case .help(let scroll):
      HelpOverlay.render(scroll: scroll, glyphs: glyphs, theme: theme, screen: grid.bounds, into: &grid)
    case .picker(let filter, let selection):
      PickerOverlay.render(
        entries: AppReducer.pickerEntries(environment, filter: filter), filter: filter, selection: selection,
        current: state.scenarioName, glyphs: glyphs, theme: theme, screen: grid.bounds, into: &grid)
    case .fork(let selection):
      ForkOverlay.render(ForkPlanner.options(state), selection: selection, state: state, glyphs: glyphs, theme: theme, screen: grid.bounds, into: &grid)
    case .normal, .search, .command:
      break
    }
  }

  /// The rule above the state panel and the panel itself.
  static func panelAreas(_ layout: FrameLayout) -> (rule: Rect, panel: Rect) {
    layout.panel.splitTop(1)
  }

  /// How far ↓ can scroll the focused panel, so that scrolling stops at the last line instead
  /// of running on unseen (and taking as many ↑ to come back).
  public static func scrollLimits(_ state: AppState) -> (lanes: ClosedRange<Int>, state: Int) {
    let session = state.session
    guard let layout = FrameLayout(size: state.size, timelineRows: TimelineView.wantedRows(session.model)) else {
      return (0...0, 0)
    }
    let panel = panelAreas(layout).panel
    let stateLimit = max(0, StatePanelLayout(ledger: session.ledger, playhead: state.playhead).total - panel.height)
    let lanes = TimelineView.laneScrollRange(
      model: session.model, trace: session.trace, playhead: state.playhead, available: layout.timeline.height - 1)
    return (lanes, stateLimit)
  }
}
