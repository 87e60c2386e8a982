/// Plain ASCII for terminals and files that cannot take Unicode (`--ascii`, `LANG=C`).
///
/// The views choose ASCII glyphs of their own (`[A#1 x error]`); this is what catches the rest on
/// its way out: the captions' `…` after a request id, a `→` in a lesson, an ellipsis from a cut,
/// and trace data (keys, payloads, names) that may hold any Unicode. Every symbol RetryScope
/// writes has a readable stand-in; any other character becomes `?`, as it does in the terminal
/// UI's panels.
public enum ASCIIText {
  /// `text` with every non-ASCII character replaced by its stand-in, or `?`.
  public static func fold(_ text: String) -> String {
    guard !text.utf8.contains(where: { $0 >= 0x80 }) else { return folded(text) }
    return text
  }

  /// The one-column stand-in of `scalar` (for a grid of cells), `?` when it has none.
  public static func cell(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    if scalar.isASCII { return scalar }
    guard let text = standIns[scalar] else { return "?" }
    return text.count == 1 ? text.unicodeScalars.first! : Self.narrow[scalar] ?? "?"
  }

  private static func folded(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar.isASCII {
        out.append(scalar)
      } else {
        out.append(contentsOf: (standIns[scalar] ?? "?").unicodeScalars)
      }
    }
    return String(out)
  }

  /// The symbols RetryScope writes and the typographic marks data often holds.
  private static let standIns: [Unicode.Scalar: String] = [
    "…": "...", "→": "->", "←": "<-", "↑": "^", "↓": "v", "↳": "->", "⇒": "=>",
    "┄": "~", "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+",
    "·": "-", "–": "-", "—": "-", "‘": "'", "’": "'", "“": "\"", "”": "\"", "§": "S",
    "✓": "+", "✗": "x", "⧗": "T", "☠": "!", "⊘": "-", "‼": "=", "‖": "!", "✉": "@",
    "▶": ">", "◀": "<", "▸": ">", "▼": "v", "●": "o", "◆": "*", "❚": "|", "√": "v",
    "\u{00A0}": " ",
  ]

  /// One-cell stand-ins for the symbols whose text stand-in is longer. A cut's `…` becomes `~`
  /// (as in `retryscope diff --ascii`): a `.` would read as a full stop.
  private static let narrow: [Unicode.Scalar: Unicode.Scalar] = ["…": "~", "→": ">", "←": "<", "↳": ">", "⇒": ">"]
}
