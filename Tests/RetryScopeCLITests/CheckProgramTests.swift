import Foundation
import RetryIO
import Testing

/// `retryscope check` of a scenario whose handler is a real program (`handler: {exec: ...}`):
/// every schedule runs real python3 processes, its faults strike the program's calls.
///
/// The scenarios set `timeout: 1` (Lambda's least): a timeout fault holds a call until the
/// function timeout, in real time.
@Suite(.serialized) struct CheckProgramTests {
  /// Mails the user once, then answers.
  static let mailOnce = """
    import json, os, urllib.request

    def handler(event, context):
        body = json.dumps({"to": event["mail"], "template": "welcome"}).encode()
        request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=body, method="POST")
        urllib.request.urlopen(request, timeout=5).read()
        return {"mailed": event["mail"]}
    """

  /// Calls nothing: output = f(input).
  static let square = """
    def handler(event, context):
        return {"square": event["n"] * event["n"]}
    """

  static func scenario(name: String, payload: String = "{mail: ada@example.com}") -> String {
    """
    name: \(name)
    function: {functionName: \(name), timeout: 1}
    endpoints:
      - {name: welcome-email, url: https://mail.example/send}
    handler:
      exec: {runtime: python, handler: app.handler, code: code}
    invocations:
      - {id: A, type: Event, payload: \(payload)}
    """
  }

