import Foundation
import Testing

/// `retryscope exec`'s other outputs: the CloudWatch logs of a real run (what the handler printed,
/// REPORT with the measured Init Duration), printed lines made safe, and `client: awslambdaric`.
@Suite(.serialized) struct ExecOutputTests {
  /// A scenario file and its code folder in a temporary folder, removed afterwards.
  static func withScenario<T>(
    _ exec: String, code: [String: String], _ body: (String) throws -> T
  ) throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-exec-output-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/code", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, source) in code { try source.write(toFile: folder + "/code/" + name, atomically: true, encoding: .utf8) }
    let yaml = """
      name: printing
      handler:
        exec: \(exec)
      invocations:
        - {id: A, type: RequestResponse, payload: {mail: ada@example.com}}
        - {id: B, type: RequestResponse, at: 5000, payload: {mail: bob@example.com}}
      """
    try yaml.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
    return try body(folder + "/s.yaml")
  }

  static let printing = "print('loading')\ndef handler(event, context):\n    print('hello', event['mail'], '\\x1b[2J')\n    return 1\n"

  /// `--format logs`: one INIT_START and one Init Duration (the cold start), the printed lines
  /// between START and END as the Python runtime writes application lines.
  @Test func theLogsOfARealRunShowTheMeasuredInitDuration() throws {
    try Self.withScenario("{runtime: python, handler: app.handler, code: code}", code: ["app.py": Self.printing]) { file in
      let result = try ExecutableTests.run(["exec", file, "--format", "logs", "--log-format", "raw"])
      #expect(result.status == 0)
      #expect(result.stderr == "")
      let lines = result.stdout.split(separator: "\n").map(String.init)
      #expect(lines.filter { $0.hasPrefix("INIT_START ") }.count == 1)
      let reports = lines.filter { $0.hasPrefix("REPORT RequestId: ") }
      #expect(reports.count == 2)
      #expect(reports[0].contains("\tInit Duration: ") && !reports[1].contains("Init Duration"))
      #expect(lines.contains { $0.hasPrefix("[INFO]\t") && $0.hasSuffix("\tloading") })
      #expect(lines.contains { $0.hasSuffix("\thello bob@example.com ^[[2J") })
      // The measured init, not a drawn one: the trace's report says the same number.
      let json = try ExecutableTests.run(["exec", file, "--format", "json"])
      #expect(json.stdout.contains("\"initDurationMs\""))
    }
  }

  /// What a handler prints is text from outside: the escape sequence it printed is shown, never obeyed.
  @Test func printedLinesAreInTheTimelineMadeSafe() throws {
    try Self.withScenario("{runtime: python, handler: app.handler, code: code}", code: ["app.py": Self.printing]) { file in
      let result = try ExecutableTests.run(["exec", file])
      #expect(result.status == 0)
      #expect(!result.stdout.contains("\u{1B}"))
      let lines = result.stdout.split(separator: "\n").map(String.init)
      #expect(lines.contains { $0.hasSuffix("A#1  loading") })
      #expect(lines.contains { $0.hasSuffix("A#1  hello ada@example.com ^[[2J") })
      #expect(lines.contains { $0.hasSuffix("B#1  hello bob@example.com ^[[2J") })
    }
  }

  @Test func logFormatNeedsFormatLogs() throws {
    let result = try ExecutableTests.run(["exec", ExecCommandTests.example, "--log-format", "raw"])
    #expect(result.status == 2)
    #expect(result.stderr == "error: --log-format needs --format logs\n")
  }

  /// `client: awslambdaric` runs AWS's runtime client; without it installed, one line says so.
  @Test func awslambdaricRunsTheHandlerOrSaysItIsMissing() throws {
    try Self.withScenario(
      "{runtime: python, client: awslambdaric, handler: app.handler, code: code}", code: ["app.py": Self.printing]
    ) { file in
      let result = try ExecutableTests.run(["exec", file])
      #expect(result.status == 0)
      #expect(result.stdout.contains("  2 invocations, 2 executions"))

      // A python3 that does not see its site-packages (-S): awslambdaric cannot be imported.
      let bin = URL(fileURLWithPath: file).deletingLastPathComponent().path + "/bin"
      try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
      let python = try #require(
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
          .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) })
      try "#!/bin/sh\nexec \(python) -S \"$@\"\n".write(toFile: bin + "/python3", atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/python3")
      let missing = try ExecutableTests.run(["exec", file], environment: ["PATH": bin + ":/usr/bin:/bin"])
      #expect(missing.status == 2)
      #expect(missing.stdout == "")
      #expect(
        missing.stderr
          == "error: \(file): cannot run the handler: python3 cannot import awslambdaric (install it: python3 -m pip install awslambdaric)\n")
    }
  }
}
