/// Text from input files made safe to print on a terminal.
///
/// Scenario files, logs and traces can hold any character, and a terminal obeys some of them: an
/// escape sequence clears the screen, moves the cursor or (OSC 52) writes the clipboard; a carriage
/// return overwrites the start of the line. Every text RetryScope prints (stdout and stderr of the
/// CLI) and every cell the terminal UI draws goes through `isControl`, so that such a character is
/// shown, never obeyed:
///
/// - C0 controls and DEL in caret notation, as `cat -v` and `less` show them: ESC is `^[`, CR `^M`,
///   BEL `^G`, DEL `^?`. The rest of an escape sequence (`]52;c;...`) is plain printable text once
///   its ESC is gone. Newline and tab stay: the layout of every text output uses them.
/// - C1 controls (U+0080-U+009F, which some terminals obey as CSI, OSC, ...) as U+FFFD: in a text
///   file they are almost always a mis-decoded byte, which is what U+FFFD means.
///
/// JSON output is never changed: its writers escape every one of these characters (`\u001b`), so
/// JSON stays byte for byte what a machine reads. docs/DECISIONS.md "Terminal safety".
public enum TerminalText {
  /// C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F): the characters a terminal may act on.
  @inlinable
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  /// What `scalar`, a control, prints as: `^[` for ESC, `^?` for DEL, U+FFFD for C1.
  public static func visible(_ scalar: Unicode.Scalar) -> String {
    switch scalar.value {
    case 0..<0x20: "^" + String(Character(Unicode.Scalar(UInt8(scalar.value) + 0x40)))
    case 0x7F: "^?"
    default: "\u{FFFD}"
    }
  }

  /// `text` with every control except newline and tab replaced by its visible form.
  public static func sanitized(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isControl(scalar) && scalar != "\n" && scalar != "\t" {
        out.append(contentsOf: visible(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// `sanitized` for UTF-8 text that arrives in chunks (a streamed log or report): a C1 control's
  /// two bytes (C2 80-9F) may be split between two chunks, so a trailing C2 waits for the next
  /// chunk. Call `finish` after the last chunk.
  public struct Filter {
    private var pendingC2 = false
    private var buffer: [UInt8] = []

    public init() {}

    /// Hands `chunk`, made safe, to `sink` (in one call, unchanged bytes when there is nothing to
    /// replace).
    public mutating func process(_ chunk: UnsafeRawBufferPointer, to sink: (UnsafeRawBufferPointer) -> Void) {
      guard !chunk.isEmpty else { return }
      guard !pendingC2 && !chunk.contains(where: Self.needsLook) else {
        return rewrite(chunk, to: sink)
      }
      sink(chunk)
    }

    /// Sends what is still held back (a lone C2 at the very end).
    public mutating func finish(to sink: (UnsafeRawBufferPointer) -> Void) {
      guard pendingC2 else { return }
      pendingC2 = false
      [UInt8(0xC2)].withUnsafeBytes(sink)
    }

    /// Bytes that may start a control: C0 except newline and tab, DEL, and C2 (the lead byte of C1).
    private static func needsLook(_ byte: UInt8) -> Bool {
      (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F || byte == 0xC2
    }

    private mutating func rewrite(_ chunk: UnsafeRawBufferPointer, to sink: (UnsafeRawBufferPointer) -> Void) {
      buffer.removeAll(keepingCapacity: true)
      buffer.reserveCapacity(chunk.count + 8)
      var index = 0
      if pendingC2 {
        pendingC2 = false
        if let first = chunk.first, (0x80...0x9F).contains(first) {
          buffer.append(contentsOf: [0xEF, 0xBF, 0xBD])
          index = 1
        } else {
          buffer.append(0xC2)
        }
      }
      while index < chunk.count {
        let byte = chunk[index]
        if byte == 0xC2 {
          if index + 1 == chunk.count {
            pendingC2 = true
          } else if (0x80...0x9F).contains(chunk[index + 1]) {
            buffer.append(contentsOf: [0xEF, 0xBF, 0xBD])
            index += 1
          } else {
            buffer.append(byte)
          }
        } else if byte < 0x20 && byte != 0x0A && byte != 0x09 {
          buffer.append(UInt8(ascii: "^"))
          buffer.append(byte + 0x40)
        } else if byte == 0x7F {
          buffer.append(contentsOf: [UInt8(ascii: "^"), UInt8(ascii: "?")])
        } else {
          buffer.append(byte)
        }
        index += 1
      }
      buffer.withUnsafeBytes(sink)
    }
  }
}
