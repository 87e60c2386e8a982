import RetryCore

/// Which lines the state panel shows as of a playhead.
///
/// The content is one section per target: a header, then one line per row or request, plus an
/// indented line under the row written at the playhead when that write changed nothing. When it
/// fits, all of it shows. A focused panel scrolls through it. An unfocused panel that is too
/// small keeps what matters: every header, the line of the playhead, the latest repeats, the
/// latest lines, and says how many it hides. Only the lines shown are ever looked at, so a frame
/// costs the same for a trace of ten effects or of a million.
struct StatePanelLayout {
  enum Line: Equatable {
    case header(target: Int)
    case item(target: Int, line: Int)
    /// Why the write at the playhead changed nothing.
    case detail(target: Int, effect: Int)
    /// `… 3 more rows`.
    case hidden(target: Int, count: Int)
    /// `… 2 more tables and endpoints`.
    case moreTargets(Int)
    /// `… 4 more lines below` (or above), when a focused panel scrolls.
    case moreLines(Int, below: Bool)
    case emptyWorld
  }

  struct Section {
    var target: Int
    /// Rows or requests as of the playhead.
    var lines: Int
    /// The line written at the playhead, if it is in this target.
    var playheadLine: Int?
    /// The effect whose reason gets a line of its own under `playheadLine`.
    var detail: Int?
    var size: Int { 1 + lines + (detail == nil ? 0 : 1) }
  }

  let ledger: StateLedger
  let playhead: Int
  let sections: [Section]
  /// The number of lines of the whole content (what a caller clamps scrolling with).
  let total: Int

  init(ledger: StateLedger, playhead: Int) {
    self.ledger = ledger
    self.playhead = playhead
    let effect = ledger.effect(at: playhead)
    sections = ledger.targets.indices.map { t in
      var section = Section(target: t, lines: ledger.lineCount(t, asOf: playhead))
      if let effect, Int(ledger.effectTarget[effect]) == t {
        section.playheadLine = Int(ledger.effectLine[effect])
        if StatePanelRow.hasDetail(ledger.trace.effects[effect], in: ledger.targets[t]) { section.detail = effect }
      }
      return section
    }
    total = sections.isEmpty ? 1 : sections.reduce(0) { $0 + $1.size }
  }

  func lines(height: Int, scroll: Int, focused: Bool) -> [Line] {
    guard height > 0 else { return [] }
    if sections.isEmpty { return [.emptyWorld] }
    if total <= height { return (0..<total).map(line(at:)) }
    return focused ? window(height: height, scroll: scroll) : compact(height: height)
  }

  /// Lines `scroll..<scroll + height`, with the first and last saying what is above and below.
  private func window(height: Int, scroll: Int) -> [Line] {
    let start = min(max(0, scroll), total - height)
    var shown = (start..<(start + height)).map(line(at:))
    guard height >= 3 else { return shown }
    if start > 0 { shown[0] = .moreLines(start + 1, below: false) }
    if start + height < total { shown[height - 1] = .moreLines(total - (start + height) + 1, below: true) }
    return shown
  }

  /// Every header, then the lines shared out: the playhead's section first, then one line each in
  /// turn, so that a busy table cannot crowd out a quiet endpoint.
  private func compact(height: Int) -> [Line] {
    guard sections.count <= height else {
      let kept = height - 1
      return sections[..<kept].map { .header(target: $0.target) } + [.moreTargets(sections.count - kept)]
    }
    var budget = [Int](repeating: 0, count: sections.count)
    var left = height - sections.count
    if let s = sections.firstIndex(where: { $0.playheadLine != nil }) {
      budget[s] = min(left, sections[s].size - 1, 3)
      left -= budget[s]
    }
    while left > 0 {
      var gave = false
      for s in sections.indices where left > 0 && budget[s] < sections[s].size - 1 {
        budget[s] += 1
        left -= 1
        gave = true
      }
      if !gave { break }
    }
    return sections.indices.flatMap { s in
      [Line.header(target: sections[s].target)] + content(sections[s], budget: budget[s])
    }
  }

  /// At most `budget` content lines of a section: the playhead's line and its reason, then the
  /// latest repeats (up to half of what is left), then the latest lines, after a line that
  /// counts the others.
  private func content(_ section: Section, budget: Int) -> [Line] {
    let t = section.target
    guard budget < section.size - 1 else { return (1..<section.size).map { local(section, $0) } }
    guard budget > 0 else { return [] }
    if budget == 1, let p = section.playheadLine { return [.item(target: t, line: p)] }
    var slots = budget - 1  // the line that counts the hidden ones
    var chosen: [Int] = []
    var withDetail = false
    if let p = section.playheadLine {
      chosen.append(p)
      slots -= 1
      if section.detail != nil && slots > 0 {
        withDetail = true
        slots -= 1
      }
    }
    var repeats = (slots + 1) / 2
    for line in ledger.latestDuplicateLines(t, asOf: playhead, limit: repeats + chosen.count) {
      guard repeats > 0 else { break }
      if !chosen.contains(line) {
        chosen.append(line)
        slots -= 1
        repeats -= 1
      }
    }
    var line = section.lines - 1
    while slots > 0 && line >= 0 {
      if !chosen.contains(line) {
        chosen.append(line)
        slots -= 1
      }
      line -= 1
    }
    chosen.sort()
    // Something is hidden: `budget` is below the section's size and one line went to counting.
    var lines: [Line] = [.hidden(target: t, count: section.lines - chosen.count)]
    for line in chosen {
      lines.append(.item(target: t, line: line))
      if withDetail, line == section.playheadLine, let effect = section.detail {
        lines.append(.detail(target: t, effect: effect))
      }
    }
    return lines
  }

  /// Line `index` of the whole content.
  private func line(at index: Int) -> Line {
    var offset = index
    for section in sections {
      if offset < section.size { return local(section, offset) }
      offset -= section.size
    }
    return .emptyWorld
  }

  /// Line `offset` of a section: its header, its rows, the reason under the playhead's row.
  private func local(_ section: Section, _ offset: Int) -> Line {
    let t = section.target
    guard offset > 0 else { return .header(target: t) }
    let content = offset - 1
    if let effect = section.detail, let p = section.playheadLine {
      if content == p + 1 { return .detail(target: t, effect: effect) }
      if content > p + 1 { return .item(target: t, line: content - 1) }
    }
    return .item(target: t, line: content)
  }
}
