import RetryCore

/// The trace as plain text for a terminal, a bug report or the docs: a folded timeline with a lane
/// per invocation, the story step by step, the effects table with duplicates flagged, and the
/// outcome.
public struct TraceTextReport: Sendable {
  /// The trace, grouped by invocation once (each lane and caption reads its own records).
  public let index: TraceIndex
  public var trace: Trace { index.trace }
  /// Plain ASCII glyphs for terminals and files that cannot take box drawing.
  public var ascii: Bool

  public init(trace: Trace, ascii: Bool = false) {
    index = TraceIndex(trace)
    self.ascii = ascii
  }

  public func render() -> String {
    var out = header()
    out += "\n" + timeline()
    out += "\n" + story()
    out += "\n" + effectsTable()
    out += "\n" + outcome()
    // The glyphs above are ASCII already; captions, lessons and trace data may not be.
    return ascii ? ASCIIText.fold(out) : out
  }

  var glyphs: Glyphs { ascii ? .ascii : .unicode }

  func header() -> String {
    let meta = trace.meta
    var line = meta.scenario
    if let seed = meta.seed { line += " \(glyphs.dot) seed \(seed)" }
    if !meta.title.isEmpty { line += " \(glyphs.dot) \(meta.title)" }
    return line + "\n"
  }

  // MARK: Timeline

  /// One line per invocation: attempts as `[A#1 x error 31ms]`, waits folded to `~ 1m05s ~`.
  func timeline() -> String {
    var out = "Timeline (waits folded to their length; times from the first invoke)\n"
    let width = max(2, trace.invocations.map(\.id.count).max() ?? 1)
    let typeWidth = max(15, trace.invocations.map { typeColumn($0).count }.max() ?? 0)
    // The scenario's `label:` of an invocation, quoted, in a column of its own when any has one
    // (an import's labels are the keys it correlated by, told by its captions).
    let imported = trace.meta.source == "import"
    let labels = trace.invocations.map { invocation in imported ? "" : invocation.label.map { "\"\($0)\"" } ?? "" }
    let labelWidth = labels.map(\.count).max() ?? 0
    for (position, invocation) in trace.invocations.enumerated() {
      var parts: [String] = [pad(invocation.id, width), pad(typeColumn(invocation), typeWidth)]
      if labelWidth > 0 { parts.append(pad(labels[position], labelWidth)) }
      parts.append("at " + DurationText.offset(invocation.at))
      var segments: [String] = []
      // (time, order at equal times, token): a client timeout, then an attempt (a throttled one
      // starts and ends at once), then the wait that follows it, then the outcome.
      var items: [(Milliseconds, Int, String)] = []
      for attempt in index.attempts(of: invocation.id) {
        items.append((attempt.start, 0, attemptToken(attempt)))
      }
      for wait in index.waits(of: invocation.id) where wait.reason != .queued {
        items.append((wait.from, 1, "\(glyphs.wait) \(waitWord(wait.reason))\(DurationText.short(wait.length)) \(glyphs.wait)"))
      }
      for event in index.events(of: invocation.id) where event.kind == .clientTimeout {
        items.append((event.time, -1, "\(glyphs.timeoutMark) client timeout"))
      }
      for outcome in Self.merged(index.outcomes(of: invocation.id)) {
        items.append((outcome.time, 2, "\(glyphs.arrow) \(outcomeToken(outcome))"))
      }
      items.sort { ($0.0, $0.1) < ($1.0, $1.1) }
      segments = items.map(\.2)
      out += "  " + parts.joined(separator: "  ") + "  " + segments.joined(separator: " ") + "\n"
    }
    return out
  }

  func attemptToken(_ attempt: TraceAttempt) -> String {
    let glyph: String
    switch attempt.outcome {
    case .success: glyph = glyphs.ok
    case .error: glyph = glyphs.error
    case .timeout: glyph = glyphs.timeout
    case .crash: glyph = glyphs.crash
    case .throttled: glyph = glyphs.throttled
    case .running: glyph = glyphs.running
    }
    let overlap = !index.overlapping(attempt).isEmpty
    let detail =
      attempt.outcome == .throttled
      ? (attempt.errorType == "TooManyRequestsException" ? "429" : "5xx")
      : "\(attempt.outcome.rawValue) \(DurationText.short(attempt.duration))"
    let records = attempt.records.isEmpty ? "" : " {\(RecordList.text(attempt.records))}"
    return "[\(attempt.label) \(glyph) \(detail)\(records)]" + (overlap ? " (overlaps)" : "")
  }

