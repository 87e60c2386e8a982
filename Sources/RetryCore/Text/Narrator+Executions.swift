/// How many times an event ran, told at the moment of the caption: an outcome's own
/// `attempts` counts one delivery's invokes (what AWS reports as `approximateInvokeCount`), so a
/// duplicate delivery, which Lambda counts afresh, would read as "1 execution" of an event that
/// ran twice.
extension Narrator {
  /// The executions of invocation `id` (throttled attempts never ran) that started by `time`.
  func executions(of id: String, by time: Milliseconds) -> [TraceAttempt] {
    index.attempts(of: id).filter { $0.outcome != .throttled && $0.start <= time }
  }

  /// "A's event is done: A#3 succeeded, after 3 executions of this event."; for a second
  /// success (a duplicate delivery), what happened: the event ran again although it had
  /// already succeeded.
  func succeededCaption(_ outcome: TraceOutcome, position: Int) -> String {
    let id = outcome.invocation
    let executions = executions(of: id, by: outcome.time)
    let count = executions.count
    // The execution that ended with this outcome.
    let winner = executions.last { $0.outcome == .success && $0.end == outcome.time }
    let who = winner?.label ?? "an execution"
    let earlier = index.outcomePositions(of: id).last { $0 < position && trace.outcomes[$0].kind == .succeeded }
    let running = executions.filter { $0.end > outcome.time }.map(\.label)
    let still = running.isEmpty ? "" : " \(Self.list(running)) \(running.count == 1 ? "is" : "are") still running."
    if let earlier {
      let first = executions.last { $0.outcome == .success && $0.end == trace.outcomes[earlier].time }
      let delivery = winner?.caller == .duplicateDelivery ? ", on the duplicate delivery," : ""
      let already = first.map { " although \($0.label) had already succeeded" } ?? " although it had already succeeded"
      return "\(who)\(delivery) succeeded too: \(id)'s event ran again\(already). One event, \(count) executions so far.\(still)"
    }
    let after = count == 1 ? "on its first execution" : "after \(count) executions of this event"
    return "\(id)'s event is done: \(who) succeeded \(after).\(still)"
  }

  /// Why an async event failed for good, in words (`RetriesExhausted`, `EventAgeExceeded` are
  /// the on-failure destination's `condition`, not what a DLQ message says).
  func failure(_ outcome: TraceOutcome) -> String {
    switch outcome.reason {
    case "RetriesExhausted"? where outcome.attempts == 0:
      let message = outcome.payload?["messageAttributes"]?["ErrorMessage"]?.displayText
      return "Lambda never ran it" + (message.map { " (\($0))" } ?? "")
    case "RetriesExhausted"?:
      return outcome.attempts == 1 ? "its only attempt failed" : "all \(outcome.attempts) attempts failed"
    case "EventAgeExceeded"?:
      return "it grew older than the maximum event age before it could be tried again"
    case let reason?:
      return "it failed (\(reason))"
    case nil:
      return "it failed"
    }
  }

  /// `A#1`, `A#1 and A#2`, `A#1, A#2 and A#3`.
  static func list(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
  }
}
