import Testing

@testable import RetryCore

/// A program stands in for the handler's steps (`retryscope exec`): a scripted fake here, so
/// that the rules are checked without processes (RetryExecTests runs real ones).
@Suite struct ExternalHandlerTests {
  /// Answers each attempt from a script: its calls (offset, body) and its outcome.
  final class ScriptedProgram: ExternalHandler {
    var script: [Int: (calls: [(Milliseconds, Value)], outcome: ExternalOutcome)]
    var executions: [ExternalExecution] = []
    var replies: [ExternalReply] = []

    init(_ script: [Int: (calls: [(Milliseconds, Value)], outcome: ExternalOutcome)]) { self.script = script }

    func execute(_ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply) -> ExternalOutcome {
      executions.append(execution)
      let entry = script[execution.attempt]!
      for (offset, body) in entry.calls { replies.append(serve(ExternalCall(offset: offset, endpoint: "hook", body: body))) }
      return entry.outcome
    }
  }

  @Test func aCrashAfterThePostIsRetriedAndTheRetrysPostIsADuplicate() throws {
    let program = ScriptedProgram([
      1: ([(40, ["mail": "ada"])], .crash(message: "RequestId: x Error: Runtime exited with error: exit status 1", duration: 90)),
      2: ([(35, ["mail": "ada"])], .success(response: ["ok": true], duration: 70)),
    ])
    let trace = Simulator(scenario: Build.scenario(.event)).run(external: program)

    #expect(program.executions.map(\.attempt) == [1, 2])
    #expect(program.executions.map(\.payload) == [["id": "order-1"], ["id": "order-1"]])
    #expect(program.executions.first?.timeout == 3_000)
    #expect(program.replies == [ExternalReply(status: 200), ExternalReply(status: 200)])
    let executions = trace.executions
    #expect(executions.map(\.outcome) == [.crash, .success])
    #expect(executions[0].errorType == "Runtime.ExitError")
    // The invoke phase starts after the invoke overhead (2 ms); the program's measured times follow.
    #expect(executions[0].end - executions[0].start == 2 + 90)
    #expect(executions[1].end - executions[1].start == 2 + 70)
    #expect(trace.effects.map(\.time) == [executions[0].start + 2 + 40, executions[1].start + 2 + 35])
    #expect(trace.effects.map(\.step) == ["call 1", "call 1"])
    #expect(trace.effects.map(\.kind) == [.post, .post])
    #expect(trace.effects[1].duplicateOf == 0)
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
  }

  /// The program's clock is the simulation's: each execution is delivered at the trace's origin +
  /// its start + the invoke overhead, so the async retry comes about a minute after the failure.
  @Test func eachExecutionIsDeliveredAtItsSimulatedWallClock() {
    let program = ScriptedProgram([
      1: ([], .error(type: "ValueError", message: "boom", duration: 5)),
      2: ([], .success(response: .null, duration: 5)),
    ])
    let scenario = Build.scenario(.event)
    let trace = Simulator(scenario: scenario).run(external: program)
    let executions = trace.executions
    #expect(program.executions.map(\.deliveredAt) == executions.map { scenario.origin + $0.start + 2 })
    #expect(program.executions[1].deliveredAt - program.executions[0].deliveredAt >= 60_000)
  }

  @Test func aProgramThatTimesOutEndsAtTheFunctionTimeout() {
    let program = ScriptedProgram([
      1: ([], .timeout),
      2: ([], .error(type: "ValueError", message: "boom", duration: 5)),
      3: ([], .success(response: .null, duration: 5)),
    ])
    let trace = Simulator(scenario: Build.scenario(.event)).run(external: program)
    let executions = trace.executions
    #expect(executions.map(\.outcome) == [.timeout, .error, .success])
    #expect(executions[0].end - executions[0].start == 3_000)
    #expect(executions[1].errorType == "ValueError" && executions[1].errorMessage == "boom")
  }

  @Test func aCallIsNeverStampedPastAnEventStillToBeHandled() {
    // A call measured after the function timeout (the program overran) is stamped no later than
    // the timeout, which the simulator has yet to handle.
    let program = ScriptedProgram([1: ([(5_000, ["late": true])], .timeout)])
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.function.eventInvokeConfig.maximumRetryAttempts = 0
    }).run(external: program)
    let execution = trace.executions[0]
    #expect(trace.effects.map(\.time) == [execution.end])
    #expect(trace.effects.map(\.time) == trace.effects.map(\.time).sorted())
  }

  @Test func anEndpointTheScenarioDoesNotDeclareIs404WithNoEffect() {
    final class Stray: ExternalHandler {
      var reply: ExternalReply?
      func execute(_ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply) -> ExternalOutcome {
        reply = serve(ExternalCall(offset: 1, endpoint: "nowhere", body: .null))
        return .success(response: .null, duration: 2)
      }
    }
    let program = Stray()
    let trace = Simulator(scenario: Build.scenario(.event)).run(external: program)
    #expect(program.reply == ExternalReply(status: 404))
    #expect(trace.effects.isEmpty)
  }

  @Test func theScenariosFaultsReachTheExecutionTheyAimAt() {
    let program = ScriptedProgram([
      1: ([], .crash(message: "killed", duration: 5)),
      2: ([], .success(response: .null, duration: 5)),
    ])
    let faults = [
      Fault(invocation: "A", attempt: 1, point: .after("call 2"), kind: .crash),
      Fault(invocation: "A", attempt: 1, point: .beforeStep(1), kind: .error(type: "ThrottlingException", message: "")),
      Fault(invocation: "B", attempt: 1, point: .beforeStep(3), kind: .timeout),
      Fault(invocation: "A", attempt: 1, point: .before("respond"), kind: .crash),
    ]
    _ = Simulator(scenario: Build.scenario(.event, faults: faults)).run(external: program)
    #expect(program.executions.map(\.faults) == [[2: .crashAfterCall, 1: .errorReply(status: 429)], [:]])
  }
}
