/// The bottom line: the keys that do something now, read from the live keymap; or the line
/// being typed after `/` or `:`; or a message.
enum HintLine {
  static func render(_ state: AppState, glyphs: Glyphs, theme: Theme, area: Rect, into grid: inout CellGrid) {
    switch state.mode {
    case .search(let text):
      input("/", text, hints: "Enter find · Esc cancel", theme: theme, area: area, grid: &grid)
      return
    case .command(let text):
      input(":", text, hints: "goto A#2 | 90s | 12 · seed 42 · scenario NAME · Enter run · Esc cancel", theme: theme, area: area, grid: &grid)
      return
    default: break
    }
    if let message = state.message {
      grid.put(" " + message, x: area.x, y: area.y, width: area.width, style: theme.style(.message))
      return
    }
    var x = area.x + 1
    for (keys, label) in items(state, ascii: glyphs == .ascii) {
      let width = DisplayText.width(keys) + 1 + DisplayText.width(label) + 2
      guard x + width <= area.maxX else { break }
      x = grid.put(keys, x: x, y: area.y, style: theme.style(.hintKey))
      x = grid.put(" " + label + "  ", x: x, y: area.y, style: theme.style(.hint))
    }
  }

  /// The hints for the current mode, most useful first (the line keeps what fits).
  static func items(_ state: AppState, ascii: Bool) -> [(String, String)] {
    func keys(_ command: Command, _ count: Int = 1) -> String {
      KeyMap.binding(command).keys.prefix(count).map { $0.name(ascii: ascii) }.joined(separator: "/")
    }
    let upDown = ascii ? "Up/Down" : "↑↓"
    switch state.mode {
    case .help:
      return [(upDown, "scroll"), ("? Esc q", "close help")]
    case .picker:
      return [(upDown, "choose"), ("Enter", "open"), ("type", "to filter"), ("Esc", "close")]
    case .fork:
      return [(upDown, "choose"), ("Enter", "fork"), ("Esc", "cancel")]
    case .normal, .search, .command:
      if state.comparison != nil { return diffItems(state, keys: keys, ascii: ascii) }
      var items: [(String, String)] = [(keys(.togglePlay), state.playing ? "pause" : "play")]
      if state.isAtEnd, let next = state.nextInTour {
        items.append((keys(.pageForward), "next: \(next)"))
        items.append((keys(.stepBack), "back"))
      } else {
        items.append((ascii ? "Left/Right" : "←→", "step"))
      }
      items += [
        ("g G", "start/end"), (keys(.toggleTimeMode), state.timeMode == .folded ? "linear" : "folded"),
        (keys(.search), "search"),
      ]
      if state.search != nil { items.append(("n N", "matches")) }
      items += [
        (keys(.commandLine), "goto"), (keys(.diff), "diff"), (keys(.fork), "fork"),
      ]
      if !state.forkParents.isEmpty { items.append((keys(.unfork), "back")) }
      items += [(keys(.picker), "scenarios"), (keys(.reseed), "reseed"), (keys(.help), "help"), (keys(.quit), "quit")]
      // Help and quit must always show: move them forward if the line is short.
      return Array(items.prefix(2)) + items.suffix(2) + items.dropFirst(2).dropLast(2)
    }
  }

  /// The diff view's hints: how to close it first.
  static func diffItems(_ state: AppState, keys: (Command, Int) -> String, ascii: Bool) -> [(String, String)] {
    var items: [(String, String)] = [(keys(.diff, 1) + " Esc", "close diff"), (ascii ? "Left/Right" : "←→", "step both")]
    items += [("g G", "start/end"), (ascii ? "Up/Down" : "↑↓", "scroll"), (keys(.fork, 1), "fork")]
    if !state.forkParents.isEmpty { items.append((keys(.unfork, 1), "back")) }
    items += [(keys(.help, 1), "help"), (keys(.quit, 1), "quit")]
    return items
  }

  private static func input(_ prompt: String, _ text: String, hints: String, theme: Theme, area: Rect, grid: inout CellGrid) {
    grid.fill(area, style: theme.style(.overlay))
    var x = grid.put(prompt + text, x: area.x, y: area.y, width: area.width - 1, style: theme.style(.overlayTitle))
    // The cursor: a reversed cell (a block glyph would not survive --ascii terminals).
    var cursor = theme.style(.overlayTitle)
    cursor.reverse.toggle()
    grid.set(" ", x: x, y: area.y, style: cursor)
    x += 1
    let room = area.maxX - x - 2
    if room > 10 {
      let shown = DisplayText.truncated(hints, to: room)
      grid.put(shown, x: area.maxX - DisplayText.width(shown) - 1, y: area.y, style: theme.style(.overlay))
    }
  }
}
