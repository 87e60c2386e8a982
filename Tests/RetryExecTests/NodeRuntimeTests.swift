import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// Real node processes running handlers through RetryScope's Node.js runtime and Runtime API.
@Suite(.serialized) struct NodeRuntimeTests {
  /// An ES module, as Lambda's console writes a new Node function (`index.mjs`).
  static let handlers = """
    import http from "node:http";

    function post(url, body) {
      return new Promise((resolve, reject) => {
        const request = http.request(url, { method: "POST", headers: { "Content-Type": "application/json" } }, (reply) => {
          reply.resume();
          reply.on("end", () => resolve(reply.statusCode));
        });
        request.on("error", reject);
        request.end(body);
      });
    }

    export const createUser = async (event, context) => {
      const status = await post(process.env.RETRYSCOPE_ENDPOINT_WELCOME_EMAIL,
        JSON.stringify({ to: event.email, requestId: context.awsRequestId }));
      console.log("sent welcome mail to", event.email);
      return { user: event.email, mailStatus: status, function: context.functionName, arn: context.invokedFunctionArn,
        remainingPositive: context.getRemainingTimeInMillis() > 0, waits: context.callbackWaitsForEmptyEventLoop,
        pid: process.pid };
    };

    export const fails = async (event) => {
      throw new TypeError("email already taken: " + event.email);
    };

    export const crashes = async () => {
      process.exit(3);
    };

    export const notAFunction = 42;
    """

