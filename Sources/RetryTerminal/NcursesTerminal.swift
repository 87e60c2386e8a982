import CNcurses
import RetryTUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real terminal: draws cell runs and reads keys through ncursesw.
///
/// One at a time per process: ncurses keeps its current screen, and the signal handlers their
/// flag, in globals. Every call into the `rs_` signal shims stays in this file, because each
/// Swift file gets its own copy of the header's static functions and variables (CNcurses.h).
public final class NcursesTerminal: TerminalBackend {
  /// The ncurses SCREEN, nil once closed.
  private var screen: OpaquePointer?
  private let pairs: ColorPairs
  /// The cursor visibility before `curs_set(0)`, to put back (nil: the terminal cannot hide it).
  private let previousCursor: Int32?
  /// Whether the locale encodes UTF-8. When it does not, ncurses cannot show non-ASCII scalars,
  /// so `draw` writes `?` for them: the app should then pick ASCII glyphs (`Glyphs.ascii`).
  public let supportsUnicode: Bool
  /// The attribute bits, read once from the shim.
  private let bits = (bold: rs_attr_bold(), dim: rs_attr_dim(), underline: rs_attr_underline(), reverse: rs_attr_reverse())
  /// Reused by `draw` for each run's scalars.
  private var buffer: [Int32] = []

  private init(screen: OpaquePointer, pairs: ColorPairs, previousCursor: Int32?, supportsUnicode: Bool) {
    self.screen = screen
    self.pairs = pairs
    self.previousCursor = previousCursor
    self.supportsUnicode = supportsUnicode
  }

  deinit { close() }

  /// Takes over the terminal: full screen, raw keys, no echo, hidden cursor.
  ///
  /// - Parameters:
  ///   - colors: whether to use colour at all (false for `--no-color` or the mono theme).
  ///   - styles: every style the app may draw (the union of all themes' `allStyles`): one colour
  ///     pair is allocated per distinct (foreground, background) here, never while drawing, so a
  ///     theme switch needs no new pairs. A style not given draws in the default colours.
  /// - Throws: `TerminalError.notATerminal` when stdin or stdout is not a terminal (a pipe, CI);
  ///   `TerminalError.unknownTerminal` when TERM has no terminfo entry.
  public static func open(colors: Bool, styles: Set<CellStyle>) throws(TerminalError) -> NcursesTerminal {
    precondition(rs_stdscr() == nil, "only one NcursesTerminal can be open at a time")
    // Both ends: keys come from stdin, the screen goes to stdout; `retryscope ... | less`
    // must fail clearly instead of writing escape sequences into a pipe.
    guard rs_is_terminal(STDIN_FILENO) == 1, rs_is_terminal(STDOUT_FILENO) == 1 else { throw .notATerminal }
    // Before newterm: ncursesw picks its character encoding from the locale once.
    rs_use_environment_locale()
    let unicode = rs_locale_is_utf8() == 1
    // Before newterm: ncurses installs its own SIGINT/SIGTERM handlers (which call exit() from
    // inside the handler) only for signals still at SIG_DFL; ours set a flag instead.
    rs_install_termination_handlers()
    // newterm, not initscr: initscr prints an error and exits the process for an unknown TERM;
    // newterm returns NULL and we can say what is wrong.
    guard let screen = rs_newterm_stdio(), let window = rs_stdscr() else {
      rs_restore_termination_handlers()
      throw .unknownTerminal(getenv("TERM").map { String(cString: $0) } ?? "")
    }
    guard rs_can_address_cursor() == 1 else {
      rs_abandon_screen(screen)
      rs_restore_termination_handlers()
      throw .cannotAddressCursor(getenv("TERM").map { String(cString: $0) } ?? "")
    }
    // raw, not cbreak: Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys (bytes 3, 26, 28) that the app
    // handles, instead of signals that would stop it with the terminal still in curses mode.
    raw()
    noecho()
    // nonl: Enter arrives as \r, and ncurses can use the faster line feed for cursor motion.
    nonl()
    // keypad: arrow, page and function keys arrive as single KEY_* codes.
    keypad(window, true)
    // A short ESC delay: Escape is a key here (close an overlay), and 25 ms is ample to tell it
    // from the start of an arrow key's escape sequence on any local or ssh terminal.
    set_escdelay(25)
    // leaveok: the cursor is hidden, so ncurses need not move it back after each update.
    leaveok(window, true)
    let cursor = curs_set(0)
    var pairs = ColorPairs.monochrome
    if colors && has_colors() {
      start_color()
      // use_default_colors: colour -1 is the terminal's own foreground/background, so a nil
      // colour (the theme's "default") matches the user's terminal theme, dark or light.
      let defaultColors = use_default_colors() == OK
      pairs = ColorPairs(
        styles: styles, colors: Int(rs_colors()), pairs: Int(rs_color_pairs()), defaultColors: defaultColors)
      for allocation in pairs.allocations {
        init_pair(allocation.pair, allocation.foreground, allocation.background)
      }
    }
    // No SIGWINCH handler of ours: ncurses installs one itself (if SIGWINCH is still SIG_DFL),
    // resizes stdscr and reports KEY_RESIZE from wget_wch (resizeterm(3X), "Handling SIGWINCH").
    rs_install_fatal_handlers()
    return NcursesTerminal(
      screen: screen, pairs: pairs, previousCursor: cursor == ERR ? nil : cursor, supportsUnicode: unicode)
  }

