import RetryCore

/// The diff view (`d`): the current run (a) and another (b) side by side, their effect ledgers
/// as of the playhead aligned row by row (`TraceDiff`), rows that differ marked `!` with a word
/// saying how, so that mono and ASCII terminals show it too.
///
/// b's playhead follows a's by time: b as of its last event at or before a's playhead time (a
/// fork and its parent share their past, so there it is the same step).
enum DiffView {
  /// One line of the ledger part.
  enum Line: Equatable {
    case header(target: Int)
    case row(target: Int, row: Int)
    /// b's key under a row whose keys differ (`↳ b: id=…`).
    case otherKey(target: Int, row: Int)
    case empty
  }

  /// b's playhead for a's: its last event at or before a's time (-1: before its first).
  static func otherPlayhead(_ state: AppState, _ other: TraceSession) -> Int {
    let events = other.trace.events
    guard !state.trace.events.isEmpty else { return -1 }
    let time = state.trace.events[state.playhead].time
    let last = events.partitioningIndex { $0.time > time } - 1
    // Several events in one millisecond: as many of b's as a has reached of its own.
    let firstA = state.trace.events.partitioningIndex { $0.time >= time }
    let firstB = events.partitioningIndex { $0.time >= time }
    guard firstB <= last else { return last }
    return min(last, firstB + (state.playhead - firstA))
  }

  static func diff(_ state: AppState, _ comparison: AppState.Comparison) -> TraceDiff {
    state.session.diff(
      label: state.runLabel, with: comparison.session, label: comparison.label, asOf: state.playhead,
      otherAsOf: otherPlayhead(state, comparison.session))
  }

  static func lines(_ diff: TraceDiff) -> [Line] {
    var lines: [Line] = []
    for (t, target) in diff.targets.enumerated() {
      lines.append(.header(target: t))
      for (r, row) in target.rows.enumerated() {
        lines.append(.row(target: t, row: r))
        if row.verdict == .differentKey { lines.append(.otherKey(target: t, row: r)) }
      }
    }
    if lines.isEmpty { lines.append(.empty) }
    return lines
  }

  /// The rows of the screen the ledger gets: between the headers and the captions.
  static func ledgerArea(_ size: Size) -> Rect {
    Rect(x: 0, y: 4, width: size.width, height: max(0, size.height - 4 - 3))
  }

  static func maxScroll(_ state: AppState) -> Int {
    guard let comparison = state.comparison else { return 0 }
    return max(0, lines(diff(state, comparison)).count - ledgerArea(state.size).height)
  }

