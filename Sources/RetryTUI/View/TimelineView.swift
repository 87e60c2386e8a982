import RetryCore

/// Draws the lanes as of the playhead: the caller, one lane per invocation, the async queue and
/// the dead letter queue; attempts as bars with their outcome glyph, waits folded with their
/// length, a ruler with the playhead.
///
/// Nothing after the playhead is drawn, so that stepping tells the story in order ("will Lambda
/// retry?"), while the axis is laid out for the whole trace so that nothing moves as the story
/// unfolds.
public struct TimelineView {
  public var trace: Trace
  public var model: TimelineModel
  public var axis: TimeAxis
  /// Index into `trace.events` of the current step.
  public var playhead: Int
  /// Rows the invocation lanes are scrolled by (the timeline's ↑/↓).
  public var laneScroll: Int
  public var focused: Bool
  public var theme: Theme
  public var glyphs: Glyphs

  /// The gutter that names the lanes: as wide as the longest label, within 8-16 columns.
  public static func gutterWidth(_ model: TimelineModel) -> Int {
    min(16, max(8, model.widestLabel + 2))
  }

  /// Rows the timeline wants: the ruler and every lane row.
  /// Ruler, lane rows, and a blank row between lanes (on a projector, lanes one row apart are
  /// much easier to tell apart; the blank rows go first when space is short).
  public static func wantedRows(_ model: TimelineModel) -> (spaced: Int, compact: Int) {
    (1 + model.totalRows + model.lanes.count - 1, 1 + model.totalRows)
  }

  var playheadTime: Milliseconds { trace.events.isEmpty ? 0 : trace.events[playhead].time }

  /// The first virtual column shown: the playhead stays in view, a third from the left, when
  /// the trace is wider than the screen.
  public static func viewportStart(axis: TimeAxis, playheadColumn: Int, visible: Int) -> Int {
    guard axis.width > visible else { return 0 }
    return min(max(0, playheadColumn - visible / 3), axis.width - visible)
  }

  public func render(into grid: inout CellGrid, area: Rect) {
    guard area.height > 0, area.width > 0 else { return }
    let gutter = min(Self.gutterWidth(model), area.width / 3)
    let (gutterArea, track) = area.splitLeft(gutter)
    let playheadColumn = axis.column(of: playheadTime)
    let start = Self.viewportStart(axis: axis, playheadColumn: playheadColumn, visible: track.width)
    var canvas = Canvas(track: track, start: start, axis: axis, theme: theme, glyphs: glyphs)

    drawRuler(&grid, canvas: canvas, gutter: gutterArea.row(0), playheadColumn: playheadColumn)
    let rows = visibleRows(available: area.height - 1)
    let spaced = area.height - 1 >= rows.count + model.lanes.count - 1 && rows.count == model.totalRows
    var y = area.y
    for row in rows {
      y += spaced && row.subrow == 0 && row.lane > 0 ? 2 : 1
      canvas.y = y
      let lane = model.lanes[row.lane]
      if row.subrow == 0 {
        let current = isCurrentLane(lane.kind)
        let role: Theme.Role = current && focused ? .laneLabelFocused : .laneLabel
        grid.put(lane.label, x: gutterArea.x, y: y, width: gutter - 1, style: theme.style(role))
      }
      drawLane(lane.kind, subrow: row.subrow, on: &grid, canvas: canvas)
      drawPlayhead(at: canvas.screenX(playheadColumn), y: y, canvas: canvas, on: &grid)
      if spaced && row.subrow == 0 && row.lane > 0 {
        drawPlayhead(at: canvas.screenX(playheadColumn), y: y - 1, canvas: canvas, on: &grid)
      }
    }
  }

  /// The playhead runs down every lane: empty cells get a thin line, drawn ones are inverted.
  private func drawPlayhead(at x: Int, y: Int, canvas: Canvas, on grid: inout CellGrid) {
    guard canvas.isVisible(x) else { return }
    var cell = grid[x, y]
    if cell.scalar == " " {
      grid[x, y] = Cell(glyphs.vertical, style: theme.style(.dim))
    } else {
      cell.style.reverse.toggle()
      grid[x, y] = cell
    }
  }

