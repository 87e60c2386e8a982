/// What the simulator tracks about one logical event. A class: the event loop mutates it in place
/// from many handlers, and a struct in an array would be copied (retain, release) on every read.
/// (The one-byte fields sit together, `type` beside `callerDone`: a million-invocation run keeps a
/// million of these, and a lone byte between wider fields takes eight.)
final class InvocationState {
  /// Position in `SimulationRun.invocations` (and `Trace.invocations`).
  let index: Int
  let id: String
  let at: Milliseconds
  let payload: Value
  let client: ClientConfiguration
  /// Attempts made so far (every execution and every rejected request counts).
  var attemptCount = 0
  /// RequestResponse: the client's requests, by number - 1.
  var requests: [ClientRequest] = []
  let type: InvocationType
  /// Whether the caller has its answer (RequestResponse) or gave up.
  var callerDone = false
  /// Event: one chain per queue message (the original, and any duplicate delivery). An array
  /// rather than a `SmallList`: its fields are read one at a time, a dozen times per delivery.
  var chains: [AsyncChain] = []
  /// Rejections still to inject (`throttles` in the scenario), in order: each entry's status for
  /// its count of requests or deliveries.
  var pendingRejections: [(statusCode: Int, count: Int)] = []
  /// Explicit duplicate deliveries still to schedule, by delay after the first delivery.
  var duplicateDelays: [Milliseconds] = []
  /// The first mutating effect of each handler step (by `CompiledStep.pathID`): a later execution
  /// mutating at the same step duplicates it.
  var firstMutations = SmallList<(step: Int, effect: Int, attempt: Int)>()

  init(index: Int, id: String, type: InvocationType, at: Milliseconds, payload: Value, client: ClientConfiguration) {
    self.index = index
    self.id = id
    self.type = type
    self.at = at
    self.payload = payload
    self.client = client
  }
}

/// One request of a RequestResponse client.
struct ClientRequest {
  /// The number of the attempt it started, if Lambda ran the function.
  var attempt: Int?
  /// Whether the client is still waiting for this request's answer.
  var waiting = true
  /// The status Lambda rejected it with (429 or 5xx), if it did.
  var rejectedStatus: Int?
}

/// One message in Lambda's async queue and its retries.
///
/// The flags come last, side by side: Swift lays fields out in declaration order, and each flag
/// between two wider fields would take eight bytes (a million-invocation run keeps a million).
struct AsyncChain {
  var requestId: String
  /// When the message entered the queue (for `maximumEventAgeInSeconds`).
  var enqueuedAt: Milliseconds
  /// Retries used after function errors (bounded by `maximumRetryAttempts`).
  var retriesUsed = 0
  /// Throttles and system errors in a row (the backoff exponent).
  var throttles = 0
  /// Executions that ran (`approximateInvokeCount`).
  var invokeCount = 0
  /// The last function error, for the DLQ and destination records.
  var lastErrorType: String?
  var lastErrorMessage: String?
  var isDuplicate: Bool
  var done = false
  var delivered = false
}
