import RetryCore

/// One log event of one execution, before it is rendered: when, what, and for whom.
struct LogLine {
  enum Kind: UInt8 {
    /// `INIT_START ...` / `platform.initStart`: a cold start, before the execution's start.
    case initStart
    /// `START RequestId: ...` / `platform.start`.
    case start
    /// `{"event":<payload>,"invocation":"A"}`: what the handler received.
    case event
    /// `{"effect":{...}}`, or the text of a `log` effect.
    case effect
    /// The runtime's line for an unhandled error (`Invoke Error`, `[ERROR] ...`).
    case error
    /// `RequestId: ... Error: Runtime exited with error: exit status 1` and the error type on the
    /// next line (text logs only).
    case crash
    /// `END RequestId: ...` (text) / `platform.runtimeDone` (JSON).
    case end
    /// `REPORT RequestId: ...` / `platform.report`.
    case report
    /// `<ts> <id> Task timed out after 3.00 seconds` (the older timeout style, after REPORT).
    case taskTimedOut
  }

  var time: Milliseconds
  var kind: Kind
  /// Position in `ExecutionEnvironments.placements`.
  var placement: Int
  /// Index in `Trace.effects` for `.effect`, else -1.
  var effect: Int
}

/// Renders the log events of a trace's executions as Lambda would have written them: the
/// platform lines, the runtime's error lines, and the handler's event and effect lines in the
/// text or JSON log format. It writes messages only; the container (`CloudWatchLogWriter.Format`)
/// frames them.
struct LogRenderer {
  let trace: Trace
  let options: CloudWatchLogWriter.Options
  let environments: ExecutionEnvironments
  /// `2019/09/20/[$LATEST]<hex>` for each environment.
  let streamNames: [[UInt8]]
  /// Whether messages are in Lambda's JSON log format (`LoggingConfig.LogFormat = JSON`).
  let json: Bool
  let runtimeVersion: String
  let runtimeVersionArn: String
  /// The effects of attempt `i` are `effectList[effectStarts[i]..<effectStarts[i + 1]]`, in order.
  private let effectStarts: [Int]
  private let effectList: [Int]
  private let invocationPositions: [String: Int]
  var clock = LogTimestamp()

  /// `Memory Size`: the simulator does not model memory; 128 MB is Lambda's default.
  static let memorySizeMB = 128

  init(trace: Trace, options: CloudWatchLogWriter.Options) {
    self.trace = trace
    self.options = options
    let environments = ExecutionEnvironments(trace: trace)
    self.environments = environments
    streamNames = environments.streams.indices.map {
      environments.streamName(of: $0, origin: trace.meta.origin, functionName: trace.meta.functionName)
    }
    json = options.format == .jsonLines
    runtimeVersion = options.runtime.version
    var arn = LogBuffer(capacity: 128)
    arn.append("arn:aws:lambda:us-east-1::runtime:")
    var generator = SplitMix64(seed: 0, stream: "runtime-version-arn \(runtimeVersion)")
    for _ in 0..<4 { arn.append(hex: generator.next()) }
    runtimeVersionArn = String(decoding: arn.bytes, as: UTF8.self)

    var invocations: [String: Int] = [:]
    invocations.reserveCapacity(trace.invocations.count)
    for (position, invocation) in trace.invocations.enumerated() { invocations[invocation.id] = position }
    invocationPositions = invocations
    (effectStarts, effectList) = Self.effectsByAttempt(trace)
  }

