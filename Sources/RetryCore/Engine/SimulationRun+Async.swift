/// Lambda's asynchronous invocation: the internal queue, its retries and where failed events go.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
extension SimulationRun {
  /// The caller's Event invoke: Lambda queues the event and answers 202 at once.
  func enqueue(_ index: Int) {
    let requestId = newRequestId()
    invocations[index].chains.append(AsyncChain(requestId: requestId, enqueuedAt: now, isDuplicate: false))
    record(.accepted, invocation: invocations[index].id, note: "202")
    // "If the function's reserved concurrency is 0, Lambda begins sending new events to the
    // configured dead-letter queue or the on-failure event destination, without any retries."
    // Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
    if scenario.function.reservedConcurrency == 0 {
      invocations[index].chains[0].lastErrorType = Throttle.errorType(forStatus: 429)
      invocations[index].chains[0].lastErrorMessage = Throttle.errorMessage(forStatus: 429) + " (reserved concurrency is 0)"
      failEvent(index, chain: 0, condition: "RetriesExhausted", errorCode: 429, functionFailed: false)
      return
    }
    let delay = asyncModel.deliveryDelay.draw(using: &delayRandom)
    addWait(index, from: now, to: now + delay, reason: .queued)
    schedule(.asyncDelivery(invocation: index, chain: 0), at: now + delay)
  }

  /// The queue hands a message to the function, unless Lambda throttles it.
  func deliver(_ index: Int, chain: Int) {
    // One reference for the whole delivery: each `invocations[index]` retains and releases it.
    let invocation = invocations[index]
    guard !invocation.chains[chain].done else { return }
    let firstDelivery = !invocation.chains[chain].delivered
    invocation.chains[chain].delivered = true
    if firstDelivery {
      if invocation.chains[chain].isDuplicate {
        record(.duplicateDelivery, invocation: invocation.id, attempt: invocation.attemptCount + 1)
      }
      scheduleDuplicates(index, chain: chain)
    }
    let requestId = invocation.chains[chain].requestId
    if let status = rejection(for: index) {
      _ = recordRejectedAttempt(index, requestId: requestId, caller: .lambdaAsync, statusCode: status)
      invocation.chains[chain].throttles += 1
      // The last error is what the DLQ and the destination report if the event expires now.
      invocation.chains[chain].lastErrorType = Throttle.errorType(forStatus: status)
      invocation.chains[chain].lastErrorMessage = Throttle.errorMessage(forStatus: status)
      // Throttles and system errors: back off exponentially from 1 s to 5 min, bounded only by
      // the event's maximum age; they do not count against maximumRetryAttempts.
      let ceiling = Self.backoffCeiling(
        after: invocation.chains[chain].throttles, initial: asyncModel.throttleBackoffInitial,
        maximum: asyncModel.throttleBackoffMaximum)
      let delay = ceiling / 2 + delayRandom.int(in: 0...max(0, ceiling - ceiling / 2))
      retryLater(index, chain: chain, at: now + delay, reason: .throttleBackoff, errorCode: status)
      return
    }
    let caller: AttemptCaller = invocation.chains[chain].isDuplicate ? .duplicateDelivery : .lambdaAsync
    invocation.chains[chain].invokeCount += 1
    startExecution(index, requestId: requestId, caller: caller, origin: .async(chain: chain))
  }

  /// `initial` doubled once per earlier throttle, capped at `maximum`. Doubles step by step rather
  /// than shifting, so that a huge configured `initial` saturates instead of overflowing.
  static func backoffCeiling(after throttles: Int, initial: Milliseconds, maximum: Milliseconds) -> Milliseconds {
    var ceiling = min(initial, maximum)
    var doublings = throttles - 1
    while doublings > 0, ceiling < maximum {
      ceiling = ceiling > maximum / 2 ? maximum : ceiling * 2
      doublings -= 1
    }
    return ceiling
  }

