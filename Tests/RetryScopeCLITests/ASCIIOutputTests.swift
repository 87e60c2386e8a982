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
