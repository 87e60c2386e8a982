import RetryCore

/// The external state panel: every table and endpoint as of the playhead, each line naming the
/// attempt that made it, repeats marked `x2` with both attempts, writes that changed nothing
/// (skipped, unchanged, rejected) marked on their row.
///
/// ```
/// users (table) · 2 rows
///   id=b6e13520-7f0a-45d2-aa78-a25cf73d217b  v1  A#1         {"mail":"y"}
/// ▶ id=4a3ff468-3b1e-4292-8686-0fbc53f224ce  v1  x2 A#1+A#2  {"mail":"y"}
/// ```
public struct StatePanelView {
  /// Draws the panel as of event `playhead` (-1: before the first event) into `area` and returns
  /// the number of lines of its whole content: a caller clamps `scroll` to that minus the area's
  /// height. `scroll` applies when `focused`; an unfocused panel that is too small shows what
  /// matters most instead (see `StatePanelLayout`).
  @discardableResult
  public static func render(
    _ ledger: StateLedger, playhead: Int, scroll: Int, focused: Bool, area: Rect, theme: Theme, glyphs: Glyphs,
    into grid: inout CellGrid
  ) -> Int {
    let layout = StatePanelLayout(ledger: ledger, playhead: playhead)
    guard !area.isEmpty else { return layout.total }
    grid.fill(area, style: theme.style(.normal))
    let lines = layout.lines(height: area.height, scroll: scroll, focused: focused)
    // Rows first, so that each target's columns fit the rows it shows.
    var rows: [Int: StatePanelRow] = [:]
    var rowsOfTarget: [Int: [StatePanelRow]] = [:]
    for (y, line) in lines.enumerated() {
      guard case .item(let t, let position) = line else { continue }
      let row = StatePanelRow(ledger: ledger, target: t, line: position, playhead: playhead, glyphs: glyphs)
      rows[y] = row
      rowsOfTarget[t, default: []].append(row)
    }
    let columns = rowsOfTarget.mapValues { StatePanelRow.Columns($0, width: area.width) }
    let more = PanelLineWriter.ellipsis(glyphs)
    for (y, line) in lines.enumerated() {
      var writer = PanelLineWriter(x: area.x, y: area.y + y, end: area.maxX, theme: theme, glyphs: glyphs)
      switch line {
      case .header(let t):
        header(ledger, t, playhead: playhead, focused: focused, area: area, writer: &writer, into: &grid)
      case .item(let t, _):
        draw(rows[y]!, columns[t]!, glyphs: glyphs, writer: &writer, into: &grid)
      case .detail(_, let effect):
        writer.skip(4)
        writer.write(StatePanelRow.detail(ledger.trace.effects[effect], glyphs: glyphs), .skipped, into: &grid)
      case .hidden(let t, let count):
        let noun = ledger.targets[t].kind == .table ? "row" : "request"
        writer.skip(2)
        writer.write("\(more) \(count) more \(plural(count, noun))", .dim, into: &grid)
      case .moreTargets(let count):
        let nouns = count == 1 ? "table or endpoint" : "tables and endpoints"
        writer.write("\(more) \(count) more \(nouns)", .dim, into: &grid)
      case .moreLines(let count, let below):
        writer.skip(2)
        writer.write("\(more) \(count) more \(plural(count, "line")) \(below ? "below" : "above")", .dim, into: &grid)
      case .emptyWorld:
        writer.write("no tables or endpoints in this scenario", .dim, into: &grid)
      }
    }
    return layout.total
  }

  /// `orders (table) · 2 rows`, `newsletter (endpoint) · 3 POSTs · https://…`, `(empty)` before
  /// the first line.
  private static func header(
    _ ledger: StateLedger, _ t: Int, playhead: Int, focused: Bool, area: Rect, writer: inout PanelLineWriter,
    into grid: inout CellGrid
  ) {
    let target = ledger.targets[t]
    let dot = String(writer.glyphs.dot)
    let lines = ledger.lineCount(t, asOf: playhead)
    let count = ledger.itemCount(t, asOf: playhead)
    var text = "\(target.name) (\(target.kind.rawValue)) "
    if lines == 0 {
      text += "(empty)"
    } else if target.kind == .table {
      text += "\(dot) \(count) \(plural(count, "row"))"
    } else if target.kind == .queue {
      text += "\(dot) \(count) \(count == 1 ? "message" : "messages")"
      if lines > count { text += " \(dot) \(lines - count) not delivered" }
    } else {
      text += "\(dot) \(count) \(count == 1 ? "POST" : "POSTs")"
      if lines > count { text += " \(dot) \(lines - count) rejected" }
    }
    let role: Theme.Role = focused ? .panelHeaderFocused : .panelHeader
    if focused { grid.fill(area.row(writer.y - area.y), style: writer.theme.style(role)) }
    writer.write(text, role, into: &grid)
    if let url = target.url { writer.write(" \(dot) \(url)", focused ? role : .dim, into: &grid) }
  }

  /// A row: the playhead mark, key, version, who, what did not change it, the value.
  private static func draw(
    _ row: StatePanelRow, _ columns: StatePanelRow.Columns, glyphs: Glyphs, writer: inout PanelLineWriter,
    into grid: inout CellGrid
  ) {
    if row.atPlayhead {
      writer.write(String(glyphs.play), .match, width: 2, into: &grid)
    } else {
      writer.skip(2)
    }
    writer.write(row.key, row.atPlayhead ? .match : .rowKey, width: columns.key, into: &grid)
    writer.skip(2)
    if columns.version > 0 {
      writer.write(row.version, .dim, width: columns.version, into: &grid)
      writer.skip(2)
    }
    if columns.by > 0 {
      writer.write(row.by, width: columns.by, into: &grid)
      writer.skip(2)
    }
    if columns.mark > 0 {
      writer.write([row.mark].compactMap { $0 }, width: columns.mark, into: &grid)
      writer.skip(2)
    }
    writer.write(row.value.text, row.value.role, into: &grid)
  }

  private static func plural(_ count: Int, _ noun: String) -> String {
    count == 1 ? noun : noun + "s"
  }
}