  /// Schedules the eventually consistent queue's spontaneous second delivery, if any.
  func scheduleDuplicates(_ index: Int, chain: Int) {
    let invocation = invocations[index]
    guard !invocation.chains[chain].isDuplicate else { return }
    var delays = invocation.duplicateDelays
    if !delays.isEmpty { invocation.duplicateDelays = [] }
    if duplicateRandom.chance(asyncModel.duplicateDeliveryProbability) {
      delays.append(asyncModel.duplicateDeliveryDelay.draw(using: &delayRandom))
    }
    for delay in delays {
      let requestId = asyncModel.duplicateRequestId == .same ? invocations[index].chains[chain].requestId : newRequestId()
      invocations[index].chains.append(
        AsyncChain(requestId: requestId, enqueuedAt: invocations[index].chains[chain].enqueuedAt, isDuplicate: true))
      let duplicate = invocations[index].chains.count - 1
      schedule(.asyncDelivery(invocation: index, chain: duplicate), at: now + delay)
    }
  }

  /// What Lambda does after an execution of an async event ends.
  func asyncAttemptEnded(_ index: Int, chain: Int, attempt: AttemptEnd) {
    if attempt.outcome == .success {
      let invocation = invocations[index]
      invocation.chains[chain].done = true
      addOutcome(TraceOutcome(
        invocation: invocation.id, kind: .succeeded, time: now, statusCode: 200, payload: attempt.response,
        attempts: invocation.chains[chain].invokeCount))
      if let destination = invokeConfig.onSuccess {
        let record = invocationRecord(index, chain: chain, condition: "Success", response: attempt.response ?? .null, failed: false)
        addOutcome(TraceOutcome(
          invocation: invocations[index].id, kind: .onSuccess, time: now, reason: "Success", statusCode: 200,
          payload: record, attempts: invocations[index].chains[chain].invokeCount, target: destination.target))
      }
      return
    }
    invocations[index].chains[chain].lastErrorType = attempt.errorType
    invocations[index].chains[chain].lastErrorMessage = attempt.errorMessage
    let used = invocations[index].chains[chain].retriesUsed
    var maximumRetries = invokeConfig.maximumRetryAttempts
    if let changed = scenario.changed(\.maximumRetryAttempts, at: now) { maximumRetries = changed }
    guard used < maximumRetries else {
      failEvent(index, chain: chain, condition: "RetriesExhausted", errorCode: asyncModel.deadLetterErrorCode, functionFailed: true)
      return
    }
    // "by default Lambda attempts to run it two more times, with a one-minute wait between the
    // first two attempts, and two minutes between the second and third attempts."
    invocations[index].chains[chain].retriesUsed += 1
    let delays = asyncModel.retryDelays
    let range = delays.isEmpty ? DelayRange.exactly(0) : delays[min(used, delays.count - 1)]
    let anchor = asyncModel.retryDelayFrom == .attemptEnd ? attempt.end : attempt.start
    let at = max(now, anchor + range.draw(using: &delayRandom))
    retryLater(index, chain: chain, at: at, reason: .retryDelay,
               note: "retry \(used + 1) of \(maximumRetries)", errorCode: asyncModel.deadLetterErrorCode)
  }

  /// Schedules the next delivery of a chain, or expires the event when it would be too old:
  /// `MaximumEventAgeInSeconds` bounds retries of every kind, throttles included.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_PutFunctionEventInvokeConfig.html
  func retryLater(_ index: Int, chain: Int, at time: Milliseconds, reason: WaitReason, note: String? = nil, errorCode: Int) {
    let maximumAge = invokeConfig.maximumEventAgeInSeconds * 1_000
    let expiry = invocations[index].chains[chain].enqueuedAt + maximumAge
    if time > expiry {
      // The event stays in Lambda's queue until it is that old, then it is discarded (or sent
      // to the DLQ or the on-failure destination): at its maximum age, not when Lambda finds
      // that the next retry would come too late.
      let functionFailed = reason == .retryDelay
      if expiry > now {
        schedule(.eventExpired(invocation: index, chain: chain, errorCode: errorCode, functionFailed: functionFailed), at: expiry)
      } else {
        failEvent(index, chain: chain, condition: "EventAgeExceeded", errorCode: errorCode, functionFailed: functionFailed)
      }
      return
    }
    let wait = addWait(index, from: now, to: time, reason: reason)
    record(.retryScheduled, invocation: invocations[index].id, attempt: invocations[index].attemptCount + 1, wait: wait, note: note)
    schedule(.asyncDelivery(invocation: index, chain: chain), at: time)
  }

