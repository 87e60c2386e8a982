import RetryCore

extension TraceReconstructor {
  /// The trace: lanes, attempts in time order, Lambda's retry waits, effects with their
  /// duplicates, outcomes, and the events a player steps through.
  func trace(meta: TraceMeta) -> Trace {
    let keys = logicalKeys()
    let outcomes = executions.indices.map { view($0).outcome }
    // Executions in time order (file order among equals).
    let order = executions.indices.sorted {
      (executions[$0].start, executions[$0].startSequence) < (executions[$1].start, executions[$1].startSequence)
    }
    var positionOf = [Int](repeating: 0, count: executions.count)
    for (position, index) in order.enumerated() { positionOf[index] = position }
    var meta = meta
    meta.origin = hasTimestamps ? (order.first.map { executions[$0].start } ?? 0) : sequentialOrigin
    let origin = meta.origin
    // Every line's time is within 100 years of the others (`LogCollector.accepts`); a REPORT's
    // duration could still carry an end past that bound: it stops there.
    let latest = origin + ImportBounds.times.upperBound
    let ends = executions.indices.map { min(view($0).end, latest) }

    // Lanes: per logical event, or per log stream.
    var laneOf = [Int](repeating: 0, count: executions.count)
    var laneIds: [String] = []
    var laneKeys: [Int] = []
    var laneIndex: [Int: Int] = [:]
    for index in order {
      let laneKey = lanes == .streams ? Int(executions[index].stream) : keys[index]
      if let known = laneIndex[laneKey] {
        laneOf[index] = known
      } else {
        laneIndex[laneKey] = laneIds.count
        laneOf[index] = laneIds.count
        laneIds.append(lanes == .streams ? "E\(laneIds.count + 1)" : Self.laneName(laneIds.count))
        laneKeys.append(laneKey)
      }
    }

    // Attempts, numbered per lane in time order; who started each.
    var attemptNumber = [Int](repeating: 0, count: executions.count)
    var laneCounts = [Int](repeating: 0, count: laneIds.count)
    var laneRetried = [Bool](repeating: false, count: laneIds.count)
    var attempts: [TraceAttempt] = []
    attempts.reserveCapacity(executions.count)
    var reports: [Int: AttemptReport] = [:]
    reports.reserveCapacity(executions.count)
    var earlierOfRequest: [Int32: Int] = [:]
    var earlierOfKey: Set<Int> = []
    var startsPerRequest: [Int32: Int] = [:]
    for execution in executions { startsPerRequest[execution.request, default: 0] += 1 }
    for index in order {
      let execution = executions[index]
      let lane = laneOf[index]
      laneCounts[lane] += 1
      attemptNumber[index] = laneCounts[lane]
      let caller: AttemptCaller
      if let previous = earlierOfRequest[execution.request] {
        // The same request id again: Lambda's own async retry (lambda-semantics.md §2.4,
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html);
        // after a success it can only be the async queue's at-least-once duplicate.
        caller = outcomes[previous] == .success ? .duplicateDelivery : .lambdaAsync
        laneRetried[lane] = true
      } else if earlierOfKey.contains(keys[index]) {
        caller = .newRequest
      } else {
        caller = (startsPerRequest[execution.request] ?? 0) > 1 ? .lambdaAsync : .client
      }
      earlierOfRequest[execution.request] = index
      earlierOfKey.insert(keys[index])
      let outcome = outcomes[index]
      var attempt = TraceAttempt(
        invocation: laneIds[lane], number: attemptNumber[index], requestId: collector.requestIds[Int(execution.request)],
        start: execution.start - origin, end: ends[index] - origin, outcome: outcome, caller: caller,
        clockAtStart: execution.start)
      let view = view(index)
      if outcome != .success && outcome != .running {
        attempt.errorType = view.errorType ?? (outcome == .timeout ? "Sandbox.Timedout" : nil)
        attempt.errorMessage = view.errorMessage
      }
      reports[attempts.count] = view.report
      attempts.append(attempt)
    }

    // Lanes become invocations.
    var invocations: [TraceInvocation] = []
    var firstStart = [Milliseconds](repeating: .max, count: laneIds.count)
    for index in order { firstStart[laneOf[index]] = min(firstStart[laneOf[index]], executions[index].start - origin) }
    for (lane, id) in laneIds.enumerated() {
      let key = laneKeys[lane]
      let caller: String
      let label: String
      if lanes == .streams {
        let name = key >= 0 ? collector.streamNames[key] : "(no stream)"
        caller = "log stream \(name)"
        label = Self.streamLabel(name)
      } else if key >= 0 {
        caller = "requests with \(collector.keys[key])"
        label = collector.keys[key]
      } else {
        let request = collector.requestIds[-1 - key]
        caller = "request \(request)"
        label = String(request.prefix(8))
      }
      invocations.append(
        TraceInvocation(
          id: id, type: laneRetried[lane] ? .event : .unknown, at: firstStart[lane], payload: .map([:]), label: label,
          caller: caller))
    }

