import Foundation
import RetryIO
import Testing

@testable import RetryScopeCLI

/// `retryscope run --format frame`: the terminal UI's frame as text, and every error its options
/// can give.
@Suite struct FrameCommandTests {
  @Test func readmeFrameIsWhatTheProgramPrints() throws {
    let sample = try ReadmeTests.sample(after: "swift run retryscope run create-user --format frame --at 7")
    let result = RetryScope.execute(["run", "create-user", "--format", "frame", "--at", "7"])
    #expect(result.exitCode == 0)
    #expect(result.stdout == sample)
  }

  @Test func framesHaveTheRequestedSize() {
    let result = RetryScope.execute(["run", "async-interleave", "--format", "frame", "--size", "120x40"])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(result.exitCode == 0)
    #expect(lines.count == 40)
    #expect(lines.allSatisfy { $0.count <= 120 })
    #expect(lines[0].contains("step 21/21"))
  }

  @Test func atTakesEveryGotoForm() {
    func statusLine(_ at: String) -> String {
      String(RetryScope.execute(["run", "async-retries-dlq", "--format", "frame", "--at", at]).stdout.prefix { $0 != "\n" })
    }
    #expect(statusLine("1").contains("step 1/14"))
    #expect(statusLine("start").contains("step 1/14"))
    #expect(statusLine("end").contains("step 14/14"))
    #expect(statusLine("A#2").contains("t=1m06.031s"))
    #expect(statusLine("90s").contains("t=1m06.153s · step 10/14"))
  }

  @Test func asciiFramesAreASCII() {
    let result = RetryScope.execute(["run", "create-user", "--format", "frame", "--ascii"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.unicodeScalars.allSatisfy { $0.isASCII })
  }

  /// A size below the UI's minimum is a usage error (it printed a "too small" frame, or a blank
  /// line at 1x1), and so is one above the maximum (100000x100000 asked for 120 GB).
  @Test(arguments: [
    ("40x10", "40x10 is smaller than the smallest screen the UI draws on, 60x16"),
    ("1x1", "1x1 is smaller than the smallest screen the UI draws on, 60x16"),
    ("80x15", "80x15 is smaller than the smallest screen the UI draws on, 60x16"),
    ("100000x100000", "100000x100000 is larger than the largest frame drawn, 1000x500"),
    ("1001x24", "1001x24 is larger than the largest frame drawn, 1000x500"),
    ("99999999999999999999x24", "expected WIDTHxHEIGHT such as 80x24, got '99999999999999999999x24'"),
  ])
  func sizesOutsideTheUIsRangeAreUsageErrors(size: String, message: String) {
    let result = RetryScope.execute(["run", "echo", "--format", "frame", "--size", size])
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "error: --size: \(message)\n")
  }

  @Test func theSmallestAndTheLargestSizesAreDrawn() {
    for (size, width, height) in [("60x16", 60, 16), ("1000x500", 1000, 500)] {
      let result = RetryScope.execute(["run", "echo", "--format", "frame", "--size", size])
      let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      #expect(result.exitCode == 0)
      #expect(lines.count == height)
      #expect(lines.allSatisfy { $0.count <= width })
      #expect(lines[0].contains("step 9/9"), "\(size)")
    }
  }

  /// A time no trace can reach trapped (Double to Int); now it is one line and exit 2.
  @Test func aHugeTimeIsNoSuchTime() {
    let result = RetryScope.execute(["run", "create-user", "--format", "frame", "--at", "99999999999999999999s"])
    #expect(result.exitCode == 2)
    #expect(result.stderr == "error: --at: no such time: 99999999999999999999s is past the end of any trace\n")
  }

  @Test(arguments: [
    (["--format", "frame", "--at", "99"], "error: --at: no step 99: there are steps 1-14\n"),
    (["--format", "frame", "--at", "A#7"], "error: --at: no attempt A#7: A has A#1, A#2, A#3\n"),
    (["--format", "frame", "--at", "soon"], "error: --at: expected a step number, an attempt (A#2), a time (90s), start or end; got 'soon'\n"),
    (["--format", "frame", "--size", "80"], "error: --size: expected WIDTHxHEIGHT such as 80x24, got '80'\n"),
    (["--at", "3"], "error: --at needs --format frame\n"),
    (["--size", "80x24"], "error: --size needs --format frame\n"),
  ])
  func badFrameOptionsAreOneLineAndExitTwo(arguments: [String], message: String) {
    let result = RetryScope.execute(["run", "async-retries-dlq"] + arguments)
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == message)
  }

  @Test func themeFollowsTheFlagsThenNoColorThenTerm() {
    #expect(TUISetup.theme(explicit: nil, noColor: false, environment: [:]) == .dark)
    #expect(TUISetup.theme(explicit: .light, noColor: false, environment: [:]) == .light)
    #expect(TUISetup.theme(explicit: .light, noColor: true, environment: [:]) == .mono)
    #expect(TUISetup.theme(explicit: nil, noColor: false, environment: ["NO_COLOR": "1"]) == .mono)
    #expect(TUISetup.theme(explicit: nil, noColor: false, environment: ["NO_COLOR": ""]) == .dark)
    #expect(TUISetup.theme(explicit: .dark, noColor: false, environment: ["NO_COLOR": "1"]) == .dark)
    #expect(TUISetup.theme(explicit: nil, noColor: false, environment: ["TERM": "dumb"]) == .mono)
  }

  @Test func badThemeIsAUsageError() {
    let result = RetryScope.execute(["tui", "echo", "--theme", "neon"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("neon"))
  }

  /// `tui` is the default subcommand: a bare word is a scenario to open, and a misspelt command
  /// is told apart from a misspelt scenario before the terminal is touched.
  @Test(arguments: [
    (["lst"], "error: unknown command or scenario 'lst'; did you mean 'retryscope list'? (retryscope --help lists the commands)\n"),
    (["crate-user"], "error: unknown scenario 'crate-user'; did you mean: create-user? (retryscope list shows all)\n"),
    (["tui", "frobnicate"], "error: unknown scenario 'frobnicate'; retryscope list shows the built-in scenarios\n"),
    (["tui", "/nonexistent/mine.yaml"], "error: /nonexistent/mine.yaml: cannot read file: No such file or directory\n"),
  ])
  func badScenarioForTheTerminalUIIsOneLine(arguments: [String], message: String) {
    let result = RetryScope.execute(arguments)
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == message)
  }
}

/// The README's scenario table lists every built-in scenario, in the tour's order.
@Suite struct ReadmeScenarioTableTests {
  @Test func everyBuiltinScenarioIsListedInTourOrder() throws {
    let text = try String(contentsOf: ReadmeTests.readme, encoding: .utf8)
    let start = try #require(text.range(of: "## Scenarios\n")).upperBound
    let end = try #require(text.range(of: "\n## ", range: start..<text.endIndex)).lowerBound
    let listed = text[start..<end].split(separator: "\n").compactMap { line -> String? in
      guard line.hasPrefix("| "), let open = line.firstIndex(of: "`") else { return nil }
      let rest = line[line.index(after: open)...]
      return rest.firstIndex(of: "`").map { String(rest[..<$0]) }
    }
    #expect(listed == BuiltinScenarios.talkTour)
  }
}