  /// Groups the effects of the handler (not external writes) by the attempt that made them, in
  /// one pass over each array.
  private static func effectsByAttempt(_ trace: Trace) -> ([Int], [Int]) {
    struct AttemptKey: Hashable {
      var invocation: String
      var number: Int
    }
    var attemptPositions: [AttemptKey: Int] = [:]
    attemptPositions.reserveCapacity(trace.attempts.count)
    for (position, attempt) in trace.attempts.enumerated() where attempt.outcome != .throttled {
      attemptPositions[AttemptKey(invocation: attempt.invocation, number: attempt.number)] = position
    }
    var owners = [Int](repeating: -1, count: trace.effects.count)
    var counts = [Int](repeating: 0, count: trace.attempts.count + 1)
    for (index, effect) in trace.effects.enumerated() {
      guard let invocation = effect.invocation, let number = effect.attempt,
        let owner = attemptPositions[AttemptKey(invocation: invocation, number: number)]
      else { continue }
      owners[index] = owner
      counts[owner + 1] += 1
    }
    for position in 0..<trace.attempts.count { counts[position + 1] += counts[position] }
    var next = counts
    var list = [Int](repeating: 0, count: counts[trace.attempts.count])
    for (index, owner) in owners.enumerated() where owner >= 0 {
      list[next[owner]] = index
      next[owner] += 1
    }
    return (counts, list)
  }

  // MARK: Which lines

  /// Appends the log events of one execution, in the order the function writes them. Times never
  /// go back within a stream (`lastTime`), so that merging streams by time keeps each stream's
  /// order.
  func appendLines(ofPlacement position: Int, lastTime: inout Milliseconds, into lines: inout [LogLine]) {
    let placement = environments.placements[position]
    let attempt = trace.attempts[placement.attempt]
    func add(_ kind: LogLine.Kind, at time: Milliseconds, effect: Int = -1) {
      lastTime = max(lastTime, time)
      lines.append(LogLine(time: lastTime, kind: kind, placement: position, effect: effect))
    }
    if placement.isColdStart { add(.initStart, at: placement.initStart) }
    add(.start, at: attempt.start)
    add(.event, at: attempt.start)
    for slot in effectStarts[placement.attempt]..<effectStarts[placement.attempt + 1] {
      let index = effectList[slot]
      add(.effect, at: trace.effects[index].time, effect: index)
    }
    switch attempt.outcome {
    case .error: add(.error, at: attempt.end)
    case .crash: if !json { add(.crash, at: attempt.end) }
    case .success, .timeout, .throttled, .running: break
    }
    add(.end, at: attempt.end)
    add(.report, at: attempt.end)
    if attempt.outcome == .timeout && !json && options.timeoutStyle == .taskTimedOutLine {
      add(.taskTimedOut, at: attempt.end)
    }
  }

  // MARK: Rendering

  /// Appends the message of `line` (without a line break) to `out`.
  mutating func render(_ line: LogLine, into out: inout LogBuffer) {
    let placement = environments.placements[line.placement]
    let attempt = trace.attempts[placement.attempt]
    let time = trace.meta.origin + line.time
    if json {
      renderJSON(line, placement: placement, attempt: attempt, time: time, into: &out)
      return
    }
    switch line.kind {
    case .initStart:
      out.append("INIT_START Runtime Version: ")
      out.append(runtimeVersion)
      out.append("\tRuntime Version ARN: ")
      out.append(runtimeVersionArn)
    case .start:
      out.append("START RequestId: ")
      out.append(attempt.requestId)
      out.append(" Version: $LATEST")
    case .event:
      appendApplicationPrefix(time: time, requestId: attempt.requestId, level: .info, into: &out)
      appendEventObject(attempt, into: &out)
    case .effect:
      appendApplicationPrefix(time: time, requestId: attempt.requestId, level: .info, into: &out)
      let effect = trace.effects[line.effect]
      if effect.kind == .log {
        out.append(effect.detail ?? "")
      } else {
        appendEffectObject(effect, index: line.effect, into: &out)
      }
    case .error:
      appendErrorLine(attempt, time: time, into: &out)
    case .crash:
      // The runtime's exit line, in the current wording (the one the execution's error message
      // and REPORT's `Error Type` use too), then the error type on a line of its own.
      out.append(Self.crashMessage(attempt))
      out.append(byte: UInt8(ascii: "\n"))
      out.append(attempt.errorType ?? "Runtime.ExitError")
    case .end:
      out.append("END RequestId: ")
      out.append(attempt.requestId)
    case .report:
      appendReport(attempt, placement: placement, into: &out)
    case .taskTimedOut:
      clock.appendISO(time, to: &out)
      out.append(byte: UInt8(ascii: " "))
      out.append(attempt.requestId)
      out.append(" Task timed out after ")
      // Seconds with two decimals, rounded: 3000 ms is 3.00, 3007 ms is 3.01.
      out.append(hundredths: (attempt.duration + 5) / 10)
      out.append(" seconds")
    }
  }

