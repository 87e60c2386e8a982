/// The interactive loop: draw the frame, wait for a key or the next autoplay step, reduce, repeat.
///
/// Generic over the terminal so that tests run it against `MemoryTerminal` with scripted keys.
/// A frame is drawn only when the state changed, and then only the cells that changed; while
/// paused the loop sleeps in the terminal's read (about one wake a second), so an idle UI costs
/// nothing.
public enum AppLoop {
  /// How long a paused loop waits for a key before looking at the termination flag again (a
  /// signal also interrupts the wait at once).
  static let idleWait = 1_000

  public static func run<Terminal: TerminalBackend>(
    _ state: inout AppState, environment: AppEnvironment, terminal: inout Terminal
  ) {
    let clock = ContinuousClock()
    state.size = terminal.size
    var shown: (state: AppState, grid: CellGrid)?
    var lastStep = clock.now
    while !state.quitRequested && !terminal.terminationRequested {
      if shown?.state != state {
        let grid = FrameRenderer.render(state, environment: environment)
        let runs = grid.runs(since: shown?.grid)
        terminal.draw(runs, full: shown == nil)
        shown = (state, grid)
      }
      var timeout = idleWait
      if state.playing {
        let elapsed = milliseconds(clock.now - lastStep)
        timeout = max(0, PlaybackSpeed.interval(state.speed) - elapsed)
      }
      let wasPlaying = state.playing
      let effects: [AppEffect]
      if let input = terminal.readInput(timeoutMilliseconds: timeout) {
        switch input {
        case .key(let key): effects = AppReducer.reduce(&state, .key(key), environment)
        case .resize(let size): effects = AppReducer.reduce(&state, .resize(size), environment)
        }
      } else if state.playing && milliseconds(clock.now - lastStep) >= PlaybackSpeed.interval(state.speed) {
        effects = AppReducer.reduce(&state, .tick, environment)
        lastStep = clock.now
      } else {
        effects = []
      }
      if state.playing && !wasPlaying { lastStep = clock.now }
      if effects.contains(.suspend) { terminal.suspend() }
      if effects.contains(.repaintAll) { shown = nil }
    }
  }

  static func milliseconds(_ duration: Duration) -> Int {
    let (seconds, attoseconds) = duration.components
    return Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
  }
}
