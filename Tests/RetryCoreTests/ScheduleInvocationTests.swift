import Testing
@testable import RetryCore

/// EventBridge rules fire Event invokes whose payload carries the scheduled time; a retry keeps
/// that time while the handler's clock moves on.
/// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
@Suite struct ScheduleInvocationTests {
  static func scenario(count: Int, faults: [Fault] = []) throws -> Scenario {
    var scenario = Build.scenario(.event, faults: faults)
    scenario.invocations = []
    scenario.schedules = [ScheduleDefinition(id: "tick", expression: try ScheduleExpression.parse("rate(5 minutes)"), count: count)]
    return scenario
  }

  @Test func aRateRuleFiresEventInvokesWithTheScheduledTime() throws {
    let trace = Simulator(scenario: try Self.scenario(count: 3)).run()
    #expect(trace.invocations.map(\.id) == ["tick-1", "tick-2", "tick-3"])
    #expect(trace.invocations.map(\.at) == [0, 300_000, 600_000])
    #expect(trace.invocations.allSatisfy { $0.type == .event })
    #expect(trace.invocations.map { $0.payload["time"] } == [
      "2019-09-20T09:00:00Z", "2019-09-20T09:05:00Z", "2019-09-20T09:10:00Z",
    ])
    #expect(trace.invocations[0].payload["detail-type"] == "Scheduled Event")
    #expect(trace.invocations[0].payload["source"] == "aws.events")
    #expect(trace.invocations[0].caller == "EventBridge rule tick")
  }

  @Test func aRetriedScheduledEventKeepsItsTimeWhileTheClockMovesOn() throws {
    let fault = Fault(invocation: "tick-1", attempt: 1, point: .before("respond"), kind: .error(type: "Error", message: "boom"))
    let trace = Simulator(scenario: try Self.scenario(count: 1, faults: [fault])).run()
    let attempts = trace.attempts(of: "tick-1")
    #expect(attempts.count == 2)
    // Same event, same `time`: the invocation's payload is what both attempts received.
    #expect(trace.invocations[0].payload["time"] == "2019-09-20T09:00:00Z")
    // The handler's clock at the retry is more than a minute past the scheduled time.
    #expect(attempts[1].clockAtStart - Scenario.defaultOrigin >= 60_000)
  }

  @Test func aFaultNamingTheRuleHitsEveryFiring() throws {
    let fault = Fault(invocation: "tick", point: .before("respond"), kind: .error(type: "Error", message: "boom"))
    let trace = Simulator(scenario: try Self.scenario(count: 2, faults: [fault])).run()
    #expect(trace.executions.count == 6)
  }
}
