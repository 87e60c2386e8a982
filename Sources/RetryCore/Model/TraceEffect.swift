/// One touch of the outside world.
public struct TraceEffect: Sendable, Hashable {
  /// The `detail` of a delete that found nothing to delete (DynamoDB answers success all the same).
  public static let noSuchItem = "no such item"

  public var time: Milliseconds
  /// The invocation, or nil for an external writer.
  public var invocation: String?
  /// `A#2`, or the external actor's name.
  public var actor: String
  /// The table, endpoint or log the effect touched.
  public var target: String
  /// The item key (`mail=y`) or the request (`POST https://...`).
  public var key: String
  public var before: Value?
  public var after: Value?
  /// The handler step that made it (`insert-user`, `3:put`).
  public var step: String?
  /// Extra detail: the failed condition, the status code, the log line.
  public var detail: String?
  public var kind: EffectKind
  // The three numbers are stored as Int32 with -1 for "none", next to `kind`, as `TraceEvent`
  // does: a run of a million invocations records a million effects, and this makes each one
  // 168 bytes instead of 208.
  private var attemptStorage: Int32
  private var versionStorage: Int32
  private var duplicateOfStorage: Int32

  /// The attempt number within the invocation, or nil for an external writer.
  public var attempt: Int? {
    get { CompactIndex.read(attemptStorage) }
    set { attemptStorage = CompactIndex.store(newValue) }
  }
  /// The item's version after a table write (1 for a new item), the request's number at an endpoint.
  public var version: Int? {
    get { CompactIndex.read(versionStorage) }
    set { versionStorage = CompactIndex.store(newValue) }
  }
  /// Index in `Trace.effects` of the first effect this one repeats, for the same event.
  public var duplicateOf: Int? {
    get { CompactIndex.read(duplicateOfStorage) }
    set { duplicateOfStorage = CompactIndex.store(newValue) }
  }

  public init(
    time: Milliseconds, invocation: String?, attempt: Int?, actor: String, target: String, kind: EffectKind,
    key: String, before: Value? = nil, after: Value? = nil, step: String? = nil, detail: String? = nil,
    version: Int? = nil, duplicateOf: Int? = nil
  ) {
    self.time = time
    self.invocation = invocation
    self.actor = actor
    self.target = target
    self.key = key
    self.before = before
    self.after = after
    self.step = step
    self.detail = detail
    self.kind = kind
    attemptStorage = CompactIndex.store(attempt)
    versionStorage = CompactIndex.store(version)
    duplicateOfStorage = CompactIndex.store(duplicateOf)
  }
}

/// What an effect did to the outside world.
public enum EffectKind: String, Sendable, Hashable, CaseIterable {
  case read
  /// A new item.
  case insert
  /// An existing item changed.
  case update
  /// A write that left the item exactly as it was (an idempotent overwrite).
  case unchanged
  case delete
  /// A conditional write whose condition failed: nothing written.
  case skip
  /// A write the service rejected (throughput exceeded, injected failure).
  case rejected
  /// An HTTP request the endpoint received.
  case post
  /// A line in the function's log.
  case log

  /// Whether the effect changed the outside world (what duplicates are made of).
  public var mutates: Bool {
    switch self {
    case .insert, .update, .delete, .post: true
    case .read, .unchanged, .skip, .rejected, .log: false
    }
  }
}