  static func render(
    _ state: AppState, _ comparison: AppState.Comparison, glyphs: Glyphs, theme: Theme, into grid: inout CellGrid
  ) {
    let size = state.size
    let diff = diff(state, comparison)
    let otherHead = otherPlayhead(state, comparison.session)
    let width = size.width
    let ascii = glyphs == .ascii
    let bar = theme.style(.statusBar), accent = theme.style(.statusAccent)
    // Status line: diff: a | b · t · step.
    grid.fill(Rect(x: 0, y: 0, width: width, height: 1), style: bar)
    let playState = state.playing ? "\(glyphs.play) play" : "\(glyphs.pause)\(glyphs.pause) pause"
    let time = state.trace.events.isEmpty ? 0 : state.trace.events[state.playhead].time
    var x = grid.put(" \(playState)  ", x: 0, y: 0, style: accent)
    let labels = "diff: \(diff.a.label) | \(diff.b.label)"
    var tail = " \(glyphs.dot) t=\(DurationText.offset(time)) \(glyphs.dot) step \(state.playhead + 1)/\(state.trace.events.count)"
    // The names first: the time and step are on the rule and the column headers too.
    if x + DisplayText.width(labels + tail) > width { tail = "" }
    x = grid.put(DisplayText.truncated(labels, to: max(0, width - x)), x: x, y: 0, style: accent)
    grid.put(tail, x: x, y: 0, width: max(0, width - x), style: bar)
    // Column headers and summaries.
    let columns = Columns(width: width)
    let bar2 = String(glyphs.vertical)
    let stepB = otherHead < 0 ? "start" : "step \(otherHead + 1)/\(comparison.session.trace.events.count)"
    twoColumns(
      "a: \(diff.a.label)", "b: \(diff.b.label) \(glyphs.dot) \(stepB)", y: 1, columns: columns, separator: bar2,
      style: theme.style(.title), grid: &grid)
    func summary(_ s: TraceDiff.Summary) -> String {
      "\(s.executions) exec \(glyphs.dot) \(s.duplicates) dup \(glyphs.dot) \(s.outcomeText)"
    }
    let summaryDiffers = diff.a.executions != diff.b.executions || diff.a.duplicates != diff.b.duplicates
      || diff.a.outcomeText != diff.b.outcomeText
    twoColumns(
      summary(diff.a), summary(diff.b), y: 2, columns: columns, separator: bar2,
      style: theme.style(summaryDiffers ? .duplicate : .dim), grid: &grid)
    // The rule: which moment, and how many rows differ.
    let rule = Rect(x: 0, y: 3, width: width, height: 1)
    grid.fill(rule, with: glyphs.horizontal, style: theme.style(.dim))
    let verdict = diff.ledgersEqual ? "ledgers equal" : "\(diff.differences) \(diff.differences == 1 ? "row differs" : "rows differ") (!)"
    grid.put(
      " outside world at t=\(DurationText.offset(time)) \(glyphs.dot) \(verdict) ", x: 2, y: 3, width: width - 4,
      style: theme.style(diff.ledgersEqual ? .dim : .duplicate))
    // The ledger.
    let area = ledgerArea(size)
    let all = lines(diff)
    let first = min(state.stateScroll, max(0, all.count - area.height))
    for (offset, line) in all.dropFirst(first).prefix(area.height).enumerated() {
      let y = area.y + offset
      switch line {
      case .header(let t):
        let target = diff.targets[t]
        let state = target.differences == 0 ? "equal" : "\(target.differences) differ"
        grid.put(
          "\(target.name) (\(target.kind.rawValue)) \(glyphs.dot) \(target.rows.count) \(target.kind == .table ? "row" : "request")\(target.rows.count == 1 ? "" : "s") \(glyphs.dot) \(state)",
          x: 0, y: y, width: width, style: theme.style(.panelHeader))
      case .row(let t, let r):
        let row = diff.targets[t].rows[r]
        let differs = row.verdict.isDifference
        if differs { grid.put("!", x: 0, y: y, style: theme.style(.duplicate)) }
        grid.put(row.key, x: 2, y: y, width: columns.key, style: theme.style(differs ? .match : .rowKey))
        let left = row.a?.ledgerText ?? "-", right = row.b?.ledgerText ?? "-"
        grid.put(left, x: columns.a, y: y, width: columns.cell, style: theme.style(row.a == nil ? .dim : .normal))
        grid.put(bar2, x: columns.separator, y: y, style: theme.style(.dim))
        grid.put(right, x: columns.b, y: y, width: columns.cell, style: theme.style(row.b == nil ? .dim : .normal))
        if differs {
          grid.put(row.verdict.short, x: columns.verdict, y: y, width: width - columns.verdict, style: theme.style(.duplicate))
        }
      case .otherKey(let t, let r):
        let key = diff.targets[t].rows[r].b?.key ?? ""
        grid.put("\(ascii ? "->" : "↳") b: \(key)", x: 4, y: y, width: width - 4, style: theme.style(.skipped))
      case .empty:
        grid.put("neither run has touched a table or an endpoint yet", x: 2, y: y, width: width - 2, style: theme.style(.dim))
      }
    }
    // Captions: what each run does at its playhead.
    let captionA = state.trace.events.isEmpty ? "" : state.session.narrator.caption(at: state.playhead)
    let captionB = otherHead < 0 ? "(not started yet)" : comparison.session.narrator.caption(at: otherHead)
    grid.put(" a: " + captionA, x: 0, y: size.height - 3, width: width, style: theme.style(.caption))
    grid.put(" b: " + captionB, x: 0, y: size.height - 2, width: width, style: theme.style(.caption))
  }

  /// Where the columns of a ledger line start: marker 2, key, a, `│`, b, verdict.
  struct Columns {
    var key: Int, a: Int, cell: Int, separator: Int, b: Int, verdict: Int

    init(width: Int) {
      key = min(24, max(8, (width - 2) / 5))
      a = 2 + key + 1
      let verdictWidth = 10
      cell = max(4, (width - a - 3 - 1 - verdictWidth) / 2)
      separator = a + cell + 1
      b = separator + 2
      verdict = b + cell + 1
    }
  }

  private static func twoColumns(
    _ left: String, _ right: String, y: Int, columns: Columns, separator: String, style: CellStyle, grid: inout CellGrid
  ) {
    grid.put(" " + left, x: 0, y: y, width: columns.separator - 1, style: style)
    grid.put(separator, x: columns.separator, y: y, style: style)
    grid.put(right, x: columns.b, y: y, width: max(0, grid.bounds.width - columns.b), style: style)
  }
}