    // Waits: between executions of one request id in the same lane (Lambda's retry delay).
    var waits: [TraceWait] = []
    var waitAfter: [Int: Int] = [:]
    var previousOfRequest: [Int32: Int] = [:]
    for (position, index) in order.enumerated() {
      let request = executions[index].request
      if let previous = previousOfRequest[request], laneOf[previous] == laneOf[index] {
        let from = attempts[positionOf[previous]].end
        let to = attempts[position].start
        if to >= from {
          waitAfter[previous] = waits.count
          waits.append(
            TraceWait(
              invocation: laneIds[laneOf[index]], from: from, to: to, reason: .retryDelay, beforeAttempt: attemptNumber[index]))
        }
      }
      previousOfRequest[request] = index
    }

    // Effects in time order, duplicates per logical event as the simulator marks them: a
    // mutation another execution of the same event already made at the same step (or, without
    // a step, to the same target and key).
    let entries = effectEntries.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
    var effects: [TraceEffect] = []
    effects.reserveCapacity(entries.count)
    // (position of the execution in `order`, effect index), to walk per execution below.
    var effectsByPosition: [(position: Int32, effect: Int32)] = []
    effectsByPosition.reserveCapacity(entries.count)
    var firstMutation: [MutationKey: (effect: Int, execution: Int)] = [:]
    var versions: [PlaceKey: Int] = [:]
    for entry in entries {
      let parsed = collector.effects[Int(entry.effect)]
      let execution = Int(entry.execution)
      let lane = laneOf[execution]
      var duplicateOf: Int?
      if parsed.kind.mutates {
        let identity = MutationKey(
          logical: keys[execution], step: parsed.step, target: parsed.step == nil ? parsed.target : "",
          key: parsed.step == nil ? parsed.key : "")
        if let first = firstMutation[identity] {
          if first.execution != execution { duplicateOf = first.effect }
        } else {
          firstMutation[identity] = (effects.count, execution)
        }
      }
      var version: Int?
      switch parsed.kind {
      case .insert, .update:
        let place = PlaceKey(target: parsed.target, key: parsed.key)
        version = (versions[place] ?? 0) + 1
        versions[place] = version
      case .post, .send:
        let place = PlaceKey(target: parsed.target, key: "")
        version = (versions[place] ?? 0) + 1
        versions[place] = version
      default: break
      }
      effectsByPosition.append((Int32(positionOf[execution]), Int32(effects.count)))
      effects.append(
        TraceEffect(
          time: min(entry.time, ends[execution]) - origin, invocation: laneIds[lane], attempt: attemptNumber[execution],
          actor: "\(laneIds[lane])#\(attemptNumber[execution])", target: parsed.target, kind: parsed.kind, key: parsed.key,
          step: parsed.step, detail: parsed.detail, version: version, duplicateOf: duplicateOf))
    }

    // Outcomes: an async event whose last execution succeeded is done; where a failed one went
    // (DLQ, destination, nowhere) is not in the function's logs.
    var traceOutcomes: [TraceOutcome] = []
    var outcomeOfLane: [Int: Int] = [:]
    var lastOfLane = [Int](repeating: -1, count: laneIds.count)
    for index in order { lastOfLane[laneOf[index]] = index }
    if lanes == .invocations {
      for lane in laneIds.indices where laneRetried[lane] {
        let last = lastOfLane[lane]
        guard last >= 0, outcomes[last] == .success else { continue }
        outcomeOfLane[lane] = traceOutcomes.count
        traceOutcomes.append(
          TraceOutcome(invocation: laneIds[lane], kind: .succeeded, time: ends[last] - origin, attempts: laneCounts[lane]))
      }
    }

    // The parsed effects and reports are in the trace now: the collector's copies can go before
    // the events are laid out (the peak of a large import).
    collector.releaseTables()
    effectsByPosition.sort { ($0.position, $0.effect) < ($1.position, $1.effect) }
    let events = Self.events(
      order: order, attempts: attempts, effects: effects, effectsByPosition: effectsByPosition, waitAfter: waitAfter,
      outcomeAfter: { index in lastOfLane[laneOf[index]] == index ? outcomeOfLane[laneOf[index]] : nil })

