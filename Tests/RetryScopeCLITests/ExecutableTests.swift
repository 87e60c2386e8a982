import Foundation
import Testing

/// The built binary, as a user runs it: output streams and exit codes.
@Suite struct ExecutableTests {
  /// `.build/<triple>/debug/retryscope`, next to the test bundle.
  static var binary: URL? {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = directory.appendingPathComponent("retryscope")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory = directory.deletingLastPathComponent()
    }
    let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/retryscope")
    return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
  }

  static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (stdout: String, stderr: String, status: Int32) {
    let process = Process()
    let executable: URL = try #require(binary, "build the retryscope executable first")
    process.executableURL = executable
    process.arguments = arguments
    if let environment {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe()
    let err = Pipe()
    // Never the test's own stdin: with pipes all round, the binary cannot take over a terminal.
    process.standardInput = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self), process.terminationStatus)
  }

  /// No arguments opens the terminal UI; with pipes instead of a terminal that is one line of
  /// error pointing at the text output, and exit 2.
  @Test func noArgumentsWithoutATerminalPointsAtRun() throws {
    let result = try Self.run([])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "error: the terminal UI needs a terminal (stdin and stdout); for text output use 'retryscope run async-retries-dlq'\n"
    )
  }

  /// `LANG=C` (no UTF-8) makes `run` write plain ASCII, as `--ascii` does: every byte below
  /// 0x80, the caption's `…` spelt `...`.
  @Test func runUnderLangCIsASCII() throws {
    for arguments in [["run", "create-user"], ["run", "create-user", "--format", "frame", "--at", "A#1"]] {
      let result = try Self.run(arguments, environment: ["LANG": "C", "LC_ALL": "", "LC_CTYPE": ""])
      #expect(result.status == 0)
      #expect(result.stdout.utf8.allSatisfy { $0 < 0x80 }, "\(arguments)")
      #expect(result.stdout.contains("db12e54b...)"), "\(arguments)")
      let unicode = try Self.run(arguments, environment: ["LANG": "C.UTF-8", "LC_ALL": "", "LC_CTYPE": ""])
      #expect(unicode.stdout.contains("db12e54b…)"), "\(arguments)")
    }
  }

  /// An unknown scenario is reported before the missing terminal: one line, exit 2.
  @Test func tuiWithAnUnknownScenarioIsOneLineAndExitTwo() throws {
    let result = try Self.run(["tui", "no-such-scenario"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: unknown scenario 'no-such-scenario'"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func badInputIsOneLineOnStderrAndExitTwo() throws {
    let result = try Self.run(["run", "no-such-scenario"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: unknown scenario 'no-such-scenario'"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  /// Every command that reads a named file refuses a device at once, in one line, exit 2 (it
  /// had read `/dev/zero` until memory ran out).
  @Test func aDeviceIsExitTwoForEveryCommand() throws {
    let scenario = "error: /dev/zero: cannot read file: it is a character device, not a regular file\n"
    let trace = "error: /dev/zero: is a character device, not a regular file\n"
    for (arguments, expected) in [
      (["validate", "/dev/zero"], scenario), (["check", "/dev/zero"], scenario), (["run", "/dev/zero"], trace),
      (["tui", "/dev/zero"], trace), (["import", "/dev/zero"], trace), (["diff", "echo", "/dev/zero"], trace),
    ] {
      let result = try Self.run(arguments)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr == expected, "\(arguments)")
    }
  }

  @Test func aMissingFileIsExitTwo() throws {
    let result = try Self.run(["validate", "/nonexistent/scenario.yaml"])
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("error: /nonexistent/scenario.yaml: cannot read file"))
  }
}
