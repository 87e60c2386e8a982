/// Captions for traces rebuilt from logs: the same story as a simulation, told from what the logs
/// show (a request id starting again, a REPORT line, a cold start) rather than from the rules
/// that made it happen.
extension Narrator {
  var isImported: Bool { trace.meta.source == "import" }

  /// "The same request id started again 1m06s later: Lambda retried the async event."
  func importedStartCaption(_ attempt: TraceAttempt) -> String {
    let request = String(attempt.requestId.prefix(8))
    let environment = environmentPhrase(attempt)
    let sameRequest = index.attempts(withRequestId: attempt.requestId).filter { $0.start < attempt.start || ($0.start == attempt.start && $0.number < attempt.number && $0.invocation == attempt.invocation) }
    if let previous = sameRequest.last {
      let wait = DurationText.short(max(0, attempt.start - previous.end))
      let which = "\(attempt.label), attempt \(sameRequest.count + 1) of this request"
      if previous.outcome == .success {
        return "The same request id (\(request)…) started again \(wait) after a success (\(which)): the async queue delivered the event twice\(environment)."
      }
      return "The same request id (\(request)…) started again \(wait) later (\(which)): Lambda retried the async event after \(previous.label)'s \(previous.outcome.rawValue)\(environment)."
    }
    switch attempt.caller {
    case .newRequest:
      let key = invocation(attempt.invocation)?.label.map { " for the same \($0)" } ?? ""
      let running = index.overlapping(attempt).first.map { " while \($0.label) still runs" } ?? ""
      return "\(attempt.label): a new request id (\(request)…)\(key)\(running): the same event invoked again (a client retry or a redelivery)\(environment)."
    default:
      return "Execution \(attempt.label) starts (request id \(request)…)\(environment)."
    }
  }

  /// "in a new execution environment (cold start, init 166.62 ms)".
  private func environmentPhrase(_ attempt: TraceAttempt) -> String {
    guard let position = index.position(of: attempt), let report = trace.attemptReports[position] else { return "" }
    if let status = report.initStatus {
      // (The init duration may be the re-run's, from REPORT: the failed one is in the summary.)
      let what = status == "timeout" ? "timed out" : "failed"
      return ", in an execution environment whose init phase \(what) (INIT_REPORT Status: \(status)): this START re-runs the init (a suppressed init)"
    }
    if let initDuration = report.initDurationMs {
      return ", in a new execution environment (cold start, init \(Self.millis(initDuration)))"
    }
    return ""
  }

  /// "A#1 fails after 152ms: Error: mail server down. REPORT: 152.33 ms, billed 320 ms."
  func importedEndCaption(_ attempt: TraceAttempt) -> String? {
    guard let position = index.position(of: attempt), let report = trace.attemptReports[position] else { return nil }
    var parts: [String] = []
    if let duration = report.durationMs { parts.append("Duration \(Self.millis(duration))") }
    if let billed = report.billedDurationMs { parts.append("billed \(billed) ms") }
    if let memory = report.maxMemoryUsedMB, let size = report.memorySizeMB { parts.append("\(memory) of \(size) MB used") }
    return parts.isEmpty ? nil : "REPORT: " + parts.joined(separator: ", ") + "."
  }

  /// `166.62 ms`, `3000 ms`.
  static func millis(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let whole = hundredths / 100
    let fraction = hundredths % 100
    return fraction == 0 ? "\(whole) ms" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction) ms"
  }
}