    var trace = Trace(
      meta: meta, invocations: invocations, attempts: attempts, waits: waits, effects: effects, outcomes: traceOutcomes,
      events: events)
    trace.attemptReports = reports
    return trace
  }

  /// The events a player steps through: per execution in order (start, effects, end, the wait
  /// after it, the outcome), merged by time; at one instant, what is already running (its end,
  /// its late effects) goes before what starts.
  private static func events(
    order: [Int], attempts: [TraceAttempt], effects: [TraceEffect], effectsByPosition: [(position: Int32, effect: Int32)],
    waitAfter: [Int: Int],
    outcomeAfter: (Int) -> Int?
  ) -> [TraceEvent] {
    var events: [TraceEvent] = []
    events.reserveCapacity(attempts.count * 3 + effects.count)
    // Sort keys beside the events, then one permutation: cheaper than sorting the events.
    var keys: [(time: Milliseconds, late: Bool, position: Int32, local: Int32)] = []
    keys.reserveCapacity(events.capacity)
    var cursor = 0
    for (position, index) in order.enumerated() {
      let attempt = attempts[position]
      let id = attempt.invocation
      var local: Int32 = 0
      func add(_ event: TraceEvent) {
        keys.append((event.time, event.time > attempt.start, Int32(position), local))
        events.append(event)
        local += 1
      }
      add(TraceEvent(time: attempt.start, kind: .attemptStart, invocation: id, attempt: attempt.number))
      while cursor < effectsByPosition.count, effectsByPosition[cursor].position == Int32(position) {
        let effect = Int(effectsByPosition[cursor].effect)
        add(TraceEvent(time: effects[effect].time, kind: .effect, invocation: id, attempt: attempt.number, effect: effect))
        cursor += 1
      }
      guard attempt.outcome != .running else { continue }
      add(TraceEvent(time: attempt.end, kind: .attemptEnd, invocation: id, attempt: attempt.number))
      if let wait = waitAfter[index] { add(TraceEvent(time: attempt.end, kind: .retryScheduled, invocation: id, wait: wait)) }
      if let outcome = outcomeAfter(index) { add(TraceEvent(time: attempt.end, kind: .outcome, invocation: id, outcome: outcome)) }
    }
    let inOrder = zip(keys, keys.dropFirst()).allSatisfy { x, y in
      (x.time, x.late ? 0 : 1, x.position, x.local) <= (y.time, y.late ? 0 : 1, y.position, y.local)
    }
    guard !inOrder else { return events }
    var sorted = Array(Int32(0)..<Int32(keys.count))
    sorted.sort { a, b in
      let x = keys[Int(a)]
      let y = keys[Int(b)]
      return (x.time, x.late ? 0 : 1, x.position, x.local) < (y.time, y.late ? 0 : 1, y.position, y.local)
    }
    keys = []
    Self.permute(&events, by: sorted)
    return events
  }

  /// Puts `items[order[i]]` at `i` for every `i`, in place (following the permutation's cycles),
  /// so that a large event list is never held twice.
  static func permute<Element>(_ items: inout [Element], by order: [Int32]) {
    var done = [Bool](repeating: false, count: items.count)
    for start in items.indices where !done[start] {
      done[start] = true
      var current = start
      var next = Int(order[current])
      guard next != start else { continue }
      let held = items[start]
      while next != start {
        items[current] = items[next]
        done[next] = true
        current = next
        next = Int(order[current])
      }
      items[current] = held
    }
  }

  /// What makes a mutation the same as an earlier one of the same logical event.
  struct MutationKey: Hashable {
    var logical: Int
    var step: String?
    var target: String
    var key: String
  }

  /// An item (target and key), or an endpoint (key empty), for version numbers.
  struct PlaceKey: Hashable {
    var target: String
    var key: String
  }

  /// `A`, `B`, ... `Z`, `AA`, `AB`, ...: short lane names like a scenario's.
  static func laneName(_ index: Int) -> String {
    var name = ""
    var value = index
    repeat {
      name = String(UnicodeScalar(UInt8(65 + value % 26))) + name
      value = value / 26 - 1
    } while value >= 0
    return name
  }

  /// A stream's short label: the environment id after `]`, cut to 8 characters.
  static func streamLabel(_ name: String) -> String {
    if let bracket = name.lastIndex(of: "]") { return String(name[name.index(after: bracket)...].prefix(8)) }
    return String(name.suffix(8))
  }
}
