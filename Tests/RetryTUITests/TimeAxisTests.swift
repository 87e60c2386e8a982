import RetryCore
import RetryIO
import Testing

@testable import RetryTUI

@Suite struct TimeAxisTests {
  func trace(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  @Test func foldedWaitsTakeAFixedWidthWhateverTheirLength() throws {
    let trace = try trace("async-retries-dlq")
    let axis = TimeAxis(trace: trace, mode: .folded, scale: 1, available: 70)
    #expect(axis.folds.count == 2)
    // `┄ 1m05s ┄` between two bars: the label plus six columns.
    for fold in axis.folds {
      #expect(fold.width == DurationText.short(fold.to - fold.from).count + 6)
    }
    // The one-minute and the two-minute wait are drawn the same width apart from their labels.
    #expect(axis.width < 70)
  }

  @Test func everyExecutionIsWideEnoughForItsLabel() throws {
    for name in ["async-retries-dlq", "sync-timeout-retry", "async-interleave", "create-user", "cron-clock"] {
      let trace = try trace(name)
      let axis = TimeAxis(trace: trace, mode: .folded, scale: 1, available: 70)
      for attempt in trace.attempts where attempt.outcome != .throttled {
        let width = axis.column(of: attempt.end) - axis.column(of: attempt.start)
        #expect(width >= "#\(attempt.number) ✗".count + 2, "\(name) \(attempt.label)")
      }
    }
  }

  @Test func columnsNeverGoBackInTime() throws {
    let trace = try trace("async-interleave")
    for mode in TimeAxis.Mode.allCases {
      let axis = TimeAxis(trace: trace, mode: mode, scale: 1, available: 70)
      let times = trace.events.map(\.time)
      let columns = times.map(axis.column(of:))
      #expect(columns == columns.sorted(), "\(mode)")
      #expect(axis.column(of: 0) == 0)
      #expect(axis.column(of: trace.end) == axis.width - 1)
    }
  }

  @Test func linearTimeFitsTheWidthAndKeepsProportions() throws {
    let trace = try trace("async-retries-dlq")
    let axis = TimeAxis(trace: trace, mode: .linear, scale: 1, available: 71)
    #expect(axis.width == 71)
    let half = axis.column(of: trace.end / 2)
    #expect(abs(half - 35) <= 1)
    #expect(axis.folds.isEmpty)
    let zoomed = TimeAxis(trace: trace, mode: .linear, scale: 2, available: 71)
    #expect(zoomed.width == 141)
  }

  @Test func zoomWidensTheFoldedAxis() throws {
    let trace = try trace("sync-timeout-retry")
    let normal = TimeAxis(trace: trace, mode: .folded, scale: 1, available: 70)
    let zoomed = TimeAxis(trace: trace, mode: .folded, scale: 2.25, available: 70)
    #expect(zoomed.width > normal.width)
  }

  @Test func timeAtColumnInvertsColumnOfTime() throws {
    let trace = try trace("async-interleave")
    let axis = TimeAxis(trace: trace, mode: .folded, scale: 1, available: 70)
    for event in trace.events {
      #expect(axis.column(of: axis.time(atColumn: axis.column(of: event.time))) == axis.column(of: event.time))
    }
  }

  @Test func logarithmIsCloseEnough() {
    for value in [0.5, 1, 2, 10, 33.9, 1_000, 123_456] {
      let exact = [0.5: -0.30103, 1: 0, 2: 0.30103, 10: 1, 33.9: 1.53020, 1_000: 3, 123_456: 5.09151][value]!
      #expect(abs(TimeAxis.log10Approximation(value) - exact) < 0.001, "\(value)")
    }
  }

  @Test func viewportFollowsThePlayhead() {
    #expect(TimelineView.viewportStart(axis: axisOfWidth(50), playheadColumn: 40, visible: 60) == 0)
    #expect(TimelineView.viewportStart(axis: axisOfWidth(200), playheadColumn: 10, visible: 60) == 0)
    #expect(TimelineView.viewportStart(axis: axisOfWidth(200), playheadColumn: 100, visible: 60) == 80)
    #expect(TimelineView.viewportStart(axis: axisOfWidth(200), playheadColumn: 199, visible: 60) == 140)
  }

  /// A linear axis exactly `width` columns wide.
  func axisOfWidth(_ width: Int) -> TimeAxis {
    let trace = Trace(meta: TraceMeta(source: "test", scenario: "t"), events: [TraceEvent(time: 1_000, kind: .invoke)])
    return TimeAxis(trace: trace, mode: .linear, scale: 1, available: width)
  }
}

@Suite struct GotoTargetTests {
  @Test func parsesEveryForm() {
    #expect(GotoTarget(parsing: "12") == .step(12))
    #expect(GotoTarget(parsing: " A#2 ") == .attempt(invocation: "A", number: 2))
    #expect(GotoTarget(parsing: "tick-2#1") == .attempt(invocation: "tick-2", number: 1))
    #expect(GotoTarget(parsing: "90s") == .time(90_000))
    #expect(GotoTarget(parsing: "1m30s") == .time(90_000))
    #expect(GotoTarget(parsing: "1.5s") == .time(1_500))
    #expect(GotoTarget(parsing: "250ms") == .time(250))
    #expect(GotoTarget(parsing: "2h") == .time(7_200_000))
    #expect(GotoTarget(parsing: "end") == .end)
    #expect(GotoTarget(parsing: "start") == .start)
    for bad in ["", "soon", "#2", "90x", "s90", "1m 30s", "A#"] {
      #expect(GotoTarget(parsing: bad) == nil, "\(bad)")
    }
  }

  /// A time too large for `Milliseconds` was converted from Double and trapped; now it is "no such
  /// time", and the parse says so (a syntax error stays `unrecognized`).
  @Test func aTimeBeyondAnyTraceIsNoSuchTime() {
    for huge in ["99999999999999999999s", "9999999999999999999ms", "2562047788016h", "1" + String(repeating: "0", count: 400) + "s"] {
      #expect(GotoTarget.parse(huge) == .failure(.noSuchTime(huge)), "\(huge)")
      #expect(GotoTarget(parsing: huge) == nil)
    }
    #expect(GotoTarget.ParseFailure.noSuchTime("99999999999999999999s").message == "no such time: 99999999999999999999s is past the end of any trace")
    #expect(GotoTarget.parse("soon") == .failure(.unrecognized))
    // The largest time that fits still parses (and goes to the last step).
    guard case .success(.time(let largest)) = GotoTarget.parse("2562047788015h") else {
      Issue.record("2562047788015h (just below Int.max milliseconds) did not parse")
      return
    }
    #expect(largest > 9_223_372_036_850_000_000)
  }
}
