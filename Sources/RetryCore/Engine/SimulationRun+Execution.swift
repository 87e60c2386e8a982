/// The handler interpreter: one step at a time, so that other executions and writers interleave
/// between any two steps exactly as their times say.
extension SimulationRun {
  @discardableResult
  func startExecution(
    _ index: Int, requestId: String, caller: AttemptCaller, origin: ExecutionOrigin, batch: BatchRun? = nil
  ) -> Int {
    let invocation = invocations[index]
    invocation.attemptCount += 1
    let number = invocation.attemptCount
    trace.attempts.append(
      TraceAttempt(
        invocation: invocation.id, number: number, requestId: requestId, start: now, end: now,
        outcome: .running, caller: caller, clockAtStart: scenario.origin + now))
    running += 1
    executions.append(
      ExecutionState(
        invocation: invocation, attemptIndex: trace.attempts.count - 1, attemptNumber: number, requestId: requestId,
        origin: origin, start: now, handler: handler(startingAt: now)))
    let execution = executions.count - 1
    executions[execution]!.batch = batch
    record(.attemptStart, invocation: invocation.id, attempt: number)
    // "The function's timeout setting limits the duration of the entire Invoke phase."
    // Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
    schedule(.functionTimeout(execution), at: now + functionTimeout)
    schedule(.continueExecution(execution), at: now + latencies.invokeOverhead)
    return execution
  }

  /// Runs steps until one takes time, then schedules its continuation.
  func continueExecution(_ e: Int) {
    guard let x = executions[e], x.isRunning else { return }
    if let external {
      runExternal(e, x, external)
      return
    }
    if let call = x.pending.take() {
      let result = call.result ?? .none
      if case .failed(let type, let message, .throw) = result {
        finish(e, x, .error, errorType: type, message: message)
        return
      }
      store(result, of: call.step, in: x)
    }
    if let done = x.completedStep {
      x.completedStep = nil
      if !done.faultsAfter.isEmpty, applyFault(e, x, candidates: done.faultsAfter) { return }
    }
    while x.isRunning {
      guard let step = nextStep(x) else {
        // A batch's last record that a fault just failed (ReportBatchItemFailures) has ended:
        // the same "before returning" fault must not strike it again (it looped, found by
        // `retryscope check`).
        let recordEnded = x.batch.map { $0.failed.last == $0.currentRecord } ?? false
        if !recordEnded, applyStepNumberFault(e, x) { return }
        finish(e, x, .success, response: batchResponse(x) ?? .null)
        return
      }
      if applyStepNumberFault(e, x) { return }
      if !step.faultsBefore.isEmpty, applyFault(e, x, candidates: step.faultsBefore) { return }
      x.executedSteps += 1
      if !runStep(e, x, step: step) { return }
    }
  }

  /// Pops finished frames and returns the next step, or nil when the handler ends. With a batch,
  /// the handler starts again on the next record until every record had its turn.
  func nextStep(_ x: ExecutionState) -> CompiledStep? {
    while true {
      while let top = x.frames.last {
        if top.next < top.steps.count {
          x.frames[x.frames.count - 1].next += 1
          return top.steps[top.next]
        }
        x.frames.removeLast()
      }
      guard var batch = x.batch, batch.position + 1 < batch.records.count else { return nil }
      noteFaultPoints(x)
      batch.position += 1
      x.batch = batch
      x.last = .none
      // `beforeStep(k)` faults count the steps of each record's run.
      x.executedSteps = 0
      x.reachedPoint = 0
      x.frames = SmallList(Frame(steps: x.handler, next: 0))
    }
  }

  /// The response of a batch handler with `ReportBatchItemFailures`: the failed records.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (`batchItemFailures`,
  /// each with the message id or, for streams, the sequence number as `itemIdentifier`).
  func batchResponse(_ x: ExecutionState) -> Value? {
    guard let batch = x.batch, let source = eventSource, source.mapping.reportBatchItemFailures else { return nil }
    let failures: [Value] = batch.failed.map { .map(["itemIdentifier": .string(source.records[$0].id)]) }
    return .map(["batchItemFailures": .list(failures)])
  }

