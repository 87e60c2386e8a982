/// Turns trace events into one sentence each: what happened and why, in the talk's words.
///
/// Captions are derived from the trace alone, so a simulated and an imported trace are explained
/// the same way.
public struct Narrator: Sendable {
  public let index: TraceIndex
  public var trace: Trace { index.trace }
  /// For each skipped conditional write, the effect that last wrote its item before it (absent:
  /// nothing in the trace did). Found in one pass when the narrator is made, so that a trace of
  /// a million effects is not scanned back once per skip.
  let lastWriters: [Int: Int]

  public init(trace: Trace) {
    self.init(index: TraceIndex(trace))
  }

  public init(index: TraceIndex) {
    self.index = index
    lastWriters = Self.lastWriters(of: index.trace.effects)
  }

  public func attempt(_ invocation: String?, _ number: Int?) -> TraceAttempt? {
    guard let invocation, let number else { return nil }
    return index.attempt(invocation, number)
  }

  public func invocation(_ id: String?) -> TraceInvocation? {
    id.flatMap { index.invocation($0) }
  }

  /// The caption of `trace.events[index]`.
  public func caption(at index: Int) -> String {
    caption(for: trace.events[index])
  }

  public func caption(for event: TraceEvent) -> String {
    let id = event.invocation ?? "?"
    switch event.kind {
    case .invoke:
      guard let invocation = invocation(event.invocation) else { return "\(id) is invoked." }
      // Where the invocation is introduced, its scenario `label:` says what it stands for.
      let name = invocation.label.map { "\(id) (\"\($0)\")" } ?? id
      if invocation.caller.hasPrefix("EventBridge") {
        let time = invocation.payload["time"]?.displayText ?? "?"
        // A rule runs within its minute, not on second 0: say how late, when it is.
        var late = ""
        if case .string(let text)? = invocation.payload["time"], let scheduled = ISO8601.parse(text) {
          let lateness = trace.meta.origin + invocation.at - scheduled
          if lateness > 0 { late = ", \(DurationText.short(lateness)) into its minute (a rule runs within the minute, not on second 0)" }
        }
        return "\(invocation.caller) fires\(late): an Event invoke of \(name) whose event says time \(time)."
      }
      if invocation.type == .requestResponse {
        return "The caller invokes \(name) synchronously (RequestResponse) through \(invocation.caller.replacingPrefix("client ", with: "")) and waits for the answer."
      }
      return "The caller invokes \(name) asynchronously (Event)."
    case .accepted:
      return "Lambda queues \(id)'s event and answers 202 at once: the caller learns nothing more."
    case .attemptStart:
      return attemptStartCaption(event)
    case .effect:
      return effectCaption(event)
    case .attemptEnd:
      let caption = attemptEndCaption(event)
      guard isImported, let attempt = attempt(event.invocation, event.attempt), let report = importedEndCaption(attempt) else {
        return caption
      }
      return caption + " " + report
    case .throttled:
      let status = event.note ?? "429"
      let reason = status == "429" ? "TooManyRequestsException" : "a service error"
      if invocation(event.invocation)?.eventSource != nil {
        let records = attempt(event.invocation, event.attempt).map { " (\($0.records.joined(separator: ", ")))" } ?? ""
        let why = status == "429" ? ": the function's reserved concurrency is in use, and event source mappings do not account for it" : ""
        return "Lambda throttles \(id)'s batch\(records) with \(status) (\(reason))\(why). The function does not run."
      }
      return "Lambda rejects \(id)'s \(invocation(event.invocation)?.type == .event ? "delivery" : "request") with \(status) (\(reason)): the function does not run."
    case .retryScheduled:
      return retryCaption(event)
    case .clientTimeout:
      let running = attempt(event.invocation, event.attempt).map { " \($0.label) is still running: a client timeout does not stop Lambda." } ?? ""
      let client = invocation(event.invocation)?.caller.replacingPrefix("client ", with: "") ?? "the client"
      return "\(client) stops waiting after \(event.note ?? "its read timeout").\(running)"
    case .response:
      return "The caller gets its answer."
    case .duplicateDelivery:
      if let record = event.note {
        let source = invocation(event.invocation)?.caller ?? "the event source"
        return "The event source mapping is at-least-once: \(source)'s poller delivers \(record) again, with no error before it."
      }
      return "The async queue is at-least-once: it delivers \(id)'s event again, with no error before it."
    case .outcome:
      return outcomeCaption(event)
    case .recordArrived:
      let record = event.note ?? "a record"
      let lane = invocation(event.invocation)
      let source = lane?.caller ?? "the event source"
      if lane?.eventSource?.isQueue == true { return "Message \(record) arrives in \(source)." }
      return "Record \(record) is put to the stream; \(source)'s iterator reads it in order."
    case .externalWrite:
      guard let position = event.effect else { return "Someone else writes to a table." }
      let effect = trace.effects[position]
      return "\(effect.actor) writes \(effect.target)[\(effect.key)] directly: the state changes under the function (slide 26)."
    }
  }