  enum Level { case info, error }

  /// `<ts>\t<id>\tINFO\t` (Node.js) or `[INFO]\t<ts>\t<id>\t` (Python's `logging`).
  private mutating func appendApplicationPrefix(time: Milliseconds, requestId: String, level: Level, into out: inout LogBuffer) {
    switch options.runtime {
    case .node:
      clock.appendISO(time, to: &out)
      out.append(byte: UInt8(ascii: "\t"))
      out.append(requestId)
      out.append(level == .info ? "\tINFO\t" : "\tERROR\t")
    case .python:
      out.append(level == .info ? "[INFO]\t" : "[ERROR]\t")
      clock.appendISO(time, to: &out)
      out.append(byte: UInt8(ascii: "\t"))
      out.append(requestId)
      out.append(byte: UInt8(ascii: "\t"))
    }
  }

  /// The runtime's line for an unhandled error. Node.js: `<ts>\t<id>\tERROR\tInvoke Error \t{...}`
  /// (`console.error("Invoke Error", Errors.toFormatted(err))` in the runtime interface client);
  /// Python: `[ERROR] <type>: <msg>` and the traceback, with no request id.
  private mutating func appendErrorLine(_ attempt: TraceAttempt, time: Milliseconds, into out: inout LogBuffer) {
    let type = attempt.errorType ?? "Error"
    let message = attempt.errorMessage ?? ""
    switch options.runtime {
    case .node:
      appendApplicationPrefix(time: time, requestId: attempt.requestId, level: .error, into: &out)
      out.append("Invoke Error \t{\"errorType\":")
      out.append(jsonString: type)
      out.append(",\"errorMessage\":")
      out.append(jsonString: message)
      out.append(",\"stack\":")
      appendStack(type: type, message: message, into: &out)
      out.append(byte: UInt8(ascii: "}"))
    case .python:
      out.append("[ERROR] ")
      out.append(type)
      out.append(": ")
      out.append(message)
      out.append("\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 1, in handler")
    }
  }

  /// The stack trace as a JSON array: Node.js's `err.stack.split("\n")`, or Python's frames.
  func appendStack(type: String, message: String, into out: inout LogBuffer) {
    switch options.runtime {
    case .node:
      out.append(byte: UInt8(ascii: "["))
      out.append(jsonString: type + ": " + message)
      out.append(",\"    at Runtime.handler (file:///var/task/index.mjs:1:1)\"]")
    case .python:
      out.append("[\"  File \\\"/var/task/app.py\\\", line 1, in handler\"]")
    }
  }

