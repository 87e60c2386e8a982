/// A key press, decoded by the terminal backend. Tests and the reducer see only these.
public enum Key: Hashable, Sendable {
  /// A printable character (`q`, `?`, `+`, space).
  case character(Character)
  /// Ctrl plus a letter (`ctrl("c")`), sent by the terminal as bytes 1-26.
  case control(Character)
  case left, right, up, down
  case pageUp, pageDown, home, end
  case tab, backTab, enter, escape, backspace
  /// A function key, F1-F12.
  case function(Int)

  /// How the help overlay and the hint line name the key.
  public var name: String { name(ascii: false) }

  /// The key's name, in plain ASCII for `--ascii` terminals (`Left` instead of `←`).
  public func name(ascii: Bool) -> String {
    if ascii {
      switch self {
      case .left: return "Left"
      case .right: return "Right"
      case .up: return "Up"
      case .down: return "Down"
      default: break
      }
    }
    return switch self {
    case .character(" "): "space"
    case .character(let c): String(c)
    case .control(let c): "Ctrl-\(c.uppercased())"
    case .left: "←"
    case .right: "→"
    case .up: "↑"
    case .down: "↓"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .tab: "Tab"
    case .backTab: "Shift-Tab"
    case .enter: "Enter"
    case .escape: "Esc"
    case .backspace: "Backspace"
    case .function(let n): "F\(n)"
    }
  }
}

/// What the terminal reports.
public enum InputEvent: Hashable, Sendable {
  case key(Key)
  /// The window changed size (ncurses' `KEY_RESIZE`).
  case resize(Size)
}
