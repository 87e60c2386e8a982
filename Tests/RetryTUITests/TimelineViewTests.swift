import RetryCore
import RetryIO
import Testing

@testable import RetryTUI

/// Lanes that only some runs have: a dropped event, an on-failure destination, a throttle.
@Suite struct TimelineViewTests {
  func frame(_ yaml: String, size: Size = Size(width: 80, height: 24)) throws -> [String] {
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "test.yaml")
    var state = AppState(tour: [], tourPosition: nil, scenarioName: "test", session: TraceSession(scenario: scenario, seed: nil), size: size)
    state.playhead = state.session.lastEvent
    return FrameRenderer.render(state, environment: Fixtures.environment).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  static let failing = """
    name: t
    title: a failing event
    function:
      functionName: f
      maximumRetryAttempts: 0
    handler:
      - throw: {errorType: Error, message: boom}
    invocations:
      - id: A
        type: Event
        payload: {}

    """

  @Test func aDroppedEventIsMarkedLostInItsLane() throws {
    let lines = try frame(Self.failing)
    let lane = try #require(lines.first { $0.hasPrefix("A Event") })
    #expect(lane.contains("✗lost"))
    #expect(!lines.contains { $0.hasPrefix("DLQ") })
  }

  @Test func anOnFailureDestinationHasItsOwnLane() throws {
    let yaml = Self.failing.replacingOccurrences(
      of: "  maximumRetryAttempts: 0\n", with: "  maximumRetryAttempts: 0\n  onFailure: {type: sqs, target: failed-events}\n")
    let lines = try frame(yaml)
    // An invocation record sent to a destination, not a dead letter (issue 12).
    let lane = try #require(lines.first { $0.hasPrefix("onFailure") })
    #expect(lane.contains("✉A"))
    #expect(!lane.contains("☠"))
    #expect(!(lines.first { $0.hasPrefix("A Event") } ?? "").contains("lost"))
  }

  @Test func aThrottledRequestIsOneGlyphAndTheRetryFollows() throws {
    var atEnd = try Fixtures.state("sync-error")
    atEnd.playhead = atEnd.session.lastEvent
    let end = Fixtures.frame(atEnd).split(separator: "\n").map(String.init)
    let lane = try #require(end.first { $0.hasPrefix("A RR") })
    #expect(lane.contains("⊘"))
    #expect(lane.contains("[A#2 ✗ error"))
    let caller = try #require(end.first { $0.hasPrefix("caller") })
    #expect(caller.contains("●A") && caller.contains("◀200"))
  }

  @Test func futureAttemptsAreNotDrawnYet() throws {
    var state = try Fixtures.state("async-retries-dlq")
    state.playhead = try GotoTarget.attempt(invocation: "A", number: 2).eventIndex(in: state.trace).get()
    let lines = Fixtures.frame(state).split(separator: "\n").map(String.init)
    let lane = try #require(lines.first { $0.hasPrefix("A Event") })
    #expect(lane.contains("A#1"))
    #expect(lane.contains("▸"))
    #expect(!lane.contains("A#3"))
    #expect(!lines.contains { $0.hasPrefix("DLQ") && $0.contains("☠") })
  }
}
