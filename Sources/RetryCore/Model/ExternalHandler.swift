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
  /// `execute(_:serve:)`, also telling what the program printed and what its execution measured
  /// (`note`, called on the same thread, in order with `serve`).
  func execute(
    _ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply, note: (ExternalNote) -> Void
  ) -> ExternalOutcome
  /// A simulation begins: nothing of an earlier one may carry over (a warm process and what it
  /// holds in memory), so that every run, and every schedule `retryscope check` runs, starts
  /// from the same cold state and a counterexample replays alone.
  func startRun()
}

extension ExternalHandler {
  /// A program with nothing to tell but its calls.
  public func execute(
    _ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply, note: (ExternalNote) -> Void
  ) -> ExternalOutcome {
    execute(execution, serve: serve)
  }

  public func startRun() {}
}

/// What a program tells about its execution besides its calls.
public enum ExternalNote: Sendable, Equatable {
  /// A line it printed (stdout or stderr), `offset` ms after the delivery: a `log` effect, as a
  /// modelled handler's `log` step makes.
  case log(offset: Milliseconds, text: String)
  /// What Lambda's REPORT line would say: the invoke phase as measured (fractional ms) and, on a
  /// cold start, the init phase before it (not counted in the invoke's duration).
  case report(durationMs: Double, initDurationMs: Double?)
}

/// What the program is asked to run.
public struct ExternalExecution: Sendable, Equatable {
  public var invocation: String
  public var attempt: Int
  public var requestId: String
  public var payload: Value
  /// The function timeout.
  public var timeout: Milliseconds
  /// The simulated wall clock at the event's delivery to the runtime (Unix epoch ms: the trace's
  /// origin + the execution's start): what the program's clock reads then. Its deadline is this
  /// + `timeout`.
  public var deliveredAt: Milliseconds = 0
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
  /// What was asked, already read from the wire by RetryExec.
  public var request: ExternalRequest

  public init(offset: Milliseconds, request: ExternalRequest) {
    self.offset = offset
    self.request = request
  }

  /// An HTTP POST to a scenario endpoint.
  public init(offset: Milliseconds, endpoint: String, body: Value) {
    self.init(offset: offset, request: .post(endpoint: endpoint, body: body))
  }
}

/// What a program's call asks of the simulated world.
public enum ExternalRequest: Sendable, Equatable {
  /// An HTTP POST to a scenario endpoint, by name (`/endpoints/<name>`).
  case post(endpoint: String, body: Value)
  /// A DynamoDB operation (the JSON protocol at `AWS_ENDPOINT_URL`).
  case dynamo(DynamoCall)
  /// An SQS operation (the JSON protocol at `AWS_ENDPOINT_URL`).
  case queue(QueueCall)
  /// A request the protocol layer could not read (bad JSON, an unknown operation, a malformed
  /// parameter): answered with this error, nothing done, no effect.
  case refused(status: Int, errorType: String, message: String)
}

/// What the simulated service answered.
public struct ExternalReply: Sendable, Equatable {
  /// The HTTP status: 200, the service's error status (400 for DynamoDB's client errors, the
  /// endpoint's injected failure), 404 for an endpoint the scenario does not declare, 409 for a
  /// call from an execution that has ended.
  public var status: Int
  public var body: Body

  public enum Body: Sendable, Equatable {
    case empty
    /// GetItem's `Item` (nil: no such item).
    case item(Item?)
    /// PutItem, UpdateItem, DeleteItem: the `Attributes` its `ReturnValues` asked for (nil: none).
    case attributes(Item?)
    /// Query's `Items`, and how many items the key condition matched before the filter.
    case items([Item], scannedCount: Int)
    /// An AWS error (`__type`, `message`); `item` is the item a failed condition saw when
    /// `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`.
    case error(type: String, message: String, item: Item? = nil)
    /// TransactWriteItems cancelled: one reason per action, in order.
    case transactionCanceled([DynamoCancellationReason])
    /// SQS SendMessage: the message id, and the sequence number a FIFO queue gives.
    case messageSent(messageId: String, sequenceNumber: String?)
    /// SQS GetQueueUrl.
    case queueURL(String)
  }

  public init(status: Int, body: Body = .empty) {
    self.status = status
    self.body = body
  }

  /// A client error of an AWS service: HTTP 400.
  public static func error(_ type: String, _ message: String, status: Int = 400, item: Item? = nil) -> ExternalReply {
    ExternalReply(status: status, body: .error(type: type, message: message, item: item))
  }
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
