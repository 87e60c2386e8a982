/// The one seam between the app and a terminal: draw runs of cells, read input.
///
/// `NcursesTerminal` (module RetryTerminal, the only code that talks to ncurses) is the real one;
/// `MemoryTerminal` plays scripted input into an in-memory screen for tests.
public protocol TerminalBackend {
  /// The current size of the screen in cells.
  var size: Size { get }

  /// Draws `runs` and makes them visible (one flush per frame, so the screen never shows half
  /// a frame). `full` asks for a repaint of everything (after a resize or Ctrl-L).
  mutating func draw(_ runs: [CellRun], full: Bool)

  /// Waits up to `timeoutMilliseconds` (nil: until something arrives) for input. nil when the
  /// time ran out or the wait was interrupted (a signal), so that the loop can check for
  /// termination and play the next step.
  mutating func readInput(timeoutMilliseconds: Int?) -> InputEvent?

  /// Whether the process was asked to stop (SIGTERM, SIGHUP): the loop then quits cleanly.
  var terminationRequested: Bool { get }

  /// Gives the terminal back and stops the process as Ctrl-Z does in a shell (`fg` resumes it);
  /// the loop repaints everything after.
  mutating func suspend()
}
