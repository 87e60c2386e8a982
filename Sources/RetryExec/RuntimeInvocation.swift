/// One invocation handed to a handler process through the Runtime API.
public struct RuntimeInvocation: Sendable {
  public var requestId: String
  /// The event, as the JSON bytes the runtime receives.
  public var payload: [UInt8]
  public var functionArn: String
  /// `Root=1-...;Parent=...;Sampled=0`, as X-Ray would pass it.
  public var traceId: String
  /// How long the handler may run once it has the event (the function timeout).
  public var timeout: Duration
  /// The simulated wall clock when the runtime receives the event (Unix epoch ms: the trace's
  /// origin + the execution's start); nil: the machine's clock. `Lambda-Runtime-Deadline-Ms` is
  /// this + the timeout, and the shipped runtimes shift the process's wall clock to it.
  public var deliveredAt: Int64?

  public init(
    requestId: String, payload: [UInt8], functionArn: String, traceId: String, timeout: Duration,
    deliveredAt: Int64? = nil
  ) {
    self.requestId = requestId
    self.payload = payload
    self.functionArn = functionArn
    self.traceId = traceId
    self.timeout = timeout
    self.deliveredAt = deliveredAt
  }
}

/// How an invocation ended, as the Runtime API saw it.
public enum RuntimeResult: Sendable, Equatable {
  /// `POST .../response`: the body the handler returned.
  case response([UInt8])
  /// `POST .../error`: the `Lambda-Runtime-Function-Error-Type` header and the body
  /// (`{errorMessage, errorType, stackTrace}` from the runtimes).
  case error(type: String?, body: [UInt8])
  /// `POST /runtime/init/error`: the handler could not even be loaded.
  case initError(type: String?, body: [UInt8])
  /// The process ended before it answered (exit status, or the signal number as 128 + n).
  case exited(status: Int32)
  /// No answer by the deadline.
  case timedOut
}
