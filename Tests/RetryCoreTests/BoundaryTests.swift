import Testing
@testable import RetryCore

/// What happens exactly at a limit: each test pins the rule at equality and one millisecond past.
@Suite struct BoundaryTests {
  /// A scenario without random or fixed overheads, so that times are exact.
  static func exact(_ type: InvocationType, steps: [Step], faults: [Fault] = [], configure: (inout Scenario) -> Void = { _ in }) -> Scenario {
    Build.scenario(type, steps: steps, faults: faults) {
      $0.function.asyncQueue.deliveryDelay = .exactly(0)
      $0.function.latencies = StepLatencies(dynamodb: 0, http: 0, compute: 0, invokeOverhead: 0)
      configure(&$0)
    }
  }

  static let respond = Step(name: "respond", action: .respond(.literal("ok")))

  /// An event may be retried while its age is at most `maximumEventAgeInSeconds`; a retry that
  /// would come later expires it. Source: https://docs.aws.amazon.com/lambda/latest/dg/API_PutFunctionEventInvokeConfig.html
  @Test(arguments: [(60_000, 2), (60_001, 1)])
  func retryAtExactlyTheMaximumEventAgeStillRuns(delay: Milliseconds, executions: Int) {
    let fault = Fault(invocation: "A", attempt: 1, point: .before("respond"), kind: .error(type: "Error", message: "boom"))
    let trace = Simulator(scenario: Self.exact(.event, steps: [Self.respond], faults: [fault]) {
      $0.function.eventInvokeConfig.maximumEventAgeInSeconds = 60
      $0.function.asyncQueue.retryDelays = [.exactly(delay)]
    }).run()
    #expect(trace.attempts.count == executions)
    #expect(trace.outcomes.first?.kind == (executions == 2 ? .succeeded : .dropped))
    if executions == 1 {
      #expect(trace.outcomes.first?.reason == "EventAgeExceeded")
      // Expired when it is 60 s old, not when the late retry was scheduled.
      #expect(trace.outcomes.first?.time == 60_000)
    }
  }

  /// A handler that would finish exactly at the function timeout has timed out: the timeout is
  /// armed first, and `Duration` equals the timeout. One millisecond less and it succeeds.
  @Test(arguments: [(3_000, AttemptOutcome.timeout), (2_999, .success)])
  func finishingExactlyAtTheTimeoutIsATimeout(work: Milliseconds, outcome: AttemptOutcome) {
    let trace = Simulator(scenario: Self.exact(.requestResponse, steps: [Build.work(work), Self.respond])).run()
    #expect(trace.attempts.first?.outcome == outcome)
    #expect(trace.attempts.first?.duration == work)
  }

  /// The client's read timeout is armed when the request is sent, before the execution can answer:
  /// a response at exactly the read timeout is too late, one millisecond earlier is in time.
  @Test(arguments: [(60_000, 3), (59_999, 1)])
  func aResponseExactlyAtTheReadTimeoutIsTooLate(work: Milliseconds, executions: Int) {
    let trace = Simulator(scenario: Self.exact(.requestResponse, steps: [Build.work(work), Self.respond]) {
      $0.function.timeout = 120_000
      $0.client = .preset(.boto3Standard)
    }).run()
    #expect(trace.attempts.count == executions)
    #expect(trace.outcomes.first?.kind == (executions == 1 ? .response : .clientError))
  }
}
