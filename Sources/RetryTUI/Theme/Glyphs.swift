import RetryCore

/// The one-cell symbols of the screen, in Unicode and in ASCII (`--ascii`, for terminals without
/// box drawing). Each outcome has its own symbol, so that no meaning rests on colour alone.
public struct Glyphs: Hashable, Sendable {
  public var ok, error, timeout, crash, throttled, running: Unicode.Scalar
  /// `deadLetter` (☠) marks an event given up on in a dead letter queue; `destination` (✉) an
  /// invocation record sent to an on-success or on-failure destination, which may be a success.
  public var wait, horizontal, vertical, playhead, effect, duplicate, deadLetter, destination, invoke, response: Unicode.Scalar
  public var barStart, barEnd, ellipsis, play, pause, dot: Unicode.Scalar

  public static let unicode = Glyphs(
    ok: "✓", error: "✗", timeout: "⧗", crash: "☠", throttled: "⊘", running: "▸",
    wait: "┄", horizontal: "─", vertical: "│", playhead: "▼", effect: "◆", duplicate: "‼", deadLetter: "☠",
    destination: "✉", invoke: "●", response: "◀", barStart: "[", barEnd: "]", ellipsis: "…", play: "▶", pause: "❚", dot: "·")

  public static let ascii = Glyphs(
    ok: "+", error: "x", timeout: "T", crash: "!", throttled: "-", running: ">",
    wait: "~", horizontal: "-", vertical: "|", playhead: "v", effect: "*", duplicate: "=", deadLetter: "D",
    destination: "@", invoke: "o", response: "<", barStart: "[", barEnd: "]", ellipsis: ".", play: ">", pause: "|", dot: "-")

  public static func forASCII(_ ascii: Bool) -> Glyphs { ascii ? .ascii : .unicode }

  /// The symbol of an attempt's outcome.
  public func outcome(_ outcome: AttemptOutcome) -> Unicode.Scalar {
    switch outcome {
    case .success: ok
    case .error: error
    case .timeout: timeout
    case .crash: crash
    case .throttled: throttled
    case .running: running
    }
  }
}

extension Theme.Role {
  /// The role of an attempt's outcome.
  public static func outcome(_ outcome: AttemptOutcome) -> Theme.Role {
    switch outcome {
    case .success: .ok
    case .error: .error
    case .timeout: .timeout
    case .crash: .crash
    case .throttled: .throttled
    case .running: .running
    }
  }
}
