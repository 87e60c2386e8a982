/// One character cell of the screen.
///
/// A cell holds one Unicode scalar of display width 1. Text is made safe before it gets here
/// (`CellGrid.put`): wide and zero-width characters would shift every cell after them on a real
/// terminal while the grid thought they took one column, so they never enter the grid.
public struct Cell: Hashable, Sendable {
  public var scalar: Unicode.Scalar
  public var style: CellStyle

  public init(_ scalar: Unicode.Scalar = " ", style: CellStyle = .plain) {
    self.scalar = scalar
    self.style = style
  }

  public static let blank = Cell()
}