  /// The event reached `MaximumEventAgeInSeconds` while it waited for a retry.
  func eventExpired(_ index: Int, chain: Int, errorCode: Int, functionFailed: Bool) {
    guard !invocations[index].chains[chain].done else { return }
    failEvent(index, chain: chain, condition: "EventAgeExceeded", errorCode: errorCode, functionFailed: functionFailed)
  }

  /// The event failed for good: the DLQ, the on-failure destination, both, or nowhere.
  func failEvent(_ index: Int, chain: Int, condition: String, errorCode: Int, functionFailed: Bool) {
    let functionError = functionFailed ? "Unhandled" : nil
    invocations[index].chains[chain].done = true
    let state = invocations[index].chains[chain]
    let invocation = invocations[index]
    var routed = false
    if let queue = scenario.function.deadLetterQueue {
      // "Lambda sends the event to the dead-letter queue as-is, with additional information in
      // attributes": RequestID, ErrorCode, ErrorMessage (the first 1 KB).
      // Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
      let message: Value = .map([
        "body": invocation.payload,
        "messageAttributes": .map([
          "RequestID": .string(state.requestId),
          "ErrorCode": .string(String(errorCode)),
          "ErrorMessage": .string(String((state.lastErrorMessage ?? "").utf8.prefix(1024)) ?? ""),
        ]),
      ])
      addOutcome(TraceOutcome(
        invocation: invocation.id, kind: .deadLetterQueue, time: now, reason: condition, statusCode: errorCode,
        functionError: functionError, payload: message, attempts: state.invokeCount, target: queue))
      routed = true
    }
    if let destination = invokeConfig.onFailure {
      let record = invocationRecord(index, chain: chain, condition: condition, response: errorResponse(state), failed: true)
      addOutcome(TraceOutcome(
        invocation: invocation.id, kind: .onFailure, time: now, reason: condition, statusCode: errorCode,
        functionError: functionError, payload: record, attempts: state.invokeCount,
        target: destination.target))
      routed = true
    }
    if !routed {
      addOutcome(TraceOutcome(
        invocation: invocation.id, kind: .dropped, time: now, reason: condition, statusCode: errorCode,
        functionError: functionError, attempts: state.invokeCount))
    }
  }

  func errorResponse(_ chain: AsyncChain) -> Value {
    .map([
      "errorType": .string(chain.lastErrorType ?? "Error"),
      "errorMessage": .string(chain.lastErrorMessage ?? ""),
    ])
  }

  /// The JSON invocation record a destination receives.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  func invocationRecord(_ index: Int, chain: Int, condition: String, response: Value, failed: Bool) -> Value {
    let state = invocations[index].chains[chain]
    var responseContext: Value = .map(["statusCode": 200, "executedVersion": "$LATEST"])
    if failed, state.invokeCount > 0, case .map(var fields) = responseContext {
      fields["functionError"] = "Unhandled"
      responseContext = .map(fields)
    }
    return .map([
      "version": "1.0",
      "timestamp": .string(ISO8601.millis(scenario.origin + now)),
      "requestContext": .map([
        "requestId": .string(state.requestId),
        "functionArn": .string("arn:aws:lambda:us-east-1:123456789012:function:\(scenario.function.functionName):$LATEST"),
        "condition": .string(condition),
        "approximateInvokeCount": .int(state.invokeCount),
      ]),
      "requestPayload": invocations[index].payload,
      "responseContext": responseContext,
      "responsePayload": response,
    ])
  }

  @discardableResult
  func addWait(_ index: Int, from: Milliseconds, to: Milliseconds, reason: WaitReason) -> Int {
    trace.waits.append(
      TraceWait(invocation: invocations[index].id, from: from, to: to, reason: reason,
                beforeAttempt: invocations[index].attemptCount + 1))
    return trace.waits.count - 1
  }

  /// Consumes the outcome: it moves into the trace rather than being copied there.
  func addOutcome(_ outcome: consuming TraceOutcome) {
    let invocation = outcome.invocation
    trace.outcomes.append(outcome)
    record(.outcome, invocation: invocation, outcome: trace.outcomes.count - 1)
  }
}

