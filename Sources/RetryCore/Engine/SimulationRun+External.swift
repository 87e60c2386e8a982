/// Executions of a real program (`ExternalHandler`): the program runs while the simulation
/// waits; its calls become effects, its outcome the attempt's end at its measured duration.
extension SimulationRun {
  /// Called when the execution's invoke phase starts, and again at its measured end.
  func runExternal(_ e: Int, _ x: ExecutionState, _ external: ExternalHandler) {
    if let outcome = x.externalOutcome {
      switch outcome {
      case .success(let response, _): finish(e, x, .success, response: response)
      case .error(let type, let message, _): finish(e, x, .error, errorType: type, message: message)
      case .crash(let message, _): finish(e, x, .crash, errorType: "Runtime.ExitError", message: message)
      case .timeout: break  // the function timeout, already scheduled, ends it
      }
      return
    }
    let start = now
    var calls = 0
    var execution = ExternalExecution(
      invocation: x.invocation.id, attempt: x.attemptNumber, requestId: x.requestId,
      payload: x.batch?.event ?? x.invocation.payload, timeout: functionTimeout, deliveredAt: scenario.origin + now)
    // The scenario's faults aimed at this execution, each drawn once (its probability), in file
    // order; the first for a call wins.
    for fault in scenario.faults {
      if let target = fault.invocation, target != x.invocation.id && !matches(target, x.invocation.id) { continue }
      if let attempt = fault.attempt, attempt != x.attemptNumber { continue }
      guard let number = ExternalFault.callNumber(of: fault.point), let meaning = ExternalFault(fault) else { continue }
      guard execution.faults[number] == nil, faultRandom.chance(fault.probability) else { continue }
      execution.faults[number] = meaning
    }
    let outcome = external.execute(execution) { call in
      calls += 1
      // The execution's fault points are its calls (`runNotingFaultPoints`).
      x.reachedPoint = calls
      advance(toMeasured: start + call.offset)
      let step = externalStep(calls, request: call.request)
      switch call.request {
      case .post(let endpoint, let body):
        guard let index = world.endpointIndex[endpoint] else { return ExternalReply(status: 404) }
        let result = post(x, call: PendingCall(step: step, request: nil), endpoint: index, body: body, onError: .continue)
        if case .failed = result { return ExternalReply(status: Self.statusCode(in: world.endpoints[index].definition.failures.error)) }
        return ExternalReply(status: 200)
      case .dynamo(let request):
        return serveDynamo(x, step: step, request)
      case .queue(let request):
        return serveQueue(x, step: step, request)
      case .refused(let status, let type, let message):
        return .error(type, message, status: status)
      }
    } note: { note in
      self.record(note, of: x, start: start)
    }
    x.externalOutcome = outcome
    switch outcome {
    case .success(_, let duration), .error(_, _, let duration), .crash(_, let duration):
      schedule(.continueExecution(e), at: max(now, start + duration))
    case .timeout:
      break
    }
  }

  /// Moves the clock to something the program did at `time` (measured): never back, and never
  /// past an event the simulator has yet to handle (a client's read timeout, the function
  /// timeout, the next invocation), since the simulation is paused while the program runs.
  func advance(toMeasured time: Milliseconds) {
    var at = max(now, time)
    if let next = queue.minTime { at = min(at, next) }
    if let arrival = nextArrival { at = min(at, arrival) }
    now = max(now, at)
  }

  /// The step standing for a program's k-th call: effects name it `call k`, and the k-th call of
  /// a retry repeats the k-th call of the first execution (a duplicate, as for a modelled step).
  /// (The step's action is never run: only its name and identity matter.)
  func externalStep(_ number: Int, request: ExternalRequest) -> CompiledStep {
    if let step = externalSteps[number] { return step }
    let endpoint = if case .post(let endpoint, _) = request { endpoint } else { "" }
    let step = CompiledStep(
      step: Step(name: "call \(number)", action: .post(endpoint: endpoint, body: .literal(.null), onError: .continue)),
      path: "call \(number)", pathID: -number, then: [], otherwise: [])
    externalSteps[number] = step
    return step
  }
}
