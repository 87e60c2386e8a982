/// One logical event (a lane on the timeline).
public struct TraceInvocation: Sendable, Hashable {
  public var id: String
  public var type: InvocationType
  /// When the caller first invoked.
  public var at: Milliseconds
  public var payload: Value
  public var label: String?
  /// Who calls: `client boto3-standard`, `EventBridge rule tick`, `caller`.
  public var caller: String

  public init(id: String, type: InvocationType, at: Milliseconds, payload: Value, label: String? = nil, caller: String) {
    self.id = id
    self.type = type
    self.at = at
    self.payload = payload
    self.label = label
    self.caller = caller
  }
}