  // MARK: rows

  struct Row: Hashable {
    var lane: Int
    var subrow: Int
  }

  /// The lane rows that fit: the caller, the queue and the destinations stay; the invocation
  /// lanes scroll so that the current event's lane is in view. Only the rows shown are listed
  /// (a 10,000-invocation trace has 10,000 lanes).
  func visibleRows(available: Int) -> [Row] {
    guard available > 0 else { return [] }
    let invocationLanes = model.invocationRowStarts.count - 1
    let firstInvocationLane = model.firstInvocationLane
    let pinnedTop = firstInvocationLane > 0 ? [Row(lane: 0, subrow: 0)] : []
    var pinnedBottom: [Row] = []
    for position in (firstInvocationLane + invocationLanes)..<model.lanes.count {
      for subrow in 0..<model.lanes[position].rows { pinnedBottom.append(Row(lane: position, subrow: subrow)) }
    }
    let scrollingRows = model.invocationRowStarts[invocationLanes]
    let fixed = pinnedTop.count + pinnedBottom.count
    if fixed >= available { return Array((pinnedTop + pinnedBottom).prefix(available)) }
    let room = available - fixed
    var first = 0
    if scrollingRows > room {
      if let id = trace.events.isEmpty ? nil : trace.events[playhead].invocation, let lane = model.laneOfInvocation[id] {
        first = model.invocationRowStarts[lane - firstInvocationLane] - room / 2
      }
      first = min(max(0, first + laneScroll), scrollingRows - room)
    }
    var rows = pinnedTop
    var lane = Self.lane(containing: first, starts: model.invocationRowStarts)
    for row in first..<min(scrollingRows, first + room) {
      while model.invocationRowStarts[lane + 1] <= row { lane += 1 }
      rows.append(Row(lane: firstInvocationLane + lane, subrow: row - model.invocationRowStarts[lane]))
    }
    return rows + pinnedBottom
  }

  /// The `laneScroll` values that move the invocation lanes at all (0 when they all fit).
  /// It needs no time axis: a key press does not lay out the trace's time.
  static func laneScrollRange(model: TimelineModel, trace: Trace, playhead: Int, available: Int) -> ClosedRange<Int> {
    let invocationLanes = model.invocationRowStarts.count - 1
    let fixed = model.firstInvocationLane + model.totalRows - model.invocationRowStarts[invocationLanes]
    let room = available - fixed
    let scrollingRows = model.invocationRowStarts[invocationLanes]
    guard room > 0, scrollingRows > room else { return 0...0 }
    var centred = 0
    if let id = trace.events.isEmpty ? nil : trace.events[playhead].invocation, let lane = model.laneOfInvocation[id] {
      centred = model.invocationRowStarts[lane - model.firstInvocationLane] - room / 2
    }
    return (-centred)...(scrollingRows - room - centred)
  }

  /// The invocation lane (0-based among them) whose rows include `row`.
  static func lane(containing row: Int, starts: [Int]) -> Int {
    min(max(0, starts.partitioningIndex { $0 > row } - 1), max(0, starts.count - 2))
  }

  func isCurrentLane(_ kind: TimelineModel.LaneKind) -> Bool {
    guard !trace.events.isEmpty else { return false }
    let event = trace.events[playhead]
    switch kind {
    case .invocation(let id): return event.invocation == id
    case .caller: return event.kind == .invoke || event.kind == .response || event.kind == .clientTimeout
    case .queue: return event.kind == .accepted || event.kind == .retryScheduled
    case .destination(let kind):
      return event.kind == .outcome && event.outcome.map { trace.outcomes[$0].kind == kind } == true
    }
  }

  // MARK: ruler