  /// The type column: `Event`, `RequestResponse`, or an event source lane's consumer
  /// (`Kinesis shard shardId-000000000000`, `SQS queue orders`): the mapping invokes
  /// synchronously, but who it is says more.
  func typeColumn(_ invocation: TraceInvocation) -> String {
    if invocation.eventSource != nil { return invocation.caller }
    switch invocation.type {
    case .event: return "Event"
    case .requestResponse: return "RequestResponse"
    case .unknown: return "invocation type unknown"
    }
  }

  /// What a wait is, when its length alone would mislead: a blocked shard, hidden messages.
  func waitWord(_ reason: WaitReason) -> String {
    switch reason {
    case .shardBlocked: "blocked "
    case .visibilityTimeout: "hidden "
    default: ""
    }
  }

  /// Event sources: outcomes of one lane at one time with the same fate and reason (messages
  /// moved to the DLQ together) read as one, their records together.
  static func merged(_ outcomes: [TraceOutcome]) -> [TraceOutcome] {
    var result: [TraceOutcome] = []
    for outcome in outcomes {
      if !outcome.records.isEmpty, let last = result.last, !last.records.isEmpty, last.time == outcome.time,
        last.kind == outcome.kind, last.target == outcome.target, last.reason == outcome.reason
      {
        result[result.count - 1].records += outcome.records
      } else {
        result.append(outcome)
      }
    }
    return result
  }

  func outcomeToken(_ outcome: TraceOutcome) -> String {
    if !outcome.records.isEmpty { return recordOutcomeToken(outcome) }
    switch outcome.kind {
    case .response: return "HTTP \(outcome.statusCode ?? 200)" + (outcome.functionError.map { " FunctionError: \($0)" } ?? "")
    case .clientError: return "caller gave up: \(outcome.reason ?? "error")"
    case .succeeded: return "succeeded"
    case .deadLetterQueue: return "DLQ \(outcome.target ?? "")"
    case .onFailure: return "onFailure \(outcome.target ?? "")"
    case .onSuccess: return "onSuccess \(outcome.target ?? "")"
    case .dropped: return "dropped (lost)"
    }
  }

  /// An event source outcome: what happened to which records (`{m1 m2} to DLQ orders-dlq
  /// (maxReceiveCount 2 reached)`).
  func recordOutcomeToken(_ outcome: TraceOutcome) -> String {
    let records = "{\(RecordList.text(outcome.records))}"
    let reason = outcome.reason.map { " (\($0))" } ?? ""
    switch outcome.kind {
    case .deadLetterQueue: return "\(records) to DLQ \(outcome.target ?? "")" + reason
    case .onFailure: return "\(records) failed, metadata to onFailure \(outcome.target ?? "")" + reason
    case .dropped: return "\(records) dropped" + reason
    case .succeeded, .onSuccess, .response, .clientError:
      var copy = outcome
      copy.records = []
      return "\(records) " + outcomeToken(copy)
    }
  }

  // MARK: Story

  func story() -> String {
    let narrator = Narrator(index: index)
    var out = "Step by step\n"
    let width = trace.events.map { DurationText.offset($0.time).count }.max() ?? 6
    for (index, event) in trace.events.enumerated() {
      out += "  " + pad(DurationText.offset(event.time), width, right: true) + "  " + narrator.caption(at: index) + "\n"
    }
    return out
  }

  // MARK: Effects

