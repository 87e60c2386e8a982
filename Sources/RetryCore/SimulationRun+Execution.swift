/// The handler interpreter: one step at a time, so that other executions and writers interleave
/// between any two steps exactly as their times say.
extension SimulationRun {
  var latencies: StepLatencies { scenario.function.latencies }

  @discardableResult
  func startExecution(_ index: Int, requestId: String, caller: AttemptCaller, origin: ExecutionOrigin) -> Int {
    invocations[index].attemptCount += 1
    let number = invocations[index].attemptCount
    trace.attempts.append(
      TraceAttempt(
        invocation: invocations[index].id, number: number, requestId: requestId, start: now, end: now,
        outcome: .running, caller: caller, clockAtStart: scenario.origin + now))
    running += 1
    executions.append(
      ExecutionState(
        invocation: index, attemptIndex: trace.attempts.count - 1, attemptNumber: number, requestId: requestId,
        origin: origin, start: now, frames: [Frame(steps: handlerSteps, next: 0, pathPrefix: "")]))
    let execution = executions.count - 1
    record(.attemptStart, invocation: invocations[index].id, attempt: number)
    // "The function's timeout setting limits the duration of the entire Invoke phase."
    // Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
    schedule(.functionTimeout(execution), at: now + scenario.function.timeout)
    schedule(.continueExecution(execution), at: now + latencies.invokeOverhead)
    return execution
  }

  /// Runs steps until one takes time, then schedules its continuation.
  func continueExecution(_ e: Int) {
    guard executions[e].isRunning else { return }
    if let call = executions[e].pending {
      executions[e].pending = nil
      let result = call.result ?? .none
      if case .failed(let type, let message, .throw) = result {
        finish(e, .error, errorType: type, message: message)
        return
      }
      if let name = call.step.resultName { executions[e].variables[name] = result.value }
      executions[e].last = result
      executions[e].completedStep = call.step
    }
    if let done = executions[e].completedStep {
      executions[e].completedStep = nil
      if let name = done.name, applyFault(e, at: .after(name)) { return }
    }
    while executions[e].isRunning {
      guard let (step, path) = nextStep(e) else {
        if applyFault(e, at: .beforeStep(executions[e].executedSteps + 1)) { return }
        finish(e, .success, response: .null)
        return
      }
      if applyFault(e, at: .beforeStep(executions[e].executedSteps + 1)) { return }
      if let name = step.name, applyFault(e, at: .before(name)) { return }
      executions[e].executedSteps += 1
      if !runStep(e, step: step, path: path) { return }
    }
  }

  /// Pops finished frames and returns the next step with its path, or nil when the handler ends.
  func nextStep(_ e: Int) -> (Step, String)? {
    while let top = executions[e].frames.last {
      if top.next < top.steps.count {
        executions[e].frames[executions[e].frames.count - 1].next += 1
        return (top.steps[top.next], top.pathPrefix + String(top.next + 1))
      }
      executions[e].frames.removeLast()
    }
    return nil
  }

  /// Runs one step. Returns true when the next step may run at once (an `if`), false when the
  /// step took time or ended the handler.
  func runStep(_ e: Int, step: Step, path: String) -> Bool {
    do throws(ExpressionError) {
      switch step.action {
      case .branch(let condition, let then, let otherwise):
        let taken = executions[e].last.satisfies(condition)
        executions[e].frames.append(
          Frame(steps: taken ? then : otherwise, next: 0, pathPrefix: path + (taken ? ".then." : ".else.")))
        return true
      case .respond(let template):
        finish(e, .success, response: try evaluate(template, in: e))
        return false
      case .fail(let errorType, let message):
        finish(e, .error, errorType: errorType, message: try evaluate(message, in: e).displayText)
        return false
      case .compute:
        complete(e, step: step, result: .none, after: step.duration ?? latencies.compute)
      case .uuid:
        complete(e, step: step, result: .value(.string(handlerRandom.uuid())), after: step.duration ?? latencies.compute)
      case .now:
        complete(e, step: step, result: .value(.string(ISO8601.millis(scenario.origin + now))),
                 after: step.duration ?? latencies.compute)
      case .log(let template):
        let line = try evaluate(template, in: e).displayText
        addEffect(e, path: path, target: "logs", kind: .log, key: "", detail: line)
        complete(e, step: step, result: .value(.string(line)), after: step.duration ?? latencies.compute)
      case .getItem(let table, let key):
        startCall(e, step: step, path: path, request: .get(table: table, key: try evaluate(key, in: e)))
      case .putItem(let table, let item, let condition):
        startCall(e, step: step, path: path,
                  request: .put(table: table, item: try evaluate(item, in: e), condition: try resolve(condition, in: e)))
      case .updateItem(let table, let key, let update, let condition, let values, let names):
        var resolvedValues: [String: Value] = [:]
        for name in values.keys.sorted() { resolvedValues[name] = try evaluate(values[name]!, in: e) }
        startCall(e, step: step, path: path,
                  request: .update(table: table, key: try evaluate(key, in: e), update: update, values: resolvedValues,
                                   names: names, condition: try resolve(condition, in: e)))
      case .deleteItem(let table, let key, let condition):
        startCall(e, step: step, path: path,
                  request: .delete(table: table, key: try evaluate(key, in: e), condition: try resolve(condition, in: e)))
      case .post(let endpoint, let body, let onError):
        startCall(e, step: step, path: path, request: .post(endpoint: endpoint, body: try evaluate(body, in: e), onError: onError))
      }
    } catch {
      // A template that cannot be computed is a bug in the handler: it throws, as JavaScript would.
      finish(e, .error, errorType: "TypeError", message: error.message)
    }
    return false
  }

