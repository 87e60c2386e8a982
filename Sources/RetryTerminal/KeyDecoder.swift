import CNcurses
import RetryTUI

/// Turns what `wget_wch` returned into a `Key`.
///
/// The terminal is in raw mode, so control keys arrive as bytes (Ctrl-C is 3, not SIGINT) and
/// keypad mode turns escape sequences into ncurses' KEY_* codes (from the terminfo entry of TERM).
enum KeyDecoder {
  enum Decoded: Hashable, Sendable {
    case key(Key)
    /// KEY_RESIZE: ncurses caught SIGWINCH and has already resized stdscr.
    case resize
    /// A timeout, an interrupted read (a signal), or a key the app has no use for (mouse,
    /// Delete, Insert, F13 and up).
    case nothing
  }

  /// Decodes `wget_wch`'s result: `status` is KEY_CODE_YES, OK or ERR, `code` what it stored.
  static func decode(status: Int32, code: UInt32) -> Decoded {
    switch status {
    case KEY_CODE_YES: return functionKey(Int32(truncatingIfNeeded: code))
    case OK: return character(code).map(Decoded.key) ?? .nothing
    default: return .nothing
    }
  }

  /// A KEY_* code.
  static func functionKey(_ code: Int32) -> Decoded {
    switch code {
    case KEY_RESIZE: return .resize
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_HOME: return .key(.home)
    case KEY_END: return .key(.end)
    case KEY_BTAB: return .key(.backTab)
    case KEY_ENTER: return .key(.enter)
    case KEY_BACKSPACE: return .key(.backspace)
    case rs_key_f(1)...rs_key_f(12): return .key(.function(Int(code - rs_key_f(0))))
    default: return .nothing
    }
  }

  /// A character (a Unicode scalar value, decoded from the locale's encoding by ncurses).
  static func character(_ code: UInt32) -> Key? {
    switch code {
    case 9: return .tab
    // Enter is \r with nonl() (no translation to \n); Ctrl-J sends \n.
    case 10, 13: return .enter
    // Terminals disagree on whether Backspace sends DEL or Ctrl-H.
    case 8, 127: return .backspace
    case 27: return .escape
    case 1...26: return .control(Character(Unicode.Scalar(UInt8(96 + code))))
    // NUL (Ctrl-Space), Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_ and the C1 controls: nothing to type.
    case 0, 28...31, 0x80..<0xA0: return nil
    default: return Unicode.Scalar(code).map { .character(Character($0)) }
    }
  }
}
