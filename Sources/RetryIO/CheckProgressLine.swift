import Glibc
import RetryCore

/// One line on standard error that shows a long `retryscope check` moving:
///
///     checking status-previous-no: 12345 schedules run (up to 50000), 2 changes deep, 1 failing property
///
/// A check has no known total (the bound is a ceiling, not a goal), so it counts rather than
/// fills a bar. Like `ProgressBar`: drawn only when standard error is a terminal, at most ten
/// times a second and not before the first tenth of a second (a quick check leaves nothing
/// behind), cleared by `finish`; piped or redirected, and in tests, the output is exactly the
/// report. Clock, width and output are closures, for the tests.
public final class CheckProgressLine {
  public let title: String
  public let bound: Int
  private let isEnabled: Bool
  private let clock: () -> UInt64
  private let terminalWidth: () -> Int
  private let write: (String) -> Void
  private var start: UInt64?
  private var lastDraw: UInt64 = 0
  private var isVisible = false

  /// A line on standard error, drawn only when it is a terminal.
  public convenience init(title: String, bound: Int) {
    self.init(
      title: title, bound: bound, isTerminal: isatty(STDERR_FILENO) == 1, terminalWidth: ProgressBar.standardErrorWidth,
      clock: ProgressBar.monotonicNanoseconds, write: ProgressBar.writeToStandardError)
  }

  public init(
    title: String, bound: Int, isTerminal: Bool, terminalWidth: @escaping () -> Int, clock: @escaping () -> UInt64,
    write: @escaping (String) -> Void
  ) {
    self.title = title
    self.bound = bound
    self.isEnabled = isTerminal
    self.terminalWidth = terminalWidth
    self.clock = clock
    self.write = write
  }

  /// Redraws when the last drawing is old enough.
  public func update(_ progress: CheckProgress) {
    guard isEnabled else { return }
    let now = clock()
    guard let start else {
      start = now
      lastDraw = now
      return
    }
    guard now >= lastDraw, now - lastDraw >= ProgressBar.redrawInterval, now - start >= ProgressBar.redrawInterval else { return }
    lastDraw = now
    write("\r" + Self.render(title: title, progress, bound: bound, width: terminalWidth()) + "\u{1B}[K")
    isVisible = true
  }

  /// Clears the line (before the report is printed). Does nothing when nothing was drawn.
  public func finish() {
    guard isVisible else { return }
    write("\r\u{1B}[K")
    isVisible = false
  }

  /// The line, at most `width - 1` characters (the last column is left free: some terminals
  /// wrap on writing it).
  public static func render(title: String, _ progress: CheckProgress, bound: Int, width: Int) -> String {
    var line = "\(title): \(progress.schedulesRun) schedule\(progress.schedulesRun == 1 ? "" : "s") run (up to \(bound))"
    line += ", \(progress.depth) change\(progress.depth == 1 ? "" : "s") deep"
    if progress.failingProperties > 0 {
      line += ", \(progress.failingProperties) failing propert\(progress.failingProperties == 1 ? "y" : "ies")"
    }
    let room = max(0, width - 1)
    return line.count <= room ? line : String(line.prefix(max(0, room - 1))) + (room > 0 ? "…" : "")
  }
}
