/// A terminal in memory: plays scripted input and keeps the screen as a grid, so that the whole
/// loop (draw only what changed, resize, quit) runs in a unit test.
public struct MemoryTerminal: TerminalBackend {
  public private(set) var screen: CellGrid
  /// What is still to be typed; when it runs out, the terminal asks the loop to stop.
  public var input: [InputEvent]
  /// Every frame's runs, in order: what a real terminal would have been sent.
  public private(set) var frames: [[CellRun]] = []
  public private(set) var fullRepaints = 0
  private var exhausted = false

  public init(size: Size, input: [InputEvent]) {
    screen = CellGrid(size: size)
    self.input = input
  }

  public var size: Size { screen.size }

  public mutating func draw(_ runs: [CellRun], full: Bool) {
    if full {
      fullRepaints += 1
      screen = CellGrid(size: screen.size)
    }
    for run in runs {
      for (offset, scalar) in run.scalars.enumerated() {
        screen.set(scalar, x: run.x + offset, y: run.y, style: run.style)
      }
    }
    frames.append(runs)
  }

  public mutating func readInput(timeoutMilliseconds: Int?) -> InputEvent? {
    guard !input.isEmpty else {
      exhausted = true
      return nil
    }
    let next = input.removeFirst()
    if case .resize(let size) = next {
      var resized = CellGrid(size: size)
      for y in 0..<min(size.height, screen.size.height) {
        for x in 0..<min(size.width, screen.size.width) { resized[x, y] = screen[x, y] }
      }
      screen = resized
    }
    return next
  }

  public private(set) var suspensions = 0

  public mutating func suspend() { suspensions += 1 }

  /// Stops the loop once the script is played and the loop asked for more.
  public var terminationRequested: Bool { exhausted }
}
