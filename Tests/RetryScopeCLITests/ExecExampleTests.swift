import Foundation
import Testing

@testable import RetryScopeCLI

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

  // MARK: create-user in Node.js (slide 23)

  /// The buggy handler: a fresh id per execution. The first execution's put commits and its
  /// process is killed before DynamoDB's answer; the retry stores a second user for the same mail.
  @Test func createUserInNodeStoresTwoUsersAfterACrash() throws {
    let run = try Self.run("create-user-node")
    let items = try Self.items(run, "users")
    #expect(run.effects.map(\.actor) == ["A#1", "A#2"])
    #expect(run.effects.map { "\($0.target) \($0.kind) \($0.duplicateOf.map(String.init) ?? "-")" } == ["users insert -", "users insert 0"])
    let ids = items.compactMap { $0["id"] as? String }
    #expect(items.count == 2 && Set(ids).count == 2, "two users, two ids: \(items)")
    #expect(items.allSatisfy { $0["mail"] as? String == "y@example.com" })
    #expect(try Self.response(run, "A", 2)?["id"] as? String == Self.rawEffects(run)[1]["after"].flatMap { ($0 as? [String: Any])?["id"] as? String })
    #expect(run.lines.contains { $0.contains("A#1's process dies after ") && $0.hasSuffix("(Runtime.ExitError): what it already did stays done.") })
    #expect(run.lines.contains { $0.contains("A#2 inserts users[id=") && $0.hasSuffix("]. DUPLICATE of effect #1 by A#1: the same event did it twice.") })
    #expect(Self.ledgerLine(run, 2)?.hasPrefix("A#2 users insert id=") == true)
    #expect(Self.ledgerLine(run, 2)?.hasSuffix(" DUPLICATE of #1 (A#1); v1") == true)
    #expect(run.lines.contains("  A: 2 executions; succeeded"))
    #expect(run.lines.contains("  1 invocation, 2 executions, 2 changes to the outside world, 1 duplicate."))
  }

  /// The fix: a conditional put on the mail. The retry's put fails its condition, DynamoDB hands
  /// the stored item back with the error (ReturnValuesOnConditionCheckFailure), and the retry
  /// answers the id the first execution stored: one user, no duplicate.
  @Test func createUserInNodeWithAConditionalPutStoresOneUser() throws {
    let run = try Self.run("create-user-node-fixed")
    let items = try Self.items(run, "users")
    #expect(run.effects.map { "\($0.actor) \($0.target) \($0.kind) \($0.duplicateOf.map(String.init) ?? "-")" } == ["A#1 users insert -", "A#2 users skip -"])
    #expect(items.count == 1)
    let stored = try #require(items.first?["id"] as? String)
    #expect(try Self.response(run, "A", 2)?["id"] as? String == stored)
    #expect(
      run.lines.contains {
        $0.hasSuffix(
          "A#2's conditional write to users[mail=y@example.com] is skipped (condition failed: attribute_not_exists(mail)): already applied (A#1, an earlier execution of the same event, wrote it).")
      })
    #expect(Self.ledgerLine(run, 1) == "A#1 users insert mail=y@example.com v1 condition held: attribute_not_exists(mail)")
    #expect(Self.ledgerLine(run, 2) == "A#2 users skip mail=y@example.com v1 condition failed: attribute_not_exists(mail)")
    #expect(run.lines.contains("  1 invocation, 2 executions, 1 change to the outside world, 0 duplicates."))
  }

  /// The example's DynamoDB client (dynamodb.mjs) retries a throttled call as the AWS SDK v3's
  /// standard mode does: DynamoDB throttles the first put (429, `ThrottlingException`), the
  /// client waits and puts again, and the execution succeeds with one user and no Lambda retry.
  @Test func theNodeDynamoDBClientRetriesAThrottleAsTheSDKDoes() throws {
    let folder = NSTemporaryDirectory() + "retryscope-example-throttle-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try """
      name: throttled-create-user
      tables:
        - {name: users, partitionKey: mail}
      handler:
        exec: {runtime: nodejs, handler: fixed.handler, code: \(Self.folder)/create-user-node}
      invocations:
        - {id: A, type: Event, payload: {mail: y@example.com}}
      faults:
        - {invocation: A, attempt: 1, before: call 1, kind: error, errorType: ThrottlingException}
      """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
    let exec = try ExecutableTests.run(["exec", folder + "/s.yaml", "--format", "json"])
    #expect(exec.status == 0, "\(exec.stderr)")
    let trace = try #require(try JSONSerialization.jsonObject(with: Data(exec.stdout.utf8)) as? [String: Any])
    let attempts = try #require(trace["attempts"] as? [[String: Any]])
    #expect(attempts.map { $0["outcome"] as? String } == ["success"])
    let effects = try #require(trace["effects"] as? [[String: Any]])
    #expect(effects.map { $0["kind"] as? String } == ["insert"])
    #expect(effects.first?["step"] as? String == "call 1")
  }

  // MARK: Powertools idempotency in Python

  /// Order 42: a duplicate delivery after success gets the stored result (Powertools does not run
  /// the handler). Order 43: the payment service holds its answer, the caller's SDK gives up after
  /// 1 s and invokes again while the first execution is in progress, before the record's
  /// in-progress expiry (its deadline): IdempotencyAlreadyInProgressError. Each card charged once.
  /// Waits the 3 s function timeout in real time (the held answer).
  @Test func powertoolsAnswersRetriesBeforeTheExpiryOrAfterSuccessWithoutChargingAgain() throws {
    try Self.requirePython(modules: ["aws_lambda_powertools": "aws-lambda-powertools", "boto3": "boto3"])
    let run = try Self.run("powertools-payment")
    let raw = try Self.rawEffects(run)
    #expect(
      run.effects.map { "\($0.actor) \($0.target) \($0.kind)" } == [
        "A#1 idempotency insert", "A#1 payments post", "A#1 idempotency update", "A#2 idempotency skip",
        "B#1 idempotency insert", "B#1 payments post", "B#2 idempotency skip",
      ])
    #expect(run.effects.allSatisfy { $0.duplicateOf == nil })
    // The card is charged once per order.
    #expect(
      run.effects.filter { $0.target == "payments" }.map(\.after) == [
        #"{"amount":1999,"card":"tok_visa","orderId":"order-42"}"#, #"{"amount":4999,"card":"tok_visa","orderId":"order-43"}"#,
      ])
    #expect(Self.status(raw[2]) == "COMPLETED")
    #expect(try Self.response(run, "A", 2).map { Self.compact($0) } == #"{"charged":1999,"orderId":"order-42"}"#)
    // B#2 came before B#1's record expired: Powertools saw it in progress.
    let b2 = try Self.attempt(run, "B", 2)
    #expect(b2["errorType"] as? String == "IdempotencyAlreadyInProgressError")
    let expiry = try #require(Self.inProgressExpiry(raw[4]))
    #expect(try Self.clock(b2) < expiry)
    #expect(run.lines.contains { $0.contains("B#2 fails after ") && $0.contains("IdempotencyAlreadyInProgressError: Execution already in progress with idempotency key: orderId=") })
    #expect(run.lines.contains("  A: 2 executions; succeeded, succeeded"))
    #expect(run.lines.contains("  B: 2 executions; HTTP 200 FunctionError: Unhandled"))
    #expect(run.lines.contains("  2 invocations, 4 executions, 5 changes to the outside world, 0 duplicates."))
  }

  /// The first execution saves the record INPROGRESS with `in_progress_expiration` = its deadline
  /// (delivery + the 10 s timeout), charges the card, and is killed before Powertools marks the
  /// record COMPLETED. Lambda's async retry comes about a minute later, after that expiry: its
  /// conditional put takes the stale record over and it charges the card again.
  ///
  /// This needs the handler's wall clock to be the simulation's (RetryScope's runtimes shift
  /// `time.time` and `datetime.now`): with the real clock, the retry would run milliseconds after
  /// the crash, before the expiry, and Powertools would refuse it as in progress, a story Lambda
  /// never tells (its retry waits a minute or more).
  @Test func powertoolsChargesAgainWhenTheRetryComesAfterTheInProgressExpiry() throws {
    try Self.requirePython(modules: ["aws_lambda_powertools": "aws-lambda-powertools", "boto3": "boto3"])
    let run = try Self.run("powertools-payment-expired")
    let raw = try Self.rawEffects(run)
    #expect(
      run.effects.map { "\($0.actor) \($0.target) \($0.kind) \($0.duplicateOf.map(String.init) ?? "-")" } == [
        "A#1 idempotency insert -", "A#1 payments post -", "A#2 idempotency update 0", "A#2 payments post 1",
        "A#2 idempotency update -",
      ])
    let charge = #"{"amount":1999,"card":"tok_visa","orderId":"order-42"}"#
    #expect(run.effects.filter { $0.target == "payments" }.map(\.after) == [charge, charge])
    // The record A#1 left: INPROGRESS until its deadline.
    #expect(Self.status(raw[0]) == "INPROGRESS")
    let a1 = try Self.attempt(run, "A", 1)
    let a2 = try Self.attempt(run, "A", 2)
    #expect(a1["outcome"] as? String == "crash")
    let expiry = try #require(Self.inProgressExpiry(raw[0]))
    let deadline = try Self.clock(a1) + 10_000
    // Powertools adds the remaining time to its own reading of the clock, a few real
    // milliseconds later than the delivery: generous for a loaded machine.
    #expect(expiry >= deadline - 5 && expiry < deadline + 1_000, "in_progress_expiration \(expiry), deadline \(deadline)")
    // The retry read a clock past that expiry, and took the record over.
    #expect(try Self.clock(a2) > expiry + 50_000)
    #expect(Self.status(raw[4]) == "COMPLETED")
    #expect(Self.ledgerLine(run, 4)?.hasPrefix("A#2 payments post POST https://payments.example/charg") == true)
    #expect(Self.ledgerLine(run, 4)?.hasSuffix(" DUPLICATE of #2 (A#1); HTTP 200") == true)
    #expect(run.lines.contains("  A: 2 executions; succeeded"))
    #expect(run.lines.contains("  1 invocation, 2 executions, 5 changes to the outside world, 2 duplicates."))
  }

  // MARK: reading traces

  static func rawEffects(_ run: Run) throws -> [[String: Any]] { try #require(run.trace["effects"] as? [[String: Any]]) }

  /// A table's items at the end of the run.
  static func items(_ run: Run, _ table: String) throws -> [[String: Any]] {
    let tables = try #require(run.trace["tables"] as? [[String: Any]])
    return try #require(tables.first { $0["name"] as? String == table }?["items"] as? [[String: Any]])
  }

  static func attempt(_ run: Run, _ invocation: String, _ number: Int) throws -> [String: Any] {
    let attempts = try #require(run.trace["attempts"] as? [[String: Any]])
    return try #require(attempts.first { $0["invocation"] as? String == invocation && $0["number"] as? Int == number })
  }

  static func response(_ run: Run, _ invocation: String, _ number: Int) throws -> [String: Any]? {
    try attempt(run, invocation, number)["response"] as? [String: Any]
  }

  /// The simulated wall clock at an execution's delivery, in epoch milliseconds.
  static func clock(_ attempt: [String: Any]) throws -> Int {
    let text = try #require(attempt["clock"] as? String)
    let format = ISO8601DateFormatter()
    format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let date = try #require(format.date(from: text), "not an ISO-8601 time: \(text)")
    return Int((date.timeIntervalSince1970 * 1000).rounded())
  }

  /// Powertools' record after a write: its status and in-progress expiry (epoch milliseconds).
  static func status(_ effect: [String: Any]) -> String? { (effect["after"] as? [String: Any])?["status"] as? String }
  static func inProgressExpiry(_ effect: [String: Any]) -> Int? {
    (effect["after"] as? [String: Any])?["in_progress_expiration"] as? Int
  }

  /// Fails, saying what to install, when python3 cannot import one of `modules` (module: the
  /// pip package). Never a silent skip: .ci/run installs them.
  static func requirePython(modules: [String: String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    for (module, package) in modules.sorted(by: { $0.key < $1.key }) {
      try #require(
        ExecCommand.canImport(module, with: "python3"),
        "python3 cannot import \(module): install it with 'python3 -m pip install \(package)' (.ci/run does)",
        sourceLocation: sourceLocation)
    }
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

  /// Every scenario in examples/exec (and its folders) loads, its code folder included, and the
  /// README's table of examples names every one of them by its path under examples/exec.
  @Test func everyExampleValidatesAndTheReadmeNamesIt() throws {
    let names = try #require(FileManager.default.subpaths(atPath: Self.folder)).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(names.count >= 10)
    let readme = try String(contentsOf: ReadmeTests.readme, encoding: .utf8)
    for name in names {
      let path = Self.folder + "/" + name
      let validate = try ExecutableTests.run(["validate", path])
      #expect(validate.status == 0, "\(name): \(validate.stderr)")
      #expect(validate.stdout.hasPrefix("\(path): ok: scenario '"), "\(validate.stdout)")
      #expect(readme.contains("| `\(name)` |"), "README: the table of examples does not name \(name)")
    }
  }
}
