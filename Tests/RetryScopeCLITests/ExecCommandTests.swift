import Foundation
import Testing

/// `retryscope exec`: the shipped example, a real python3 handler under the simulator's retries.
@Suite(.serialized) struct ExecCommandTests {
  static let example: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/exec/welcome-mail.yaml").path

  static let nodeExample: String = URL(fileURLWithPath: example).deletingLastPathComponent()
    .appendingPathComponent("welcome-mail-node.yaml").path

  @Test func theWelcomeMailExampleMailsTwiceAfterTheCRMFails() throws {
    let result = try ExecutableTests.run(["exec", Self.example])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == "welcome-mail · seed 1 · A real Python handler: the CRM fails once, the retry mails twice")
    #expect(lines.contains { $0.hasSuffix("HTTPError: HTTP Error 500: Internal Server Error.") })
    #expect(lines.contains { $0.hasSuffix("A#2  welcome-email  post      POST https://mail.example/send     DUPLICATE of #1 (A#1); HTTP 200") })
    #expect(lines.contains("  A: 2 executions; succeeded"))
    #expect(lines.contains("  1 invocation, 2 executions, 3 changes to the outside world, 1 duplicate."))
  }

  /// The same story with a Node.js handler (`runtime: nodejs`, an ES module using node's fetch).
  @Test func theNodeWelcomeMailExampleMailsTwiceAfterTheCRMFails() throws {
    let result = try ExecutableTests.run(["exec", Self.nodeExample])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == "welcome-mail-node · seed 1 · A real Node.js handler: the CRM fails once, the retry mails twice")
    #expect(lines.contains { $0.hasSuffix("Error: CRM answered HTTP 500.") })
    #expect(lines.contains { $0.contains("A#2 returns {\"registered\":\"ada@example.com\"} after ") })
    #expect(lines.contains { $0.hasSuffix("A#2  welcome-email  post      POST https://mail.example/send     DUPLICATE of #1 (A#1); HTTP 200") })
    #expect(lines.contains("  A: 2 executions; succeeded"))
    #expect(lines.contains("  1 invocation, 2 executions, 3 changes to the outside world, 1 duplicate."))
  }

  static let createUser: String = URL(fileURLWithPath: example).deletingLastPathComponent()
    .appendingPathComponent("create-user/create-user.yaml").path
  static let createUserFixed: String = URL(fileURLWithPath: example).deletingLastPathComponent()
    .appendingPathComponent("create-user/create-user-fixed.yaml").path

  /// The talk's create-user with boto3 (slide 23): a crash after the put, the retry puts a
  /// second user for the same mail, marked a duplicate.
  @Test func theBoto3CreateUserExamplePutsTwoUsersForOneMail() throws {
    let result = try ExecutableTests.run(["exec", Self.createUser])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.first == "create-user-boto3 · seed 1 · A real boto3 handler stores a user: two users for one mail (slide 23)")
    #expect(lines.filter { $0.contains("  A#1  users   insert  id=") && $0.hasSuffix("  v1") }.count == 1)
    #expect(lines.filter { $0.contains("  A#2  users   insert  id=") && $0.hasSuffix("  DUPLICATE of #1 (A#1); v1") }.count == 1)
    #expect(lines.contains("  1 invocation, 2 executions, 2 changes to the outside world, 1 duplicate."))
  }

  /// Its fix: the conditional put fails on the retry, which answers with the first user's id.
  @Test func theBoto3CreateUserFixKeepsOneUser() throws {
    let result = try ExecutableTests.run(["exec", Self.createUserFixed])
    #expect(result.status == 0)
    #expect(result.stderr == "")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.contains { $0.hasSuffix("A#2  users-by-mail  skip    mail=ada@example.com  v1 condition failed: attribute_not_exists(mail)") })
    #expect(lines.contains { $0.contains("A#2 returns {\"id\":\"") && $0.contains("\"existed\":true} after ") })
    #expect(lines.contains("  1 invocation, 2 executions, 1 change to the outside world, 0 duplicates."))
  }

  /// SQS sends in a trace file: `run` replays it, `diff` lists the queues, kinds survive JSON.
  @Test func queueSendsSurviveTheTraceFile() throws {
    let folder = NSTemporaryDirectory() + "retryscope-exec-sqs-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try """
      import boto3
      sqs = boto3.client("sqs")
      def handler(event, context):
          url = sqs.get_queue_url(QueueName="notifications")["QueueUrl"]
          fifo = sqs.get_queue_url(QueueName="orders.fifo")["QueueUrl"]
          sqs.send_message(QueueUrl=url, MessageBody="welcome " + event["mail"])
          sqs.send_message(QueueUrl=fifo, MessageBody="order 1", MessageGroupId="ada", MessageDeduplicationId=context.aws_request_id)
          return {"ok": True}
      """.write(toFile: folder + "/app.py", atomically: true, encoding: .utf8)
    try """
      name: sqs-sends
      queues:
        - name: notifications
        - {name: orders.fifo, fifo: true}
      handler:
        exec: {runtime: python, handler: app.handler, code: .}
      invocations:
        - {id: A, type: Event, payload: {mail: ada@example.com}}
      faults:
        - {invocation: A, attempt: 1, after: call 4, kind: crash}
      """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
    let exec = try ExecutableTests.run(["exec", folder + "/s.yaml", "--format", "json"])
    #expect(exec.status == 0)
    #expect(exec.stdout.contains(#""kind":"send""#))
    #expect(exec.stdout.contains(#""kind":"deduplicated""#))
    try exec.stdout.write(toFile: folder + "/t.json", atomically: true, encoding: .utf8)
    let replay = try ExecutableTests.run(["run", folder + "/t.json"])
    #expect(replay.status == 0)
    let lines = replay.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains("  A#2  notifications  send          SendMessage") && $0.contains("DUPLICATE of #1 (A#1); MessageId ") })
    #expect(lines.contains { $0.contains("  A#2  orders.fifo    deduplicated  SendMessage dedup=") })
    #expect(lines.contains { $0.contains("A#2 sends a message to queue orders.fifo again; SQS accepts it but delivers nothing (dropped: MessageDeduplicationId ") })
    #expect(lines.contains("  1 invocation, 2 executions, 3 changes to the outside world, 1 duplicate."))
    let diff = try ExecutableTests.run(["diff", folder + "/t.json", folder + "/t.json"])
    #expect(diff.stdout.contains("notifications (queue) · 1 request · equal"))
    #expect(diff.stdout.contains("orders.fifo (queue) · 1 request · equal"))
    // The same seed, the same message ids: they come from the simulator's seeded stream.
    let again = try ExecutableTests.run(["exec", folder + "/s.yaml"])
    let ids = { (text: String) in text.split(separator: "\n").filter { $0.contains("MessageId ") }.map { $0.split(separator: "MessageId ")[1] } }
    #expect(ids(again.stdout) == ids(replay.stdout))
  }

  @Test func withoutNodeOnThePathItSaysSoOnce() throws {
    let result = try ExecutableTests.run(["exec", Self.nodeExample], environment: ["PATH": "/nonexistent"])
    #expect(result.status == 2)
    #expect(result.stdout == "")
    #expect(result.stderr == "error: \(Self.nodeExample): cannot run the handler: node is not on the PATH\n")
    let validate = try ExecutableTests.run(["validate", Self.nodeExample])
    #expect(
      validate.stdout
        == "\(Self.nodeExample): ok: scenario 'welcome-mail-node', 1 invocation, handler index.handler (nodejs, run with 'retryscope exec')\n")
  }

  /// Its JSON trace opens like any other trace (the TUI reads it through the same loader).
  @Test func itsTraceIsATraceLikeAnyOther() throws {
    let exec = try ExecutableTests.run(["exec", Self.example, "--format", "json"])
    #expect(exec.status == 0)
    let file = NSTemporaryDirectory() + "retryscope-exec-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: file) }
    try exec.stdout.write(toFile: file, atomically: true, encoding: .utf8)
    let replay = try ExecutableTests.run(["run", file])
    #expect(replay.status == 0)
    #expect(replay.stdout.contains("  1 invocation, 2 executions, 3 changes to the outside world, 1 duplicate."))
  }

  @Test func runRefusesAProgramAndExecRefusesSteps() throws {
    let run = try ExecutableTests.run(["run", Self.example])
    #expect(run.status == 2)
    #expect(run.stderr == "error: \(Self.example): its handler is a real program ('exec'); run it with 'retryscope exec \(Self.example)'\n")
    let exec = try ExecutableTests.run(["exec", "create-user"])
    #expect(exec.status == 2)
    #expect(exec.stderr == "error: create-user: its handler is steps, not a program; run it with 'retryscope run create-user'\n")
  }

  @Test func withoutPython3OnThePathItSaysSoOnce() throws {
    let result = try ExecutableTests.run(["exec", Self.example], environment: ["PATH": "/nonexistent"])
    #expect(result.status == 2)
    #expect(result.stdout == "")
    #expect(result.stderr == "error: \(Self.example): cannot run the handler: python3 is not on the PATH\n")
  }

  @Test func validateNamesTheProgram() throws {
    let result = try ExecutableTests.run(["validate", Self.example])
    #expect(result.status == 0)
    #expect(result.stdout == "\(Self.example): ok: scenario 'welcome-mail', 1 invocation, handler app.handler (python, run with 'retryscope exec')\n")
  }

  /// A synchronous caller whose read timeout is shorter than the real handler: the client gives
  /// up and retries while the first execution's work is done; both sent the mail.
  @Test func aClientReadTimeoutShorterThanTheHandlerRetriesIt() throws {
    let folder = NSTemporaryDirectory() + "retryscope-exec-sync-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/code", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try """
      import json, os, time, urllib.request

      def handler(event, context):
          request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=b'{"to": "ada"}', method="POST")
          urllib.request.urlopen(request).read()
          time.sleep(0.6)
          return "ok"
      """.write(toFile: folder + "/code/app.py", atomically: true, encoding: .utf8)
    try """
      name: slow-sign-up
      function: {timeout: 5}
      client: {readTimeout: 300ms, maxAttempts: 2}
      endpoints:
        - {name: welcome-email, url: https://mail.example/send}
      handler:
        exec: {runtime: python, handler: app.handler, code: code}
      invocations:
        - {id: A, type: RequestResponse, payload: {}}
      """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
    let result = try ExecutableTests.run(["exec", folder + "/s.yaml"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("  1 invocation, 2 executions, 2 changes to the outside world, 1 duplicate."), "\(result.stdout)")
  }
}
