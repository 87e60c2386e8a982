import Foundation
import RetryCore
import RetryIO
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// What the screen shows must be true and readable everywhere: a destination's record is not a
/// dead letter, an invocation's label names its lane, and `--ascii` means ASCII (issue 12).
@Suite struct TrustworthyFrameTests {
  static func grid(_ state: AppState) -> CellGrid { FrameRenderer.render(state, environment: Fixtures.environment) }

  static func state(_ name: String, theme: Theme.Name = .dark, ascii: Bool = false, size: Size = Size(width: 80, height: 24)) throws
    -> AppState
  {
    var state = TUISetup.state(named: name, try BuiltinScenarios.load(named: name), seed: nil, theme: theme, ascii: ascii, size: size)
    state.playhead = state.session.lastEvent
    return state
  }

  /// The row of the lane labelled `label` and the column of `mark` on it.
  static func find(_ mark: String, onLane label: String, in grid: CellGrid) throws -> (x: Int, y: Int) {
    let y = try #require((0..<grid.size.height).first { grid.line($0).hasPrefix(label) })
    let line = grid.line(y)
    let range = try #require(line.range(of: mark))
    return (line.distance(from: line.startIndex, to: range.lowerBound), y)
  }

  // MARK: Item 4: destinations have their own symbol

  @Test func anOnSuccessRecordIsNotDrawnAsADeadLetter() throws {
    for theme in Theme.Name.allCases {
      let grid = Self.grid(try Self.state("user-exists", theme: theme))
      let text = grid.text
      #expect(!text.contains("☠"), "\(theme)")
      let (x, y) = try Self.find("✉A", onLane: "onSuccess", in: grid)
      // In the colour (or, in mono, the attributes) of a success, not of a dead letter.
      #expect(grid[x, y].style == Theme(theme).style(.ok), "\(theme)")
      #expect(grid[x, y].style != Theme(theme).style(.deadLetter), "\(theme)")
    }
    let ascii = Self.grid(try Self.state("user-exists", theme: .mono, ascii: true))
    _ = try Self.find("@A", onLane: "onSuccess", in: ascii)
    #expect(!ascii.text.contains("DA"))
  }

  @Test func theDeadLetterQueueKeepsItsSymbol() throws {
    let grid = Self.grid(try Self.state("async-retries-dlq"))
    let (x, y) = try Self.find("☠A", onLane: "DLQ", in: grid)
    // The playhead stands on it and reverses it.
    var style = grid[x, y].style
    style.reverse.toggle()
    #expect(style == Theme(.dark).style(.deadLetter))
    _ = try Self.find("DA", onLane: "DLQ", in: Self.grid(try Self.state("async-retries-dlq", ascii: true)))
  }

  @Test func theLegendAndTheDocsExplainTheDestinationSymbol() throws {
    #expect(Glyphs.unicode.destination != Glyphs.unicode.deadLetter)
    #expect(Glyphs.ascii.destination != Glyphs.ascii.deadLetter && Glyphs.ascii.destination.isASCII)
    let unicode = HelpOverlay.lines(glyphs: .unicode).map { $0.0 + " " + $0.1 }
    #expect(unicode.contains("destinations ☠ dead letter queue  ✉ invocation record to a destination"))
    let ascii = HelpOverlay.lines(glyphs: .ascii).map { $0.0 + " " + $0.1 }
    #expect(ascii.contains("destinations D dead letter queue  @ invocation record to a destination"))
    // Whole on a projector's 80 columns.
    var help = try Self.state("user-exists", size: Size(width: 80, height: 24))
    help.mode = .help(scroll: 1_000)
    #expect(Self.grid(help).text.contains("☠ dead letter queue  ✉ invocation record to a destination"))
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let docs = try String(contentsOf: root.appendingPathComponent("docs/terminal-ui.md"), encoding: .utf8)
    #expect(docs.contains("a destination's is `✉A`"))
    #expect(docs.contains("`@A` with `--ascii`"))
  }

  // MARK: Item 6: an invocation's label names its lane

  @Test func aLabelledInvocationsLaneShowsItsLabel() throws {
    let yaml = """
      name: labelled
      title: labels
      function: {functionName: f}
      handler:
        - return: {}
      invocations:
        - {id: A, type: Event, at: 0s, payload: {}, label: first status update}
        - {id: B, type: Event, at: 1s, payload: {}, label: retry}
        - {id: C, type: Event, at: 2s, payload: {}}
      """
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "labelled.yaml")
    var state = TUISetup.state(named: "labelled.yaml", scenario, seed: 1, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    state.playhead = state.session.lastEvent
    let lines = Self.grid(state).text.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("A first status… ") })
    #expect(lines.contains { $0.hasPrefix("B retry ") })
    #expect(lines.contains { $0.hasPrefix("C Event ") })
    // The invoke's caption introduces it by its label.
    state.playhead = 0
    #expect(Self.grid(state).text.contains("The caller invokes A (\"first status update\")"))
  }

  // MARK: Item 23: --ascii means ASCII

  @Test func asciiFramesOfEveryScenarioAreASCIIAtEveryStep() throws {
    for name in BuiltinScenarios.names {
      var state = try Self.state(name, ascii: true)
      let last = state.session.lastEvent
      let stride = max(1, last / 60)
      for playhead in Swift.stride(from: 0, through: last, by: stride) {
        state.playhead = playhead
        let text = Self.grid(state).text
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "\(name) at step \(playhead + 1)")
      }
    }
  }

  @Test func theAsciiCaptionSpellsTheEllipsisOut() throws {
    var state = try Self.state("create-user", ascii: true)
    state.playhead = try GotoTarget.attempt(invocation: "A", number: 1).eventIndex(in: state.trace).get()
    #expect(Self.grid(state).text.contains("(request id\n db12e54b...)."))
  }

  @Test func asciiOverlaysAreASCII() throws {
    var state = try Self.state("user-exists", ascii: true, size: Size(width: 120, height: 40))
    for mode in [AppState.Mode.help(scroll: 0), .picker(filter: "", selection: 0), .fork(selection: 0)] {
      state.mode = mode
      #expect(Self.grid(state).text.utf8.allSatisfy { $0 < 0x80 }, "\(mode)")
    }
  }
}
