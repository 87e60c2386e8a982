import Foundation
import Testing
@testable import RetryScopeCLI

/// The README's sample output is what the program prints: the README stays true at every commit.
@Suite struct ReadmeTests {
  static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("README.md")

  /// The README's sample output after the command line `$ command`, up to the code block's end.
  static func sample(after command: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let text = try String(contentsOf: readme, encoding: .utf8)
    let start = try #require(text.range(of: "$ \(command)\n"), sourceLocation: sourceLocation).upperBound
    let end = try #require(text.range(of: "\n```", range: start..<text.endIndex), sourceLocation: sourceLocation).lowerBound
    return String(text[start..<end]) + "\n"
  }

  @Test func sampleRunMatchesTheProgramsOutput() throws {
    let sample = try Self.sample(after: "swift run retryscope run create-user")
    let result = RetryScope.execute(["run", "create-user"])
    #expect(result.stdout == sample)
  }

  @Test func quickStartCommandsAreTheOnesThatWork() throws {
    let text = try String(contentsOf: Self.readme, encoding: .utf8)
    #expect(text.contains("swift run retryscope "))
    #expect(text.contains("swift test "))
    // `retryscope` alone opens the terminal UI: under `swift test` there is no terminal, so it
    // exits 2 with a one-line error pointing at the text command.
    let bare = RetryScope.execute([])
    #expect(bare.exitCode == 2)
    #expect(bare.stderr.hasPrefix("error: the terminal UI needs a terminal"))
  }

  @Test func sampleImportMatchesTheProgramsOutput() throws {
    let relative = "Tests/RetryLogsTests/Fixtures/raw-async-retries.log"
    let sample = try Self.sample(after: "swift run retryscope import \(relative)")
    let root = Self.readme.deletingLastPathComponent().path + "/"
    let result = RetryScope.execute(["import", root + relative])
    #expect(result.exitCode == 0)
    #expect(result.stdout.replacingOccurrences(of: root, with: "") == sample)
  }

  /// Every `swift run retryscope ...` line of the README parses: no option it shows is misspelt
  /// or gone.
  @Test func everyCommandLineInTheReadmeParses() throws {
    let text = try String(contentsOf: Self.readme, encoding: .utf8)
    var checked = 0
    for line in text.split(separator: "\n") {
      var command = String(line)
      if command.hasPrefix("$ ") { command.removeFirst(2) }
      for prefix in ["swift run -c release retryscope", "swift run retryscope"] where command.hasPrefix(prefix) {
        let arguments = String(command.dropFirst(prefix.count)).split(separator: "#")[0]
          .split(separator: " ").map(String.init)
        do {
          _ = try RetryScopeCommand.parseAsRoot(arguments)
        } catch {
          Issue.record("README: '\(command)' does not parse: \(RetryScopeCommand.fullMessage(for: error))")
        }
        checked += 1
      }
    }
    #expect(checked >= 15)
  }

  /// The README's "nothing to judge" sample is the whole of what `check sync-error` prints.
  @Test func sampleNothingToJudgeMatchesTheProgramsOutput() throws {
    let sample = try Self.sample(after: "swift run retryscope check sync-error")
    let result = RetryScope.execute(["check", "sync-error"])
    #expect(result.exitCode == 4)
    #expect(result.stdout == sample)
  }

  /// The README's check sample is the start of what the program prints (it ends with `...`).
  @Test func sampleCheckIsTheStartOfTheProgramsOutput() throws {
    var sample = try Self.sample(after: "swift run retryscope check newsletter-post --max-faults 1")
    #expect(sample.hasSuffix("...\n"))
    sample.removeLast(4)
    let result = RetryScope.execute(["check", "newsletter-post", "--max-faults", "1"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.hasPrefix(sample))
  }
}