  private func drawRuler(_ grid: inout CellGrid, canvas: Canvas, gutter: Rect, playheadColumn: Int) {
    let y = canvas.track.y
    grid.put(axis.mode == .folded ? "folded" : "linear", x: gutter.x, y: y, width: gutter.width - 1, style: theme.style(.dim))
    let dim = theme.style(.ruler)
    grid.fill(Rect(x: canvas.track.x, y: y, width: canvas.track.width, height: 1), with: glyphs.horizontal, style: dim)
    for fold in axis.folds {
      for column in fold.column..<(fold.column + fold.width) {
        let x = canvas.screenX(column)
        if canvas.isVisible(x) { grid.set(glyphs.wait, x: x, y: y, style: dim) }
      }
    }
    // Time labels: where the axis starts, after each fold (time jumps there) or at regular
    // ticks on a linear axis; never overlapping.
    var labelEnd = Int.min
    for (column, time) in rulerLabels(canvas: canvas) {
      let x = canvas.screenX(column)
      let text = time == 0 ? "0s" : DurationText.short(time)
      let playheadX = canvas.screenX(playheadColumn)
      // A label under the playhead would lose a character to it: it moves out of the way.
      guard canvas.isVisible(x), x > labelEnd, x + text.count <= canvas.track.maxX,
        !(x...(x + text.count)).contains(playheadX)
      else { continue }
      labelEnd = grid.put(text, x: x, y: y, style: dim)
    }
    let x = canvas.screenX(playheadColumn)
    if canvas.isVisible(x) { grid.set(glyphs.playhead, x: x, y: y, style: theme.style(.playhead)) }
  }

  private func rulerLabels(canvas: Canvas) -> [(Int, Milliseconds)] {
    let first = axis.time(atColumn: canvas.start)
    let last = axis.time(atColumn: canvas.start + canvas.track.width)
    switch axis.mode {
    case .folded:
      var labels = [(axis.column(of: first), first)]
      for fold in axis.folds where fold.to >= first && fold.to <= last {
        labels.append((fold.column + fold.width, fold.to))
      }
      return labels
    case .linear:
      return TimeAxis.ticks(from: first, to: last, maxTicks: max(1, canvas.track.width / 10)).map { (axis.column(of: $0), $0) }
    }
  }

  // MARK: lanes

  private func drawLane(_ kind: TimelineModel.LaneKind, subrow: Int, on grid: inout CellGrid, canvas: Canvas) {
    switch kind {
    case .caller: drawCaller(&grid, canvas: canvas)
    case .invocation(let id): drawInvocation(id, subrow: subrow, on: &grid, canvas: canvas)
    case .queue: drawQueue(subrow: subrow, on: &grid, canvas: canvas)
    case .destination(let kind): drawDestination(kind, on: &grid, canvas: canvas)
    }
  }

  private func drawCaller(_ grid: inout CellGrid, canvas: Canvas) {
    drawMarks(model.callerMarks, on: &grid, canvas: canvas)
  }

  private func drawDestination(_ kind: TraceOutcome.Kind, on grid: inout CellGrid, canvas: Canvas) {
    drawMarks(model.destinationMarks[kind] ?? [], on: &grid, canvas: canvas)
  }

  /// Marks in view (found by binary search on their times) that the playhead has reached.
  private func drawMarks(_ marks: [TimelineModel.Mark], on grid: inout CellGrid, canvas: Canvas) {
    let (first, last) = canvas.visibleTimes
    var position = marks.partitioningIndex { $0.time >= first }
    while position < marks.count, marks[position].time <= last {
      let mark = marks[position]
      position += 1
      guard mark.event <= playhead else { continue }
      let symbol: Unicode.Scalar
      switch mark.symbol {
      case .invoke: symbol = glyphs.invoke
      case .response, .failedResponse: symbol = glyphs.response
      case .deadLetter: symbol = glyphs.deadLetter
      case .destination: symbol = glyphs.destination
      case .clientTimeout: symbol = glyphs.timeout
      }
      let label = mark.label ?? (mark.symbol == .failedResponse ? String(glyphs.error) : "")
      let text = String(symbol) + label
      // A mark at the right edge moves left to stay whole (`☠A` at the end of the run).
      let column = min(axis.column(of: mark.time), canvas.start + canvas.track.width - DisplayText.width(text))
      canvas.put(text, at: max(column, axis.column(of: mark.time) - DisplayText.width(text) + 1), role: mark.role, on: &grid)
    }
  }