  private func attemptStartCaption(_ event: TraceEvent) -> String {
    guard let attempt = attempt(event.invocation, event.attempt) else { return "An execution starts." }
    if isImported { return importedStartCaption(attempt) }
    let id = attempt.invocation
    let request = String(attempt.requestId.prefix(8))
    switch attempt.caller {
    case .client:
      let overlapping = index.overlapping(attempt)
      if attempt.number == 1 || overlapping.isEmpty && previousExecution(of: attempt) == nil {
        return "Execution \(attempt.label) starts (request id \(request)…)."
      }
      if let first = overlapping.first {
        return "The client's retry is a new Invoke request: \(attempt.label) starts with a new request id (\(request)…) while \(first.label) is still running."
      }
      return "The client's retry is a new Invoke request: \(attempt.label) starts with a new request id (\(request)…)."
    case .lambdaAsync:
      guard let previous = previousExecution(of: attempt) else {
        return "Lambda takes \(id)'s event from its queue: execution \(attempt.label) starts (request id \(request)…)."
      }
      let wait = attempt.start - previous.end
      return "Attempt \(attempt.number) of \(id): Lambda retries the failed async event after \(DurationText.short(wait)); same request id (\(request)…)."
    case .eventSource:
      return batchStartCaption(attempt, request: request)
    case .newRequest:
      // Only logs tell of new request ids for one event: the import's own wording.
      return importedStartCaption(attempt)
    case .duplicateDelivery:
      return "\(attempt.label) starts on the duplicate delivery (request id \(request)…): the same event runs again although nothing failed."
    }
  }

  /// An event source batch: which records, and whether some come back.
  private func batchStartCaption(_ attempt: TraceAttempt, request: String) -> String {
    let source = invocation(attempt.invocation)?.caller ?? attempt.invocation
    let records = attempt.records.joined(separator: ", ")
    // Per record, not per lane: a long stream's report would otherwise scan the lane's earlier
    // batches at every batch.
    let again = attempt.records.filter { id in
      index.deliveries(ofRecord: id).contains { $0.invocation == attempt.invocation && $0.number < attempt.number }
    }
    let redelivered = again.isEmpty ? "" : "; \(again.joined(separator: ", ")) again, as a new Invoke"
    // The queue or stream does not invoke anything: Lambda's event source mapping polls it and
    // makes the Invoke.
    return "The event source mapping (Lambda's poller on \(source)) invokes the function synchronously with \(attempt.records.count == 1 ? "record" : "records") \(records) (\(attempt.label), request id \(request)…)\(redelivered)."
  }

  private func previousExecution(of attempt: TraceAttempt) -> TraceAttempt? {
    index.attempts(of: attempt.invocation).last {
      $0.number < attempt.number && $0.caller == attempt.caller && $0.outcome != .throttled
    }
  }

  private func effectCaption(_ event: TraceEvent) -> String {
    guard let position = event.effect else { return "The handler touches the outside world." }
    let effect = trace.effects[position]
    let place = "\(effect.target)[\(effect.key)]"
    var text: String
    switch effect.kind {
    case .read: text = "\(effect.actor) reads \(place): \(effect.detail ?? "")."
    case .insert: text = "\(effect.actor) inserts \(place)."
    case .update: text = "\(effect.actor) updates \(place) (version \(effect.version ?? 0))."
    case .unchanged where effect.detail == TraceEffect.noSuchItem:
      text = "\(effect.actor) deletes \(place), which does not exist: nothing changes."
    case .unchanged: text = "\(effect.actor) writes \(place) again with the same values: nothing changes (idempotent)."
    case .delete: text = "\(effect.actor) deletes \(place)."
    case .skip:
      text = "\(effect.actor)'s conditional write to \(place) is skipped (\(effect.detail ?? "condition failed")): \(skipReason(position))."
    case .rejected: text = "\(effect.target) rejects \(effect.actor)'s request: \(effect.detail ?? "error")."
    case .post: text = "\(effect.actor) sends \(effect.key)\(effect.detail.map { " (\($0))" } ?? "")."
    case .send: text = "\(effect.actor) sends a message to queue \(effect.target)\(effect.detail.map { " (\($0))" } ?? "")."
    case .deduplicated:
      text = "\(effect.actor) sends a message to queue \(effect.target) again; SQS accepts it but delivers nothing (\(effect.detail ?? "deduplicated"))."
    case .log: text = "\(effect.actor) logs: \(effect.detail ?? "")"
    }
    if let first = effect.duplicateOf {
      text += " DUPLICATE of effect #\(first + 1) by \(trace.effects[first].actor): the same event did it twice."
    }
    return text
  }

