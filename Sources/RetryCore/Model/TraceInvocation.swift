/// One logical event (a lane on the timeline).
public struct TraceInvocation: Sendable, Hashable {
  public var id: String
  public var type: InvocationType
  /// When the caller first invoked.
  public var at: Milliseconds
  public var payload: Value
  public var label: String?
  /// Who calls: `client boto3-standard`, `EventBridge rule tick`, `caller`; for an event source
  /// lane, its consumer (`Kinesis shard shardId-000000000000`, `SQS queue orders`).
  public var caller: String
  /// The kind of event source consumer the lane is; nil for invocations a caller makes. Stored,
  /// so that views never read meaning out of the `caller` text.
  public var eventSource: EventSourceLane?

  public init(
    id: String, type: InvocationType, at: Milliseconds, payload: Value, label: String? = nil, caller: String,
    eventSource: EventSourceLane? = nil
  ) {
    self.id = id
    self.type = type
    self.at = at
    self.payload = payload
    self.label = label
    self.caller = caller
    self.eventSource = eventSource
  }
}
