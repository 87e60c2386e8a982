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
    // Each firing reaches Lambda within its scheduled minute, not on second 0 (issue 14).
    for (invocation, scheduled) in zip(trace.invocations, [0, 300_000, 600_000]) {
      #expect((scheduled...scheduled + 59_000).contains(invocation.at))
    }
    #expect(Set(trace.invocations.map { $0.at % 300_000 }).count > 1)
    #expect(trace.invocations.allSatisfy { $0.type == .event })
    #expect(trace.invocations.map { $0.payload["time"] } == [
      "2019-09-20T09:00:00Z", "2019-09-20T09:05:00Z", "2019-09-20T09:10:00Z",
    ])
    #expect(trace.invocations[0].payload["detail-type"] == "Scheduled Event")
    #expect(trace.invocations[0].payload["source"] == "aws.events")
    #expect(trace.invocations[0].caller == "EventBridge rule tick")
  }

  /// `firingDelay` is the configurable choice: `0s` fires on second 0, a range stays within it.
  @Test(arguments: [(DelayRange.exactly(0), [0, 300_000, 600_000]), (DelayRange(10_000, 10_000), [10_000, 310_000, 610_000])])
  func theFiringDelayIsConfigurable(delay: DelayRange, times: [Milliseconds]) throws {
    var scenario = try Self.scenario(count: 3)
    scenario.schedules[0].firingDelay = delay
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.invocations.map(\.at) == times)
    // The caption says how far into its minute a firing came, and nothing when on second 0.
    let invoke = try #require(trace.events.first { $0.kind == .invoke })
    let caption = Narrator(trace: trace).caption(for: invoke)
    #expect(caption.hasPrefix(times[0] == 0 ? "EventBridge rule tick fires: " : "EventBridge rule tick fires, 10s into its minute (a rule runs within the minute, not on second 0): "))
    // The event names the scheduled minute whatever the delay.
    #expect(trace.invocations.map { $0.payload["time"] } == [
      "2019-09-20T09:00:00Z", "2019-09-20T09:05:00Z", "2019-09-20T09:10:00Z",
    ])
  }

  @Test func firingDelaysAreTheSameForTheSameSeedAndShiftNothingElse() throws {
    let scenario = try Self.scenario(count: 5)
    let first = Simulator(scenario: scenario, seed: 7).run()
    #expect(first.invocations.map(\.at) == Simulator(scenario: scenario, seed: 7).run().invocations.map(\.at))
    #expect(first.invocations.map(\.at) != Simulator(scenario: scenario, seed: 8).run().invocations.map(\.at))
    // The event ids come from their own generator: unchanged by the firings' draws.
    var exact = scenario
    exact.schedules[0].firingDelay = .exactly(0)
    #expect(first.invocations.map { $0.payload["id"] } == Simulator(scenario: exact, seed: 7).run().invocations.map { $0.payload["id"] })
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