  /// Ends the current record's turn in a batch: `return` moves on to the next record; a thrown
  /// error does too with `ReportBatchItemFailures` (the record is reported as failed). Returns
  /// false when there is no batch (or errors fail the whole batch).
  func endRecord(_ x: ExecutionState, failed: Bool) -> Bool {
    guard var batch = x.batch else { return false }
    if failed {
      guard eventSource?.mapping.reportBatchItemFailures == true else { return false }
      batch.failed.append(batch.currentRecord)
      x.batch = batch
    }
    x.frames = SmallList()
    return true
  }

  /// Runs one step. Returns true when the next step may run at once (an `if`), false when the
  /// step took time or ended the handler.
  func runStep(_ e: Int, _ x: ExecutionState, step compiled: CompiledStep) -> Bool {
    // The step's fields are read where needed: copying the whole `Step` retains all of them.
    let duration = compiled.step.duration
    do throws(ExpressionError) {
      switch compiled.step.action {
      case .branch(let condition, _, _):
        let taken = x.last.satisfies(condition)
        x.frames.append(Frame(steps: taken ? compiled.then : compiled.otherwise, next: 0))
        return true
      case .respond(let template):
        let response = try evaluate(template, in: x)
        if endRecord(x, failed: false) { return true }
        finish(e, x, .success, response: response)
        return false
      case .fail(let errorType, let message):
        let text = try evaluate(message, in: x).displayText
        if endRecord(x, failed: true) { return true }
        finish(e, x, .error, errorType: errorType, message: text)
        return false
      case .compute:
        complete(e, x, step: compiled, result: .none, after: duration ?? latencies.compute)
      case .uuid:
        complete(e, x, step: compiled, result: .value(.string(handlerRandom.uuid())), after: duration ?? latencies.compute)
      case .now:
        complete(e, x, step: compiled, result: .value(.string(ISO8601.millis(scenario.origin + now))),
                 after: duration ?? latencies.compute)
      case .log(let template):
        let line = try evaluate(template, in: x).displayText
        addEffect(x, step: compiled, target: "logs", kind: .log, key: "", detail: line)
        complete(e, x, step: compiled, result: .value(.string(line)), after: duration ?? latencies.compute)
      case .getItem(let table, let key):
        startCall(e, x, step: compiled, request: try tableRequest(table, at: compiled.tableIndex) { (t) throws(ExpressionError) in .get(table: t, key: try evaluate(key, in: x)) })
      case .putItem(let table, let item, let condition):
        startCall(e, x, step: compiled, request: try tableRequest(table, at: compiled.tableIndex) { (t) throws(ExpressionError) in
          .put(table: t, item: try evaluate(item, in: x), condition: try resolve(condition, in: x))
        })
      case .updateItem(let table, let key, let update, let condition, let values, let names):
        let resolvedValues = try evaluate(values, in: x)
        startCall(e, x, step: compiled, request: try tableRequest(table, at: compiled.tableIndex) { (t) throws(ExpressionError) in
          .update(table: t, key: try evaluate(key, in: x), update: update, values: resolvedValues, names: names,
                  condition: try resolve(condition, in: x))
        })
      case .deleteItem(let table, let key, let condition):
        startCall(e, x, step: compiled, request: try tableRequest(table, at: compiled.tableIndex) { (t) throws(ExpressionError) in
          .delete(table: t, key: try evaluate(key, in: x), condition: try resolve(condition, in: x))
        })
      case .post(let endpoint, let body, let onError):
        let request: ServiceRequest
        if let index = world.endpointIndex[endpoint] {
          request = .post(endpoint: index, body: try evaluate(body, in: x), onError: onError)
        } else {
          request = .unknownEndpoint(endpoint)
        }
        startCall(e, x, step: compiled, request: request)
      }
    } catch {
      // A template that cannot be computed is a bug in the handler: it throws, as JavaScript would.
      finish(e, x, .error, errorType: "TypeError", message: error.message)
    }
    return false
  }

  /// A table request, or `.unknownTable` when the scenario declares no such table (`index`, the
  /// step's `tableIndex`, is nil).
  func tableRequest(
    _ name: String, at index: Int?, _ make: (Int) throws(ExpressionError) -> ServiceRequest
  ) throws(ExpressionError) -> ServiceRequest {
    guard let index else { return .unknownTable(name) }
    return try make(index)
  }

