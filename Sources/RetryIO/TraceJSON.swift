import OrderedCollections
import RetryCore

/// The trace as JSON: one top-level object, one array element per line, keys in a fixed order.
///
/// Written by hand rather than with `JSONEncoder` so that the bytes are the same on every machine
/// and every toolchain, and so that a diff of two traces shows one changed line per changed fact.
/// The format is documented in docs/trace-format.md.
public enum TraceJSON {
  public static let formatName = "retryscope-trace"
  public static let formatVersion = 1

  /// The times a trace may hold, in milliseconds from its origin: 0 to 100 years (of 365.25
  /// days). A reader refuses any other (docs/trace-format.md, "Bounds"): a hand-edited or hostile
  /// `Int64.min` would otherwise overflow the first subtraction a view makes.
  public static let timeRange: ClosedRange<Milliseconds> = 0...3_155_760_000_000

  /// The origins a trace may have, in Unix epoch milliseconds: 0000-01-01T00:00:00Z to
  /// 9899-12-31T23:59:59.999Z, ISO-8601's four-digit years with room for 100 years of trace.
  public static let originRange: ClosedRange<Milliseconds> = -62_167_219_200_000...250_246_627_199_999

  public static func encode(_ trace: Trace) -> String {
    var out = ""
    write(trace) { out += $0 }
    return out
  }

  /// Writes the trace to `sink` in pieces of about 64 KiB, element by element: an imported trace
  /// of a million executions is never held as one string (`retryscope import --out`).
  public static func write(_ trace: Trace, to sink: (String) -> Void) {
    let narrator = Narrator(trace: trace)
    var out = "{\n"
    out += "  \"format\": \"\(formatName)\",\n"
    out += "  \"version\": \(formatVersion),\n"
    out += "  \"meta\": " + JSONText.compact(meta(trace.meta)) + ",\n"
    func section(_ name: String, last: Bool = false, _ count: Int, _ item: (Int) -> Value) {
      out += "  \"\(name)\": ["
      if count == 0 {
        out += "]"
      } else {
        out += "\n"
        for index in 0..<count {
          out += "    "
          JSONText.write(item(index), into: &out)
          out += index + 1 < count ? ",\n" : "\n"
          if out.utf8.count >= 65_536 {
            sink(out)
            out = ""
          }
        }
        out += "  ]"
      }
      out += last ? "\n" : ",\n"
    }
    section("invocations", trace.invocations.count) { invocation(trace.invocations[$0]) }
    section("attempts", trace.attempts.count) { attempt(trace.attempts[$0], report: trace.attemptReports[$0]) }
    section("waits", trace.waits.count) { wait(trace.waits[$0]) }
    section("effects", trace.effects.count) { effect(trace.effects[$0], index: $0, record: trace.record(ofEffect: $0)) }
    section("outcomes", trace.outcomes.count) { outcome(trace.outcomes[$0]) }
    section("events", trace.events.count) { event(trace.events[$0], index: $0, narrator: narrator) }
    section("tables", trace.world.tables.count) { table(trace.world.tables[$0]) }
    section("endpoints", last: true, trace.world.endpoints.count) { endpoint(trace.world.endpoints[$0]) }
    out += "}\n"
    sink(out)
  }

