/// A RequestResponse caller: Lambda never retries a synchronous invoke; the client's SDK does, on
/// throttles, service errors and its own read timeout, each time as a new request.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
extension SimulationRun {
  /// The client sends request `request` (1-based).
  func sendClientRequest(_ index: Int, request: Int) {
    guard !invocations[index].callerDone else { return }
    // Every Invoke API request gets its own request id (client retries are new requests).
    let requestId = newRequestId()
    invocations[index].requests.append(ClientRequest())
    if let status = rejection(for: index) {
      // "If Lambda was able to run the function, the status code is 200": a 429 or 5xx means the
      // function did not run at all. Source: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html
      _ = recordRejectedAttempt(index, requestId: requestId, caller: .client, statusCode: status)
      invocations[index].requests[request - 1].rejectedStatus = status
      schedule(.clientRejected(invocation: index, request: request), at: now + Self.rejectionLatency)
      return
    }
    startExecution(index, requestId: requestId, caller: .client, origin: .client(request: request))
    invocations[index].requests[request - 1].attempt = invocations[index].attemptCount
    if let timeout = invocations[index].client.readTimeout {
      schedule(.clientReadTimeout(invocation: index, request: request), at: now + timeout)
    }
  }

  /// What API Gateway's caller reads when Lambda rejected the invoke.
  static let apiGatewayRejection = "Internal server error"

  /// How long a rejected Invoke request takes to come back to the client.
  static let rejectionLatency: Milliseconds = 20

  /// The client gets a 429 or 5xx for a request and retries if it has attempts left.
  func clientRejected(_ index: Int, request: Int) {
    guard invocations[index].requests[request - 1].waiting, !invocations[index].callerDone else { return }
    invocations[index].requests[request - 1].waiting = false
    let status = invocations[index].requests[request - 1].rejectedStatus ?? 429
    if invocations[index].client.preset == .apiGateway {
      // API Gateway relays Lambda's rejection (a throttle, a service error) to its caller as a
      // 500 "Internal server error", not as the 429 Lambda answered, and never retries.
      // Source: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
      retryOrGiveUp(index, after: request, error: Self.apiGatewayRejection, statusCode: 500)
      return
    }
    let errorType = Throttle.errorType(forStatus: status)
    retryOrGiveUp(index, after: request, error: errorType, statusCode: status)
  }

  /// The client stops waiting for a request; the execution it started runs on regardless.
  func clientReadTimeout(_ index: Int, request: Int) {
    guard invocations[index].requests[request - 1].waiting, !invocations[index].callerDone else { return }
    invocations[index].requests[request - 1].waiting = false
    let client = invocations[index].client
    let attempt = invocations[index].requests[request - 1].attempt
    record(.clientTimeout, invocation: invocations[index].id, attempt: attempt,
           note: DurationText.short(client.readTimeout ?? 0))
    if client.preset == .apiGateway {
      // API Gateway answers 504 after its integration timeout and never retries; Lambda runs on.
      retryOrGiveUp(index, after: request, error: "Endpoint request timed out", statusCode: 504)
    } else {
      retryOrGiveUp(index, after: request, error: "ReadTimeoutError", statusCode: nil)
    }
  }

  /// Retries with the client's backoff, or reports the error to the caller when attempts run out.
  func retryOrGiveUp(_ index: Int, after request: Int, error: String, statusCode: Int?) {
    let client = invocations[index].client
    var maxAttempts = client.maxAttempts
    if let changed = scenario.changed(\.clientMaxAttempts, at: now) { maxAttempts = changed }
    if request < maxAttempts {
      let delay = client.backoff.delay(afterAttempt: request, throttled: statusCode == 429, using: &delayRandom)
      let wait = addWait(index, from: now, to: now + delay, reason: .clientBackoff)
      record(.retryScheduled, invocation: invocations[index].id, attempt: invocations[index].attemptCount + 1,
             wait: wait, note: "\(error): request \(request + 1) of \(maxAttempts)")
      schedule(.clientRequest(invocation: index, request: request + 1), at: now + delay)
      return
    }
    invocations[index].callerDone = true
    addOutcome(TraceOutcome(
      invocation: invocations[index].id, kind: .clientError, time: now, reason: error, statusCode: statusCode,
      attempts: invocations[index].attemptCount))
  }

  /// An execution started by a client request ended: answer the client if it still waits.
  func clientAttemptEnded(_ index: Int, request: Int, attempt: AttemptEnd) {
    guard invocations[index].requests[request - 1].waiting, !invocations[index].callerDone else { return }
    invocations[index].requests[request - 1].waiting = false
    invocations[index].callerDone = true
    let failed = attempt.outcome != .success
    // A function error still returns 200 with `X-Amz-Function-Error: Unhandled`; SDKs do not retry
    // it. API Gateway turns a function error into 502.
    // Source: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html
    let gateway = invocations[index].client.preset == .apiGateway
    let status = failed && gateway ? 502 : 200
    let payload: Value =
      failed
      ? .map(["errorType": .string(attempt.errorType ?? "Error"), "errorMessage": .string(attempt.errorMessage ?? "")])
      : (attempt.response ?? .null)
    addOutcome(TraceOutcome(
      invocation: invocations[index].id, kind: .response, time: now, statusCode: status,
      functionError: failed ? "Unhandled" : nil, payload: payload, attempts: invocations[index].attemptCount))
  }
}
