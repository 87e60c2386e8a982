import RetryCore

/// What an import found, for the person who ran it: how many invocations, which were retried,
/// duplicate effects, timeouts, and what was skipped and why.
public struct ImportSummary: Sendable {
  public struct Input: Sendable, Hashable {
    public var name: String
    public var format: LogFormat
  }

  public struct Skip: Sendable, Hashable {
    public var reason: SkipReason
    public var count: Int
    /// The first few line numbers (1-based), to go and look.
    public var firstLines: [Int]
    /// For `notInFormat`: the format the file was read as.
    public var format: LogFormat?

    /// The summary's words for it.
    public var explanation: String {
      if reason == .notInFormat, let format { return "\(reason.explanation), \(format.displayName)" }
      return reason.explanation
    }
  }

  /// An init phase that did not succeed (`INIT_REPORT ... Phase: init Status: timeout`): the
  /// execution environment's next START re-runs the init inside its invoke (a suppressed init).
  public struct InitFailure: Sendable, Hashable {
    /// `timeout`, `error`, `failure`.
    public var status: String
    public var durationMs: Double?
    public var errorType: String?
    public var line: Int
    /// The execution whose START came next in that environment (`A#1`), if one did.
    public var rerunBy: String?
  }

  public var inputs: [Input]
  public var messages: Int
  public var bytes: Int
  public var skipped: [Skip]
  /// Whether a START, END, REPORT or other fact of the trace has a time of its own; without,
  /// times are rebuilt from REPORT durations.
  public var hasTimestamps: Bool
  /// The line of the first timestamp read, if any line had one (a fact or not: Python's
  /// `[INFO]` line before START counts).
  public var firstTimestampLine: Int?
  public var hasTimestampedLines: Bool { firstTimestampLine != nil }
  public var correlate: String?
  public var correlatedRequests: Int
  /// Log events left out because another file (or the same id earlier) already held them.
  public var duplicatesDropped: Int = 0
  /// Inputs with nothing in them, skipped.
  public var emptyInputs: [String] = []
  /// Other lines about the inputs (`app.log.gz: 512 zero bytes after the gzip data, ignored`).
  public var notes: [String] = []
  public var initFailures: [InitFailure] = []

  public var invocations: Int
  public var executions: Int
  /// Invocations with more than one execution.
  public var retriedInvocations: Int
  /// Executions that repeat a request id: Lambda's own async retries.
  public var lambdaRetries: Int
  /// Executions with a new request id tied to an earlier one by the correlation key.
  public var newRequests: Int
  public var outcomes: [AttemptOutcome: Int]
  public var coldStarts: Int
  public var effects: Int
  public var duplicateEffects: Int
  /// `orders[o-1] by A#2 (first by A#1)` for the first few duplicates.
  public var duplicateExamples: [String]

  init(
    trace: Trace, inputs: [Input], messages: Int, bytes: Int, skipped: [Skip], hasTimestamps: Bool, correlate: String?,
    correlatedRequests: Int
  ) {
    self.inputs = inputs
    self.messages = messages
    self.bytes = bytes
    self.skipped = skipped
    self.hasTimestamps = hasTimestamps
    self.correlate = correlate
    self.correlatedRequests = correlatedRequests
    invocations = trace.invocations.count
    executions = trace.attempts.count
    var perLane: [String: Int] = [:]
    var outcomes: [AttemptOutcome: Int] = [:]
    var lambdaRetries = 0
    var newRequests = 0
    for attempt in trace.attempts {
      perLane[attempt.invocation, default: 0] += 1
      outcomes[attempt.outcome, default: 0] += 1
      if attempt.caller == .lambdaAsync && attempt.number > 1 || attempt.caller == .duplicateDelivery { lambdaRetries += 1 }
      if attempt.caller == .newRequest { newRequests += 1 }
    }
    retriedInvocations = perLane.values.filter { $0 > 1 }.count
    self.lambdaRetries = lambdaRetries
    self.newRequests = newRequests
    self.outcomes = outcomes
    coldStarts = trace.attemptReports.values.filter(\.isColdStart).count
    effects = trace.effects.count
    let duplicates = trace.effects.filter { $0.duplicateOf != nil }
    duplicateEffects = duplicates.count
    duplicateExamples = duplicates.prefix(3).map { effect in
      let first = effect.duplicateOf.map { trace.effects[$0].actor } ?? "?"
      return "\(effect.target)[\(effect.key)] by \(effect.actor) (first by \(first))"
    }
  }

