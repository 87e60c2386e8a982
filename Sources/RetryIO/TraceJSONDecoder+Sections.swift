import OrderedCollections
import RetryCore

/// One element of each section of a trace file into the model: the inverse of `TraceJSON`'s
/// element writers, field for field (docs/trace-format.md). Fields the writer always writes are
/// required; fields it leaves out when empty are optional; unknown fields are ignored (newer
/// writers may add some). Captions are not read: the narrator makes them from the facts.
extension TraceJSONDecoder {
  /// EventSourceLane is not CaseIterable; its cases, for messages.
  static let eventSourceLanes: [EventSourceLane] = [.kinesis, .dynamodb, .sqs, .sqsFIFO]

  static func meta(_ object: TraceJSONObject) throws(TraceFieldError) -> TraceMeta {
    var seed: UInt64?
    if let text = try object.optionalString("seed") {
      guard let number = UInt64(text) else { throw object.failure("seed", "must be a decimal number in a string (got \"\(text)\")") }
      seed = number
    }
    var meta = TraceMeta(
      source: try object.string("source"), scenario: try object.string("scenario"), title: try object.string("title"),
      lesson: try object.string("lesson"), seed: seed, origin: try origin(object), functionName: try object.string("functionName"),
      functionTimeout: try object.optionalInt("functionTimeout", in: TraceJSON.timeRange, "a duration in milliseconds"))
    meta.focus = try object.optionalIndex("focus")
    return meta
  }

  /// `originMillis`, the exact one; the ISO-8601 `origin` beside it is for people, and read only
  /// when `originMillis` is not there.
  private static func origin(_ object: TraceJSONObject) throws(TraceFieldError) -> Milliseconds {
    let range = TraceJSON.originRange
    if let millis = try object.optionalInt("originMillis", in: range, "Unix epoch milliseconds (years 0000 to 9899)") { return millis }
    let text = try object.string("origin")
    guard let millis = ISO8601.parse(text) else { throw object.failure("origin", "must be an ISO-8601 time (got \"\(text)\")") }
    guard range.contains(millis) else { throw object.failure("origin", "must be a time in the years 0000 to 9899 (got \"\(text)\")") }
    return millis
  }

  static func invocation(_ object: TraceJSONObject) throws(TraceFieldError) -> TraceInvocation {
    TraceInvocation(
      id: try object.string("id"), type: try object.choice("type", InvocationType.allCases), at: try object.time("at"),
      payload: try object.value("payload"), label: try object.optionalString("label"), caller: try object.string("caller"),
      eventSource: try object.optionalChoice("eventSource", eventSourceLanes))
  }

  static func attempt(_ object: TraceJSONObject) throws(TraceFieldError) -> (TraceAttempt, AttemptReport?) {
    let clockText = try object.string("clock")
    guard let clock = ISO8601.parse(clockText) else { throw object.failure("clock", "must be an ISO-8601 time (got \"\(clockText)\")") }
    var attempt = TraceAttempt(
      invocation: try object.string("invocation"), number: try object.attemptNumber("number"), requestId: try object.string("requestId"),
      start: try object.time("start"), end: try object.time("end"), outcome: try object.choice("outcome", AttemptOutcome.allCases),
      caller: try object.choice("caller", AttemptCaller.allCases), errorType: try object.optionalString("errorType"),
      errorMessage: try object.optionalString("errorMessage"), response: object.optionalValue("response"), clockAtStart: clock)
    guard attempt.start <= attempt.end else {
      throw object.failure("end", "must not be before \"start\" (\(attempt.start); got \(attempt.end))")
    }
    attempt.records = try object.strings("records")
    return (attempt, try object.optionalObject("report").map(report))
  }

  static func report(_ object: TraceJSONObject) throws(TraceFieldError) -> AttemptReport {
    let time = TraceJSON.timeRange
    let megabytes = 0...Int(Int32.max)
    return AttemptReport(
      durationMs: try object.optionalDouble("durationMs", in: time, "a duration in milliseconds"),
      billedDurationMs: try object.optionalInt("billedDurationMs", in: time, "a duration in milliseconds"),
      initDurationMs: try object.optionalDouble("initDurationMs", in: time, "a duration in milliseconds"),
      memorySizeMB: try object.optionalInt("memorySizeMB", in: megabytes, "a size in MB"),
      maxMemoryUsedMB: try object.optionalInt("maxMemoryUsedMB", in: megabytes, "a size in MB"), status: try object.optionalString("status"),
      logStream: try object.optionalString("logStream"), version: try object.optionalString("version"),
      initStatus: try object.optionalString("initStatus"))
  }

