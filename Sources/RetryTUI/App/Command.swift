/// What a key does on the main screen. Keys map to commands through `KeyMap`, which the help
/// overlay and the hint line read too, so that they can never list a binding that does not work.
public enum Command: String, CaseIterable, Sendable {
  case togglePlay, stepForward, stepBack, pageForward, pageBack, start, end
  case nextAttempt, previousAttempt, nextEffect, previousEffect
  case zoomIn, zoomOut, zoomFit, toggleTimeMode, slower, faster
  case toggleFocus, scrollUp, scrollDown
  case search, nextMatch, previousMatch, commandLine
  case diff, fork, unfork
  case reseed, picker, cycleTheme, help, blank, dismiss, redraw, suspend, quit
}

/// One line of the keymap: the keys, the command, and how help describes it.
public struct KeyBinding: Sendable {
  public var keys: [Key]
  public var command: Command
  public var summary: String

  /// `space .` as help shows it.
  public var keyNames: String { keys.map(\.name).joined(separator: " ") }
}

/// The main screen's keys: one key, one meaning. Lowercase keys change the view, uppercase keys
/// change the run (`S`), as in tig and the research notes (visualizer-anchors.md §5.1).
public enum KeyMap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(keys: [.character(" "), .character(".")], command: .togglePlay, summary: "play / pause"),
    KeyBinding(keys: [.right, .character("l")], command: .stepForward, summary: "step forward"),
    KeyBinding(keys: [.left, .character("h")], command: .stepBack, summary: "step back (exactly the frame before)"),
    KeyBinding(keys: [.pageDown], command: .pageForward, summary: "step forward; at the end, the next scenario (clicker)"),
    KeyBinding(keys: [.pageUp], command: .pageBack, summary: "step back; at the start, the previous scenario"),
    KeyBinding(keys: [.character("g"), .home], command: .start, summary: "go to the first step"),
    KeyBinding(keys: [.character("G"), .end], command: .end, summary: "go to the last step"),
    KeyBinding(keys: [.character("]")], command: .nextAttempt, summary: "next execution starts (any invocation)"),
    KeyBinding(keys: [.character("[")], command: .previousAttempt, summary: "previous execution start"),
    KeyBinding(keys: [.character("}")], command: .nextEffect, summary: "next change to the outside world (duplicates too)"),
    KeyBinding(keys: [.character("{")], command: .previousEffect, summary: "previous change to the outside world"),
    KeyBinding(keys: [.character("+")], command: .zoomIn, summary: "zoom the time axis in"),
    KeyBinding(keys: [.character("-")], command: .zoomOut, summary: "zoom the time axis out"),
    KeyBinding(keys: [.character("=")], command: .zoomFit, summary: "zoom to fit"),
    KeyBinding(keys: [.character("z")], command: .toggleTimeMode, summary: "folded waits / linear time"),
    KeyBinding(keys: [.character("<")], command: .slower, summary: "play slower"),
    KeyBinding(keys: [.character(">")], command: .faster, summary: "play faster"),
    KeyBinding(keys: [.tab, .backTab], command: .toggleFocus, summary: "focus the timeline / the state panel"),
    KeyBinding(keys: [.up], command: .scrollUp, summary: "scroll the focused panel up"),
    KeyBinding(keys: [.down], command: .scrollDown, summary: "scroll the focused panel down"),
    KeyBinding(keys: [.character("/")], command: .search, summary: "search events and effects"),
    KeyBinding(keys: [.character("n")], command: .nextMatch, summary: "next match"),
    KeyBinding(keys: [.character("N")], command: .previousMatch, summary: "previous match"),
    KeyBinding(
      keys: [.character(":")], command: .commandLine,
      summary: "command: goto A#2, goto 90s, goto 12, seed 42, scenario NAME, diff NAME [SEED], theme NAME, quit"),
    KeyBinding(
      keys: [.character("d")], command: .diff,
      summary: "diff: this run beside another (the next seed, a fork's parent, :diff NAME); d or Esc closes"),
    KeyBinding(keys: [.character("F")], command: .fork, summary: "fork from here: switch a fault or setting, replay the future"),
    KeyBinding(keys: [.character("u")], command: .unfork, summary: "back from a fork to the run it was forked from"),
    KeyBinding(keys: [.character("S")], command: .reseed, summary: "reseed: run again with a new seed"),
    KeyBinding(keys: [.character("o")], command: .picker, summary: "open another scenario"),
    KeyBinding(keys: [.character("m")], command: .cycleTheme, summary: "theme: dark, light, mono"),
    KeyBinding(keys: [.character("?"), .function(1)], command: .help, summary: "this help"),
    KeyBinding(keys: [.character("b")], command: .blank, summary: "blank the screen (presenter); any key brings it back"),
    KeyBinding(keys: [.escape], command: .dismiss, summary: "clear the search and the message"),
    KeyBinding(keys: [.control("l")], command: .redraw, summary: "redraw the screen"),
    KeyBinding(keys: [.control("z")], command: .suspend, summary: "suspend to the shell (fg comes back)"),
    KeyBinding(keys: [.character("q"), .control("c")], command: .quit, summary: "quit (prints the command to replay this run)"),
  ]

  private static let table: [Key: Command] = {
    var table: [Key: Command] = [:]
    for binding in bindings {
      for key in binding.keys {
        precondition(table[key] == nil, "key \(key.name) bound twice")
        table[key] = binding.command
      }
    }
    return table
  }()

  public static func command(for key: Key) -> Command? { table[key] }

  public static func binding(_ command: Command) -> KeyBinding {
    bindings.first { $0.command == command }!
  }
}