  private func drawInvocation(_ id: String, subrow: Int, on grid: inout CellGrid, canvas: Canvas) {
    for placed in model.waits[id] ?? [] where placed.row == subrow && placed.event <= playhead {
      drawWait(placed.wait, on: &grid, canvas: canvas)
    }
    // A batch that starts the moment the previous one ends (a stream reading on) would share
    // its first column with the other's `]`: it starts one column later instead.
    var previousEnd = Int.min
    for placed in model.attempts[id] ?? [] where placed.row == subrow && placed.startEvent <= playhead {
      previousEnd = drawAttempt(placed, notBefore: previousEnd + 1, on: &grid, canvas: canvas)
    }
    guard subrow == 0 else { return }
    for placed in model.outcomes[id] ?? [] where placed.event <= playhead && placed.outcome.kind == .dropped {
      canvas.put(String(glyphs.error) + "lost", at: axis.column(of: placed.outcome.time) + 1, role: .error, on: &grid)
    }
  }

  /// Draws one attempt and returns the last column it took.
  @discardableResult
  private func drawAttempt(
    _ placed: TimelineModel.PlacedAttempt, notBefore: Int = .min, on grid: inout CellGrid, canvas: Canvas
  ) -> Int {
    let attempt = placed.attempt
    let start = axis.column(of: attempt.start)
    let from = start < notBefore && notBefore <= axis.column(of: attempt.end) - 1 ? notBefore : start
    if attempt.outcome == .throttled {
      canvas.put(String(glyphs.throttled), at: from, role: .throttled, on: &grid)
      return from
    }
    let ended = placed.endEvent.map { $0 <= playhead } ?? true
    let to = ended ? axis.column(of: attempt.end) : max(from, axis.column(of: playheadTime))
    let width = to - from + 1
    let outcome: AttemptOutcome = ended ? attempt.outcome : .running
    let glyph = String(glyphs.outcome(outcome)) + (ended && placed.madeDuplicate ? String(glyphs.duplicate) : "")
    let word = ended ? attempt.outcome.rawValue : "running"
    let inner = width - (ended ? 2 : 1)
    var candidates = [
      "\(attempt.label) \(glyph) \(word)", "\(attempt.label) \(glyph)", "#\(attempt.number) \(glyph)", glyph,
    ]
    if let records = placed.recordsLabel {
      // A batch names its records (`[#2 ✗ r1 r2 r3]`), else counts them (`[#2 ✗ 3 rec]`).
      let count = "\(attempt.records.count) rec"
      candidates = [
        "\(attempt.label) \(glyph) \(records)", "#\(attempt.number) \(glyph) \(records)", "#\(attempt.number) \(glyph) \(count)",
        "#\(attempt.number) \(glyph)", glyph,
      ]
    }
    guard inner >= 1, let label = candidates.first(where: { DisplayText.width($0) <= inner }) else {
      canvas.put(glyph, at: from, role: .outcome(outcome), on: &grid)
      return from
    }
    // `[A#2 ✓ success───]`: built cell by cell over the visible part only, since a zoomed
    // linear bar can be thousands of columns long.
    let labelCells = Array(label.unicodeScalars)
    canvas.span(from: from, to: to, role: .outcome(outcome), on: &grid) { column in
      switch column - from {
      case 0: return glyphs.barStart
      case width - 1 where ended: return glyphs.barEnd
      case let offset where offset - 1 < labelCells.count: return labelCells[offset - 1]
      default: return glyphs.horizontal
      }
    }
    return to
  }

