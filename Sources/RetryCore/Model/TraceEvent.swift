/// One step of the story, in time order: what a player steps through, with the facts its caption
/// is made of. Captions are rendered on demand (`Narrator`), not stored, so that a benchmark of a
/// million invocations does not format a million sentences.
public struct TraceEvent: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The caller invokes (or an EventBridge rule fires).
    case invoke
    /// Lambda accepted an Event invoke into its queue: 202.
    case accepted
    /// An execution starts.
    case attemptStart = "attempt-start"
    /// The handler touched the outside world.
    case effect
    /// An execution ends (success, error, timeout, crash).
    case attemptEnd = "attempt-end"
    /// Lambda rejected a request or delivery (429 / 5xx): the function did not run.
    case throttled
    /// Lambda (or the client) waits before the next attempt.
    case retryScheduled = "retry-scheduled"
    /// The client stopped waiting for a response; the execution runs on.
    case clientTimeout = "client-timeout"
    /// The caller got its answer (RequestResponse) or gave up.
    case response
    /// The async queue delivers the event again without any error.
    case duplicateDelivery = "duplicate-delivery"
    /// The event's final fate: succeeded, DLQ, destination, dropped.
    case outcome
    /// Someone else wrote to a table.
    case externalWrite = "external-write"
    /// A message reached the queue or a record the stream (`note`: its id).
    case recordArrived = "record-arrived"
  }

  public var time: Milliseconds
  public var kind: Kind
  public var invocation: String?
  /// A fact the trace does not hold elsewhere (`retry 1 of 2`, `request 2 of 3`).
  public var note: String?
  // Stored as Int32 (`CompactIndex`): a run of a million invocations records millions of events,
  // and this halves their size (64 bytes instead of 112).
  /// The attempt number within the invocation.
  @CompactIndex public var attempt: Int?
  /// Index into `Trace.effects`.
  @CompactIndex public var effect: Int?
  /// Index into `Trace.waits`.
  @CompactIndex public var wait: Int?
  /// Index into `Trace.outcomes`.
  @CompactIndex public var outcome: Int?

  public init(
    time: Milliseconds, kind: Kind, invocation: String? = nil, attempt: Int? = nil, effect: Int? = nil,
    wait: Int? = nil, outcome: Int? = nil, note: String? = nil
  ) {
    self.time = time
    self.kind = kind
    self.invocation = invocation
    self.note = note
    self.attempt = attempt
    self.effect = effect
    self.wait = wait
    self.outcome = outcome
  }
}

/// An optional trace number (an index, an attempt number, a version) stored as an Int32, -1 for
/// nil: trace records are kept by the million, and `Int?` takes 16 bytes where this takes 4.
/// Numbers beyond Int32 (two billion effects) would not fit in memory anyway.
@propertyWrapper
public struct CompactIndex: Sendable, Hashable {
  private var stored: Int32

  public init(wrappedValue: Int?) {
    stored = Self.store(wrappedValue)
  }

  public var wrappedValue: Int? {
    get { stored < 0 ? nil : Int(stored) }
    set { stored = Self.store(newValue) }
  }

  private static func store(_ value: Int?) -> Int32 {
    guard let value else { return -1 }
    precondition(value >= 0 && value <= Int(Int32.max), "trace index out of range: \(value)")
    return Int32(value)
  }
}
