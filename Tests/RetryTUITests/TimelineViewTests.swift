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

/// A linear axis on a trace that spans years (a scenario with `at: 87600h`, the longest duration a
/// scenario may hold since the loader bounds them; logs with one bogus timestamp): the ruler's labels are bounded by the screen, not by the span.
@Suite struct LinearAxisSpanTests {
  static let years = """
    name: years
    title: two invocations ten years apart
    function:
      functionName: echo
    handler:
      - name: respond
        return: {b: "${event.a}"}
    invocations:
      - id: A
        type: RequestResponse
        payload: {a: 7}
      - id: B
        type: RequestResponse
        at: 87600h
        payload: {a: 8}

    """

  /// The frame at 80x24 in linear mode (`z`): it is drawn (before, the ruler walked the span in
  /// 2-hour steps: 5e10 labels and gigabytes for `at: 99999999999h`, before durations were bounded, and `q` never came), with a few round labels.
  @Test func aFrameOfATraceSpanningYearsHasAFewRoundLabels() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.years, file: "years.yaml")
    var state = AppState(
      tour: [], tourPosition: nil, scenarioName: "years", session: TraceSession(scenario: scenario, seed: nil),
      size: Size(width: 80, height: 24))
    state.timeMode = .linear
    state.playhead = state.session.lastEvent
    let lines = FrameRenderer.render(state, environment: Fixtures.environment).text.split(separator: "\n").map(String.init)
    let ruler = try #require(lines.first { $0.hasPrefix("linear") })
    // The labels: runs of characters that are not the ruler's line or the playhead.
    let labels = ruler.dropFirst("linear".count).split { "─▼│ ".contains($0) }.map(String.init)
    #expect(labels.first == "0s")
    #expect(labels.count >= 2)
    #expect(labels.count <= 80 / 6)
    // Round hours: every label after the first is a whole number of days, in hours (`DurationText`).
    for label in labels.dropFirst() {
      #expect(label.hasSuffix("h00m"), "\(label)")
      let hours = try #require(Int(label.dropLast(4)), "\(label)")
      #expect(hours % 24 == 0, "\(label)")
    }
  }

  /// Zoomed in (25.6 screens wide), with the playhead anywhere, and on a trace read from a file
  /// whose first time is -9e18 ms: the axis's arithmetic overflowed `Int` there.
  @Test func zoomedAndNegativeSpansDrawToo() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.years, file: "years.yaml")
    var trace = TraceSession(scenario: scenario, seed: nil).trace
    for variant in 0..<2 {
      if variant == 1 { trace.events[0].time = -9_000_000_000_000_000_000 }
      var state = AppState(
        tour: [], tourPosition: nil, scenarioName: "years", session: TraceSession(scenario: nil, trace: trace),
        size: Size(width: 80, height: 24))
      state.timeMode = .linear
      state.zoom = 8
      for playhead in [0, trace.events.count / 2, trace.events.count - 1] {
        state.playhead = playhead
        let lines = FrameRenderer.render(state, environment: Fixtures.environment).text.split(separator: "\n").map(String.init)
        let ruler = try #require(lines.first { $0.hasPrefix("linear") })
        #expect(ruler.split { "─▼│ ".contains($0) }.count - 1 <= 80 / 6)
      }
      let axis = TimeAxis(trace: trace, mode: .linear, scale: 25.6, available: 70)
      var previous = Milliseconds.min
      for column in stride(from: 0, through: axis.width, by: 7) {
        let time = axis.time(atColumn: column)
        #expect(time >= previous)
        previous = time
      }
    }
  }

  @Test func ticksAreBoundedByTheirCountWhateverTheSpan() {
    let span: Milliseconds = 99_999_999_999 * 3_600_000
    let ticks = TimeAxis.ticks(from: 0, to: span, maxTicks: 7)
    #expect(ticks.count >= 2 && ticks.count <= 8)
    #expect(ticks.first == 0)
    let step = ticks[1] - ticks[0]
    #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 - $0 == step })
    #expect(step % 86_400_000 == 0)
    #expect(ticks.last! <= span && ticks.last! + step > span)
    // The whole range of `Milliseconds`: no overflow, still a handful.
    let all = TimeAxis.ticks(from: 0, to: .max, maxTicks: 7)
    #expect(all.count >= 1 && all.count <= 8)
    // Ordinary spans keep their steps: 90 s on 70 columns is a label every 30 s.
    #expect(TimeAxis.ticks(from: 0, to: 90_000, maxTicks: 7) == [0, 30_000, 60_000, 90_000])
    #expect(TimeAxis.ticks(from: 1_000, to: 1_200, maxTicks: 7) == [1_000, 1_050, 1_100, 1_150, 1_200])
  }
}