  /// A folder with the given files, removed at the end of the test.
  static func withFiles<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-node-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, source) in files { try source.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
    // On RetryExec's own threads, as `retryscope exec` runs: the durations these tests measure
    // are then the handler's, not the wait for a task pool that the rest of the suite keeps busy.
    return try await withTaskExecutorPreference(ExecTaskExecutor.shared) { try await body(folder) }
  }

  static func host(_ handler: String, code: String) -> ProcessHost {
    ProcessHost(
      spec: HandlerSpec(runtime: .nodejs, handler: handler, codePath: code, functionName: "create-user"),
      endpoints: [.init(name: "welcome-email")])
  }

  /// The error type header and the JSON body of a failed execution or init, or nil (recorded).
  static func failure(_ report: ExecutionReport, initError: Bool) throws -> (type: String?, body: [String: Any])? {
    switch report.result {
    case .error(let type, let body) where !initError: return (type, try PythonRuntimeTests.json(body))
    case .initError(let type, let body) where initError: return (type, try PythonRuntimeTests.json(body))
    default:
      Issue.record("expected \(initError ? "an init error" : "an error"), got \(report.result)")
      return nil
    }
  }

  @Test func anESModuleHandlerRunsWarmAfterItsColdStartAndItsPostIsRecorded() async throws {
    try await Self.withFiles(["index.mjs": Self.handlers]) { code in
      let host = Self.host("index.createUser", code: code)
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      let logs = await host.logs()
      await host.shutdown()

      guard case .response(let body) = first.result, case .response(let again) = second.result else {
        Issue.record("expected two responses, got \(first.result) and \(second.result)")
        return
      }
      let response = try PythonRuntimeTests.json(body)
      #expect(response["user"] as? String == "ada@example.com")
      #expect(response["mailStatus"] as? Int == 200)
      #expect(response["function"] as? String == "create-user")
      #expect(response["arn"] as? String == "arn:aws:lambda:us-east-1:123456789012:function:create-user")
      #expect(response["remainingPositive"] as? Bool == true)
      #expect(response["waits"] as? Bool == true)
      #expect(try PythonRuntimeTests.json(again)["pid"] as? Int == response["pid"] as? Int)
      #expect(first.coldStart && first.initDuration != nil)
      #expect(!second.coldStart && second.initDuration == nil)
      #expect(await host.coldStarts == 1)

      let call = try #require(first.calls.first)
      #expect(first.calls.count == 1)
      #expect(call.call.endpoint == "welcome-email")
      #expect(call.call.method == "POST")
      #expect(call.call.requestId == "req-1")
      #expect(String(decoding: call.call.body, as: UTF8.self) == #"{"to":"ada@example.com","requestId":"req-1"}"#)
      #expect(second.calls.map(\.call.requestId) == ["req-2"])
      #expect(logs == ["sent welcome mail to ada@example.com\nsent welcome mail to ada@example.com\n"])
    }
  }

  @Test func aRejectedPromiseIsPostedInLambdasShapeAndTheEnvironmentStaysWarm() async throws {
    try await Self.withFiles(["index.mjs": Self.handlers]) { code in
      let host = Self.host("index.fails", code: code)
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      await host.shutdown()
      guard let (type, error) = try Self.failure(first, initError: false) else { return }
      // Lambda's Node runtime names the error's type in the header and the body.
      #expect(type == "TypeError")
      #expect(error["errorType"] as? String == "TypeError")
      #expect(error["errorMessage"] as? String == "email already taken: ada@example.com")
      let trace = try #require(error["trace"] as? [String])
      #expect(trace.first == "TypeError: email already taken: ada@example.com")
      #expect(trace.dropFirst().first?.contains("index.mjs") == true)
      #expect(!second.coldStart)
      #expect(await host.coldStarts == 1)
    }
  }

  @Test func aProcessExitEndsTheEnvironmentAndTheNextExecutionStartsCold() async throws {
    try await Self.withFiles(["index.mjs": Self.handlers]) { code in
      let host = Self.host("index.crashes", code: code)
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      await host.shutdown()
      #expect(first.result == .exited(status: 3))
      #expect(second.result == .exited(status: 3))
      #expect(second.coldStart)
      #expect(await host.coldStarts == 2)
    }
  }

  /// A CommonJS callback handler: with `callbackWaitsForEmptyEventLoop` (the default) the answer
  /// waits for the handler's pending timer; set to false, it is posted at once, before the timer
  /// fires. The timer is long (3 s) so that "before it fires" holds on a loaded machine too.
  @Test func aCallbackHandlerAnswersWhenTheEventLoopIsEmptyUnlessToldNotToWait() async throws {
    let source = """
      exports.handler = (event, context, callback) => {
        context.callbackWaitsForEmptyEventLoop = event.wait;
        setTimeout(() => {}, 3000);
        callback(null, { waited: event.wait });
      };
      exports.fails = (event, context, callback) => callback(new RangeError("no seats left"));
      """
    try await Self.withFiles(["app.js": source]) { code in
      let host = Self.host("app.handler", code: code)
      func invocation(_ id: String, wait: Bool) -> RuntimeInvocation {
        RuntimeInvocation(
          requestId: id, payload: Array(#"{"wait":\#(wait)}"#.utf8), functionArn: "arn:aws:lambda:us-east-1:123456789012:function:create-user",
          traceId: "Root=1-00000000-000000000000000000000002;Sampled=0", timeout: .seconds(20))
      }
      let waiting = try await host.execute(invocation("req-1", wait: true))
      let prompt = try await host.execute(invocation("req-2", wait: false))
      await host.shutdown()
      #expect(waiting.result == .response(Array(#"{"waited":true}"#.utf8)))
      #expect(prompt.result == .response(Array(#"{"waited":false}"#.utf8)))
      #expect(waiting.duration >= .milliseconds(3000))
      #expect(prompt.duration < .milliseconds(3000))

      let failing = Self.host("app.fails", code: code)
      let report = try await failing.execute(invocation("req-3", wait: true))
      await failing.shutdown()
      guard let (type, error) = try Self.failure(report, initError: false) else { return }
      #expect(type == "RangeError")
      #expect(error["errorMessage"] as? String == "no seats left")
    }
  }

  /// `app.js` is imported as an ES module when the nearest package.json says `"type": "module"`
  /// (required otherwise), as Lambda's runtime decides: a top-level await, which `require`
  /// refuses even where node can require ES modules, loads.
  @Test func aJsFileUnderTypeModuleIsImported() async throws {
    let source = "const ready = await Promise.resolve(true);\nexport const handler = async () => ({ ready });\n"
    try await Self.withFiles(["package.json": #"{"type": "module"}"#, "app.js": source]) { code in
      let host = Self.host("app.handler", code: code)
      let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      await host.shutdown()
      #expect(report.result == .response(Array(#"{"ready":true}"#.utf8)))
    }
  }

  @Test func aMissingExportIsHandlerNotFoundInLambdasWords() async throws {
    try await Self.withFiles(["index.mjs": Self.handlers, "legacy.cjs": "module.exports = { other() {} };\n"]) { code in
      var messages: [String] = []
      for handler in ["index.nothingHere", "index.notAFunction", "legacy.handler"] {
        let host = Self.host(handler, code: code)
        let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
        await host.shutdown()
        guard let (type, error) = try Self.failure(report, initError: true) else { continue }
        #expect(type == "Runtime.HandlerNotFound")
        #expect(error["errorType"] as? String == "Runtime.HandlerNotFound")
        messages.append(error["errorMessage"] as? String ?? "")
      }
      #expect(
        messages == [
          "index.nothingHere is undefined or not exported", "index.notAFunction is not a function",
          "legacy.handler is undefined or not exported",
        ])
    }
  }

  @Test func aModuleThatCannotBeLoadedIsAnImportModuleError() async throws {
    try await Self.withFiles(["index.mjs": "import nothing from \"no-such-package\";\nexport const handler = async () => nothing;\n"]) {
      code in
      for (handler, prefix) in [
        ("app.handler", "Error: Cannot find module 'app'\nRequire stack:\n- "),
        ("index.handler", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'no-such-package' imported from \(code)/index.mjs"),
      ] {
        let host = Self.host(handler, code: code)
        let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
        await host.shutdown()
        guard let (type, error) = try Self.failure(report, initError: true) else { continue }
        #expect(type == "Runtime.ImportModuleError")
        #expect(error["errorType"] as? String == "Runtime.ImportModuleError")
        let message = try #require(error["errorMessage"] as? String)
        #expect(message.hasPrefix(prefix), "\(message)")
      }
    }
  }

  @Test func aSyntaxErrorIsUserCodeSyntaxError() async throws {
    try await Self.withFiles(["index.mjs": "export const handler = async () => {\n"]) { code in
      let host = Self.host("index.handler", code: code)
      let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      await host.shutdown()
      guard let (type, error) = try Self.failure(report, initError: true) else { return }
      #expect(type == "Runtime.UserCodeSyntaxError")
      #expect(error["errorType"] as? String == "Runtime.UserCodeSyntaxError")
      #expect(error["errorMessage"] as? String == "SyntaxError: Unexpected end of input")
    }
  }

  /// A throw in a timer and a rejection nobody handles fail the execution in progress and end
  /// the process (exit 129 and 128), as Lambda's Node runtime does.
  @Test func anUncaughtExceptionOrUnhandledRejectionFailsTheExecutionAndEndsTheProcess() async throws {
    let source = """
      const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      export const throwsLater = async () => {
        setTimeout(() => { throw new Error("boom in a timer"); }, 10);
        await later(5000);
      };
      export const forgets = async () => {
        Promise.reject(new Error("forgotten"));
        await later(5000);
      };
      """
    try await Self.withFiles(["index.mjs": source]) { code in
      for (handler, expected, status) in [
        ("index.throwsLater", ["Error", "boom in a timer"], Int32(129)),
        ("index.forgets", ["Runtime.UnhandledPromiseRejection", "Error: forgotten"], Int32(128)),
      ] {
        let host = Self.host(handler, code: code)
        let clock = ContinuousClock()
        let started = clock.now
        let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
        #expect(clock.now - started < .seconds(4))
        var logs = await host.logs()
        for _ in 0..<50 where !(logs.first ?? "").contains("\n") {
          try await Task.sleep(for: .milliseconds(20))
          logs = await host.logs()
        }
        await host.shutdown()
        guard let (type, error) = try Self.failure(report, initError: false) else { continue }
        #expect(type == expected[0])
        #expect([error["errorType"] as? String, error["errorMessage"] as? String] == expected)
        let first = logs.first ?? ""
        #expect(first.hasPrefix(status == 129 ? "Uncaught Exception Error: boom in a timer" : "Unhandled Promise Rejection Runtime.UnhandledPromiseRejection: Error: forgotten"), "\(first)")
      }
    }
  }

  /// `after: call 1, kind: crash` on the first attempt: the mail is sent, the node process is
  /// killed before the reply, and the retry sends it again.
  @Test func aScenarioFaultAfterTheFirstCallKillsTheProcess() async throws {
    let source = """
      export const handler = async () => {
        const reply = await fetch(process.env.RETRYSCOPE_ENDPOINT_WELCOME_EMAIL, { method: "POST", body: '{"to": "ada"}' });
        await reply.text();
        return "sent";
      };
      """
    try await Self.withFiles(["index.mjs": source]) { code in
      var scenario = SimulatedRunTests.scenario(marker: "")
      scenario.faults = [Fault(invocation: "A", attempt: 1, point: .after("call 1"), kind: .crash)]
      let configured = scenario
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .nodejs, handler: "index.handler", codePath: code), endpoints: ["welcome-email"])
      let trace = await program.run { Simulator(scenario: configured).run(external: program) }
      let executions = trace.attempts.filter { $0.outcome != .throttled }
      #expect(executions.map(\.outcome) == [.crash, .success])
      #expect(executions[0].errorMessage?.hasSuffix("Error: Runtime exited with error: signal: killed") == true)
      #expect(executions[1].response == "sent")
      #expect(trace.effects.map(\.actor) == ["A#1", "A#2"])
      #expect(trace.effects.map(\.after) == [["to": "ada"], ["to": "ada"]])
      #expect(trace.effects[1].duplicateOf == 0)
      #expect(program.setupError == nil)
    }
  }
}