  /// A folder with `code/app.py` and `s.yaml`, removed afterwards.
  static func withScenario<T>(_ yaml: String, code: String, _ body: (_ folder: String, _ path: String) throws -> T) throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-check-program-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/code", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try code.write(toFile: folder + "/code/app.py", atomically: true, encoding: .utf8)
    try yaml.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
    return try body(folder, folder + "/s.yaml")
  }

  /// The reference, then the five faults of A#1's one call: a crash or a timeout after the mail
  /// went out makes Lambda retry, and the retry mails again. The smallest counterexample names
  /// the call, and its saved trace opens like any other.
  @Test func aHandlerThatMailsAgainOnARetryIsNotIdempotent() throws {
    try Self.withScenario(Self.scenario(name: "mail-once"), code: Self.mailOnce) { folder, path in
      let saved = folder + "/ce.json"
      let result = try ExecutableTests.run(["check", path, "--max-faults", "1", "--max-duplicates", "0", "--save", saved])
      #expect(result.status == 1, "\(result.stderr)")
      #expect(result.stderr == "")
      let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      #expect(lines.first == "check mail-once: not idempotent: duplicate effects")
      #expect(
        lines.dropFirst().first
          == "explored: exhaustive, up to 1 fault and 0 duplicate deliveries or client retries: 6 schedules run "
          + "(0 repeated a run already seen), 2 distinct final states, 1 exactly-once order")
      #expect(
        lines.dropFirst(2).first
          == "faults at the program's calls, as many as each execution made: an error reply (HTTP 500), a timeout before "
          + "or after the service does the call (held past the deadline), a crash (SIGKILL) before or after it; every "
          + "schedule starts with no process")
      #expect(lines.contains { $0.hasPrefix("duplicate effects: smallest counterexample (1 fault, ") && $0.hasSuffix("): A#1 crash after call 1") })
      #expect(lines.contains { $0.contains("A#1's process dies after") })
      #expect(lines.contains { $0.hasSuffix("A#2  welcome-email  post  POST https://mail.example/send  DUPLICATE of #1 (A#1); HTTP 200") })
      #expect(lines.contains { $0.hasPrefix("  saved: \(saved) (retryscope tui \(saved) opens it at step ") })

      let trace = try TraceJSONDecoder.load(path: saved)
      #expect(trace.meta.source == "check")
      #expect(trace.meta.lesson == "retryscope check: A#1 crash after call 1")
      #expect(trace.attempts.map(\.outcome) == [.crash, .success])
      #expect(trace.effects.map(\.step) == ["call 1", "call 1"])
      #expect(trace.effects[1].duplicateOf == 0)
      let replay = try ExecutableTests.run(["run", saved])
      #expect(replay.status == 0)
      #expect(replay.stdout.contains("  1 invocation, 2 executions, 2 changes to the outside world, 1 duplicate."), "\(replay.stdout)")
    }
  }

  /// A search stopped at its bound that found nothing says so (exit 3): the reference, the
  /// error reply and the timeout before the call each mail once.
  @Test func aBoundedSearchThatFoundNothingIsNotAVerdict() throws {
    try Self.withScenario(Self.scenario(name: "mail-once"), code: Self.mailOnce) { _, path in
      let result = try ExecutableTests.run(["check", path, "--max-faults", "1", "--max-duplicates", "0", "--max-schedules", "3", "--format", "json"])
      #expect(result.status == 3, "\(result.stderr)")
      #expect(result.stdout.hasPrefix(#"{"scenario":"mail-once","idempotent":null,"verdict":[],"mode":"bounded","exhaustive":false,"result":"no-counterexample","maxFaults":1,"maxDuplicates":0,"schedules":3,"#))
      #expect(result.stdout.contains(#""faultPoints":"calls""#))
      #expect(result.stdout.contains(#""counterexamples":{}"#))
    }
  }

  /// A handler that calls nothing has no fault point; the queue's duplicate deliveries run it
  /// again, and it answers alike: idempotent, the search exhaustive (exit 0). A real handler's
  /// search is bounded to one fault by default.
  @Test func aHandlerWithoutCallsIsIdempotentUnderDuplicateDeliveries() throws {
    try Self.withScenario(Self.scenario(name: "square", payload: "{n: 7}"), code: Self.square) { _, path in
      let result = try ExecutableTests.run(["check", path])
      #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      #expect(result.stdout.hasPrefix("check square: idempotent\nexplored: exhaustive, up to 1 fault and 1 duplicate delivery or client retry: "))
      #expect(result.stdout.contains("lost events: none"))
    }
  }

  /// The defaults, as the help tells them: a handler of steps' runs take microseconds, a real
  /// handler's take real time.
  @Test func theHelpTellsBothDefaults() throws {
    let help = try ExecutableTests.run(["check", "--help"])
    let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(text.contains("Faults per schedule; default 2, 1 for a real handler (exec:)."))
    #expect(text.contains("Stop the exhaustive search after this many runs (and say so); default 50000, 200 for a real handler (exec:)."))
  }

  @Test func aMissingCodeFolderIsOneLineAndExitTwo() throws {
    try Self.withScenario(Self.scenario(name: "mail-once").replacingOccurrences(of: "code: code", with: "code: gone"), code: Self.mailOnce) {
      folder, path in
      let result = try ExecutableTests.run(["check", path])
      #expect(result.status == 2)
      #expect(result.stdout == "")
      #expect(result.stderr == "error: \(path):6:55: code: no such folder: \(folder)/gone\n")
    }
  }

  @Test func withoutPython3OnThePathItSaysSoOnce() throws {
    try Self.withScenario(Self.scenario(name: "mail-once"), code: Self.mailOnce) { _, path in
      let result = try ExecutableTests.run(["check", path], environment: ["PATH": "/nonexistent"])
      #expect(result.status == 2)
      #expect(result.stdout == "")
      #expect(result.stderr == "error: \(path): cannot run the handler: python3 is not on the PATH\n")
    }
  }

  @Test func anEventSourceIsRefusedInOneLine() throws {
    let yaml = """
      name: queue-mail
      function: {timeout: 1}
      endpoints:
        - {name: welcome-email, url: https://mail.example/send}
      eventSource: {type: sqs, queue: {name: signups}}
      records:
        - {id: m1, data: {mail: ada@example.com}}
      handler:
        exec: {runtime: python, handler: app.handler, code: code}
      """
    try Self.withScenario(yaml, code: Self.mailOnce) { _, path in
      let validate = try ExecutableTests.run(["validate", path])
      #expect(validate.status == 0, "\(validate.stderr)")
      let result = try ExecutableTests.run(["check", path])
      #expect(result.status == 2)
      #expect(result.stdout == "")
      #expect(
        result.stderr
          == "error: \(path): check of a real handler with an event source is not supported yet (its faults name records, a program's calls do not)\n")
    }
  }
}