  static func wait(_ object: TraceJSONObject) throws(TraceFieldError) -> TraceWait {
    let wait = TraceWait(
      invocation: try object.string("invocation"), from: try object.time("from"), to: try object.time("to"),
      reason: try object.choice("reason", WaitReason.allCases), beforeAttempt: try object.attemptNumber("beforeAttempt"))
    guard wait.from <= wait.to else { throw object.failure("to", "must not be before \"from\" (\(wait.from); got \(wait.to))") }
    return wait
  }

  /// Effect `index` and the record it was made for (event sources).
  static func effect(_ object: TraceJSONObject, index: Int) throws(TraceFieldError) -> (TraceEffect, String?) {
    try checkIndex(object, index)
    let duplicateOf = try object.optionalIndex("duplicateOf")
    if let duplicateOf, duplicateOf >= index {
      throw object.failure("duplicateOf", "must be the index of an earlier effect (got \(duplicateOf))")
    }
    let effect = TraceEffect(
      time: try object.time("time"), invocation: try object.optionalString("invocation"), attempt: try object.optionalIndex("attempt"),
      actor: try object.string("actor"), target: try object.string("target"), kind: try object.choice("kind", EffectKind.allCases),
      key: try object.string("key"), before: object.optionalValue("before"), after: object.optionalValue("after"),
      step: try object.optionalString("step"), detail: try object.optionalString("detail"), version: try object.optionalIndex("version"),
      duplicateOf: duplicateOf)
    return (effect, try object.optionalString("record"))
  }

  static func outcome(_ object: TraceJSONObject) throws(TraceFieldError) -> TraceOutcome {
    TraceOutcome(
      invocation: try object.string("invocation"), kind: try object.choice("kind", TraceOutcome.Kind.allCases), time: try object.time("time"),
      reason: try object.optionalString("reason"), statusCode: try object.optionalInt("statusCode", in: 100...599, "an HTTP status code"),
      functionError: try object.optionalString("functionError"), payload: object.optionalValue("payload"),
      attempts: try object.count("attempts"), target: try object.optionalString("target"), records: try object.strings("records"))
  }

  /// Event `index`. Its references into effects, waits and outcomes are checked once the whole
  /// file is read (`checkReferences`): the sections may come in any order.
  static func event(_ object: TraceJSONObject, index: Int) throws(TraceFieldError) -> TraceEvent {
    try checkIndex(object, index)
    let kind = try object.choice("kind", TraceEvent.Kind.allCases)
    // A record's arrival writes its note as `record`; every other kind as `note`.
    let note = kind == .recordArrived || kind == .duplicateDelivery ? try object.optionalString("record") : try object.optionalString("note")
    return TraceEvent(
      time: try object.time("time"), kind: kind, invocation: try object.optionalString("invocation"),
      attempt: try object.optionalIndex("attempt"), effect: try object.optionalIndex("effect"), wait: try object.optionalIndex("wait"),
      outcome: try object.optionalIndex("outcome"), note: note)
  }

  static func table(_ object: TraceJSONObject) throws(TraceFieldError) -> WorldSnapshot.Table {
    var items: [Item] = []
    for (position, value) in try object.list("items").enumerated() {
      items.append(try TraceJSONObject(value, path: "\(object.path).items[\(position)]").fields)
    }
    return WorldSnapshot.Table(name: try object.string("name"), keyAttributes: try object.strings("keyAttributes"), items: items)
  }

  static func endpoint(_ object: TraceJSONObject) throws(TraceFieldError) -> WorldSnapshot.Endpoint {
    var requests: [WorldSnapshot.Request] = []
    for (position, value) in try object.list("requests").enumerated() {
      let request = try TraceJSONObject(value, path: "\(object.path).requests[\(position)]")
      requests.append(
        WorldSnapshot.Request(
          time: try request.time("time"), actor: try request.string("actor"), body: try request.value("body"),
          statusCode: try request.statusCode("statusCode")))
    }
    return WorldSnapshot.Endpoint(name: try object.string("name"), url: try object.string("url"), requests: requests)
  }

  /// `index` is the element's position (what references point at): an element moved or removed
  /// by hand would make every reference after it point at the wrong one.
  private static func checkIndex(_ object: TraceJSONObject, _ index: Int) throws(TraceFieldError) {
    let written = try object.int("index")
    guard written == index else { throw object.failure("index", "must be \(index), the element's position (got \(written))") }
  }
}
