import RetryCore

/// Makes text safe for a grid of one-column cells.
///
/// Scenario files and logs can hold any Unicode: a CJK name or an emoji takes two columns on a
/// terminal, a combining accent takes none, a control character moves the cursor. Any of them
/// would shift the rest of the line on the real screen while the grid (and its diff) believed
/// otherwise, so wide characters become `?`, zero-width ones disappear and controls (the same set
/// as the CLI's text output, `TerminalText.isControl`) become `?`: a cell holds one column, where
/// the CLI's `^[` takes two. Every glyph RetryScope draws itself is one column wide.
public enum DisplayText {
  /// The scalar to put in a cell for `scalar`, or nil when it takes no column.
  public static func cell(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
    let value = scalar.value
    if TerminalText.isControl(scalar) { return "?" }
    if value < 0x300 { return scalar }
    // Punctuation, arrows, box drawing, shapes, dingbats: no marks or format characters there,
    // so the (costly) category lookup is skipped for every glyph RetryScope draws.
    if (0x2010...0x2027).contains(value) || (0x2030...0x205E).contains(value) || (0x2070...0x20CF).contains(value)
      || (0x2100...0x2BFF).contains(value)
    {
      return isWide(value) ? "?" : scalar
    }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return nil
    default: break
    }
    return isWide(value) ? "?" : scalar
  }

  /// The number of cells `text` takes once made safe.
  public static func width(_ text: String) -> Int {
    var count = 0
    for scalar in text.unicodeScalars where cell(for: scalar) != nil { count += 1 }
    return count
  }

  /// `text` cut to `width` cells, its last cell `…` when something was cut.
  public static func truncated(_ text: String, to width: Int) -> String {
    guard width > 0 else { return "" }
    guard DisplayText.width(text) > width else { return text }
    var kept = String.UnicodeScalarView()
    var count = 0
    for scalar in text.unicodeScalars where cell(for: scalar) != nil {
      if count == width - 1 { break }
      kept.append(scalar)
      count += 1
    }
    kept.append("…")
    return String(kept)
  }

  /// East Asian Wide and Fullwidth ranges and the emoji blocks (Unicode 15 EastAsianWidth.txt,
  /// the ranges that matter in practice).
  static func isWide(_ value: UInt32) -> Bool {
    switch value {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE,
      0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE,
      0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705,
      0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF,
      0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
      0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x18CFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E,
      0x1F191...0x1F19A, 0x1F200...0x1F2FF, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
      0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
      true
    default:
      false
    }
  }
}
