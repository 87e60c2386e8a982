/// The screen as data: a rectangle of cells that views draw into and the renderer diffs.
///
/// Every frame is drawn into a fresh grid, so a frame is a pure function of the app state: tests
/// compare grids (or their text) without a terminal, and `retryscope run --format frame` prints
/// exactly what the terminal shows.
public struct CellGrid: Hashable, Sendable {
  public let size: Size
  public private(set) var cells: [Cell]

  public init(size: Size, filling cell: Cell = .blank) {
    self.size = Size(width: max(0, size.width), height: max(0, size.height))
    cells = Array(repeating: cell, count: self.size.width * self.size.height)
  }

  public var bounds: Rect { Rect(size: size) }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * size.width + x] }
    set { cells[y * size.width + x] = newValue }
  }

  /// Whether (x, y) is on the grid.
  public func contains(x: Int, y: Int) -> Bool {
    x >= 0 && y >= 0 && x < size.width && y < size.height
  }

  /// Writes `text` from (x, y) to the right, clipped to the grid and to `clip` (when given), and
  /// returns the column after the last cell written. Characters that are not one column wide on a
  /// terminal are made safe first (`DisplayText.cells`).
  @discardableResult
  public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle, clip: Rect? = nil) -> Int {
    guard y >= 0, y < size.height else { return x }
    let limit = min(size.width, clip.map(\.maxX) ?? size.width)
    let start = max(0, clip?.x ?? 0)
    if let clip, y < clip.y || y >= clip.maxY { return x }
    var column = x
    for scalar in text.unicodeScalars {
      guard let shown = DisplayText.cell(for: scalar) else { continue }
      if column >= limit { break }
      if column >= start { cells[y * size.width + column] = Cell(shown, style: style) }
      column += 1
    }
    return column
  }

  /// Writes `text` clipped to `width` columns, with `…` as its last cell when it had to be cut.
  @discardableResult
  public mutating func put(_ text: String, x: Int, y: Int, width: Int, style: CellStyle) -> Int {
    guard width > 0 else { return x }
    let shown = DisplayText.truncated(text, to: width)
    return put(shown, x: x, y: y, style: style, clip: Rect(x: x, y: y, width: width, height: 1))
  }

  /// Sets one cell, if it is on the grid.
  public mutating func set(_ scalar: Unicode.Scalar, x: Int, y: Int, style: CellStyle) {
    guard contains(x: x, y: y) else { return }
    cells[y * size.width + x] = Cell(scalar, style: style)
  }

  /// Fills `rect` (clipped to the grid) with one character in one style.
  public mutating func fill(_ rect: Rect, with scalar: Unicode.Scalar = " ", style: CellStyle) {
    let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
    let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
    guard x0 < x1, y0 < y1 else { return }
    let cell = Cell(scalar, style: style)
    for y in y0..<y1 {
      let row = y * size.width
      for x in x0..<x1 { cells[row + x] = cell }
    }
  }

  /// Changes the style of the cells in `rect` and keeps their characters.
  public mutating func restyle(_ rect: Rect, _ change: (inout CellStyle) -> Void) {
    let x0 = max(0, rect.x), x1 = min(size.width, rect.maxX)
    let y0 = max(0, rect.y), y1 = min(size.height, rect.maxY)
    guard x0 < x1, y0 < y1 else { return }
    for y in y0..<y1 {
      for x in x0..<x1 { change(&cells[y * size.width + x].style) }
    }
  }

  /// Row `y` as text, trailing spaces removed.
  public func line(_ y: Int) -> String {
    var scalars = String.UnicodeScalarView()
    let row = cells[(y * size.width)..<((y + 1) * size.width)]
    let end = row.lastIndex { $0.scalar != " " }.map { $0 + 1 } ?? row.startIndex
    for cell in row[row.startIndex..<end] { scalars.append(cell.scalar) }
    return String(scalars)
  }

  /// The whole grid as text: one line per row, trailing spaces removed, each line ended by `\n`.
  /// This is what frame snapshots and `--format frame` contain.
  public var text: String {
    (0..<size.height).map { line($0) + "\n" }.joined()
  }
}
