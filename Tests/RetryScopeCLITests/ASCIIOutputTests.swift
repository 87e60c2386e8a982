import Foundation
import RetryIO
import Testing

@testable import RetryScopeCLI

/// `--ascii`, or a locale without UTF-8, means every byte the text commands write is ASCII.
@Suite struct ASCIIOutputTests {
  static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

  @Test func runTextOfEveryBuiltInScenarioIsASCIIUnderAsciiAndLangC() {
    for name in BuiltinScenarios.names {
      let flag = RetryScope.execute(["run", name, "--ascii"])
      #expect(flag.exitCode == 0)
      #expect(Self.isASCII(flag.stdout), "\(name) --ascii")
      let locale = RetryScope.execute(["run", name], environment: ["LANG": "C"])
      #expect(locale.stdout == flag.stdout, "\(name) LANG=C")
    }
  }

  @Test func theLocaleIsReadAsPOSIXReadsIt() {
    #expect(TextEncoding.isUTF8([:]))
    #expect(TextEncoding.isUTF8(["LANG": "en_US.UTF-8"]))
    #expect(TextEncoding.isUTF8(["LANG": "C.utf8"]))
    #expect(!TextEncoding.isUTF8(["LANG": "C"]))
    #expect(!TextEncoding.isUTF8(["LANG": "POSIX"]))
    #expect(!TextEncoding.isUTF8(["LANG": "en_US.UTF-8", "LC_ALL": "C"]))
    #expect(!TextEncoding.isUTF8(["LANG": "en_US.UTF-8", "LC_CTYPE": "de_DE.ISO-8859-1"]))
    #expect(TextEncoding.isUTF8(["LANG": "C", "LC_CTYPE": "C.UTF-8"]))
    #expect(TextEncoding.isUTF8(["LANG": "C.UTF-8", "LC_ALL": ""]))
  }

  @Test func diffUnderLangCIsASCII() {
    let result = RetryScope.execute(["diff", "create-user", "client-token"], environment: ["LANG": "C"])
    #expect(result.exitCode == 1)
    #expect(Self.isASCII(result.stdout))
  }

  @Test func checkUnderLangCIsASCII() {
    let result = RetryScope.execute(["check", "create-user", "--max-faults", "1"], environment: ["LANG": "C"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("[A#1 "))
    #expect(Self.isASCII(result.stdout))
    let flag = RetryScope.execute(["check", "create-user", "--max-faults", "1", "--ascii"])
    #expect(flag.stdout == result.stdout)
  }

  /// `import` takes `--ascii` too, and a locale without UTF-8 turns it on: the summary (and the
  /// progress bar a terminal would show) is ASCII, whatever the logs hold.
  @Test func importUnderLangCIsASCII() throws {
    let log = NSTemporaryDirectory() + "retryscope-ascii-\(UUID().uuidString)-Zürich.log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    let id = "aaaaaaaa-0000-4000-8000-000000000001"
    let text = """
      2025-03-01T10:00:00.000Z START RequestId: \(id) Version: $LATEST
      2025-03-01T10:00:00.050Z\t\(id)\tINFO\t{"effect": {"kind": "insert", "target": "städte", "key": "Zürich→Genève"}}
      2025-03-01T10:00:00.100Z REPORT RequestId: \(id)\tDuration: 100.00 ms
      START RequestId: \(id) Version: $LATEST
      2025-03-01T10:01:00.050Z\t\(id)\tINFO\t{"effect": {"kind": "insert", "target": "städte", "key": "Zürich→Genève"}}
      2025-03-01T10:01:00.100Z REPORT RequestId: \(id)\tDuration: 100.00 ms

      """
    try Data(text.utf8).write(to: URL(fileURLWithPath: log))
    let unicode = RetryScope.execute(["import", log])
    #expect(unicode.exitCode == 0)
    #expect(unicode.stdout.contains("städte[Zürich→Genève]"))
    let locale = RetryScope.execute(["import", log], environment: ["LANG": "C"])
    #expect(locale.exitCode == 0)
    #expect(Self.isASCII(locale.stdout))
    #expect(locale.stdout.contains("st?dte[Z?rich->Gen?ve]"))
    let flag = RetryScope.execute(["import", log, "--ascii"])
    #expect(flag.stdout == locale.stdout)
  }

  @Test func framesUnderLangCAreASCII() {
    for name in ["create-user", "user-exists", "sqs-redrive", "kinesis-serialize"] {
      for at in ["start", "A#1", "end"] where !(name.hasPrefix("sqs") || name.hasPrefix("kinesis")) || at != "A#1" {
        let result = RetryScope.execute(["run", name, "--format", "frame", "--at", at], environment: ["LC_ALL": "POSIX"])
        #expect(result.exitCode == 0, "\(name) \(at): \(result.stderr)")
        #expect(Self.isASCII(result.stdout), "\(name) \(at)")
      }
    }
  }
}