  public var skippedLines: Int { skipped.reduce(0) { $0 + $1.count } }

  /// The summary as the `import` command prints it.
  public var text: String {
    var lines: [String] = []
    for input in inputs { lines.append("read \(input.name) (\(input.format.displayName))") }
    for name in emptyInputs { lines.append("note: \(name): empty file, skipped") }
    for note in notes { lines.append("note: \(note)") }
    if duplicatesDropped > 0 {
      lines.append("duplicates dropped: \(Self.count(duplicatesDropped, "log event")) read twice (the same event in more than one file)")
    }
    lines.append("\(Self.count(messages, "log message")), \(Self.count(executions, "execution")) in \(Self.count(invocations, "invocation"))")
    var retried = "\(Self.count(retriedInvocations, "invocation")) retried"
    var how: [String] = []
    if lambdaRetries > 0 { how.append("\(Self.count(lambdaRetries, "Lambda retry", "Lambda retries")) with the same request id") }
    if newRequests > 0, let correlate { how.append("\(Self.count(newRequests, "new request id")) tied by \(correlate)") }
    if !how.isEmpty { retried += " (" + how.joined(separator: ", ") + ")" }
    lines.append(retried)
    let kinds: [(AttemptOutcome, String)] = [
      (.success, "succeeded"), (.error, "failed"), (.timeout, "timed out"), (.crash, "crashed"), (.running, "unfinished"),
    ]
    let ended = kinds.compactMap { kind, word in (outcomes[kind] ?? 0) > 0 ? "\(outcomes[kind]!) \(word)" : nil }
    lines.append("executions: \(ended.isEmpty ? "none" : ended.joined(separator: ", ")); \(Self.count(coldStarts, "cold start"))")
    lines.append("timeouts: \(outcomes[.timeout] ?? 0)")
    if !initFailures.isEmpty {
      let shown = initFailures.prefix(3).map { failure in
        var text = "init \(failure.status == "timeout" ? "timed out" : "failed")"
        if let type = failure.errorType { text += " (\(type))" }
        if let duration = failure.durationMs { text += " after \(Self.millis(duration))" }
        text += " at line \(failure.line)"
        text += failure.rerunBy.map { ", re-run by \($0)'s START" } ?? ", no START followed in that environment"
        return text
      }
      let more = initFailures.count > 3 ? "; ..." : ""
      lines.append("init failures: \(initFailures.count) (\(shown.joined(separator: "; "))\(more))")
    }
    var effectLine = "effects: \(effects), duplicate effects: \(duplicateEffects)"
    if !duplicateExamples.isEmpty { effectLine += " (" + duplicateExamples.joined(separator: "; ") + ")" }
    lines.append(effectLine)
    if let correlate, correlatedRequests == 0 {
      lines.append("note: no logged JSON line has the field \(correlate); every request id is its own invocation")
    }
    if !hasTimestamps, let firstTimestampLine {
      lines.append(
        "note: no START, END or REPORT line has a timestamp (line \(firstTimestampLine) has the first); "
          + "times come from REPORT durations from there on and the waits between executions are unknown")
    } else if !hasTimestamps {
      lines.append("note: no line has a timestamp; times come from REPORT durations and the waits between executions are unknown")
    }
    if skipped.isEmpty {
      lines.append("skipped lines: 0")
    } else {
      lines.append("skipped lines: \(skippedLines)")
      for skip in skipped {
        let where_ = skip.firstLines.map(String.init).joined(separator: ", ")
        lines.append("  \(skip.count) \(skip.explanation) (line\(skip.firstLines.count == 1 ? "" : "s") \(where_)\(skip.count > skip.firstLines.count ? ", ..." : ""))")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// `10000.04 ms`, `3000 ms`.
  static func millis(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return fraction == 0 ? "\(hundredths / 100) ms" : "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
  }

  static func count(_ value: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(value) \(value == 1 ? singular : plural ?? singular + "s")"
  }
}
