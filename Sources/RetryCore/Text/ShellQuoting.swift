/// Commands RetryScope prints for the user to paste (`open it: retryscope tui FILE`, the replay
/// line printed when the terminal UI quits), quoted so that pasting one runs exactly that command
/// whatever the file is called: `a b;rm -rf x` stays one argument, never a second command.
public enum ShellQuoting {
  /// `word` as one shell word: unchanged when it is only ASCII letters, digits and `@%+=:,./_-`;
  /// else in single quotes, a `'` inside written `'\''`. A word with a control character (an
  /// escape, a newline) is written `$'...'` with `\xHH` escapes instead (bash, zsh, ksh and
  /// POSIX.1-2024 sh), so that the printed command holds no character a terminal acts on.
  public static func quote(_ word: String) -> String {
    guard !word.isEmpty else { return "''" }
    if word.unicodeScalars.allSatisfy(isSafe) { return word }
    if word.unicodeScalars.contains(where: TerminalText.isControl) {
      var out = "$'"
      for scalar in word.unicodeScalars {
        switch scalar {
        case "'": out += "\\'"
        case "\\": out += "\\\\"
        case _ where TerminalText.isControl(scalar):
          // UTF-8 bytes: `$'\xc2\x9b'` is the C1 character itself.
          for byte in String(scalar).utf8 { out += "\\x" + hex(byte) }
        default: out.unicodeScalars.append(scalar)
        }
      }
      return out + "'"
    }
    var out = "'"
    for scalar in word.unicodeScalars {
      if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
    }
    return out + "'"
  }

  /// The words quoted one by one, separated by spaces.
  public static func command(_ words: [String]) -> String {
    words.map(quote).joined(separator: " ")
  }

  private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "@", "%", "+", "=", ":", ",", ".", "/", "_", "-": true
    default: false
    }
  }

  private static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
  }
}
