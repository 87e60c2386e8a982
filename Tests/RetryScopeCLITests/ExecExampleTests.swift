import Foundation
import Testing

/// The examples in `examples/exec/`, each run end to end as a user runs it: `retryscope exec` on
/// the scenario, the handler a real `python3` or `node` process. Each test asserts the trace's
/// effects (who changed what, which are duplicates, with the bodies the handler sent), written by
/// `--out`, and the text report's ledger that the same run printed.
@Suite(.serialized) struct ExecExampleTests {
  static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/exec").path

  /// One effect of the trace, as the tests compare it: the body or item as compact JSON with
  /// sorted keys.
  struct Effect: Equatable, CustomStringConvertible {
    var actor: String
    var target: String
    var kind: String
    var duplicateOf: Int?
    var after: String

    var description: String { "\(actor) \(kind) \(target) \(after)\(duplicateOf.map { " duplicateOf \($0)" } ?? "")" }
  }

  /// A finished example run: its trace's effects, its text report's lines, the trace itself.
  struct Run {
    var effects: [Effect]
    var lines: [String]
    var trace: [String: Any]
  }

  /// Runs `retryscope exec examples/exec/<name>.yaml --out FILE` (the real handler processes):
  /// its text report, and the trace it wrote.
  static func run(
    _ name: String, environment: [String: String]? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> Run {
    let scenario = folder + "/" + name + ".yaml"
    let file = NSTemporaryDirectory() + "retryscope-example-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: file) }
    let exec = try ExecutableTests.run(["exec", scenario, "--out", file], environment: environment)
    try #require(exec.status == 0, "exec \(name) exited \(exec.status): \(exec.stderr)", sourceLocation: sourceLocation)
    #expect(exec.stderr == "", sourceLocation: sourceLocation)
    let lines = exec.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.suffix(2) == ["wrote \(file): open it with 'retryscope tui \(file)'", ""], sourceLocation: sourceLocation)
    let trace = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any],
      sourceLocation: sourceLocation)
    let effects = try #require(trace["effects"] as? [[String: Any]], sourceLocation: sourceLocation).map { effect in
      Effect(
        actor: effect["actor"] as? String ?? "", target: effect["target"] as? String ?? "",
        kind: effect["kind"] as? String ?? "", duplicateOf: effect["duplicateOf"] as? Int,
        after: compact(effect["after"]))
    }
    return Run(effects: effects, lines: lines, trace: trace)
  }

  /// JSON with sorted keys and no spaces (`null` for nothing).
  static func compact(_ value: Any?) -> String {
    guard let value, !(value is NSNull) else { return "null" }
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
    else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
  }

  /// The line of the report's effects table for effect `number`, without its measured time.
  static func ledgerLine(_ run: Run, _ number: Int) -> String? {
    run.lines.first { $0.hasPrefix("  \(number) ") && $0.contains("#") }.map {
      $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).joined(separator: " ")
    }
  }

  // MARK: newsletter (slide 24)

  /// The newsletter handler in Python (urllib) and in Node.js (node's fetch): the mailing list's
  /// answer is lost (the service subscribed the address, then held its reply past the 3 s
  /// deadline); Lambda's retry POSTs the same event again. Waits the 3 s function timeout in real
  /// time (the held reply).
  @Test(arguments: [("newsletter", "Python"), ("newsletter-node", "Node.js")])
  func newsletterSubscribesTwiceAfterALostAnswer(name: String, language: String) throws {
    let run = try Self.run(name)
    #expect(
      run.effects == [
        Effect(actor: "A#1", target: "mailing-list", kind: "post", duplicateOf: nil, after: #"{"mail":"y@example.com"}"#),
        Effect(actor: "A#2", target: "mailing-list", kind: "post", duplicateOf: 0, after: #"{"mail":"y@example.com"}"#),
      ])
    #expect(
      run.lines.first
        == "\(name) · seed 1 · A real \(language) handler: the mailing list's answer is lost, the retry subscribes twice (slide 24)")
    #expect(run.lines.contains { $0.hasSuffix("A#1 times out after 3s: Lambda stops it, but what it already did stays done.") })
    #expect(run.lines.contains { $0.contains("A#2 returns {} after ") })
    #expect(Self.ledgerLine(run, 1) == "A#1 mailing-list post POST https://mailch.imp/add HTTP 200")
    #expect(Self.ledgerLine(run, 2) == "A#2 mailing-list post POST https://mailch.imp/add DUPLICATE of #1 (A#1); HTTP 200")
    #expect(run.lines.contains("  A: 2 executions; succeeded"))
    #expect(run.lines.contains("  1 invocation, 2 executions, 2 changes to the outside world, 1 duplicate."))
  }

  // MARK: every example

  /// `--out` writes the trace of the run it printed: `run` (and the terminal UI, through the same
  /// loader) opens it and tells the same story.
  @Test func outWritesTheTraceOfTheRunItPrinted() throws {
    let file = NSTemporaryDirectory() + "retryscope-example-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: file) }
    let exec = try ExecutableTests.run(["exec", Self.folder + "/welcome-mail.yaml", "--out", file])
    #expect(exec.status == 0, "\(exec.stderr)")
    let replay = try ExecutableTests.run(["run", file])
    #expect(replay.status == 0)
    #expect(exec.stdout == replay.stdout + "wrote \(file): open it with 'retryscope tui \(file)'\n")
  }

  /// A trace that cannot be written is refused before any handler runs: one line, exit 2.
  @Test func outIsRefusedBeforeTheHandlerRuns() throws {
    let scenario = Self.folder + "/welcome-mail.yaml"
    let over = try ExecutableTests.run(["exec", scenario, "--out", scenario])
    #expect(over.status == 2)
    #expect(over.stdout == "")
    #expect(over.stderr == "error: \(scenario): is also an input of this command; write the output to another file\n")
    let missing = try ExecutableTests.run(["exec", scenario, "--out", "/nonexistent-folder/trace.json"])
    #expect(missing.status == 2)
    #expect(missing.stdout == "")
    #expect(missing.stderr == "error: /nonexistent-folder/trace.json: no such file or directory\n")
  }

  /// Every scenario in examples/exec loads (its code folder exists), and the README's table of
  /// examples names every one of them.
  @Test func everyExampleValidatesAndTheReadmeNamesIt() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(names.count >= 4)
    let readme = try String(contentsOf: ReadmeTests.readme, encoding: .utf8)
    for name in names {
      let path = Self.folder + "/" + name
      let validate = try ExecutableTests.run(["validate", path])
      #expect(validate.status == 0, "\(name): \(validate.stderr)")
      #expect(validate.stdout.hasPrefix("\(path): ok: scenario '\(name.dropLast(5))'"), "\(validate.stdout)")
      #expect(readme.contains("| `\(name)` |"), "README: the table of examples does not name \(name)")
    }
  }
}
