/// The 16 ANSI colours: every terminal has them, and users' themes already make them readable.
/// No 256-colour or RGB values, so that a projector or a light terminal theme cannot turn a
/// colour into an unreadable one behind our back.
public enum TerminalColor: UInt8, CaseIterable, Sendable {
  case black, red, green, yellow, blue, magenta, cyan, white
  case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

  /// The ANSI number, 0-15.
  public var ansi: Int { Int(rawValue) }

  /// Whether this is one of the bright colours 8-15 (which 8-colour terminals draw as bold).
  public var isBright: Bool { rawValue >= 8 }

  /// The base colour 0-7 of a bright one.
  public var base: TerminalColor { TerminalColor(rawValue: rawValue & 7)! }
}
