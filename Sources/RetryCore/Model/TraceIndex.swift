/// A trace's records grouped by invocation, built once in linear time.
///
/// Consumers (captions, the text report, the terminal UI) ask "the attempts of A", "A's waits" for
/// every line they draw; scanning the whole trace each time made a 5,000-invocation report
/// quadratic. Positions are indexes into the trace's arrays, in trace order.
public struct TraceIndex: Sendable {
  public let trace: Trace
  private let attemptPositions: [String: [Int]]
  private let waitPositions: [String: [Int]]
  private let outcomePositions: [String: [Int]]
  private let eventPositions: [String: [Int]]
  private let invocationPositions: [String: Int]
  /// Event sources: the batches each record was in and the outcomes that name it.
  private let recordAttemptPositions: [String: [Int]]
  private let recordOutcomePositions: [String: [Int]]
  /// Imported traces: the executions of each request id (in another lane with `--lanes streams`).
  private let requestPositions: [String: [Int]]

  public init(_ trace: Trace) {
    self.trace = trace
    attemptPositions = Self.group(trace.attempts.map(\.invocation))
    waitPositions = Self.group(trace.waits.map(\.invocation))
    outcomePositions = Self.group(trace.outcomes.map(\.invocation))
    eventPositions = Self.group(trace.events.map { $0.invocation ?? "" })
    var invocations: [String: Int] = [:]
    for (position, invocation) in trace.invocations.enumerated() { invocations[invocation.id] = position }
    invocationPositions = invocations
    var recordAttempts: [String: [Int]] = [:]
    for (position, attempt) in trace.attempts.enumerated() {
      for record in attempt.records { recordAttempts[record, default: []].append(position) }
    }
    recordAttemptPositions = recordAttempts
    var recordOutcomes: [String: [Int]] = [:]
    for (position, outcome) in trace.outcomes.enumerated() {
      for record in outcome.records { recordOutcomes[record, default: []].append(position) }
    }
    recordOutcomePositions = recordOutcomes
    requestPositions = trace.meta.source == "import" ? Self.group(trace.attempts.map(\.requestId)) : [:]
  }

  /// Imported traces: the executions that ran with request id `id`, in order.
  public func attempts(withRequestId id: String) -> [TraceAttempt] {
    (requestPositions[id] ?? []).map { trace.attempts[$0] }
  }

  /// The position of `attempt` in `trace.attempts`.
  public func position(of attempt: TraceAttempt) -> Int? { position(of: attempt.invocation, attempt.number) }

  /// The position in `trace.attempts` of attempt `number` of invocation `id`.
  public func position(of id: String, _ number: Int) -> Int? {
    guard let positions = attemptPositions[id] else { return nil }
    // Attempts are numbered 1, 2, ... in trace order, so the number is usually the position: a
    // caption per line of a lane with thousands of executions must not scan the lane.
    if number >= 1, number <= positions.count, trace.attempts[positions[number - 1]].number == number {
      return positions[number - 1]
    }
    return positions.first { trace.attempts[$0].number == number }
  }

  /// Event sources: the batches (attempts) record `id` was delivered in, in order.
  public func deliveries(ofRecord id: String) -> [TraceAttempt] {
    (recordAttemptPositions[id] ?? []).map { trace.attempts[$0] }
  }

  /// Event sources: the outcomes that name record `id` (a DLQ, a discarded batch, an expiry).
  public func outcomes(ofRecord id: String) -> [TraceOutcome] {
    (recordOutcomePositions[id] ?? []).map { trace.outcomes[$0] }
  }

  public func invocation(_ id: String) -> TraceInvocation? {
    invocationPositions[id].map { trace.invocations[$0] }
  }

  /// The attempts of invocation `id`, in order.
  public func attempts(of id: String) -> [TraceAttempt] {
    (attemptPositions[id] ?? []).map { trace.attempts[$0] }
  }

  /// Attempt `number` of invocation `id`.
  public func attempt(_ id: String, _ number: Int) -> TraceAttempt? {
    position(of: id, number).map { trace.attempts[$0] }
  }

  /// The earlier executions of the same invocation still running when `attempt` starts: the
  /// overlap a client retry causes. Empty for a rejected (throttled) attempt.
  public func overlapping(_ attempt: TraceAttempt) -> [TraceAttempt] {
    guard attempt.outcome != .throttled else { return [] }
    return attempts(of: attempt.invocation).filter {
      $0.number < attempt.number && $0.outcome != .throttled && $0.end > attempt.start
    }
  }

  /// Positions in `trace.waits` of the waits of invocation `id`, in order.
  public func waitPositions(of id: String) -> [Int] { waitPositions[id] ?? [] }

  /// Positions in `trace.outcomes` of the outcomes of invocation `id`, in order.
  public func outcomePositions(of id: String) -> [Int] { outcomePositions[id] ?? [] }

  public func waits(of id: String) -> [TraceWait] {
    (waitPositions[id] ?? []).map { trace.waits[$0] }
  }

  public func outcomes(of id: String) -> [TraceOutcome] {
    (outcomePositions[id] ?? []).map { trace.outcomes[$0] }
  }

  /// The events of invocation `id`, in order.
  public func events(of id: String) -> [TraceEvent] {
    (eventPositions[id] ?? []).map { trace.events[$0] }
  }

  private static func group(_ keys: [String]) -> [String: [Int]] {
    var groups: [String: [Int]] = [:]
    for (position, key) in keys.enumerated() { groups[key, default: []].append(position) }
    return groups
  }
}
