/// A handler that is a real program rather than steps (`retryscope exec`, issue 13). RetryCore
/// decides everything around an execution as for a modelled handler (who invokes when, retries,
/// timeouts, duplicates); the program decides what the execution does. RetryCore stays pure:
/// the program is run elsewhere (RetryExec), behind this protocol.
///
/// `execute` is called on the simulator's thread, which waits for it: the simulation is paused
/// while the program runs, so the world never changes under it and never from two threads.
/// `serve` must be called on that same thread, once per call the program makes, in order.
public protocol ExternalHandler: AnyObject {
  func execute(_ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply) -> ExternalOutcome
}

/// What the program is asked to run.
public struct ExternalExecution: Sendable, Equatable {
  public var invocation: String
  public var attempt: Int
  public var requestId: String
  public var payload: Value
  /// The function timeout.
  public var timeout: Milliseconds
}

/// One call the program made, with its measured offset from the execution's start.
public struct ExternalCall: Sendable, Equatable {
  public var offset: Milliseconds
  /// An HTTP POST to a scenario endpoint, by name.
  public var endpoint: String
  public var body: Value

  public init(offset: Milliseconds, endpoint: String, body: Value) {
    self.offset = offset
    self.endpoint = endpoint
    self.body = body
  }
}

/// What the simulated service answered.
public struct ExternalReply: Sendable, Equatable {
  /// The HTTP status: 200, the endpoint's injected failure, or 404 for an endpoint the scenario
  /// does not declare.
  public var status: Int

  public init(status: Int) { self.status = status }
}

/// How the program's execution ended, with its measured duration.
public enum ExternalOutcome: Sendable, Equatable {
  case success(response: Value, duration: Milliseconds)
  case error(type: String, message: String, duration: Milliseconds)
  /// The process exited or was killed before it answered (`message`: the runtime's exit line).
  case crash(message: String, duration: Milliseconds)
  /// It did not answer within the function timeout.
  case timeout
}
