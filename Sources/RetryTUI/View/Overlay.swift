import RetryCore

/// A framed box drawn over the main screen (help, scenario picker).
enum Overlay {
  /// Draws the frame and title and returns the inner area.
  static func box(title: String, width: Int, height: Int, in screen: Rect, glyphs: Glyphs, theme: Theme, grid: inout CellGrid) -> Rect {
    // On a small screen the box takes the full width (a one-column strip of the screen below
    // on each side would only look like debris) and leaves the status and hint lines.
    let width = min(width, screen.width)
    let height = min(height, screen.height - 2)
    let area = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
    let style = theme.style(.overlay)
    grid.fill(area, style: style)
    let ascii = glyphs == .ascii
    let (h, v) = (glyphs.horizontal, glyphs.vertical)
    let corners: [Unicode.Scalar] = ascii ? ["+", "+", "+", "+"] : ["┌", "┐", "└", "┘"]
    for x in area.x..<area.maxX {
      grid.set(h, x: x, y: area.y, style: style)
      grid.set(h, x: x, y: area.maxY - 1, style: style)
    }
    for y in area.y..<area.maxY {
      grid.set(v, x: area.x, y: y, style: style)
      grid.set(v, x: area.maxX - 1, y: y, style: style)
    }
    grid.set(corners[0], x: area.x, y: area.y, style: style)
    grid.set(corners[1], x: area.maxX - 1, y: area.y, style: style)
    grid.set(corners[2], x: area.x, y: area.maxY - 1, style: style)
    grid.set(corners[3], x: area.maxX - 1, y: area.maxY - 1, style: style)
    grid.put(" \(title) ", x: area.x + 2, y: area.y, width: area.width - 4, style: theme.style(.overlayTitle))
    return area.inset(dx: 2, dy: 1)
  }
}

/// `?`: every binding of the keymap, grouped as the keymap lists them, then the glyph legend.
enum HelpOverlay {
  static func lines(glyphs: Glyphs) -> [(String, String)] {
    let ascii = glyphs == .ascii
    var lines = KeyMap.bindings.map { binding in (binding.keys.map { $0.name(ascii: ascii) }.joined(separator: " "), binding.summary) }
    lines.append(("", ""))
    let outcomes = "\(glyphs.ok) ok  \(glyphs.error) error  \(glyphs.timeout) timeout  \(glyphs.crash) crash  \(glyphs.throttled) throttled  \(glyphs.running) running"
    lines.append(("outcomes", outcomes))
    lines.append(
      ("lanes", "\(glyphs.invoke) invoke  \(glyphs.response) answer  \(glyphs.timeout) client gave up waiting  \(glyphs.wait)\(glyphs.wait) wait"))
    lines.append(
      ("destinations", "\(glyphs.deadLetter) dead letter queue  \(glyphs.destination) invocation record to a destination"))
    lines.append(("effects", "x2 the same event did it twice  \(glyphs.duplicate) on a bar: it made a duplicate"))
    return lines
  }

  /// How far the help scrolls on this screen: to its last line, no further.
  static func maxScroll(_ state: AppState) -> Int {
    let count = lines(glyphs: Glyphs.forASCII(state.ascii)).count
    return max(0, count - innerHeight(lines: count, screenHeight: state.size.height))
  }

  /// The rows inside the box: it leaves the status and hint lines, and has a frame.
  static func innerHeight(lines: Int, screenHeight: Int) -> Int {
    min(lines + 2, screenHeight - 2) - 2
  }

  static func render(scroll: Int, glyphs: Glyphs, theme: Theme, screen: Rect, into grid: inout CellGrid) {
    let lines = lines(glyphs: glyphs)
    let inner = Overlay.box(title: "RetryScope keys", width: 96, height: lines.count + 2, in: screen, glyphs: glyphs, theme: theme, grid: &grid)
    assert(inner.height == innerHeight(lines: lines.count, screenHeight: screen.height))
    let keyWidth = min(16, (lines.map { DisplayText.width($0.0) }.max() ?? 0) + 2)
    let first = min(scroll, max(0, lines.count - inner.height))
    for (row, line) in lines.dropFirst(first).prefix(inner.height).enumerated() {
      let y = inner.y + row
      grid.put(line.0, x: inner.x, y: y, width: keyWidth - 1, style: theme.style(.overlayTitle))
      grid.put(line.1, x: inner.x + keyWidth, y: y, width: inner.width - keyWidth, style: theme.style(.overlay))
    }
    if lines.count > inner.height {
      let more = "\(first + 1)-\(min(lines.count, first + inner.height)) of \(lines.count) \(glyphs.dot) " + (glyphs == .ascii ? "Up/Down" : "↑↓")
      grid.put(more, x: inner.maxX - DisplayText.width(more), y: inner.maxY, style: theme.style(.overlay))
    }
  }
}

