import RetryCore

/// One simulated (or imported) run and everything derived from it once: the index, the captions,
/// the lanes, the state ledger and the time axes.
///
/// A reference type so that the app state stays cheap to copy and compare: two states show the
/// same run exactly when they hold the same session (`===`).
public final class TraceSession {
  /// The scenario the run came from (nil for an imported trace): `S` and `:seed` run it again.
  public let scenario: Scenario?
  public let trace: Trace
  public let narrator: Narrator
  public let model: TimelineModel
  public let ledger: StateLedger
  private var axes: [AxisKey: TimeAxis] = [:]
  /// The last comparison with another run (`d`): a frame asks for it several times, and a step
  /// only changes it when a playhead moves; a million-effect trace would pay for every frame.
  private var lastDiff: DiffMemo?

  struct DiffKey: Equatable {
    var label: String
    var otherLabel: String
    var asOf: Int
    var otherAsOf: Int
  }

  /// Weak: the memo must not keep a closed comparison's run alive, nor mistake a new run at
  /// the same address for it.
  struct DiffMemo {
    weak var other: TraceSession?
    var key: DiffKey
    var diff: TraceDiff
  }

  struct AxisKey: Hashable {
    var mode: TimeAxis.Mode
    var zoom: Int
    var available: Int
  }

  public init(scenario: Scenario?, trace: Trace) {
    self.scenario = scenario
    self.trace = trace
    narrator = Narrator(trace: trace)
    model = TimelineModel(index: narrator.index)
    ledger = StateLedger(trace: trace)
  }

  /// Simulates `scenario` with `seed` (nil: the scenario's own).
  public convenience init(scenario: Scenario, seed: UInt64?) {
    self.init(scenario: scenario, trace: Simulator(scenario: scenario, seed: seed).run())
  }

  public var seed: UInt64? { trace.meta.seed }

  /// This run's effect ledger against `other`'s, each as of its playhead (`TraceDiff`), kept
  /// until a playhead or the other run changes.
  public func diff(label: String, with other: TraceSession, label otherLabel: String, asOf: Int, otherAsOf: Int) -> TraceDiff {
    let key = DiffKey(label: label, otherLabel: otherLabel, asOf: asOf, otherAsOf: otherAsOf)
    if let lastDiff, lastDiff.other === other, lastDiff.key == key { return lastDiff.diff }
    let diff = TraceDiff(trace, label: label, other.trace, label: otherLabel, asOfA: asOf, asOfB: otherAsOf)
    lastDiff = DiffMemo(other: other, key: key, diff: diff)
    return diff
  }
  public var eventCount: Int { trace.events.count }
  public var lastEvent: Int { max(0, trace.events.count - 1) }

  /// The time axis for a mode, zoom level and width: computed once and kept, since laying out a
  /// 10,000-invocation trace costs far more than drawing a frame of it.
  public func axis(mode: TimeAxis.Mode, zoom: Int, available: Int) -> TimeAxis {
    let key = AxisKey(mode: mode, zoom: zoom, available: mode == .linear || zoom == 0 ? available : 0)
    if let axis = axes[key] { return axis }
    var axis = TimeAxis(trace: trace, mode: mode, scale: Self.scale(zoom: zoom), available: available)
    // Zoom 0 is "fit": a folded axis a little too wide first gives up the room of its short
    // gaps (bars and folds keep theirs), so the whole story fits an 80-column stage if it can.
    // On a wide screen it grows instead, while it still fits, so bars get room for their words.
    if mode == .folded && zoom == 0 {
      for scale in [0.75, 0.5, 0.25] where axis.width > available {
        axis = TimeAxis(trace: trace, mode: mode, scale: scale, available: available)
      }
      for scale in [1.5, 2, 3, 4] where axis.width <= available {
        let wider = TimeAxis(trace: trace, mode: mode, scale: scale, available: available)
        guard wider.width <= available else { break }
        axis = wider
      }
    }
    if axes.count > 16 { axes.removeAll() }
    axes[key] = axis
    return axis
  }

  /// Zoom level 0 is 1; each `+` multiplies by 1.5.
  static func scale(zoom: Int) -> Double {
    var scale = 1.0
    for _ in 0..<abs(zoom) { scale *= 1.5 }
    return zoom < 0 ? 1 / scale : scale
  }
}