  /// `REPORT RequestId: <id>\tDuration: 1500.00 ms\tBilled Duration: 1654 ms\tMemory Size: 128 MB\t`
  /// `Max Memory Used: 75 MB\t` + `Init Duration: 153.21 ms\t` on a cold start + the status fields.
  private func appendReport(_ attempt: TraceAttempt, placement: ExecutionEnvironments.Placement, into out: inout LogBuffer) {
    out.append("REPORT RequestId: ")
    out.append(attempt.requestId)
    out.append("\tDuration: ")
    out.append(hundredths: attempt.duration * 100)
    out.append(" ms\tBilled Duration: ")
    out.append(decimal: Self.billedMilliseconds(attempt, placement))
    out.append(" ms\tMemory Size: ")
    out.append(decimal: Self.memorySizeMB)
    out.append(" MB\tMax Memory Used: ")
    out.append(decimal: placement.maxMemoryUsedMB)
    out.append(" MB\t")
    if placement.isColdStart {
      out.append("Init Duration: ")
      out.append(hundredths: placement.initHundredths)
      out.append(" ms\t")
    }
    guard options.timeoutStyle == .statusField else { return }
    // Only what the platform itself ends carries a status: a timeout, a runtime that exited.
    // An exception the handler throws is an ordinary invoke for REPORT: no `Status` field (the
    // runtime's `Invoke Error` line is what tells of it).
    switch attempt.outcome {
    case .timeout:
      out.append("Status: timeout\t")
    case .crash:
      out.append("Status: error\tError Type: ")
      out.append(attempt.errorType ?? "Runtime.ExitError")
      out.append(byte: UInt8(ascii: "\t"))
    case .success, .error, .throttled, .running:
      break
    }
  }

  /// `RequestId: <id> Error: Runtime exited with error: exit status 1`: the execution's own
  /// message when it is the runtime's exit line (a simulated crash's, or one read from logs),
  /// else that line for exit status 1.
  static func crashMessage(_ attempt: TraceAttempt) -> String {
    if let message = attempt.errorMessage, message.hasPrefix("RequestId: "), message.contains("Runtime exited") {
      return message
    }
    return "RequestId: \(attempt.requestId) Error: Runtime exited with error: exit status 1"
  }

  /// `Billed Duration`: since 2025-08-01, `ceil(Init Duration + Duration)` (lambda-semantics.md §4).
  static func billedMilliseconds(_ attempt: TraceAttempt, _ placement: ExecutionEnvironments.Placement) -> Int {
    (placement.initHundredths + attempt.duration * 100 + 99) / 100
  }

  /// `{"event":<payload>,"invocation":"A"}`. An event source batch, whose lane has no payload,
  /// is `{"Records":[{"messageId":"m1"},...]}` (SQS) or `{"Records":[{"eventID":"r1"},...]}`
  /// (Kinesis, DynamoDB Streams): the field that names each record in the real events.
  func appendEventObject(_ attempt: TraceAttempt, into out: inout LogBuffer) {
    out.append("{\"event\":")
    let invocation = invocationPositions[attempt.invocation].map { trace.invocations[$0] }
    if !attempt.records.isEmpty {
      let field: StaticString = invocation?.eventSource?.isStream == true ? "{\"eventID\":" : "{\"messageId\":"
      out.append("{\"Records\":[")
      for (index, record) in attempt.records.enumerated() {
        if index > 0 { out.append(byte: UInt8(ascii: ",")) }
        out.append(field)
        out.append(jsonString: record)
        out.append(byte: UInt8(ascii: "}"))
      }
      out.append("]}")
    } else {
      out.append(json: invocation?.payload ?? .null)
    }
    out.append(",\"invocation\":")
    out.append(jsonString: attempt.invocation)
    out.append(byte: UInt8(ascii: "}"))
  }

  /// `{"effect":{"kind":"insert","target":"users","key":"mail=y","step":"insert-user"}}`, with
  /// `detail` when the effect has one and `record` for event sources.
  func appendEffectObject(_ effect: TraceEffect, index: Int, into out: inout LogBuffer) {
    out.append("{\"effect\":{\"kind\":")
    out.append(jsonString: effect.kind.rawValue)
    out.append(",\"target\":")
    out.append(jsonString: effect.target)
    out.append(",\"key\":")
    out.append(jsonString: effect.key)
    if let step = effect.step {
      out.append(",\"step\":")
      out.append(jsonString: step)
    }
    if let detail = effect.detail {
      out.append(",\"detail\":")
      out.append(jsonString: detail)
    }
    if let record = trace.record(ofEffect: index) {
      out.append(",\"record\":")
      out.append(jsonString: record)
    }
    out.append("}}")
  }
}