  private func attemptEndCaption(_ event: TraceEvent) -> String {
    guard let attempt = attempt(event.invocation, event.attempt) else { return "An execution ends." }
    let took = DurationText.short(attempt.duration)
    switch attempt.outcome {
    case .success where attempt.caller == .eventSource:
      var failures = 0
      if case .list(let items)? = attempt.response?["batchItemFailures"] { failures = items.count }
      let reported = failures == 0 ? "" : ", reporting \(failures) failed record\(failures == 1 ? "" : "s") (ReportBatchItemFailures)"
      guard invocation(attempt.invocation)?.eventSource?.isQueue == true else {
        return "\(attempt.label) finishes its batch after \(took)\(reported): the shard's checkpoint moves past the processed records."
      }
      // A message received again while this batch ran has a new receipt handle: this delete,
      // with the old one, leaves it in the queue.
      let again = attempt.records.filter { id in
        index.deliveries(ofRecord: id).contains { $0.start > attempt.start && $0.start < attempt.end }
      }
      let left = attempt.records.filter { id in index.outcomes(ofRecord: id).contains { $0.time <= attempt.end } }
      if let id = left.first, let first = index.outcomes(ofRecord: id).first(where: { $0.time <= attempt.end }) {
        let names = left.joined(separator: ", ")
        let how = first.kind == .deadLetterQueue ? "went to the queue's dead letter queue" : "expired"
        return "\(attempt.label) finishes its batch after \(took)\(reported), but \(names) \(how) meanwhile: the work was done all the same."
      }
      if !again.isEmpty {
        let names = again.joined(separator: ", ")
        return "\(attempt.label) finishes its batch after \(took)\(reported), but \(names) was received again meanwhile: the delete with the old receipt handle leaves it in the queue."
      }
      return "\(attempt.label) finishes its batch after \(took)\(reported): Lambda deletes the processed messages."
    case .success:
      let response = attempt.response.map { " \(JSONText.compact($0))" } ?? ""
      return "\(attempt.label) returns\(response) after \(took)."
    case .error:
      return "\(attempt.label) fails after \(took): \(attempt.errorType ?? "Error"): \(attempt.errorMessage ?? "")."
    case .timeout:
      return "\(attempt.label) times out after \(took): Lambda stops it, but what it already did stays done."
    case .crash:
      return "\(attempt.label)'s process dies after \(took) (\(attempt.errorType ?? "Runtime.ExitError")): what it already did stays done."
    case .throttled, .running:
      return "\(attempt.label) ends."
    }
  }

  private func retryCaption(_ event: TraceEvent) -> String {
    let id = event.invocation ?? "?"
    guard let position = event.wait else { return "\(id) will be tried again." }
    let wait = trace.waits[position]
    let length = DurationText.short(wait.length)
    switch wait.reason {
    case .retryDelay:
      let which = event.note.map { " (\($0))" } ?? ""
      return "Lambda will retry \(id) in \(length)\(which): after a function error it waits \(Self.retryDelayPhrase(wait.length))."
    case .throttleBackoff:
      if let lane = invocation(event.invocation), let source = lane.eventSource {
        let records = event.note.map { " (\($0))" } ?? ""
        if source.isQueue {
          return "The mapping retries the throttled batch\(records) in \(length) while its messages stay hidden; once their visibility timeout ends it stops, the messages show again, and their next receive counts."
        }
        return "\(id) retries the throttled batch\(records) in \(length): a throttle does not count against MaximumRetryAttempts, and no record behind it is processed meanwhile."
      }
      return "Lambda returns \(id)'s event to its queue and tries again in \(length): throttles back off exponentially (up to 5 minutes by default) and do not count as retries."
    case .clientBackoff:
      let client = invocation(event.invocation)?.caller.replacingPrefix("client ", with: "") ?? "The client"
      return "\(client) backs off \(length) after \(event.note ?? "an error")."
    case .queued:
      return "\(id)'s event waits in Lambda's queue for \(length)."
    case .visibilityTimeout:
      let messages = event.note.map { " (\($0))" } ?? ""
      if attempt(event.invocation, wait.beforeAttempt - 1)?.outcome == .throttled {
        return "The mapping stops retrying the throttled batch\(messages): a retry would come after the visibility timeout. The messages show again in \(length), and their next receive counts towards the redrive policy."
      }
      return "The failed batch's messages\(messages) stay in the queue, hidden until their visibility timeout ends in \(length); then a poller receives them again."
    case .shardBlocked:
      let which = event.note.map { " (\($0))" } ?? ""
      return "\(id) is blocked: Lambda retries the same batch in \(length)\(which), and no record behind it is processed until it succeeds."
    }
  }

