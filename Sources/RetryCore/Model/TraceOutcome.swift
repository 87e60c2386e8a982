/// How an invocation ended for its caller or for the event.
public struct TraceOutcome: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// RequestResponse: the caller got a response (200, maybe with `FunctionError: Unhandled`).
    case response
    /// RequestResponse: the caller gave up (read timeout, throttled, 504 from API Gateway).
    case clientError = "client-error"
    /// Event: an attempt succeeded.
    case succeeded
    /// Event: sent to the dead letter queue (the raw event plus `RequestID`, `ErrorCode`, `ErrorMessage`).
    case deadLetterQueue = "dlq"
    /// Event: the invocation record went to the on-failure destination.
    case onFailure
    /// Event: the invocation record went to the on-success destination.
    case onSuccess
    /// Event: failed with neither a DLQ nor an on-failure destination: gone.
    case dropped
  }

  public var invocation: String
  public var kind: Kind
  public var time: Milliseconds
  /// `ReadTimeoutError`, `RetriesExhausted`, `EventAgeExceeded`, ...
  public var reason: String?
  /// The HTTP status the caller saw (200, 202, 429, 504).
  public var statusCode: Int?
  /// `Unhandled` when the function failed.
  public var functionError: String?
  /// The response payload, DLQ message or destination record.
  public var payload: Value?
  /// How many attempts the event had (`approximateInvokeCount`).
  public var attempts: Int
  /// The DLQ or destination it went to.
  public var target: String?
  /// Event sources: the messages or records this outcome is about.
  public var records: [String] = []

  public init(
    invocation: String, kind: Kind, time: Milliseconds, reason: String? = nil, statusCode: Int? = nil,
    functionError: String? = nil, payload: Value? = nil, attempts: Int, target: String? = nil, records: [String] = []
  ) {
    self.invocation = invocation
    self.kind = kind
    self.time = time
    self.reason = reason
    self.statusCode = statusCode
    self.functionError = functionError
    self.payload = payload
    self.attempts = attempts
    self.target = target
    self.records = records
  }

  /// Whether the event's work is lost (DLQ, destination, dropped, or the caller gave up).
  public var isFailure: Bool {
    switch kind {
    case .succeeded, .onSuccess: false
    case .response: functionError != nil
    case .clientError, .deadLetterQueue, .onFailure, .dropped: true
    }
  }
}
