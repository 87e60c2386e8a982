/// The sentence that explains the current step, wrapped over the caption rows, with the search
/// query highlighted where it occurs.
enum CaptionLine {
  static func render(_ text: String, highlight: String?, theme: Theme, area: Rect, into grid: inout CellGrid) {
    let lines = wrap(text, width: area.width - 1, rows: area.height)
    for (row, line) in lines.enumerated() {
      grid.put(line, x: area.x + 1, y: area.y + row, style: theme.style(.caption), clip: area)
      if let highlight, !highlight.isEmpty { mark(highlight, in: line, x: area.x + 1, y: area.y + row, theme: theme, grid: &grid) }
    }
  }

  /// Greedy word wrap into at most `rows` lines; the last line ends in `…` when text is left.
  static func wrap(_ text: String, width: Int, rows: Int) -> [String] {
    guard width > 1, rows > 0 else { return [] }
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if DisplayText.width(candidate) <= width || current.isEmpty {
        current = candidate
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    if !current.isEmpty { lines.append(current) }
    lines = lines.map { DisplayText.truncated($0, to: width) }
    guard lines.count > rows else { return lines }
    var kept = Array(lines.prefix(rows))
    let last = kept[rows - 1]
    // Padding forces a cut, so the line ends in `…` within the width.
    kept[rows - 1] = DisplayText.width(last) < width ? last + "…" : DisplayText.truncated(last + "  ", to: width)
    return kept
  }

  private static func mark(_ query: String, in line: String, x: Int, y: Int, theme: Theme, grid: inout CellGrid) {
    let haystack = Array(line.lowercased().unicodeScalars)
    let needle = Array(query.lowercased().unicodeScalars)
    guard needle.count <= haystack.count else { return }
    var start = 0
    while start + needle.count <= haystack.count {
      if Array(haystack[start..<(start + needle.count)]) == needle {
        grid.restyle(Rect(x: x + start, y: y, width: needle.count, height: 1)) { $0 = theme.style(.match) }
        start += needle.count
      } else {
        start += 1
      }
    }
  }
}
