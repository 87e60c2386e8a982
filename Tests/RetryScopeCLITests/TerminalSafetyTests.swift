import Foundation
import RetryCore
import RetryIO
import RetryTUI
import Testing

@testable import RetryScopeCLI

/// Text from input files never drives the terminal: escape sequences in a scenario, a log line or
/// a file name are printed visibly (`^[`), and commands printed for pasting are shell-quoted.
@Suite struct TerminalSafetyTests {
  /// A title with an OSC 52 clipboard write, a screen clear and a C1 CSI; a payload with a bell.
  static let yaml = #"""
    name: evil
    title: "evil \e]52;c;SGVsbG8=\a \e[2J \x9b31m"
    function:
      functionName: echo
    handler:
      - name: respond
        return: {b: "${event.a}"}
    invocations:
      - id: A
        type: RequestResponse
        payload: {a: "ring \a\r"}

    """#

  /// No character a terminal acts on, but newlines and tabs.
  static func isSafe(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { !TerminalText.isControl($0) || $0 == "\n" || $0 == "\t" }
  }

  static func withScenario<T>(named name: String = "evil.yaml", _ body: (String, String) throws -> T) throws -> T {
    try ImportCommandTests.withDirectory { directory in
      let path = directory + "/" + name
      try Self.yaml.write(toFile: path, atomically: false, encoding: .utf8)
      return try body(directory, path)
    }
  }

  /// `run`, `check`, `diff`, `validate`: what they print of the scenario is shown, not obeyed.
  @Test func textOutputsShowEscapeSequencesVisibly() throws {
    try Self.withScenario { _, path in
      let run = RetryScope.execute(["run", path])
      #expect(run.exitCode == 0)
      #expect(Self.isSafe(run.stdout))
      #expect(run.stdout.contains("evil ^[]52;c;SGVsbG8=^G ^[[2J \u{FFFD}31m"))
      for arguments in [["check", path, "--max-faults", "1"], ["diff", path, path], ["validate", path]] {
        let result = RetryScope.execute(arguments)
        #expect(result.exitCode == 0, "\(arguments)")
        #expect(Self.isSafe(result.stdout + result.stderr), "\(arguments)")
      }
    }
  }

  /// The executable streams `run`: the stream is filtered as the strings are.
  @Test func streamedOutputIsFilteredToo() throws {
    try Self.withScenario { _, path in
      var bytes: [UInt8] = []
      let result = RetryScope.execute(["run", path]) { bytes += $0 }
      #expect(result.exitCode == 0)
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(Self.isSafe(text))
      #expect(text == RetryScope.execute(["run", path]).stdout)
    }
  }

  /// JSON keeps every character, escaped: valid, lossless, and unchanged by the filter.
  @Test func jsonStaysValidAndLossless() throws {
    try Self.withScenario { _, path in
      var bytes: [UInt8] = []
      _ = RetryScope.execute(["run", path, "--format", "json"]) { bytes += $0 }
      let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
      let meta = try #require(object["meta"] as? [String: Any])
      #expect(meta["title"] as? String == "evil \u{1b}]52;c;SGVsbG8=\u{07} \u{1b}[2J \u{9b}31m")
      #expect(Self.isSafe(String(decoding: bytes, as: UTF8.self)))
      // The events and JSON-lines log formats are JSON too (the events' messages are logged JSON
      // in a JSON string: escaped twice).
      for (format, escaped) in [("events", #"ring \\u0007\\r"#), ("json-lines", #"ring \u0007\r"#)] {
        var logs: [UInt8] = []
        _ = RetryScope.execute(["run", path, "--format", "logs", "--log-format", format]) { logs += $0 }
        let text = String(decoding: logs, as: UTF8.self)
        #expect(Self.isSafe(text))
        #expect(text.contains(escaped), "\(format)")
      }
    }
  }

  /// Error messages quote what the user typed: that too is shown visibly.
  @Test func errorMessagesQuotingInputAreSafe() {
    let result = RetryScope.execute(["run", "no\u{1b}]52;c;AAAA\u{07}such"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.hasPrefix("error: unknown scenario 'no^[]52;c;AAAA^Gsuch'"))
    #expect(Self.isSafe(result.stderr))
  }

  /// A log line with an escape sequence (a raw ESC and a JSON-escaped one): `import` and `run`
  /// print it visibly.
  @Test func importedLogsAreShownVisibly() throws {
    try ImportCommandTests.withDirectory { directory in
      let original = try String(contentsOfFile: OutputFileTests.log, encoding: .utf8)
      let hostile = original.replacingOccurrences(of: "mail server down", with: #"mail \u001b[2J server \u001b]52;c;SGVsbG8=\u0007 down"#)
        .replacingOccurrences(of: "INFO\t{\"event\":{\"orderId\":\"o-1\"}}", with: "INFO\t\u{1b}[31mred\u{1b}[0m {\"event\":{\"orderId\":\"o-1\"}}")
      #expect(hostile != original)
      let path = directory + "/evil\u{1b}[2J.log"
      try hostile.write(toFile: path, atomically: false, encoding: .utf8)
      for arguments in [["import", path], ["run", path], ["run", path, "--format", "logs", "--log-format", "raw"]] {
        let result = RetryScope.execute(arguments)
        #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
        #expect(Self.isSafe(result.stdout), "\(arguments)")
      }
      #expect(RetryScope.execute(["import", path]).stdout.contains("evil^[[2J.log"))
      #expect(RetryScope.execute(["run", path]).stdout.contains("mail ^[[2J server ^[]52;c;SGVsbG8=^G down"))
    }
  }

  // MARK: commands to paste

  /// The words of a printed command as bash reads them: what pasting it would run.
  static func bashWords(_ command: String) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "printf '%s\\0' " + command]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
  }

  @Test(arguments: ["a b;rm -rf x.json", "it's \"quoted\" $(id) `id`.json", "esc\u{1b}]52;c;AAAA\u{07}.json", "plain.json"])
  func quotedWordsPasteBackAsThemselves(_ word: String) throws {
    #expect(try Self.bashWords(ShellQuoting.command(["retryscope", "tui", word])) == ["retryscope", "tui", word])
    #expect(Self.isSafe(ShellQuoting.quote(word)))
  }

  /// `open it: retryscope tui FILE` names the written file so that pasting it opens that file.
  @Test func theOpenItLineIsShellQuoted() throws {
    try ImportCommandTests.withDirectory { directory in
      let out = directory + "/a b;rm -rf x'.json"
      let result = RetryScope.execute(["import", OutputFileTests.log, "--out", out])
      #expect(result.exitCode == 0)
      let line = try #require(result.stdout.split(separator: "\n").last)
      #expect(line == "open it: retryscope tui \(ShellQuoting.quote(out))")
      #expect(try Self.bashWords(String(line.dropFirst("open it: ".count))) == ["retryscope", "tui", out])
    }
  }

  /// The replay line printed when the terminal UI quits: each file one word, whatever its name.
  @Test func theReplayLineIsShellQuoted() throws {
    try ImportCommandTests.withDirectory { directory in
      let first = directory + "/it's one.log"
      let second = directory + "/two;rm -rf x.log"
      try FileManager.default.copyItem(atPath: OutputFileTests.log, toPath: first)
      try FileManager.default.copyItem(atPath: ImportCommandTests.fixtures + "raw-new-timeout.log", toPath: second)
      let state = try TUISetup.initialState(
        scenario: first, moreLogs: [second], importOptions: LogOpenOptions(correlate: "event.orderId"), seed: nil, theme: .mono,
        ascii: false, size: Size(width: 80, height: 24))
      #expect(try Self.bashWords(state.reproduceCommand) == ["retryscope", "tui", first, second, "--correlate", "event.orderId"])
      try Self.withScenario(named: "my scenario.yaml") { _, path in
        let scenario = try TUISetup.initialState(scenario: path, seed: 3, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
        #expect(scenario.reproduceCommand == "retryscope tui '\(path)' --seed 3")
      }
    }
  }
}
