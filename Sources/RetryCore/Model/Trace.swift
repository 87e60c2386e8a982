/// What happened: the one model the simulator and log importers produce and every view consumes.
///
/// Times are integer milliseconds from `meta.origin`. Arrays are in the order things happened;
/// indexes into `attempts` and `effects` are stable identifiers (`TraceEffect.duplicateOf`).
public struct Trace: Sendable {
  public var meta: TraceMeta
  public var invocations: [TraceInvocation]
  public var attempts: [TraceAttempt]
  public var waits: [TraceWait]
  public var effects: [TraceEffect]
  public var outcomes: [TraceOutcome]
  /// The story step by step, in time order: what a player steps through.
  public var events: [TraceEvent]
  /// The outside world at the end of the run.
  public var world: WorldSnapshot
  /// Event sources: the message or record each effect was made for, by effect index. Kept
  /// beside the effects rather than in them: a run of a million async invocations has none,
  /// and `TraceEffect` stays at its size (`DeterminismTests.traceRecordsStayCompact`).
  public var effectRecords: [Int: String] = [:]
  /// Imported traces: what Lambda's REPORT line said about each attempt, by attempt index.
  public var attemptReports: [Int: AttemptReport] = [:]

  public init(
    meta: TraceMeta, invocations: [TraceInvocation] = [], attempts: [TraceAttempt] = [], waits: [TraceWait] = [],
    effects: [TraceEffect] = [], outcomes: [TraceOutcome] = [], events: [TraceEvent] = [], world: WorldSnapshot = .init()
  ) {
    self.meta = meta
    self.invocations = invocations
    self.attempts = attempts
    self.waits = waits
    self.effects = effects
    self.outcomes = outcomes
    self.events = events
    self.world = world
  }

  /// The attempts of one invocation, in order. Scans the whole trace: for more than a few
  /// questions, build a `TraceIndex` once.
  public func attempts(of invocation: String) -> [TraceAttempt] {
    attempts.filter { $0.invocation == invocation }
  }

  /// The message or stream record effect `index` was made for (event sources only).
  public func record(ofEffect index: Int) -> String? { effectRecords[index] }

  /// The effects that repeat an earlier effect of the same event.
  public var duplicateEffects: [TraceEffect] {
    effects.filter { $0.duplicateOf != nil }
  }

  /// The time of the last thing that happened.
  public var end: Milliseconds {
    events.last?.time ?? 0
  }
}
