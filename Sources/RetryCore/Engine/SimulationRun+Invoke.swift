extension SimulationRun {
  /// Turns the scenario's invocations and schedules into invocation states and schedules them.
  func setUpInvocations() {
    var definitions = scenario.invocations
    // A generator of its own, so that the firings' delays shift no other draw.
    var firingRandom = SplitMix64(seed: seed, stream: "schedule-firings")
    for rule in scenario.schedules {
      let fires = rule.expression.fireTimes(from: scenario.origin, count: rule.count)
      for (index, fire) in fires.enumerated() {
        // The rule fires within its minute; the event still names the scheduled time.
        let delay = rule.firingDelay.draw(using: &firingRandom)
        definitions.append(
          InvocationDefinition(
            id: "\(rule.id)-\(index + 1)", type: .event, at: fire - scenario.origin + delay,
            payload: scheduledEvent(rule: rule, fireTime: fire),
            label: "\(rule.expression.text) firing \(index + 1)"))
      }
    }
    // Invocations start in time order; the file's order breaks ties (most files are in order already).
    // (Compared by index: zipping the array with itself copies every definition twice.)
    if !definitions.indices.dropFirst().allSatisfy({ definitions[$0 - 1].at <= definitions[$0].at }) {
      definitions = definitions.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
    // Room for a run with retries, so that large runs do not copy these arrays as they grow: a
    // copy of a million-invocation trace moves hundreds of megabytes and holds both buffers at
    // once. Generous on purpose: capacity that is never written is address space, not memory
    // (the allocator maps large buffers lazily), so the slack costs nothing resident.
    let count = definitions.count
    invocations.reserveCapacity(count)
    trace.invocations.reserveCapacity(count)
    trace.attempts.reserveCapacity(count * 2)
    trace.effects.reserveCapacity(count * 2)
    trace.outcomes.reserveCapacity(count * 2)
    trace.waits.reserveCapacity(count * 2)
    trace.events.reserveCapacity(count * 10)
    // By position, reading fields in place: copying each definition out would retain its payload
    // once more (a million times in a large run).
    for position in definitions.indices {
      let id = definitions[position].id
      let type = definitions[position].type
      let at = definitions[position].at
      let state = InvocationState(
        index: invocations.count, id: id, type: type, at: at, payload: definitions[position].payload,
        client: definitions[position].client ?? scenario.client)
      for throttle in scenario.throttles where throttle.invocation == nil || matches(throttle.invocation!, id) {
        if throttle.count > 0 { state.pendingRejections.append((throttle.statusCode, throttle.count)) }
      }
      state.duplicateDelays = scenario.duplicateDeliveries.filter { matches($0.invocation, id) }.map(\.after)
      let caller: String
      if type == .requestResponse {
        caller = "client \(state.client.preset.rawValue)"
      } else if let rule = scenario.schedules.first(where: { id.hasPrefix($0.id + "-") }) {
        caller = "EventBridge rule \(rule.id)"
      } else {
        caller = "caller"
      }
      trace.invocations.append(
        TraceInvocation(
          id: id, type: type, at: at, payload: definitions[position].payload, label: definitions[position].label,
          caller: caller))
      invocations.append(state)
    }
  }

  /// Whether a fault or throttle aimed at `target` hits invocation `id` (schedule faults name the
  /// rule: `tick` hits `tick-1`, `tick-2`, ...).
  func matches(_ target: String, _ id: String) -> Bool {
    target == id || id.hasPrefix(target + "-") && scenario.schedules.contains { $0.id == target }
  }

  /// The event an EventBridge scheduled rule sends: its `time` is the scheduled time and stays the
  /// same on every retry.
  /// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
  func scheduledEvent(rule: ScheduleDefinition, fireTime: Milliseconds) -> Value {
    .map([
      "version": "0",
      "id": .string(idRandom.uuid()),
      "detail-type": "Scheduled Event",
      "source": "aws.events",
      "account": "123456789012",
      "time": .string(ISO8601.seconds(fireTime)),
      "region": "us-east-1",
      "resources": .list([.string("arn:aws:events:us-east-1:123456789012:rule/\(rule.id)")]),
      "detail": rule.detail,
    ])
  }

  func invoke(_ index: Int) {
    let invocation = invocations[index]
    record(.invoke, invocation: invocation.id)
    switch invocation.type {
    case .requestResponse:
      sendClientRequest(index, request: 1)
    case .event:
      enqueue(index)
    case .unknown:
      preconditionFailure("invocation \(invocation.id): type unknown belongs to imported traces, not scenarios")
    }
  }

  // MARK: - Throttling

  /// Whether Lambda rejects a request or delivery now: an injected throttle, or reserved
  /// concurrency in use. Returns the status code (429 or 5xx).
  func rejection(for index: Int) -> Int? {
    let invocation = invocations[index]
    if let next = invocation.pendingRejections.first {
      if next.count > 1 {
        invocation.pendingRejections[0].count -= 1
      } else {
        invocation.pendingRejections.removeFirst()
      }
      return next.statusCode
    }
    if let reserved = scenario.function.reservedConcurrency, running >= reserved {
      return 429
    }
    return nil
  }

  /// Records an attempt that Lambda rejected before the function ran.
  func recordRejectedAttempt(_ index: Int, requestId: String, caller: AttemptCaller, statusCode: Int) -> Int {
    invocations[index].attemptCount += 1
    let number = invocations[index].attemptCount
    let errorType = Throttle.errorType(forStatus: statusCode)
    let message = Throttle.errorMessage(forStatus: statusCode)
    trace.attempts.append(
      TraceAttempt(
        invocation: invocations[index].id, number: number, requestId: requestId, start: now, end: now,
        outcome: .throttled, caller: caller, errorType: errorType, errorMessage: message,
        clockAtStart: scenario.origin + now))
    record(.throttled, invocation: invocations[index].id, attempt: number, note: "\(statusCode)")
    return number
  }
}
