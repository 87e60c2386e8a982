import RetryCore

extension TraceReconstructor {
  /// The trace: lanes, attempts in time order, Lambda's retry waits, effects with their
  /// duplicates, outcomes, and the events a player steps through.
  func trace(meta: TraceMeta) -> Trace {
    let keys = logicalKeys()
    // Executions in time order (file order among equals).
    let order = executions.indices.sorted {
      (executions[$0].start, executions[$0].startSequence) < (executions[$1].start, executions[$1].startSequence)
    }
    let origin = order.first.map { executions[$0].start } ?? 0
    var meta = meta
    meta.origin = hasTimestamps ? origin : 0

    // Lanes.
    var laneOf = [Int](repeating: 0, count: executions.count)
    var laneIds: [String] = []
    var laneKeys: [String] = []
    var laneIndex: [String: Int] = [:]
    for index in order {
      let laneKey: String
      switch lanes {
      case .invocations: laneKey = keys[index]
      case .streams:
        let stream = executions[index].stream
        laneKey = stream >= 0 ? collector.streamNames[Int(stream)] : "(no stream)"
      }
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
    var attempts: [TraceAttempt] = []
    var reports: [Int: AttemptReport] = [:]
    var earlierOfRequest: [Int32: Int] = [:]
    var earlierOfKey: Set<String> = []
    var laneRetried = [Bool](repeating: false, count: laneIds.count)
    let startsPerRequest = executions.reduce(into: [Int32: Int]()) { $0[$1.request, default: 0] += 1 }
    for index in order {
      let execution = executions[index]
      let lane = laneOf[index]
      laneCounts[lane] += 1
      attemptNumber[index] = laneCounts[lane]
      let caller: AttemptCaller
      if let previous = earlierOfRequest[execution.request] {
        // The same request id again: Lambda's own async retry (lambda-semantics.md §2.4,
        // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html); after a
        // success it can only be the async queue's at-least-once duplicate.
        caller = executions[previous].outcome == .success ? .duplicateDelivery : .lambdaAsync
        laneRetried[lane] = true
      } else if earlierOfKey.contains(keys[index]) {
        caller = .newRequest
      } else {
        caller = (startsPerRequest[execution.request] ?? 0) > 1 ? .lambdaAsync : .client
      }
      earlierOfRequest[execution.request] = index
      earlierOfKey.insert(keys[index])
      let outcome = execution.outcome
      var attempt = TraceAttempt(
        invocation: laneIds[lane], number: attemptNumber[index], requestId: collector.requestIds[Int(execution.request)],
        start: execution.start - meta.origin, end: execution.end - meta.origin, outcome: outcome, caller: caller,
        clockAtStart: execution.start)
      if outcome != .success && outcome != .running {
        attempt.errorType = execution.errorType ?? (outcome == .timeout ? "Sandbox.Timedout" : nil)
        attempt.errorMessage = execution.errorMessage
      }
      reports[attempts.count] = execution.report
      attempts.append(attempt)
    }

    // Lanes become invocations.
    var invocations: [TraceInvocation] = []
    var firstStart = [Milliseconds](repeating: .max, count: laneIds.count)
    for index in order { firstStart[laneOf[index]] = min(firstStart[laneOf[index]], executions[index].start - meta.origin) }
    for (lane, id) in laneIds.enumerated() {
      let key = laneKeys[lane]
      let caller: String
      let label: String
      switch lanes {
      case .streams:
        caller = "log stream \(key)"
        label = Self.streamLabel(key)
      case .invocations:
        if key.hasPrefix("request ") {
          caller = key
          label = String(key.dropFirst(8).prefix(8))
        } else {
          caller = "requests with \(key)"
          label = key
        }
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
    var positionOf = [Int](repeating: 0, count: executions.count)
    for (position, index) in order.enumerated() { positionOf[index] = position }
    for (position, index) in order.enumerated() {
      let request = executions[index].request
      if let previous = previousOfRequest[request], laneOf[previous] == laneOf[index] {
        let from = attempts[positionOf[previous]].end
        let to = attempts[position].start
        if to >= from {
          waitAfter[previous] = waits.count
          waits.append(
            TraceWait(
              invocation: laneIds[laneOf[index]], from: from, to: to, reason: .retryDelay,
              beforeAttempt: attemptNumber[index]))
        }
      }
      previousOfRequest[request] = index
    }

    // Effects in time order, duplicates per logical event as the simulator marks them.
    var pending: [(time: Milliseconds, sequence: Int, execution: Int, effect: Int32)] = []
    for index in executions.indices {
      for entry in executions[index].effects { pending.append((entry.time, entry.sequence, index, entry.effect)) }
    }
    pending.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
    var effects: [TraceEffect] = []
    var firstMutation: [String: (effect: Int, execution: Int)] = [:]
    var versions: [String: Int] = [:]
    var effectEvent: [(execution: Int, time: Milliseconds, effect: Int)] = []
    for entry in pending {
      let parsed = collector.effects[Int(entry.effect)]
      let execution = entry.execution
      let lane = laneOf[execution]
      let identity = keys[execution] + "\u{1F}" + (parsed.step ?? parsed.target + "\u{1F}" + parsed.key)
      var duplicateOf: Int?
      if parsed.kind.mutates {
        if let first = firstMutation[identity] {
          if first.execution != execution { duplicateOf = first.effect }
        } else {
          firstMutation[identity] = (effects.count, execution)
        }
      }
      var version: Int?
      let place = parsed.target + "\u{1F}" + parsed.key
      switch parsed.kind {
      case .insert, .update:
        version = (versions[place] ?? 0) + 1
        versions[place] = version
      case .post:
        version = (versions[parsed.target] ?? 0) + 1
        versions[parsed.target] = version
      default: break
      }
      let time = min(entry.time, executions[execution].end) - meta.origin
      effectEvent.append((execution, time, effects.count))
      effects.append(
        TraceEffect(
          time: time, invocation: laneIds[lane], attempt: attemptNumber[execution],
          actor: "\(laneIds[lane])#\(attemptNumber[execution])", target: parsed.target, kind: parsed.kind, key: parsed.key,
          step: parsed.step, detail: parsed.detail, version: version, duplicateOf: duplicateOf))
    }

    // Outcomes: an async event whose last execution succeeded is done; where a failed one went
    // (DLQ, destination, nowhere) is not in the function's logs.
    var outcomes: [TraceOutcome] = []
    var outcomeOfLane: [Int: Int] = [:]
    var lastOfLane: [Int: Int] = [:]
    for index in order { lastOfLane[laneOf[index]] = index }
    if lanes == .invocations {
      for lane in laneIds.indices where laneRetried[lane] {
        guard let last = lastOfLane[lane], executions[last].outcome == .success else { continue }
        outcomeOfLane[lane] = outcomes.count
        outcomes.append(
          TraceOutcome(
            invocation: laneIds[lane], kind: .succeeded, time: executions[last].end - meta.origin,
            attempts: laneCounts[lane]))
      }
    }

    // Events: per execution in order (start, effects, end, the wait after it), merged by time;
    // at one instant, what is already running (ends, its late effects) goes before what starts.
    var staged: [(time: Milliseconds, early: Bool, execution: Int, local: Int, event: TraceEvent)] = []
    var effectsOf: [Int: [(time: Milliseconds, effect: Int)]] = [:]
    for entry in effectEvent { effectsOf[entry.execution, default: []].append((entry.time, entry.effect)) }
    for (position, index) in order.enumerated() {
      let attempt = attempts[position]
      let id = attempt.invocation
      var local = 0
      func stage(_ time: Milliseconds, _ event: TraceEvent) {
        staged.append((time, time > attempt.start, position, local, event))
        local += 1
      }
      stage(attempt.start, TraceEvent(time: attempt.start, kind: .attemptStart, invocation: id, attempt: attempt.number))
      for effect in effectsOf[index] ?? [] {
        stage(effect.time, TraceEvent(time: effect.time, kind: .effect, invocation: id, attempt: attempt.number, effect: effect.effect))
      }
      guard attempt.outcome != .running else { continue }
      stage(attempt.end, TraceEvent(time: attempt.end, kind: .attemptEnd, invocation: id, attempt: attempt.number))
      if let wait = waitAfter[index] {
        stage(attempt.end, TraceEvent(time: attempt.end, kind: .retryScheduled, invocation: id, wait: wait))
      }
      if let outcome = outcomeOfLane[laneOf[index]], lastOfLane[laneOf[index]] == index {
        stage(attempt.end, TraceEvent(time: attempt.end, kind: .outcome, invocation: id, outcome: outcome))
      }
    }
    staged.sort { ($0.time, $0.early ? 0 : 1, $0.execution, $0.local) < ($1.time, $1.early ? 0 : 1, $1.execution, $1.local) }

    var trace = Trace(
      meta: meta, invocations: invocations, attempts: attempts, waits: waits, effects: effects, outcomes: outcomes,
      events: staged.map(\.event))
    trace.attemptReports = reports
    return trace
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
