import Testing

@testable import RetryTUI

@Suite struct CellGridTests {
  @Test func putClipsAndReportsTheNextColumn() {
    var grid = CellGrid(size: Size(width: 6, height: 2))
    let next = grid.put("abcdefgh", x: 1, y: 0, style: .plain)
    #expect(next == 6)
    #expect(grid.text == " abcde\n\n")
  }

  @Test func truncatedTextEndsInAnEllipsis() {
    var grid = CellGrid(size: Size(width: 10, height: 1))
    grid.put("retryscope", x: 0, y: 0, width: 5, style: .plain)
    #expect(grid.line(0) == "retr…")
    #expect(DisplayText.truncated("abc", to: 3) == "abc")
  }

  @Test func wideAndZeroWidthCharactersCannotShiftTheLine() {
    var grid = CellGrid(size: Size(width: 8, height: 1))
    grid.put("a漢e\u{301}\u{7}b", x: 0, y: 0, style: .plain)
    #expect(grid.line(0) == "a?e?b")
    #expect(DisplayText.width("漢字") == 2)
  }

  @Test func runsSendOnlyWhatChanged() {
    var before = CellGrid(size: Size(width: 10, height: 2))
    before.put("hello", x: 0, y: 0, style: .plain)
    var after = before
    after.put("J", x: 0, y: 0, style: .plain)
    after.put("!", x: 9, y: 1, style: CellStyle(bold: true))
    #expect(after.runs(since: before) == [
      CellRun(x: 0, y: 0, style: .plain, scalars: ["J"]),
      CellRun(x: 9, y: 1, style: CellStyle(bold: true), scalars: ["!"]),
    ])
    #expect(after.runs(since: after).isEmpty)
  }

  @Test func shortUnchangedGapsTravelWithTheRun() {
    var before = CellGrid(size: Size(width: 10, height: 1))
    before.put("abcdefghij", x: 0, y: 0, style: .plain)
    var after = before
    after.put("X", x: 1, y: 0, style: .plain)
    after.put("Y", x: 3, y: 0, style: .plain)
    #expect(after.runs(since: before) == [CellRun(x: 1, y: 0, style: .plain, scalars: ["X", "c", "Y"])])
  }

  @Test func aResizeRepaintsEverything() {
    let small = CellGrid(size: Size(width: 2, height: 1))
    let large = CellGrid(size: Size(width: 3, height: 1))
    #expect(large.runs(since: small) == [CellRun(x: 0, y: 0, style: .plain, scalars: [" ", " ", " "])])
  }

  @Test func sizesParse() {
    #expect(Size(parsing: "80x24") == Size(width: 80, height: 24))
    #expect(Size(parsing: "120X40") == Size(width: 120, height: 40))
    #expect(Size(parsing: "80") == nil)
    #expect(Size(parsing: "0x24") == nil)
    #expect(Size(parsing: "axb") == nil)
  }
}
