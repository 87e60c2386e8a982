/// One execution of the handler (or one rejected request, for `throttled`).
public struct TraceAttempt: Sendable, Hashable {
  public var invocation: String
  /// 1-based, counting every attempt of the invocation whoever made it.
  public var number: Int
  public var requestId: String
  public var start: Milliseconds
  public var end: Milliseconds
  public var outcome: AttemptOutcome
  public var caller: AttemptCaller
  /// `errorType` and `errorMessage` for error, timeout, crash and throttled.
  public var errorType: String?
  public var errorMessage: String?
  /// The handler's return value, for success.
  public var response: Value?
  /// The handler's clock at the start of the attempt (Unix epoch ms), beside the event's own time.
  public var clockAtStart: Milliseconds
  /// An event source mapping's batch: the ids of its records, in order (empty otherwise).
  public var records: [String] = []

  public init(
    invocation: String, number: Int, requestId: String, start: Milliseconds, end: Milliseconds,
    outcome: AttemptOutcome, caller: AttemptCaller, errorType: String? = nil, errorMessage: String? = nil,
    response: Value? = nil, clockAtStart: Milliseconds = 0
  ) {
    self.invocation = invocation
    self.number = number
    self.requestId = requestId
    self.start = start
    self.end = end
    self.outcome = outcome
    self.caller = caller
    self.errorType = errorType
    self.errorMessage = errorMessage
    self.response = response
    self.clockAtStart = clockAtStart
  }

  /// `A#2`.
  public var label: String { "\(invocation)#\(number)" }
  public var duration: Milliseconds { end - start }
}

/// Who started an attempt.
public enum AttemptCaller: String, Sendable, Hashable, CaseIterable {
  /// The caller's SDK (a RequestResponse request, or a retry of one).
  case client
  /// Lambda's async queue: the first delivery or a retry after an error.
  case lambdaAsync = "lambda-async"
  /// Lambda's async queue delivering the event again without any error.
  case duplicateDelivery = "duplicate-delivery"
  /// An event source mapping's poller, with a batch (each delivery a new Invoke).
  case eventSource = "event-source"
  /// Imported logs: another Invoke request (a new request id) for the same logical event, tied
  /// to it by the correlation key. A client retry, a duplicate delivery or a redelivery: the
  /// function's logs do not say which.
  case newRequest = "new-request"
}

/// How an attempt ended.
public enum AttemptOutcome: String, Sendable, Hashable, CaseIterable {
  /// The handler returned.
  case success
  /// The handler threw (a function error, `FunctionError: Unhandled`).
  case error
  /// Lambda stopped the handler at the function timeout (`Sandbox.Timedout`).
  case timeout
  /// The runtime process died (`Runtime.ExitError`).
  case crash
  /// Lambda rejected the request (429 or 5xx): the function never ran.
  case throttled
  /// Still running at the end of the simulation (never happens in a finished run).
  case running

  /// Whether the handler ran and failed (what Lambda's async retries react to).
  public var isFunctionError: Bool { self == .error || self == .timeout || self == .crash }
}