  static func meta(_ meta: TraceMeta) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "source": .string(meta.source),
      "scenario": .string(meta.scenario),
      "title": .string(meta.title),
      "lesson": .string(meta.lesson),
    ]
    fields["seed"] = meta.seed.map { .string(String($0)) } ?? .null
    fields["origin"] = .string(ISO8601.millis(meta.origin))
    fields["originMillis"] = .int(meta.origin)
    fields["functionName"] = .string(meta.functionName)
    fields["functionTimeout"] = meta.functionTimeout.map { .int($0) } ?? .null
    // Only when set: other traces keep their bytes.
    if let focus = meta.focus { fields["focus"] = .int(focus) }
    return .map(fields)
  }

  static func invocation(_ invocation: TraceInvocation) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "id": .string(invocation.id),
      "type": .string(invocation.type.rawValue),
      "at": .int(invocation.at),
      "caller": .string(invocation.caller),
    ]
    if let label = invocation.label { fields["label"] = .string(label) }
    if let source = invocation.eventSource { fields["eventSource"] = .string(source.rawValue) }
    fields["payload"] = invocation.payload
    return .map(fields)
  }

  static func attempt(_ attempt: TraceAttempt, report: AttemptReport? = nil) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "invocation": .string(attempt.invocation),
      "number": .int(attempt.number),
      "requestId": .string(attempt.requestId),
      "start": .int(attempt.start),
      "end": .int(attempt.end),
      "outcome": .string(attempt.outcome.rawValue),
      "caller": .string(attempt.caller.rawValue),
      "clock": .string(ISO8601.millis(attempt.clockAtStart)),
    ]
    if let type = attempt.errorType { fields["errorType"] = .string(type) }
    if let message = attempt.errorMessage { fields["errorMessage"] = .string(message) }
    if let response = attempt.response { fields["response"] = response }
    // Event sources only: absent elsewhere, so that other traces keep their bytes.
    if !attempt.records.isEmpty { fields["records"] = .list(attempt.records.map { .string($0) }) }
    // Imported traces only: what Lambda's REPORT line said. Simulated traces keep their bytes.
    if let report { fields["report"] = Self.report(report) }
    return .map(fields)
  }

  /// The fields of a REPORT line that were there, in a fixed order.
  static func report(_ report: AttemptReport) -> Value {
    var fields: OrderedDictionary<String, Value> = [:]
    if let duration = report.durationMs { fields["durationMs"] = .double(duration) }
    if let billed = report.billedDurationMs { fields["billedDurationMs"] = .int(billed) }
    if let initDuration = report.initDurationMs { fields["initDurationMs"] = .double(initDuration) }
    if let memory = report.memorySizeMB { fields["memorySizeMB"] = .int(memory) }
    if let used = report.maxMemoryUsedMB { fields["maxMemoryUsedMB"] = .int(used) }
    if let status = report.status { fields["status"] = .string(status) }
    if let stream = report.logStream { fields["logStream"] = .string(stream) }
    if let version = report.version { fields["version"] = .string(version) }
    if let initStatus = report.initStatus { fields["initStatus"] = .string(initStatus) }
    return .map(fields)
  }

  static func wait(_ wait: TraceWait) -> Value {
    .map([
      "invocation": .string(wait.invocation),
      "from": .int(wait.from),
      "to": .int(wait.to),
      "reason": .string(wait.reason.rawValue),
      "beforeAttempt": .int(wait.beforeAttempt),
    ])
  }

  static func effect(_ effect: TraceEffect, index: Int, record: String? = nil) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "index": .int(index),
      "time": .int(effect.time),
      "invocation": effect.invocation.map { .string($0) } ?? .null,
      "attempt": effect.attempt.map { .int($0) } ?? .null,
      "actor": .string(effect.actor),
      "target": .string(effect.target),
      "kind": .string(effect.kind.rawValue),
      "key": .string(effect.key),
      "duplicateOf": effect.duplicateOf.map { .int($0) } ?? .null,
    ]
    if let step = effect.step { fields["step"] = .string(step) }
    if let version = effect.version { fields["version"] = .int(version) }
    if let detail = effect.detail { fields["detail"] = .string(detail) }
    if let before = effect.before { fields["before"] = before }
    if let after = effect.after { fields["after"] = after }
    if let record { fields["record"] = .string(record) }
    return .map(fields)
  }

  static func outcome(_ outcome: TraceOutcome) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "invocation": .string(outcome.invocation),
      "kind": .string(outcome.kind.rawValue),
      "time": .int(outcome.time),
      "attempts": .int(outcome.attempts),
    ]
    if let reason = outcome.reason { fields["reason"] = .string(reason) }
    if let status = outcome.statusCode { fields["statusCode"] = .int(status) }
    if let error = outcome.functionError { fields["functionError"] = .string(error) }
    if let target = outcome.target { fields["target"] = .string(target) }
    if let payload = outcome.payload { fields["payload"] = payload }
    if !outcome.records.isEmpty { fields["records"] = .list(outcome.records.map { .string($0) }) }
    return .map(fields)
  }

  static func event(_ event: TraceEvent, index: Int, narrator: Narrator) -> Value {
    var fields: OrderedDictionary<String, Value> = [
      "index": .int(index),
      "time": .int(event.time),
      "kind": .string(event.kind.rawValue),
    ]
    if let invocation = event.invocation { fields["invocation"] = .string(invocation) }
    if let attempt = event.attempt { fields["attempt"] = .int(attempt) }
    if let effect = event.effect { fields["effect"] = .int(effect) }
    if let wait = event.wait { fields["wait"] = .int(wait) }
    if let outcome = event.outcome { fields["outcome"] = .int(outcome) }
    // The note is a fact the caption is made of (`retry 1 of 2`): written so that a trace read
    // back tells the same story. A record's arrival has called it `record` from the start.
    if let note = event.note { fields[event.kind == .recordArrived || event.kind == .duplicateDelivery ? "record" : "note"] = .string(note) }
    fields["caption"] = .string(narrator.caption(for: event))
    return .map(fields)
  }

  static func table(_ table: WorldSnapshot.Table) -> Value {
    .map([
      "name": .string(table.name),
      "keyAttributes": .list(table.keyAttributes.map { .string($0) }),
      "items": .list(table.items.map { .map($0) }),
    ])
  }

  static func endpoint(_ endpoint: WorldSnapshot.Endpoint) -> Value {
    .map([
      "name": .string(endpoint.name),
      "url": .string(endpoint.url),
      "requests": .list(endpoint.requests.map {
        .map(["time": .int($0.time), "actor": .string($0.actor), "statusCode": .int($0.statusCode), "body": $0.body])
      }),
    ])
  }
}
