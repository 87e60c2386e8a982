import Foundation
import Testing

@testable import RetryExec

/// Real python3 processes running handlers through RetryScope's Python runtime and Runtime API.
@Suite(.serialized) struct PythonRuntimeTests {
  static let handlers = """
    import json, os, sys, time, urllib.request

    def create_user(event, context):
        body = json.dumps({"to": event["email"], "requestId": context.aws_request_id}).encode()
        request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request) as reply:
            status = reply.status
        print("sent welcome mail to", event["email"])
        return {"user": event["email"], "mailStatus": status, "function": context.function_name,
                "arn": context.invoked_function_arn, "remainingPositive": context.get_remaining_time_in_millis() > 0,
                "pid": os.getpid()}

    def fails(event, context):
        raise ValueError("email already taken: " + event["email"])

    def crashes(event, context):
        os._exit(3)

    def hangs(event, context):
        time.sleep(60)
    """

  /// A folder with `app.py`, removed at the end of the test.
  static func withCode<T>(_ source: String = handlers, _ body: (String) async throws -> T) async throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-exec-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try source.write(toFile: folder + "/app.py", atomically: true, encoding: .utf8)
    // On RetryExec's own threads, as `retryscope exec` runs: the durations these tests measure
    // are then the handler's, not the wait for a task pool that the rest of the suite keeps busy.
    return try await withTaskExecutorPreference(ExecTaskExecutor.shared) { try await body(folder) }
  }

  static func host(_ handler: String, code: String) -> ProcessHost {
    ProcessHost(
      spec: HandlerSpec(runtime: .python, handler: handler, codePath: code, functionName: "create-user"),
      endpoints: [.init(name: "welcome-email")])
  }

  static func invocation(_ id: String, timeout: Duration = .seconds(20)) -> RuntimeInvocation {
    RuntimeInvocation(
      requestId: id, payload: Array(#"{"email":"ada@example.com"}"#.utf8),
      functionArn: "arn:aws:lambda:us-east-1:123456789012:function:create-user",
      traceId: "Root=1-00000000-000000000000000000000001;Sampled=0", timeout: timeout)
  }

  static func json(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
  }

  @Test func aHandlerRunsWarmAfterItsColdStartAndItsPostIsRecorded() async throws {
    try await Self.withCode { code in
      let host = Self.host("app.create_user", code: code)
      let first = try await host.execute(Self.invocation("req-1"))
      let second = try await host.execute(Self.invocation("req-2"))
      let logs = await host.logs()
      await host.shutdown()

      guard case .response(let body) = first.result, case .response(let again) = second.result else {
        Issue.record("expected two responses, got \(first.result) and \(second.result)")
        return
      }
      let response = try Self.json(body)
      #expect(response["user"] as? String == "ada@example.com")
      #expect(response["mailStatus"] as? Int == 200)
      #expect(response["function"] as? String == "create-user")
      #expect(response["arn"] as? String == "arn:aws:lambda:us-east-1:123456789012:function:create-user")
      #expect(response["remainingPositive"] as? Bool == true)
      // One process served both: the second execution was warm.
      #expect(try Self.json(again)["pid"] as? Int == response["pid"] as? Int)
      #expect(first.coldStart && first.initDuration != nil)
      #expect(!second.coldStart && second.initDuration == nil)
      #expect(await host.coldStarts == 1)

      #expect(first.calls.count == 1)
      let call = try #require(first.calls.first)
      #expect(call.call.endpoint == "welcome-email")
      #expect(call.call.method == "POST")
      #expect(call.call.requestId == "req-1")
      #expect(String(decoding: call.call.body, as: UTF8.self) == #"{"to": "ada@example.com", "requestId": "req-1"}"#)
      #expect(call.offset >= .zero && call.offset <= first.duration)
      #expect(second.calls.map(\.call.requestId) == ["req-2"])
      #expect(logs == ["sent welcome mail to ada@example.com\nsent welcome mail to ada@example.com\n"])
    }
  }

  @Test func aRaisedErrorIsPostedInLambdasShapeAndTheEnvironmentStaysWarm() async throws {
    try await Self.withCode { code in
      let host = Self.host("app.fails", code: code)
      let first = try await host.execute(Self.invocation("req-1"))
      let second = try await host.execute(Self.invocation("req-2"))
      await host.shutdown()
      guard case .error(let type, let body) = first.result else {
        Issue.record("expected an error, got \(first.result)")
        return
      }
      #expect(type == "Unhandled")
      let error = try Self.json(body)
      #expect(error["errorType"] as? String == "ValueError")
      #expect(error["errorMessage"] as? String == "email already taken: ada@example.com")
      let stack = try #require(error["stackTrace"] as? [String])
      #expect(stack.last?.contains(#"raise ValueError("email already taken: " + event["email"])"#) == true)
      #expect(!second.coldStart)
      #expect(await host.coldStarts == 1)
    }
  }

  @Test func aCrashEndsTheEnvironmentAndTheNextExecutionStartsCold() async throws {
    try await Self.withCode { code in
      let host = Self.host("app.crashes", code: code)
      let first = try await host.execute(Self.invocation("req-1"))
      let second = try await host.execute(Self.invocation("req-2"))
      await host.shutdown()
      #expect(first.result == .exited(status: 3))
      #expect(second.result == .exited(status: 3))
      #expect(second.coldStart)
      #expect(await host.coldStarts == 2)
    }
  }

  @Test func aTimeoutKillsTheProcessWithSIGKILL() async throws {
    try await Self.withCode { code in
      let host = Self.host("app.hangs", code: code)
      let clock = ContinuousClock()
      let started = clock.now
      let report = try await host.execute(Self.invocation("req-1", timeout: .milliseconds(400)))
      let elapsed = clock.now - started
      await host.shutdown()
      #expect(report.result == .timedOut)
      #expect(report.duration >= .milliseconds(400) && report.duration < .seconds(5))
      // Killed, not waited for: the handler sleeps for a minute.
      #expect(elapsed < .seconds(10))
    }
  }

  @Test func aMissingHandlerFunctionIsHandlerNotFound() async throws {
    try await Self.withCode { code in
      let host = Self.host("app.nothing_here", code: code)
      let report = try await host.execute(Self.invocation("req-1"))
      await host.shutdown()
      guard case .initError(let type, let body) = report.result else {
        Issue.record("expected an init error, got \(report.result)")
        return
      }
      #expect(type == "Runtime.HandlerNotFound")
      #expect(try Self.json(body)["errorMessage"] as? String == "Handler 'nothing_here' missing on module 'app'")
    }
  }

  @Test func aHandlerThatCannotBeImportedIsAnInitError() async throws {
    try await Self.withCode("import no_such_module\n") { code in
      let host = Self.host("app.handler", code: code)
      let report = try await host.execute(Self.invocation("req-1"))
      await host.shutdown()
      guard case .initError(let type, let body) = report.result else {
        Issue.record("expected an init error, got \(report.result)")
        return
      }
      #expect(type == "Runtime.ImportModuleError")
      let error = try Self.json(body)
      // The managed Python runtime's words.
      #expect(error["errorType"] as? String == "Runtime.ImportModuleError")
      #expect(error["errorMessage"] as? String == "Unable to import module 'app': No module named 'no_such_module'")
    }
  }
}