/// `o`: the scenarios, filtered by what was typed.
enum PickerOverlay {
  static func render(
    entries: [AppEnvironment.Entry], filter: String, selection: Int, current: String, glyphs: Glyphs, theme: Theme,
    screen: Rect, into grid: inout CellGrid
  ) {
    let title = filter.isEmpty ? "Open a scenario" : "Open a scenario: \(filter)"
    let inner = Overlay.box(title: title, width: 100, height: max(3, entries.count) + 2, in: screen, glyphs: glyphs, theme: theme, grid: &grid)
    guard !entries.isEmpty else {
      grid.put("no scenario matches \"\(filter)\"", x: inner.x, y: inner.y, width: inner.width, style: theme.style(.overlay))
      return
    }
    let nameWidth = min(26, (entries.map { DisplayText.width($0.name) }.max() ?? 0) + 2)
    let first = min(max(0, selection - inner.height / 2), max(0, entries.count - inner.height))
    for (row, entry) in entries.dropFirst(first).prefix(inner.height).enumerated() {
      let y = inner.y + row
      let selected = first + row == selection
      let style = theme.style(selected ? .overlaySelection : .overlay)
      grid.fill(Rect(x: inner.x - 1, y: y, width: inner.width + 2, height: 1), style: style)
      let marker = entry.name == current ? String(glyphs.play) : " "
      grid.put(marker, x: inner.x - 1, y: y, style: style)
      grid.put(entry.name, x: inner.x, y: y, width: nameWidth - 1, style: style)
      grid.put(entry.title, x: inner.x + nameWidth, y: y, width: inner.width - nameWidth, style: style)
    }
  }
}

/// `F`: what a fork can switch for the future of the run; unavailable lines say why.
enum ForkOverlay {
  static func render(
    _ options: [ForkOption], selection: Int, state: AppState, glyphs: Glyphs, theme: Theme, screen: Rect,
    into grid: inout CellGrid
  ) {
    let time = state.trace.events.isEmpty ? 0 : state.trace.events[state.playhead].time
    let title = "Fork at step \(state.playhead + 1) (t=\(DurationText.offset(time))): replay the future with"
    let inner = Overlay.box(title: title, width: 76, height: options.count + 4, in: screen, glyphs: glyphs, theme: theme, grid: &grid)
    let first = min(max(0, selection - (inner.height - 2) / 2), max(0, options.count - (inner.height - 2)))
    for (row, option) in options.dropFirst(first).prefix(max(0, inner.height - 2)).enumerated() {
      let y = inner.y + row
      let selected = first + row == selection
      let style = theme.style(selected ? .overlaySelection : option.unavailable == nil ? .overlay : .dim)
      grid.fill(Rect(x: inner.x - 1, y: y, width: inner.width + 2, height: 1), style: style)
      grid.put(selected ? String(glyphs.play) : " ", x: inner.x - 1, y: y, style: style)
      grid.put(option.label, x: inner.x, y: y, width: inner.width, style: style)
    }
    // Why the selected line cannot be chosen, or what Enter does.
    let note: String
    if options.indices.contains(selection), let reason = options[selection].unavailable {
      note = "not here: \(reason)"
    } else {
      note = "Enter forks: the past stays, the future replays \(glyphs.dot) Esc cancels"
    }
    grid.put(note, x: inner.x, y: inner.maxY - 1, width: inner.width, style: theme.style(.overlayTitle))
  }
}

/// Below the smallest usable size: what is wrong and what to do, centred.
enum TooSmallScreen {
  static func render(size: Size, theme: Theme, into grid: inout CellGrid) {
    let need = FrameLayout.minimum
    let lines = [
      "too small: have \(size.width)x\(size.height), need \(need.width)x\(need.height)",
      "enlarge the window or the font smaller; q quits",
    ]
    let top = max(0, (size.height - lines.count) / 2)
    for (row, line) in lines.enumerated() {
      let shown = DisplayText.truncated(line, to: size.width)
      let x = max(0, (size.width - DisplayText.width(shown)) / 2)
      grid.put(shown, x: x, y: top + row, style: theme.style(row == 0 ? .message : .dim))
    }
  }
}