  /// The screen's size in cells, as ncurses last learned it (it updates on KEY_RESIZE).
  public var size: Size {
    guard screen != nil else { return Size(width: 0, height: 0) }
    return Size(width: Int(rs_columns()), height: Int(rs_rows()))
  }

  /// Writes `runs` into ncurses' window, then one `doupdate`: the terminal sees the whole frame
  /// at once, as the minimal changes ncurses computes against what it drew before.
  public func draw(_ runs: [CellRun], full: Bool) {
    guard screen != nil, let window = rs_stdscr() else { return }
    if full {
      // erase: cells outside the runs are blank. clearok(curscr): the next update clears the
      // terminal and repaints everything, repairing whatever else wrote to it.
      werase(window)
      clearok(rs_curscr(), true)
    }
    for run in runs where !run.scalars.isEmpty {
      let (bits, pair) = attributes(for: run.style)
      buffer.removeAll(keepingCapacity: true)
      for scalar in run.scalars { buffer.append(Int32(bitPattern: shown(scalar).value)) }
      // Off-screen runs (a grid drawn for the size before a resize) return ERR: nothing to do.
      _ = buffer.withUnsafeBufferPointer { scalars in
        rs_put_cells(
          Int32(clamping: run.y), Int32(clamping: run.x), scalars.baseAddress, Int32(clamping: scalars.count),
          bits, pair)
      }
    }
    wnoutrefresh(window)
    doupdate()
  }

  /// Waits up to `timeoutMilliseconds` (nil: for ever) for a key or a resize. nil when the time ran
  /// out or a signal interrupted the wait (then check `terminationRequested`). Keys the app does
  /// not use (mouse, Delete, F13...) are skipped and the wait goes on for the time that is left.
  public func readInput(timeoutMilliseconds: Int?) -> InputEvent? {
    guard screen != nil, let window = rs_stdscr() else { return nil }
    let clock = ContinuousClock()
    let deadline = timeoutMilliseconds.map { clock.now + .milliseconds(max(0, $0)) }
    while true {
      var delay: Int32 = -1  // wtimeout(-1): block until input
      if let deadline {
        let left = clock.now.duration(to: deadline).components
        let milliseconds = left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000
        delay = Int32(clamping: max(0, milliseconds))
      }
      wtimeout(window, delay)
      var code: UInt32 = 0
      let status = rs_get_wch(&code)
      switch KeyDecoder.decode(status: status, code: code) {
      case .key(let key): return .key(key)
      case .resize: return .resize(size)
      case .nothing:
        if status == ERR { return nil }  // timed out, or EINTR from a signal
        if let deadline, clock.now >= deadline { return nil }
      }
    }
  }

  /// Whether SIGTERM, SIGHUP or SIGINT arrived (SIGINT only from `kill`: in raw mode Ctrl-C is a
  /// key). The handler only sets a flag; the loop reads it after `readInput` returns nil.
  public var terminationRequested: Bool { rs_termination_signal() != 0 }

  /// Gives the terminal back: cursor, cooked mode, echo, the normal screen. Idempotent; also
  /// run by deinit. The signal handlers installed by `open` are put back as they were.
  /// Ctrl-Z: raw mode turned it into a key, so the stop is ours to do. ncurses' own SIGTSTP
  /// handler (installed by newterm) leaves curses mode, stops the process, and on `fg` restores
  /// the terminal modes; the loop then repaints everything.
  public func suspend() {
    raise(SIGTSTP)
  }

  public func close() {
    guard let screen else { return }
    self.screen = nil
    if let previousCursor { curs_set(previousCursor) }
    endwin()
    delscreen(screen)
    rs_restore_fatal_handlers()
    rs_restore_termination_handlers()
  }

  /// The ncurses attributes and colour pair of `style`.
  private func attributes(for style: CellStyle) -> (UInt32, Int16) {
    let entry = pairs.entry(for: style)
    var result = rs_attr_normal()
    if style.bold || entry.bold { result |= bits.bold }
    if style.dim { result |= bits.dim }
    if style.underline { result |= bits.underline }
    if style.reverse { result |= bits.reverse }
    return (result, entry.pair)
  }

  /// What to write for `scalar`: `?` for control characters (which would move the cursor) and,
  /// in a locale that is not UTF-8, for anything beyond ASCII.
  private func shown(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    let value = scalar.value
    if value < 0x20 || (0x7F..<0xA0).contains(value) { return "?" }
    if !supportsUnicode && value > 0x7E { return "?" }
    return scalar
  }
}
