/// A horizontal run of changed cells of one style: what the renderer sends to the terminal.
public struct CellRun: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var style: CellStyle
  public var scalars: [Unicode.Scalar]

  public init(x: Int, y: Int, style: CellStyle, scalars: [Unicode.Scalar]) {
    self.x = x
    self.y = y
    self.style = style
    self.scalars = scalars
  }

  public var text: String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}

extension CellGrid {
  /// The runs of cells that differ from `previous`: redraw only what changed. Everything, when
  /// there is no previous frame or the size changed (a resize repaints the whole screen).
  ///
  /// Unchanged cells between two changes of the same style are sent along when the gap is short
  /// (at most 3 cells): one write is cheaper than two cursor moves.
  public func runs(since previous: CellGrid?) -> [CellRun] {
    let full = previous == nil || previous?.size != size
    var runs: [CellRun] = []
    for y in 0..<size.height {
      let row = y * size.width
      var x = 0
      while x < size.width {
        let cell = cells[row + x]
        if !full, let previous, previous.cells[row + x] == cell {
          x += 1
          continue
        }
        var run = CellRun(x: x, y: y, style: cell.style, scalars: [cell.scalar])
        var end = x + 1
        var next = x + 1
        while next < size.width {
          let candidate = cells[row + next]
          guard candidate.style == run.style else { break }
          if full || previous!.cells[row + next] != candidate {
            while end < next {  // take the unchanged gap along
              run.scalars.append(cells[row + end].scalar)
              end += 1
            }
            run.scalars.append(candidate.scalar)
            end = next + 1
            next += 1
          } else if next - end < 3 {
            next += 1
          } else {
            break
          }
        }
        runs.append(run)
        x = end
      }
    }
    return runs
  }
}
