/// Why the terminal UI could not start. The CLI prints `description` and suggests a non-interactive
/// output instead.
public enum TerminalError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Standard input or standard output is not a terminal (a pipe, a file, CI).
  case notATerminal
  /// ncurses has no terminfo entry for `TERM` (the value; empty when TERM is not set).
  case unknownTerminal(String)
  /// The terminal type has no cursor addressing (`TERM=dumb`): no full-screen UI is possible.
  case cannotAddressCursor(String)

  public var description: String {
    switch self {
    case .notATerminal:
      "the interactive view needs a terminal: standard input and standard output must both be one"
    case .unknownTerminal(""):
      "TERM is not set, so the terminal type is unknown (try TERM=xterm-256color)"
    case .cannotAddressCursor(let name):
      "terminal type '\(name)' (TERM) cannot move the cursor, which the terminal UI needs"
    case .unknownTerminal(let name):
      "unknown terminal type '\(name)' (TERM): ncurses has no terminfo entry for it (try TERM=xterm-256color)"
    }
  }
}