  /// Finishes a step that needs no service after `duration`.
  func complete(_ e: Int, step: Step, result: StepResult, after duration: Milliseconds) {
    if let name = step.resultName { executions[e].variables[name] = result.value }
    executions[e].last = result
    executions[e].completedStep = step
    schedule(.continueExecution(e), at: now + duration)
  }

  /// Sends a call: it reaches the service half-way through its latency and returns at the end.
  func startCall(_ e: Int, step: Step, path: String, request: ServiceRequest) {
    let latency: Milliseconds
    switch request {
    case .post(let endpoint, _, _):
      latency = step.duration ?? world.endpointLatency(endpoint) ?? latencies.http
    default:
      latency = step.duration ?? latencies.dynamodb
    }
    executions[e].pending = PendingCall(step: step, path: path, startedAt: now, request: request)
    schedule(.serviceCall(e), at: now + latency / 2)
    schedule(.continueExecution(e), at: now + latency)
  }

  func resolve(_ condition: ConditionalWrite?, in e: Int) throws(ExpressionError) -> ResolvedCondition? {
    guard let condition else { return nil }
    var values: [String: Value] = [:]
    for name in condition.values.keys.sorted() { values[name] = try evaluate(condition.values[name]!, in: e) }
    return ResolvedCondition(
      expression: condition.expression, text: condition.text, values: values, names: condition.names,
      onConditionFailed: condition.onConditionFailed)
  }

  /// Evaluates a template with the names a handler can see.
  func evaluate(_ template: Template, in e: Int) throws(ExpressionError) -> Value {
    let execution = executions[e]
    let payload = invocations[execution.invocation].payload
    let origin = scenario.origin
    let time = now
    let timeout = scenario.function.timeout
    let functionName = scenario.function.functionName
    return try template.evaluate { name in
      switch name {
      case "event": return payload
      case "clock": return .string(ISO8601.millis(origin + time))
      case "clockMillis": return .int(origin + time)
      case "requestId": return .string(execution.requestId)
      case "last": return execution.last.value
      case "context":
        return .map([
          "awsRequestId": .string(execution.requestId),
          "functionName": .string(functionName),
          "remainingTimeInMillis": .int(max(0, execution.start + timeout - time)),
        ])
      default: return execution.variables[name]
      }
    }
  }

  /// Ends an execution and tells the caller's side (client or async queue).
  func finish(_ e: Int, _ outcome: AttemptOutcome, response: Value? = nil, errorType: String? = nil, message: String? = nil) {
    guard executions[e].isRunning else { return }
    executions[e].isRunning = false
    running -= 1
    let index = executions[e].attemptIndex
    trace.attempts[index].end = now
    trace.attempts[index].outcome = outcome
    trace.attempts[index].response = outcome == .success ? response : nil
    trace.attempts[index].errorType = errorType
    trace.attempts[index].errorMessage = message
    let invocation = executions[e].invocation
    record(.attemptEnd, invocation: invocations[invocation].id, attempt: executions[e].attemptNumber)
    let attempt = trace.attempts[index]
    switch executions[e].origin {
    case .client(let request): clientAttemptEnded(invocation, request: request, attempt: attempt)
    case .async(let chain): asyncAttemptEnded(invocation, chain: chain, execution: executions[e], attempt: attempt)
    }
  }

  /// Lambda stops a handler that ran past the function timeout; what it already did stays done.
  func functionTimedOut(_ e: Int) {
    guard executions[e].isRunning else { return }
    let seconds = scenario.function.timeout / 1_000
    let hundredths = (scenario.function.timeout % 1_000) / 10
    let text = "\(seconds).\(hundredths < 10 ? "0" : "")\(hundredths)"
    finish(e, .timeout, errorType: "Sandbox.Timedout",
           message: "RequestId: \(executions[e].requestId) Error: Task timed out after \(text) seconds")
  }

  /// Applies the first matching fault at `point`. Returns true when the execution stopped or hangs.
  func applyFault(_ e: Int, at point: Fault.Point) -> Bool {
    let execution = executions[e]
    let id = invocations[execution.invocation].id
    for fault in scenario.faults where fault.point == point {
      if let target = fault.invocation, !matches(target, id) { continue }
      if let attempt = fault.attempt, attempt != execution.attemptNumber { continue }
      guard faultRandom.chance(fault.probability) else { continue }
      switch fault.kind {
      case .error(let type, let message):
        finish(e, .error, errorType: type, message: message)
      case .crash:
        finish(e, .crash, errorType: "Runtime.ExitError",
               message: "RequestId: \(execution.requestId) Process exited before completing request")
      case .timeout:
        // The handler hangs here; the function timeout will end it.
        break
      }
      return true
    }
    return false
  }
}
