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
  /// A simulation begins: nothing of an earlier one may carry over (a warm process and what it
  /// holds in memory), so that every run, and every schedule `retryscope check` runs, starts
  /// from the same cold state and a counterexample replays alone.
  func startRun()
}

extension ExternalHandler {
  public func startRun() {}
}

/// What the program is asked to run.
public struct ExternalExecution: Sendable, Equatable {
  public var invocation: String
  public var attempt: Int
  public var requestId: String
  public var payload: Value
  /// The function timeout.
  public var timeout: Milliseconds
  /// The scenario's faults that strike this execution, by call number (1 is its first call).
  public var faults: [Int: ExternalFault] = [:]
}

/// A scenario fault at a program's k-th call, struck where the call arrives (RetryExec's server).
/// From `faults:` in the scenario: `step: k` or `before: call k`, and `after: call k`.
public enum ExternalFault: Sendable, Equatable {
  /// `crash` before the call: the process is killed when the call arrives; nothing is done.
  case crashBeforeCall
  /// `crash` after the call: the call is done (the write commits), then the process is killed.
  case crashAfterCall
  /// `timeout` before the call: the reply never comes and nothing is done.
  case holdBeforeCall
  /// `timeout` after the call: the call is done and its reply held past the deadline.
  case holdAfterCall
  /// `error`: the service answers this HTTP status (429 for a throttling error type, else 500)
  /// and does nothing.
  case errorReply(status: Int)

  /// The fault's meaning at a call, or nil when its point is not a call (`before: <step>`).
  public init?(_ fault: Fault) {
    let after: Bool
    switch fault.point {
    case .beforeStep: after = false
    case .before(let name): guard Self.callNumber(name) != nil else { return nil }; after = false
    case .after(let name): guard Self.callNumber(name) != nil else { return nil }; after = true
    }
    switch fault.kind {
    case .crash: self = after ? .crashAfterCall : .crashBeforeCall
    case .timeout: self = after ? .holdAfterCall : .holdBeforeCall
    case .error(let type, _): self = .errorReply(status: type.lowercased().contains("throttl") ? 429 : 500)
    }
  }

  /// The call a fault names: `step: k`, or `call k` in `before:`/`after:`.
  public static func callNumber(of point: Fault.Point) -> Int? {
    switch point {
    case .beforeStep(let k): k
    case .before(let name), .after(let name): callNumber(name)
    }
  }

  /// `call 3` → 3.
  public static func callNumber(_ name: String) -> Int? {
    guard name.hasPrefix("call ") else { return nil }
    return Int(name.dropFirst(5)).flatMap { $0 >= 1 ? $0 : nil }
  }
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