  /// How the talk describes a retry delay: AWS's "about a minute" and "about two minutes" when
  /// the wait is near one of them (the defaults), else just a random delay (a configured one).
  static func retryDelayPhrase(_ length: Milliseconds) -> String {
    switch length {
    case 50_000...80_000: "a random delay of about a minute"
    case 100_000...150_000: "a random delay of about two minutes"
    default: "a random delay"
    }
  }

  private func outcomeCaption(_ event: TraceEvent) -> String {
    guard let position = event.outcome else { return "The invocation ends." }
    let outcome = trace.outcomes[position]
    let id = outcome.invocation
    switch outcome.kind {
    case .response:
      if let error = outcome.functionError {
        return "The caller gets HTTP \(outcome.statusCode ?? 200) with FunctionError: \(error). Lambda does not retry a synchronous invoke."
      }
      let body = outcome.payload.map { " \(JSONText.compact($0))" } ?? ""
      return "The caller gets HTTP \(outcome.statusCode ?? 200)\(body)."
    case .clientError:
      let executions = executions(of: id, by: outcome.time)
      let count = executions.count
      let status = outcome.statusCode.map { " (HTTP \($0))" } ?? ""
      let running = executions.filter { $0.end > outcome.time }.map(\.label)
      let still = running.isEmpty ? "ran" : "started; \(Self.list(running)) \(running.count == 1 ? "is" : "are") still running"
      if outcome.reason == SimulationRun.apiGatewayRejection {
        return "API Gateway answers its caller HTTP 500 \"Internal server error\": Lambda rejected the invoke (a throttle or a service error), and API Gateway relays it as a 500 and never retries."
      }
      let attempts = "\(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s")"
      return "The caller gives up: \(outcome.reason ?? "error")\(status) after \(attempts), yet \(count) execution\(count == 1 ? "" : "s") \(still)."
    case .succeeded:
      return succeededCaption(outcome, position: position)
    case .deadLetterQueue where !outcome.records.isEmpty:
      return "Message \(outcome.records.joined(separator: ", ")) goes to the queue's dead letter queue \(outcome.target ?? "") after \(outcome.attempts) receives: the queue's redrive policy (maxReceiveCount), not the function's DLQ."
    case .onFailure where !outcome.records.isEmpty:
      return "\(id) gives up on records \(outcome.records.joined(separator: ", ")) (\(outcome.reason ?? "failed")): their metadata, not the records, goes to \(outcome.target ?? "the on-failure destination"), and the shard moves on."
    case .dropped where !outcome.records.isEmpty:
      return "\(id) gives up on records \(outcome.records.joined(separator: ", ")) (\(outcome.reason ?? "failed")) with no on-failure destination: they are lost, and the shard moves on."
    case .deadLetterQueue:
      // The message is the event with three attributes; the condition (`RetriesExhausted`) and
      // the invoke count are only in an on-failure destination's invocation record.
      return "\(id)'s event goes to the dead letter queue: \(failure(outcome)). The message is the raw event with the attributes RequestID, ErrorCode and ErrorMessage."
    case .onFailure:
      return "\(id)'s invocation record goes to the on-failure destination \(outcome.target ?? "") (condition \(outcome.reason ?? "?"), approximateInvokeCount \(outcome.attempts))."
    case .onSuccess:
      return "\(id)'s invocation record goes to the on-success destination \(outcome.target ?? "")."
    case .dropped:
      return "\(id)'s event is dropped: \(failure(outcome)), and there is no dead letter queue and no on-failure destination. It is lost."
    }
  }
}

extension String {
  func replacingPrefix(_ prefix: String, with replacement: String) -> String {
    hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
  }
}
