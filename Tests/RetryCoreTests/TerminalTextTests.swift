import Testing

@testable import RetryCore

/// Text from input files made safe for a terminal, and commands quoted for the shell.
@Suite struct TerminalTextTests {
  /// An OSC 52 clipboard write, a screen clear, a bell, a carriage return, DEL and C1 CSI.
  static let hostile = "a\u{1b}]52;c;SGVsbG8=\u{07}b\u{1b}[2J\r\n\tc\u{7f}d\u{9b}31m\u{00}"

  @Test func everyControlButNewlineAndTabIsShownNotObeyed() {
    #expect(TerminalText.sanitized(Self.hostile) == "a^[]52;c;SGVsbG8=^Gb^[[2J^M\n\tc^?d\u{FFFD}31m^@")
    #expect(TerminalText.sanitized("plain text, é, 日本, ✓\n\tok") == "plain text, é, 日本, ✓\n\tok")
  }

  @Test func theControlSetIsC0DelAndC1() {
    let controls = (0...0x10FFFF).compactMap(Unicode.Scalar.init).filter(TerminalText.isControl).map(\.value)
    #expect(controls == Array(0...0x1F) + Array(0x7F...0x9F))
  }

  /// Chunked bytes give what the whole string gives, however they are cut (a C1 character's two
  /// bytes split between two chunks included).
  @Test func theStreamFilterMatchesTheStringFunctionAtEveryCut() {
    let bytes = Array(Self.hostile.utf8) + Array("\u{85}end\u{C2}\u{A0}".utf8)
    let expected = Array(TerminalText.sanitized(String(decoding: bytes, as: UTF8.self)).utf8)
    for cut in 0...bytes.count {
      for second in cut...bytes.count {
        var filter = TerminalText.Filter()
        var out: [UInt8] = []
        for range in [0..<cut, cut..<second, second..<bytes.count] {
          bytes[range].withUnsafeBytes { filter.process($0) { out += $0 } }
        }
        filter.finish { out += $0 }
        #expect(out == expected, "cut at \(cut), \(second)")
      }
    }
  }

  @Test func jsonEscapesEveryControlSoPrintingItChangesNothing() throws {
    var json = ""
    JSONText.writeString(Self.hostile, into: &json)
    #expect(json == #""a\u001b]52;c;SGVsbG8=\u0007b\u001b[2J\r\n\tc\u007fd\u009b31m\u0000""#)
    #expect(TerminalText.sanitized(json) == json)
    #expect(try JSONParser.parse(json) == .string(Self.hostile))
  }

  @Test func shellQuotingKeepsEveryWordOneWord() {
    #expect(ShellQuoting.quote("ce.json") == "ce.json")
    #expect(ShellQuoting.quote("logs/app-1.log") == "logs/app-1.log")
    #expect(ShellQuoting.quote("a b;rm -rf x") == "'a b;rm -rf x'")
    #expect(ShellQuoting.quote("it's") == #"'it'\''s'"#)
    #expect(ShellQuoting.quote("$(reboot)`id`") == "'$(reboot)`id`'")
    #expect(ShellQuoting.quote("") == "''")
    #expect(ShellQuoting.quote("a\u{1b}[2J'b\n") == #"$'a\x1b[2J\'b\x0a'"#)
    #expect(ShellQuoting.quote("\u{9b}") == #"$'\xc2\x9b'"#)
    #expect(ShellQuoting.command(["retryscope", "tui", "a b.json", "--seed", "3"]) == "retryscope tui 'a b.json' --seed 3")
  }
}