  /// Finishes a step that needs no service after `duration`.
  func complete(_ e: Int, _ x: ExecutionState, step: CompiledStep, result: StepResult, after duration: Milliseconds) {
    store(result, of: step, in: x)
    schedule(.continueExecution(e), at: now + duration)
  }

  /// A finished step's result: under its `as` name, as `last`, and the step itself for `after:` faults.
  func store(_ result: StepResult, of step: CompiledStep, in x: ExecutionState) {
    if let name = step.step.resultName { x.variables[name] = result.value }
    x.last = result
    x.completedStep = step
  }

  /// Sends a call: it reaches the service half-way through its latency and returns at the end.
  func startCall(_ e: Int, _ x: ExecutionState, step: CompiledStep, request: ServiceRequest) {
    let latency: Milliseconds
    if case .post(let endpoint, _, _) = request {
      latency = step.step.duration ?? world.endpoints[endpoint].definition.latency ?? latencies.http
    } else {
      latency = step.step.duration ?? latencies.dynamodb
    }
    x.pending = PendingCall(step: step, request: request)
    schedule(.serviceCall(e), at: now + latency / 2)
    schedule(.continueExecution(e), at: now + latency)
  }

  func resolve(_ condition: ConditionalWrite?, in x: ExecutionState) throws(ExpressionError) -> ResolvedCondition? {
    guard let condition else { return nil }
    return ResolvedCondition(
      expression: condition.expression, text: condition.text, values: try evaluate(condition.values, in: x),
      names: condition.names,
      onConditionFailed: condition.onConditionFailed)
  }

  /// Evaluates `ExpressionAttributeValues`, in key order so that the first failing one is always
  /// the same.
  func evaluate(_ templates: [String: Template], in x: ExecutionState) throws(ExpressionError) -> [String: Value] {
    var values: [String: Value] = [:]
    for name in templates.keys.sorted() { values[name] = try evaluate(templates[name]!, in: x) }
    return values
  }

  /// Evaluates a template with the names a handler can see.
  func evaluate(_ template: Template, in x: ExecutionState) throws(ExpressionError) -> Value {
    if case .literal(let value) = template { return value }
    return try template.evaluate(
      { name in
        switch name {
        case "event": return x.batch?.event ?? x.invocation.payload
        case "record": return x.batch?.current
        case "clock": return .string(ISO8601.millis(self.scenario.origin + self.now))
        case "clockMillis": return .int(self.scenario.origin + self.now)
        case "requestId": return .string(x.requestId)
        case "last": return x.last.value
        case "context":
          return .map([
            "awsRequestId": .string(x.requestId),
            "functionName": .string(self.scenario.function.functionName),
            "remainingTimeInMillis": .int(max(0, x.start + self.functionTimeout - self.now)),
          ])
        default: return x.variables[name]
        }
      },
      // `event.x` is read in place. Same value as resolving `event` first: `event` always names
      // the payload (it is matched before the steps' variables above), and a missing member, or
      // a payload that is not a map, is null.
      member: { root, name in
        guard root == "event", x.batch == nil else { return nil }
        guard case .map(let fields) = x.invocation.payload else { return .null }
        return fields[name] ?? .null
      })
  }

  /// Ends an execution and tells the caller's side (client or async queue).
  func finish(_ e: Int, _ x: ExecutionState, _ outcome: AttemptOutcome, response: Value? = nil, errorType: String? = nil,
              message: String? = nil) {
    guard x.isRunning else { return }
    x.isRunning = false
    running -= 1
    noteFaultPoints(x)
    let index = x.attemptIndex
    let attempt = AttemptEnd(
      outcome: outcome, start: trace.attempts[index].start, end: now, response: outcome == .success ? response : nil,
      errorType: errorType, errorMessage: message)
    trace.attempts[index].end = now
    trace.attempts[index].outcome = outcome
    trace.attempts[index].response = attempt.response
    trace.attempts[index].errorType = errorType
    trace.attempts[index].errorMessage = message
    record(.attemptEnd, invocation: x.invocation.id, attempt: x.attemptNumber)
    releaseIfIdle(e, x)
    switch x.origin {
    case .client(let request): clientAttemptEnded(x.invocation.index, request: request, attempt: attempt)
    case .async(let chain): asyncAttemptEnded(x.invocation.index, chain: chain, attempt: attempt)
    case .eventSource(let batch): eventSourceAttemptEnded(batch, attempt: attempt, failed: x.batch?.failed ?? [])
    }
  }

