/// Everything that can happen to the app: a key, a resize, a playback tick.
public enum AppAction: Equatable, Sendable {
  case key(Key)
  case resize(Size)
  /// Autoplay's clock: the next step is due.
  case tick
}

/// What the reducer asks of the terminal beyond drawing the next frame.
public enum AppEffect: Equatable, Sendable {
  /// Repaint every cell (Ctrl-L, or a theme change on a terminal that kept old colours).
  case repaintAll
  /// Hand the terminal back and stop the process until the shell's `fg` (Ctrl-Z).
  case suspend
}
