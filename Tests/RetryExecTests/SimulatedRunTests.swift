import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// The simulator driving real python3 processes: its retries, their measured executions.
@Suite(.serialized) struct SimulatedRunTests {
  /// Sends the welcome mail, then crashes the first time (a marker file remembers it), as the
  /// talk's create-user handler does when it dies after its side effect.
  static let createUser = """
    import json, os, urllib.request

    def handler(event, context):
        body = json.dumps({"to": event["email"]}).encode()
        request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=body, method="POST")
        urllib.request.urlopen(request).read()
        if not os.path.exists(event["marker"]):
            open(event["marker"], "w").close()
            os._exit(1)
        return {"created": event["email"]}
    """

  static func scenario(marker: String) -> Scenario {
    Scenario(
      name: "create-user-exec", seed: 7, tables: [],
      endpoints: [EndpointDefinition(name: "welcome-email", url: "https://mail.example/send")],
      handler: Handler(steps: []),
      invocations: [
        InvocationDefinition(id: "A", type: .event, payload: ["email": "ada@example.com", "marker": .string(marker)])
      ],
      faults: [])
  }

  @Test func anAsyncRetryAfterACrashSendsTheMailTwice() async throws {
    try await PythonRuntimeTests.withCode(Self.createUser) { code in
      let scenario = Self.scenario(marker: code + "/crashed-once")
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code, functionName: "create-user"),
        endpoints: scenario.endpoints.map(\.name))
      let trace = await program.run { Simulator(scenario: scenario).run(external: program) }

      let executions = trace.attempts.filter { $0.outcome != .throttled }
      #expect(executions.map(\.outcome) == [.crash, .success])
      #expect(executions[0].errorType == "Runtime.ExitError")
      #expect(executions[0].errorMessage?.hasSuffix("Error: Runtime exited with error: exit status 1") == true)
      #expect(executions[1].response == ["created": "ada@example.com"])
      // One request id for both: Lambda's async retries keep it.
      #expect(executions[0].requestId == executions[1].requestId)
      // The retry waited the simulator's virtual minute, not a real one.
      #expect(executions[1].start - executions[0].end >= 60_000)

      #expect(trace.effects.map(\.kind) == [.post, .post])
      #expect(trace.effects.map(\.target) == ["welcome-email", "welcome-email"])
      #expect(trace.effects.map(\.after) == [["to": "ada@example.com"], ["to": "ada@example.com"]])
      #expect(trace.effects.map(\.step) == ["call 1", "call 1"])
      #expect(trace.effects[1].duplicateOf == 0)
      for (effect, execution) in zip(trace.effects, executions) {
        #expect(effect.time >= execution.start && effect.time <= execution.end)
      }
      #expect(trace.outcomes.map(\.kind) == [.succeeded])
      #expect(program.setupError == nil)
    }
  }

  @Test func aHandlerThatNeverAnswersTimesOutAtTheFunctionTimeout() async throws {
    try await PythonRuntimeTests.withCode("import time\ndef handler(event, context):\n    time.sleep(60)\n") { code in
      var scenario = Self.scenario(marker: "")
      scenario.function.timeout = 300
      scenario.function.eventInvokeConfig.maximumRetryAttempts = 1
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), endpoints: [])
      let clock = ContinuousClock()
      let started = clock.now
      let configured = scenario
      let trace = await program.run { Simulator(scenario: configured).run(external: program) }
      #expect(clock.now - started < .seconds(20))
      let executions = trace.attempts.filter { $0.outcome != .throttled }
      #expect(executions.map(\.outcome) == [.timeout, .timeout])
      #expect(executions.map { $0.end - $0.start } == [300, 300])
      #expect(executions[0].errorMessage == "RequestId: \(executions[0].requestId) Error: Task timed out after 0.30 seconds")
    }
  }

  /// `after: call 1, kind: crash` on the first attempt: the mail is sent, the process is killed
  /// before the reply, and the retry sends it again.
  @Test func aScenarioFaultAfterTheFirstCallKillsTheProcess() async throws {
    let source = """
      import json, os, urllib.request

      def handler(event, context):
          request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=b'{"to": "ada"}', method="POST")
          urllib.request.urlopen(request).read()
          return "sent"
      """
    try await PythonRuntimeTests.withCode(source) { code in
      var scenario = Self.scenario(marker: "")
      scenario.faults = [Fault(invocation: "A", attempt: 1, point: .after("call 1"), kind: .crash)]
      let configured = scenario
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), endpoints: ["welcome-email"])
      let trace = await program.run { Simulator(scenario: configured).run(external: program) }
      let executions = trace.attempts.filter { $0.outcome != .throttled }
      #expect(executions.map(\.outcome) == [.crash, .success])
      #expect(executions[0].errorMessage?.hasSuffix("Error: Runtime exited with error: signal: killed") == true)
      #expect(trace.effects.map(\.actor) == ["A#1", "A#2"])
      #expect(trace.effects[1].duplicateOf == 0)
    }
  }
}
