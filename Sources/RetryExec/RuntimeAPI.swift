import Foundation

/// The Lambda Runtime API of one execution environment (version 2018-06-01), served over a
/// `LoopbackHTTPServer`. The host queues an invocation and waits for its result; the runtime in
/// the process long-polls `next`, then posts a response or an error.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
public actor RuntimeAPI {
  public static let prefix = "/2018-06-01/runtime"

  private var queued: [RuntimeInvocation] = []
  private var pollers: [CheckedContinuation<RuntimeInvocation?, Never>] = []
  /// The host's wait for each unanswered invocation, by request id.
  private var waiting: [String: CheckedContinuation<RuntimeResult, Never>] = [:]
  /// When each invocation was handed to the runtime (kept after it ends, for its duration).
  private var delivered: [String: ContinuousClock.Instant] = [:]
  private var deadlineTasks: [String: Task<Void, Never>] = [:]
  private var closed = false
  /// The request id the runtime is working on (the last one it fetched and has not answered).
  public private(set) var current: String?

  public init() {}

  /// Queues an invocation and waits until the runtime answers it, or the host ends it
  /// (`end(_:with:)`: the process exited, or it ran out of time).
  public func invoke(_ invocation: RuntimeInvocation) async -> RuntimeResult {
    if closed { return .exited(status: -1) }
    return await withCheckedContinuation { continuation in
      waiting[invocation.requestId] = continuation
      if pollers.isEmpty {
        queued.append(invocation)
      } else {
        deliver(invocation, to: pollers.removeFirst())
      }
    }
  }

  private var timeouts: [String: Duration] = [:]

  /// The function timeout of an invocation the runtime has fetched.
  public func timeout(of requestId: String?) -> Duration? { requestId.flatMap { timeouts[$0] } }

  /// Whether an invocation waits for the runtime to fetch it.
  public var hasQueued: Bool { !queued.isEmpty }

  /// When the runtime took the invocation, if it did (its timeout runs from then).
  public func deliveryInstant(of requestId: String) -> ContinuousClock.Instant? { delivered[requestId] }

  /// Ends an unanswered invocation from the host's side. Returns false if it was already answered.
  @discardableResult
  public func end(_ requestId: String, with result: RuntimeResult) -> Bool {
    guard let continuation = waiting.removeValue(forKey: requestId) else { return false }
    queued.removeAll { $0.requestId == requestId }
    deadlineTasks.removeValue(forKey: requestId)?.cancel()
    if current == requestId { current = nil }
    continuation.resume(returning: result)
    return true
  }

  /// The environment is gone: every waiting invocation ends with `result`, pollers get nothing.
  public func close(endingWith result: RuntimeResult) {
    closed = true
    for id in Array(waiting.keys) { end(id, with: result) }
    for poller in pollers { poller.resume(returning: nil) }
    pollers = []
  }

  /// Answers one HTTP request of the Runtime API.
  public func respond(to request: LoopbackRequest) async -> LoopbackResponse {
    guard request.path.hasPrefix(Self.prefix) else {
      return .json(404, #"{"errorMessage":"no such path: \#(request.path)","errorType":"NotFound"}"#)
    }
    let parts = request.path.dropFirst(Self.prefix.count).split(separator: "/").map(String.init)
    switch (request.method, parts.count) {
    case ("GET", 2) where parts == ["invocation", "next"]:
      guard let invocation = await next() else {
        return .json(500, #"{"errorMessage":"the execution environment is shutting down","errorType":"Runtime.Shutdown"}"#)
      }
      // The simulated delivery when the simulator gave one: the handler's clock is the simulation's.
      let delivery = invocation.deliveredAt ?? Int64(Date().timeIntervalSince1970 * 1000)
      let deadline = delivery + invocation.timeout.milliseconds
      return LoopbackResponse(
        status: 200,
        headers: [
          ("Content-Type", "application/json"),
          ("Lambda-Runtime-Aws-Request-Id", invocation.requestId),
          ("Lambda-Runtime-Deadline-Ms", String(deadline)),
          ("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn),
          ("Lambda-Runtime-Trace-Id", invocation.traceId),
        ],
        body: invocation.payload)
    case ("POST", 3) where parts[0] == "invocation" && (parts[2] == "response" || parts[2] == "error"):
      let result: RuntimeResult =
        parts[2] == "response"
        ? .response(request.body) : .error(type: request.header("Lambda-Runtime-Function-Error-Type"), body: request.body)
      guard current == parts[1], end(parts[1], with: result) else {
        return .json(400, #"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#)
      }
      return .json(202, #"{"status":"OK"}"#)
    case ("POST", 2) where parts == ["init", "error"]:
      let result = RuntimeResult.initError(type: request.header("Lambda-Runtime-Function-Error-Type"), body: request.body)
      for id in Array(waiting.keys) { end(id, with: result) }
      return .json(202, #"{"status":"OK"}"#)
    default:
      return .json(404, #"{"errorMessage":"no such path: \#(request.method) \#(request.path)","errorType":"NotFound"}"#)
    }
  }

  /// The long poll: the next queued invocation, or a wait for one. Starts its timeout.
  private func next() async -> RuntimeInvocation? {
    if closed { return nil }
    if !queued.isEmpty {
      let invocation = queued.removeFirst()
      markDelivered(invocation)
      return invocation
    }
    return await withCheckedContinuation { pollers.append($0) }
  }

  private func deliver(_ invocation: RuntimeInvocation, to poller: CheckedContinuation<RuntimeInvocation?, Never>) {
    markDelivered(invocation)
    poller.resume(returning: invocation)
  }

  private func markDelivered(_ invocation: RuntimeInvocation) {
    let id = invocation.requestId
    delivered[id] = .now
    current = id
    let timeout = invocation.timeout
    timeouts[id] = timeout
    deadlineTasks[id] = Task(executorPreference: .exec) { [weak self] in
      try? await Task.sleep(for: timeout)
      if Task.isCancelled { return }
      await self?.end(id, with: .timedOut)
    }
  }
}

extension Duration {
  /// Whole milliseconds, rounded down.
  var milliseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
  }

  /// Milliseconds with their fraction, rounded to the hundredth as Lambda's REPORT shows them.
  var fractionalMilliseconds: Double {
    let (seconds, attoseconds) = components
    let hundredths = seconds * 100_000 + attoseconds / 10_000_000_000_000
    return Double(hundredths) / 100
  }
}