  /// Drops a finished execution unless a call it sent is still on its way to a service.
  func releaseIfIdle(_ e: Int, _ x: ExecutionState) {
    guard !x.isRunning else { return }
    if let pending = x.pending, pending.result == nil { return }  // the request is still on its way
    executions[e] = nil
  }

  /// Lambda stops a handler that ran past the function timeout; what it already did stays done.
  func functionTimedOut(_ e: Int) {
    guard let x = executions[e], x.isRunning else { return }
    let seconds = functionTimeout / 1_000
    let hundredths = (functionTimeout % 1_000) / 10
    let text = "\(seconds).\(hundredths < 10 ? "0" : "")\(hundredths)"
    finish(e, x, .timeout, errorType: "Sandbox.Timedout",
           message: "RequestId: \(x.requestId) Error: Task timed out after \(text) seconds")
  }

  /// Keeps how far the execution (in a batch, the current record's run) got, when asked to
  /// (`faultPoints`): `unit#number` as faults name them.
  func noteFaultPoints(_ x: ExecutionState) {
    guard faultPoints != nil else { return }
    let (subject, number) = faultSubject(x)
    faultPoints!["\(subject)#\(number)", default: 0] = max(faultPoints!["\(subject)#\(number)"] ?? 0, x.reachedPoint)
  }

  /// What faults name the running execution by: its invocation and attempt number, or in a
  /// batch the current record and the delivery this execution received (fixed when the batch
  /// started: a later delivery of the same record, while this one runs, is another execution).
  func faultSubject(_ x: ExecutionState) -> (id: String, number: Int) {
    guard let batch = x.batch, let source = eventSource else { return (x.invocation.id, x.attemptNumber) }
    // Field by field: a copy of the whole record would retain each of its strings and values.
    return (source.records[batch.currentRecord].id, batch.currentDelivery)
  }

  /// Applies a `beforeStep(k)` fault for the step about to start, if any.
  func applyStepNumberFault(_ e: Int, _ x: ExecutionState) -> Bool {
    if x.reachedPoint <= x.executedSteps { x.reachedPoint = x.executedSteps + 1 }
    // Checked before every step: skip hashing the step number when no such fault exists.
    guard !faultsByStepNumber.isEmpty, let candidates = faultsByStepNumber[x.executedSteps + 1] else { return false }
    return applyFault(e, x, candidates: candidates)
  }

  /// Applies the first of `candidates` (indexes into `scenario.faults`) that matches this execution.
  /// Returns true when the execution stopped or hangs.
  func applyFault(_ e: Int, _ x: ExecutionState, candidates: [Int]) -> Bool {
    for index in candidates {
      // Field by field: a copy of the whole `Fault` would retain each of its strings.
      // In a batch, faults name records, and `attempt` counts the record's deliveries.
      let (subject, number) = faultSubject(x)
      if let target = scenario.faults[index].invocation, target != subject && !matches(target, subject) { continue }
      if let attempt = scenario.faults[index].attempt, attempt != number { continue }
      guard faultRandom.chance(scenario.faults[index].probability) else { continue }
      switch scenario.faults[index].kind {
      case .error(let type, let message):
        // In a batch with ReportBatchItemFailures the record fails, not the batch: the handler
        // goes on with the next record.
        if endRecord(x, failed: true) {
          schedule(.continueExecution(e), at: now)
          return true
        }
        finish(e, x, .error, errorType: type, message: message)
      case .crash:
        // Today's wording (the runtime's exit line, as the logs show it); "Process exited
        // before completing request" is the older runtimes'.
        finish(e, x, .crash, errorType: "Runtime.ExitError",
               message: "RequestId: \(x.requestId) Error: Runtime exited with error: exit status 1")
      case .timeout:
        // The handler hangs here; the function timeout will end it.
        break
      }
      return true
    }
    return false
  }
}
