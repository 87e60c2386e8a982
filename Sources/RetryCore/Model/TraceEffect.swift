/// One touch of the outside world.
public struct TraceEffect: Sendable, Hashable {
  /// The `detail` of a delete that found nothing to delete (DynamoDB answers success all the same).
  public static let noSuchItem = "no such item"
  /// How the key of an SQS send starts (`SendMessage`, `SendMessage dedup=<id>`): what tells a
  /// queue's effects from a table's when the kind does not (a rejected send).
  public static let sendMessageKey = "SendMessage"

  /// Whether the effect is a message to an SQS queue (sent, deduplicated or rejected).
  public var isQueueMessage: Bool { kind == .send || kind == .deduplicated || key.hasPrefix(Self.sendMessageKey) }

  /// Whether the effect is a request to an endpoint or a queue (listed as requests, not items).
  public var isRequest: Bool {
    kind == .post || kind == .send || kind == .deduplicated || key.hasPrefix("POST ") || key.hasPrefix(Self.sendMessageKey)
  }

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
  // Stored as Int32 (`CompactIndex`) next to `kind`: a run of a million invocations records a
  // million effects, and this makes each one 168 bytes instead of 208.
  /// The attempt number within the invocation, or nil for an external writer.
  @CompactIndex public var attempt: Int?
  /// The item's version after a table write (1 for a new item), the request's number at an endpoint.
  @CompactIndex public var version: Int?
  /// Index in `Trace.effects` of the first effect this one repeats, for the same event.
  @CompactIndex public var duplicateOf: Int?

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
    self.attempt = attempt
    self.version = version
    self.duplicateOf = duplicateOf
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
  /// A message an SQS queue accepted (SendMessage).
  case send
  /// A message a FIFO queue accepted but dropped: its deduplication id was sent within the
  /// last 5 minutes, so nothing reaches the queue.
  case deduplicated
  /// A line in the function's log.
  case log

  /// Whether the effect changed the outside world (what duplicates are made of).
  public var mutates: Bool {
    switch self {
    case .insert, .update, .delete, .post, .send: true
    case .read, .unchanged, .skip, .rejected, .log, .deduplicated: false
    }
  }
}
