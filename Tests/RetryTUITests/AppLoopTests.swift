import Testing

@testable import RetryTUI

/// The whole loop against an in-memory terminal: what reaches the screen, and how much of it.
@Suite struct AppLoopTests {
  func run(_ input: [InputEvent], size: Size = Size(width: 80, height: 24)) throws -> (AppState, MemoryTerminal) {
    var state = try Fixtures.state("async-retries-dlq")
    var terminal = MemoryTerminal(size: size, input: input)
    AppLoop.run(&state, environment: Fixtures.environment, terminal: &terminal)
    return (state, terminal)
  }

  @Test func theScreenShowsExactlyTheRenderedFrame() throws {
    let (state, terminal) = try run([.key(.right), .key(.right)])
    #expect(state.playhead == 2)
    #expect(terminal.screen == FrameRenderer.render(state, environment: Fixtures.environment))
  }

  @Test func aStepRedrawsOnlyWhatChanged() throws {
    let (_, terminal) = try run([.key(.right)])
    #expect(terminal.frames.count == 2)
    let first = terminal.frames[0].reduce(0) { $0 + $1.scalars.count }
    let second = terminal.frames[1].reduce(0) { $0 + $1.scalars.count }
    #expect(first == 80 * 24)
    #expect(second > 0 && second < first / 4)
  }

  @Test func keysThatChangeNothingDrawNothing() throws {
    let (_, terminal) = try run([.key(.character("x")), .key(.left)])
    // The first frame only: an unbound key and a step back at the start change no cell... except
    // the message the step back leaves on the hint line.
    #expect(terminal.frames.count == 2)
    #expect(terminal.frames[1].allSatisfy { $0.y == 23 })
  }

  @Test func aResizeRepaintsEverythingAtTheNewSize() throws {
    let (state, terminal) = try run([.resize(Size(width: 120, height: 40))])
    #expect(state.size == Size(width: 120, height: 40))
    #expect(terminal.fullRepaints == 2)
    #expect(terminal.screen == FrameRenderer.render(state, environment: Fixtures.environment))
  }

  @Test func tooSmallAndBackAgain() throws {
    let (state, terminal) = try run([.resize(Size(width: 40, height: 10)), .resize(Size(width: 80, height: 24))])
    #expect(terminal.screen == FrameRenderer.render(state, environment: Fixtures.environment))
    let small = try run([.resize(Size(width: 40, height: 10))]).1
    #expect(small.screen.text.contains("too small: have 40x10, need 60x16"))
  }

  @Test func ctrlZHandsTheTerminalBackThenRepaintsEverything() throws {
    let (state, terminal) = try run([.key(.control("z"))])
    #expect(terminal.suspensions == 1)
    #expect(terminal.fullRepaints == 2)
    #expect(terminal.screen == FrameRenderer.render(state, environment: Fixtures.environment))
  }

  @Test func qStopsTheLoop() throws {
    let (state, terminal) = try run([.key(.character("q")), .key(.right)])
    #expect(state.quitRequested)
    #expect(state.playhead == 0)
    #expect(terminal.input == [.key(.right)])
  }
}