  /// `┄┄ 1m05s ┄┄` between the bars it separates, the label centred when it fits.
  private func drawWait(_ wait: TraceWait, on grid: inout CellGrid, canvas: Canvas) {
    let from = axis.column(of: wait.from) + 1
    let to = axis.column(of: wait.to) - 1
    guard to >= from else { return }
    let width = to - from + 1
    // A blocked shard and hidden messages say so (`┄ blocked 1s ┄`), unlike Lambda's retry
    // delays; the bare length when the word does not fit.
    let length = DurationText.short(wait.length)
    let word: String? =
      switch wait.reason {
      case .shardBlocked: "blocked"
      case .visibilityTimeout: "hidden"
      default: nil
      }
    var label = Array(" \(length) ".unicodeScalars)
    if let word, " \(word) \(length) ".unicodeScalars.count + 2 <= width { label = Array(" \(word) \(length) ".unicodeScalars) }
    let labelStart = label.count + 2 <= width ? from + (width - label.count) / 2 : Int.max
    canvas.span(from: from, to: to, role: .wait, on: &grid) { column in
      let offset = column - labelStart
      return offset >= 0 && offset < label.count ? label[offset] : glyphs.wait
    }
  }

  /// The queue lane: `A─────` from when the event enters Lambda's queue until it leaves it.
  private func drawQueue(subrow: Int, on grid: inout CellGrid, canvas: Canvas) {
    let (first, last) = canvas.visibleTimes
    let spans = model.queueSpans
    var position = spans.partitioningIndex { $0.from >= first - model.longestQueueSpan }
    while position < spans.count, spans[position].from <= last {
      let span = spans[position]
      position += 1
      guard span.row == subrow, span.event <= playhead, span.to >= first else { continue }
      let from = axis.column(of: span.from)
      let to = max(from, axis.column(of: span.to) - 1)
      // The invocation's name when it fits with room to spare, else just the line.
      let id = to - from + 1 > span.invocation.unicodeScalars.count ? Array(span.invocation.unicodeScalars) : []
      canvas.span(from: from, to: to, role: .queue, on: &grid) { column in
        column - from < id.count ? id[column - from] : glyphs.horizontal
      }
    }
  }
}

/// Virtual timeline columns to screen cells, for one row.
struct Canvas {
  var track: Rect
  /// The first virtual column shown.
  var start: Int
  var axis: TimeAxis
  var theme: Theme
  var glyphs: Glyphs
  var y = 0

  func screenX(_ column: Int) -> Int { track.x + column - start }

  /// The times at the left and right edges of the track.
  var visibleTimes: (Milliseconds, Milliseconds) {
    (axis.time(atColumn: start), axis.time(atColumn: start + track.width))
  }

  /// Draws virtual columns `from...to` (only those in view), asking `cell` for each one.
  func span(from: Int, to: Int, role: Theme.Role, on grid: inout CellGrid, cell: (Int) -> Unicode.Scalar) {
    let first = max(from, start)
    let last = min(to, start + track.width - 1)
    guard first <= last else { return }
    let style = theme.style(role)
    for column in first...last {
      grid.set(cell(column), x: screenX(column), y: y, style: style)
    }
  }
  func isVisible(_ x: Int) -> Bool { x >= track.x && x < track.maxX }

  /// Writes `text` from virtual `column`, clipped to the track (and to `limit` cells).
  func put(_ text: String, at column: Int, role: Theme.Role, on grid: inout CellGrid, limit: Int? = nil) {
    let x = screenX(column)
    var clip = track
    clip.y = y
    clip.height = 1
    if let limit {
      let end = min(track.maxX, x + limit)
      clip = Rect(x: track.x, y: y, width: end - track.x, height: 1)
    }
    grid.put(text, x: x, y: y, style: theme.style(role), clip: clip)
  }
}
