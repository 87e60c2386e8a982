import Foundation
import Testing

@testable import RetryExec

/// Faults at a real handler's k-th call, struck by RetryScope's server while a python3 process runs.
@Suite(.serialized) struct CallFaultTests {
  static let handlers = PythonRuntimeTests.handlers + """

    def mail_twice(event, context):
        for n in (1, 2):
            body = json.dumps({"n": n}).encode()
            request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=body, method="POST")
            urllib.request.urlopen(request).read()
        return "sent"
    """

  static func run(
    _ handler: String, faults: [Int: CallFault], timeout: Duration = .seconds(20)
  ) async throws -> (first: ExecutionReport, second: ExecutionReport, coldStarts: Int) {
    try await PythonRuntimeTests.withCode(handlers) { code in
      let host = PythonRuntimeTests.host(handler, code: code)
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1", timeout: timeout), faults: faults)
      // The same event again, with no fault: what a retry would run on.
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      let coldStarts = await host.coldStarts
      await host.shutdown()
      return (first, second, coldStarts)
    }
  }

  static func bodies(_ report: ExecutionReport) -> [String] {
    report.calls.map { String(decoding: $0.call.body, as: UTF8.self) }
  }

  @Test func aThrottleAnswersTheCallAndTheHandlerSeesIt() async throws {
    let (first, second, coldStarts) = try await Self.run("app.create_user", faults: [1: .error(status: 429)])
    guard case .error(_, let body) = first.result else {
      Issue.record("expected the handler's error, got \(first.result)")
      return
    }
    let error = try PythonRuntimeTests.json(body)
    #expect(error["errorType"] as? String == "HTTPError")
    #expect(error["errorMessage"] as? String == "HTTP Error 429: Too Many Requests")
    #expect(first.calls.isEmpty)
    #expect(first.faults == [1: .error(status: 429)])
    // A handled error leaves the environment warm; the retry's call goes through.
    #expect(!second.coldStart && coldStarts == 1)
    #expect(second.calls.count == 1 && second.faults.isEmpty)
  }

  @Test func aCrashBeforeForwardingKillsTheProcessAndTheServiceSeesNothing() async throws {
    let (first, second, coldStarts) = try await Self.run("app.create_user", faults: [1: .crashBeforeForwarding])
    #expect(first.result == .exited(status: 128 + 9))
    #expect(first.calls.isEmpty)
    #expect(first.faults == [1: .crashBeforeForwarding])
    #expect(second.coldStart && coldStarts == 2)
    #expect(Self.bodies(second) == [#"{"to": "ada@example.com", "requestId": "req-2"}"#])
  }

  @Test func aCrashAfterTheCommitKeepsTheCallAndLosesTheReply() async throws {
    let (first, second, coldStarts) = try await Self.run("app.create_user", faults: [1: .crashAfterCommit])
    #expect(first.result == .exited(status: 128 + 9))
    // The first mail was sent although the execution failed: the retry sends a second one.
    #expect(Self.bodies(first) == [#"{"to": "ada@example.com", "requestId": "req-1"}"#])
    #expect(Self.bodies(second) == [#"{"to": "ada@example.com", "requestId": "req-2"}"#])
    #expect(second.coldStart && coldStarts == 2)
  }

  @Test func aHeldReplyRunsPastTheDeadline() async throws {
    let (first, second, _) = try await Self.run("app.create_user", faults: [1: .holdReply], timeout: .milliseconds(500))
    #expect(first.result == .timedOut)
    #expect(first.calls.count == 1)
    #expect(first.duration >= .milliseconds(500))
    #expect(second.coldStart)
  }

  @Test func aCallHeldBeforeTheServiceTimesOutWithNothingDone() async throws {
    let (first, second, _) = try await Self.run(
      "app.create_user", faults: [1: .holdBeforeForwarding], timeout: .milliseconds(500))
    #expect(first.result == .timedOut)
    #expect(first.calls.isEmpty)
    #expect(second.coldStart && second.calls.count == 1)
  }

  @Test func aFaultAtTheSecondCallLetsTheFirstThrough() async throws {
    let (first, _, _) = try await Self.run("app.mail_twice", faults: [2: .error(status: 500)])
    guard case .error(_, let body) = first.result else {
      Issue.record("expected the handler's error, got \(first.result)")
      return
    }
    #expect(try PythonRuntimeTests.json(body)["errorMessage"] as? String == "HTTP Error 500: Internal Server Error")
    #expect(Self.bodies(first) == [#"{"n": 1}"#])
    #expect(first.faults == [2: .error(status: 500)])
  }
}
