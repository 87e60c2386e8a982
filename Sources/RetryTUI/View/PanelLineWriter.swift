/// A piece of text in one role.
struct PanelSpan: Equatable {
  var text: String
  var role: Theme.Role

  init(_ text: String, _ role: Theme.Role) {
    self.text = text
    self.role = role
  }
}

/// Writes one line of a panel from left to right, in columns.
///
/// Text is cut at a column's width or the panel's right edge with the ellipsis glyph as its last
/// cell, so that a cut never passes for the whole value. With ASCII glyphs every other non-ASCII
/// character becomes `?`: `--ascii` is for terminals that cannot draw them, and trace data (keys,
/// values) may hold any Unicode.
struct PanelLineWriter {
  var x: Int
  let y: Int
  let end: Int
  let theme: Theme
  let glyphs: Glyphs

  init(x: Int, y: Int, end: Int, theme: Theme, glyphs: Glyphs) {
    self.x = x
    self.y = y
    self.end = end
    self.theme = theme
    self.glyphs = glyphs
  }

  /// Whether the glyphs the panels use are all ASCII, so that the text must be too.
  static func asciiOnly(_ glyphs: Glyphs) -> Bool {
    glyphs.ellipsis.isASCII && glyphs.play.isASCII && glyphs.dot.isASCII && glyphs.duplicate.isASCII
  }

  /// `…`, or `...` in ASCII (a single `.` would read as a full stop).
  static func ellipsis(_ glyphs: Glyphs) -> String {
    asciiOnly(glyphs) ? String(repeating: String(glyphs.ellipsis), count: 3) : String(glyphs.ellipsis)
  }

  /// Moves right without writing.
  mutating func skip(_ columns: Int) {
    x += columns
  }

  /// Writes `text`; with `width`, cut and padded to exactly that many columns.
  mutating func write(_ text: String, _ role: Theme.Role, width: Int? = nil, into grid: inout CellGrid) {
    write([PanelSpan(text, role)], width: width, into: &grid)
  }

  /// Writes `spans` one after the other; with `width`, cut and padded to exactly that many columns.
  mutating func write(_ spans: [PanelSpan], width: Int? = nil, into grid: inout CellGrid) {
    let room = max(0, min(width ?? (end - x), end - x))
    let asciiOnly = Self.asciiOnly(glyphs)
    var cells: [(scalar: Unicode.Scalar, role: Theme.Role)] = []
    fill: for span in spans {
      for scalar in span.text.unicodeScalars {
        guard var shown = DisplayText.cell(for: scalar) else { continue }
        if asciiOnly && !shown.isASCII { shown = "?" }
        cells.append((shown, span.role))
        if cells.count > room { break fill }
      }
    }
    if cells.count > room {
      cells.removeLast(cells.count - room)
      if room > 0 { cells[room - 1].scalar = glyphs.ellipsis }
    }
    for (offset, cell) in cells.enumerated() {
      grid.set(cell.scalar, x: x + offset, y: y, style: theme.style(cell.role))
    }
    x += width ?? cells.count
  }
}