  func effectsTable() -> String {
    let effects = trace.effects.enumerated().filter { $0.element.kind != .log }
    let logs = trace.effects.filter { $0.kind == .log }
    var out = "Effects on the outside world"
    if effects.isEmpty {
      out += ": none\n"
    } else {
      out += "\n"
      let byRecord = !trace.effectRecords.isEmpty
      var rows: [[String]] = [["#", "time", "by"] + (byRecord ? ["record"] : []) + ["target", "kind", "key", "note"]]
      for (index, effect) in effects {
        var note = effect.detail ?? ""
        if let version = effect.version, version > 0, effect.kind != .read, !effect.isRequest, effect.kind != .rejected {
          note = note.isEmpty ? "v\(version)" : "v\(version) \(note)"
        }
        if let first = effect.duplicateOf {
          note = "DUPLICATE of #\(first + 1) (\(trace.effects[first].actor))" + (note.isEmpty ? "" : "; " + note)
        }
        rows.append(
          ["\(index + 1)", DurationText.offset(effect.time), effect.actor]
            + (byRecord ? [trace.record(ofEffect: index) ?? ""] : [])
            + [effect.target, effect.kind.rawValue, clip(effect.key, 36), note])
      }
      out += table(rows)
    }
    if !logs.isEmpty {
      out += "Function log\n"
      for (index, log) in trace.effects.enumerated() where log.kind == .log {
        let record = trace.record(ofEffect: index).map { " \($0)" } ?? ""
        out += "  \(DurationText.offset(log.time))  \(log.actor)\(record)  \(log.detail ?? "")\n"
      }
    }
    return out
  }

  // MARK: Outcome

  func outcome() -> String {
    var out = "Outcome\n"
    let eventSource = trace.invocations.contains { $0.eventSource != nil }
    for invocation in trace.invocations {
      let executions = index.attempts(of: invocation.id).filter { $0.outcome != .throttled }
      let outcomes = Self.merged(index.outcomes(of: invocation.id)).map(outcomeToken)
      let noun = invocation.eventSource != nil ? "batch" : "execution"
      let plural = noun == "batch" ? "batches" : "executions"
      out += "  \(invocation.id): \(executions.count) \(executions.count == 1 ? noun : plural)"
      out += outcomes.isEmpty ? "" : "; " + outcomes.joined(separator: ", ")
      out += "\n"
    }
    let duplicates = trace.duplicateEffects
    let mutations = trace.effects.filter { $0.kind.mutates }
    let lanes = eventSource ? "consumer" : "invocation"
    var summary = "\(trace.invocations.count) \(lanes)\(trace.invocations.count == 1 ? "" : "s"), "
    let executions = trace.attempts.filter { $0.outcome != .throttled }.count
    summary += eventSource ? "\(executions) batch\(executions == 1 ? "" : "es"), " : "\(executions) execution\(executions == 1 ? "" : "s"), "
    summary += "\(mutations.count) change\(mutations.count == 1 ? "" : "s") to the outside world, "
    summary += "\(duplicates.count) duplicate\(duplicates.count == 1 ? "" : "s")"
    let lost = trace.outcomes.filter { $0.kind == .deadLetterQueue || $0.kind == .dropped || $0.kind == .onFailure }
    let lostEvents = Set(lost.map(\.invocation))
    if eventSource {
      // Event sources: what failed for good are records, not lanes.
      let lostRecords = Set(lost.flatMap(\.records))
      if !lostRecords.isEmpty { summary += ", \(lostRecords.count) record\(lostRecords.count == 1 ? "" : "s") failed for good" }
    } else if !lostEvents.isEmpty {
      summary += ", \(lostEvents.count) event\(lostEvents.count == 1 ? "" : "s") failed for good"
    }
    out += "  " + summary + ".\n"
    if !trace.meta.lesson.isEmpty { out += "  " + trace.meta.lesson + "\n" }
    return out
  }

  // MARK: Layout helpers

  func table(_ rows: [[String]]) -> String {
    var widths = [Int](repeating: 0, count: rows[0].count)
    for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
    var out = ""
    for row in rows {
      let cells = row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : pad(cell, widths[column], right: column <= 1)
      }
      out += "  " + cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
    }
    return out
  }

  func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
  }

  func clip(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
  }
}

/// The symbols of the text output, in Unicode and in ASCII.
struct Glyphs {
  var ok, error, timeout, crash, throttled, running, wait, arrow, dot, timeoutMark: String

  static let unicode = Glyphs(
    ok: "✓", error: "✗", timeout: "⧗", crash: "☠", throttled: "⊘", running: "…", wait: "┄", arrow: "→", dot: "·", timeoutMark: "‖")
  static let ascii = Glyphs(
    ok: "ok", error: "x", timeout: "T", crash: "!", throttled: "-", running: "...", wait: "~", arrow: "->", dot: "-", timeoutMark: "!")
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }

}
