import Glibc
import RetryCore

/// One line on standard error that shows how far a long import has come:
///
///     importing app.log.gz  [#########.........]  45%  450.0/1000.0 MB  120.3 MB/s
///
/// Drawn only when standard error is a terminal and the total is known (a regular file, not a
/// pipe): piped or redirected, the output of `retryscope import` must stay exactly what it says.
/// Redrawn at most ten times a second, so that a read loop can report after every chunk; the
/// first drawing waits that long too, so that a small file leaves no flash behind. Under
/// `--ascii` or a locale without UTF-8 (the command decides: `TextEncoding`), every byte of it is
/// ASCII, as the rest of the command's output is. Clock, width and output are closures, for the
/// tests.
public final class ProgressBar {
  /// The text before the bar (`importing app.log.gz`).
  public let title: String
  /// The number of bytes that make 100%; nil when not known (nothing is drawn).
  public let total: Int?
  /// Plain ASCII: the title folded (`ASCIIText`), a cut title ending in `~` rather than `…`.
  public let ascii: Bool
  private let isEnabled: Bool
  private let clock: () -> UInt64
  private let terminalWidth: () -> Int
  private let write: (String) -> Void
  /// Nanoseconds and bytes at the first update: the rate is measured from there.
  private var start: (time: UInt64, done: Int)?
  private var lastDraw: UInt64 = 0
  /// Whether a line is on the screen, for `finish` to clear.
  private var isVisible = false

  /// The shortest time between two drawings: 100 ms.
  static let redrawInterval: UInt64 = 100_000_000
  /// Below this many cells the bar says nothing useful: the details give way first.
  static let minimumBarWidth = 10

  /// A bar on standard error, drawn only when it is a terminal and `total` is known.
  public convenience init(title: String, total: Int?, ascii: Bool = false) {
    self.init(
      title: title, total: total, ascii: ascii, isTerminal: isatty(STDERR_FILENO) == 1, terminalWidth: ProgressBar.standardErrorWidth,
      clock: ProgressBar.monotonicNanoseconds, write: ProgressBar.writeToStandardError)
  }

  /// A bar with its own clock (nanoseconds, monotonic), width and output: tests.
  public init(
    title: String, total: Int?, ascii: Bool = false, isTerminal: Bool, terminalWidth: @escaping () -> Int, clock: @escaping () -> UInt64,
    write: @escaping (String) -> Void
  ) {
    // The title names an input file: written to the terminal directly (not through the CLI's
    // filter), so made safe here (`a\e[2J.log` is shown, not obeyed).
    // Folded after: a C1 control's visible form is U+FFFD.
    self.title = ascii ? ASCIIText.fold(TerminalText.sanitized(title)) : TerminalText.sanitized(title)
    self.total = total
    self.ascii = ascii
    self.isEnabled = isTerminal && (total ?? 0) > 0
    self.terminalWidth = terminalWidth
    self.clock = clock
    self.write = write
  }

  /// Whether this bar draws anything at all.
  public var isShown: Bool { isEnabled }

  /// `done` bytes of `total` have been read: redraws when the last drawing is old enough.
  public func update(_ done: Int) {
    guard isEnabled, let total else { return }
    let now = clock()
    guard let start else {
      self.start = (now, done)
      lastDraw = now
      return
    }
    guard now >= lastDraw, now - lastDraw >= Self.redrawInterval else { return }
    lastDraw = now
    let seconds = Double(now - start.time) / 1e9
    let rate = seconds > 0 ? Double(done - start.done) / seconds : nil
    let line = Self.render(title: title, done: done, total: total, bytesPerSecond: rate, width: terminalWidth(), ascii: ascii)
    write("\r" + line + "\u{1B}[K")
    isVisible = true
  }

  /// Clears the line (call it before printing anything else, and at the end). Does nothing when
  /// nothing was drawn.
  public func finish() {
    guard isVisible else { return }
    write("\r\u{1B}[K")
    isVisible = false
  }

  // MARK: - Rendering

  /// The line for `done` of `total` bytes at `bytesPerSecond` (nil: not known yet), at most
  /// `width - 1` characters (the last column is left free: some terminals wrap on writing it).
  /// When the terminal is narrow the rate goes first, then the byte counts, then the title is cut
  /// (`…`; `~` in ASCII, as `diff --ascii` cuts).
  public static func render(title: String, done: Int, total: Int, bytesPerSecond: Double?, width: Int, ascii: Bool = false) -> String {
    let room = max(0, width - 1)
    let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
    let percent = String(Int(fraction * 100))
    // Three columns for the number (`  5%`, ` 45%`, `100%`), so that nothing after it jitters.
    let percentText = String(repeating: " ", count: 3 - percent.count) + percent + "%"
    var details = [" " + percentText]
    details.append("  \(megabytes(done))/\(megabytes(total)) MB")
    if let bytesPerSecond { details.append("  \(megabytes(bytesPerSecond)) MB/s") }

    while true {
      let tail = details.joined()
      let fixed = title.count + "  [".count + "]".count + tail.count
      if room - fixed >= minimumBarWidth { return title + "  [" + bar(fraction, width: room - fixed) + "]" + tail }
      if details.count == 1 { break }
      details.removeLast()
    }
    // Only the title, the bar and the percentage are left: cut the title to make room.
    let tail = details[0]
    let titleRoom = room - "  [".count - minimumBarWidth - "]".count - tail.count
    if titleRoom >= 4 {
      let cut = title.count <= titleRoom ? title : String(title.prefix(titleRoom - 1)) + (ascii ? "~" : "…")
      return cut + "  [" + bar(fraction, width: room - cut.count - "  [".count - "]".count - tail.count) + "]" + tail
    }
    return String(percentText.drop { $0 == " " }.prefix(room))
  }

  static func bar(_ fraction: Double, width: Int) -> String {
    let filled = min(width, Int(fraction * Double(width)))
    return String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
  }

  /// `450.0`: bytes in decimal megabytes with one decimal, as disk sizes are given.
  static func megabytes(_ bytes: Int) -> String { megabytes(Double(bytes)) }

  static func megabytes(_ bytes: Double) -> String {
    let tenths = Int((bytes / 100_000).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  // MARK: - Production clock, width and output

  /// CLOCK_MONOTONIC in nanoseconds: unaffected by changes to the wall clock.
  public static func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
  }

  /// The width of the terminal on standard error (TIOCGWINSZ), 80 when it does not say. Asked at
  /// every drawing, so that the bar follows a resized window.
  public static func standardErrorWidth() -> Int {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  /// Writes to file descriptor 2 directly: unbuffered, and never mixed into standard output.
  public static func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
      }
    }
  }
}
