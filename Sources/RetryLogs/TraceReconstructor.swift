import RetryCore

/// Rebuilds a trace from the facts of an import: executions from START/END/REPORT per request
/// id, grouped into logical events (one per request id, or per `--correlate` key), with Lambda's
/// retries (the same request id again), the waits between them, outcomes and effects.
///
/// Facts are put in time order first (pages may come out of order; an old `Task timed out` line
/// follows its REPORT), keeping the file's order among equal times.
struct TraceReconstructor {
  let collector: LogCollector
  let lanes: ImportLanes
  private(set) var executions: [Execution] = []
  /// Effects in time order: which execution made which parsed effect.
  private(set) var effectEntries: [EffectEntry] = []
  /// Whether any line carried a time; without, times are rebuilt from REPORT durations.
  private(set) var hasTimestamps = true
  /// Without timestamps, where the rebuilt times start: the first stamped line's time (a line
  /// that left no fact), else 0.
  private(set) var sequentialOrigin: Milliseconds = 0
  /// The correlation key (an index into `collector.keys`) of each request that has one.
  private var requestKeys: [Int32: Int32] = [:]
  /// Init phases that timed out or failed (`INIT_REPORT ... Phase: init Status: timeout`), in
  /// time order, with the execution whose START re-ran the init in that environment.
  private(set) var failedInits: [FailedInit] = []

  struct FailedInit {
    /// The `INIT_REPORT` (copied: the collector's tables are released while the trace is built).
    var report: ParsedError
    var line: Int32
    var execution: Int?
  }

  struct EffectEntry {
    var execution: Int32
    var effect: Int32
    var time: Milliseconds
    var sequence: Int
  }

  init(collector: LogCollector, lanes: ImportLanes) {
    self.collector = collector
    self.lanes = lanes
  }

  func view(_ index: Int) -> ExecutionView { ExecutionView(execution: executions[index], collector: collector) }

  // MARK: - Executions

  mutating func collectExecutions() {
    var facts = collector.takeFacts()
    hasTimestamps = facts.contains { $0.timeKnown }
    // (A START without a time of its own already took the next stamped line's, as it was read:
    // `LogCollector.observe`.)
    if hasTimestamps {
      // Lines before any stamped line of their stream: the first time of the import, rather
      // than 1970 (which would stretch the trace over decades).
      let first = collector.timeSpan?.first ?? 0
      for index in facts.indices where facts[index].time == LogFact.timeless { facts[index].time = first }
    } else {
      // Stamped lines that left no fact (Python's `[INFO]` line before START): the rebuilt
      // times start at the first of them.
      sequentialOrigin = collector.timeSpan?.first ?? 0
      Self.sequentialTimes(&facts, reports: collector.reports, from: sequentialOrigin)
    }
    if zip(facts, facts.dropFirst()).contains(where: { ($0.time, $0.sequence) > ($1.time, $1.sequence) }) {
      facts.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
    }
    var openByStream: [Int32: Int] = [:]
    var latestByRequest: [Int32: Int] = [:]
    var pendingInit: [Int32: Int32] = [:]
    /// A failed init waiting for its environment's next START (an index into `failedInits`).
    var pendingFailure: [Int32: Int] = [:]
    for fact in facts {
      switch fact.kind {
      case .initStart:
        pendingInit[fact.stream] = -1
        pendingFailure[fact.stream] = nil
      case .initReport:
        let report = collector.errors[Int(fact.detail)]
        if report.phase == "invoke", let open = openByStream[fact.stream] {
          // The init that timed out is retried inside the first invoke, under the function's
          // timeout (lambda-semantics.md §4, "Measured Init timeout").
          executions[open].invokeInitReport = fact.detail
        } else {
          pendingInit[fact.stream] = fact.detail
          if let status = report.status, status.lowercased() != "success" {
            // Kept even if no START follows (the environment was given up): it happened.
            pendingFailure[fact.stream] = failedInits.count
            failedInits.append(FailedInit(report: report, line: fact.line, execution: nil))
          }
        }
      case .start:
        var execution = Execution(
          request: fact.request, stream: fact.stream, version: fact.detail, start: fact.time, startSequence: fact.sequence)
        if let initReport = pendingInit.removeValue(forKey: fact.stream) { execution.initReport = initReport }
        executions.append(execution)
        let index = executions.count - 1
        if let failure = pendingFailure.removeValue(forKey: fact.stream) { failedInits[failure].execution = index }
        openByStream[fact.stream] = index
        latestByRequest[fact.request] = index
      case .end, .report:
        guard let index = latestByRequest[fact.request] else {
          collector.skip(.orphanEnd, line: Int(fact.line))
          continue
        }
        if fact.kind == .end {
          executions[index].sawEnd = true
          if fact.timeKnown { executions[index].endTime = fact.time }
        } else {
          executions[index].report = fact.detail
          executions[index].reportTime = fact.timeKnown ? fact.time : nil
        }
        executions[index].lastSeen = max(executions[index].lastSeen, fact.time)
        if openByStream[fact.stream] == index { openByStream[fact.stream] = nil }
      default:
        let owner = fact.request >= 0 ? latestByRequest[fact.request] : openByStream[fact.stream]
        guard let index = owner else {
          if fact.kind == .effect || fact.kind == .failed || fact.kind == .crashed {
            collector.skip(.unattributed, line: Int(fact.line))
          }
          continue
        }
        note(fact, on: index)
      }
    }
  }

  private mutating func note(_ fact: LogFact, on index: Int) {
    switch fact.kind {
    case .runtimeDone: executions[index].runtimeDone = fact.detail
    case .timedOut: executions[index].timedOut = fact.detail
    case .failed: executions[index].failure = fact.detail
    case .crashed: executions[index].crash = fact.detail
    case .errorLog: if executions[index].errorLog < 0 { executions[index].errorLog = fact.detail }
    case .effect:
      effectEntries.append(
        EffectEntry(
          execution: Int32(index), effect: fact.detail, time: max(fact.time, executions[index].start),
          sequence: fact.sequence))
    case .correlation:
      let request = executions[index].request
      if requestKeys[request] == nil { requestKeys[request] = fact.detail }
    default: break
    }
    // Old-style timeout lines come after REPORT: they do not make the execution last longer.
    if fact.kind != .timedOut { executions[index].lastSeen = max(executions[index].lastSeen, fact.time) }
  }

  /// No fact has a time (a bare copy of platform lines): executions follow one another in file
  /// order from `origin`, each lasting what its REPORT says. Waits between them are unknown. The
  /// clock stops at the trace's 100 years (`ImportBounds`): only absurd REPORT durations reach
  /// it, and they cannot make a trace the reader refuses, or overflow.
  private static func sequentialTimes(_ facts: inout [LogFact], reports: [ParsedReport], from origin: Milliseconds) {
    var clock = origin
    let limit = origin + ImportBounds.times.upperBound
    var startOf: [Int32: Milliseconds] = [:]
    for index in facts.indices {
      let fact = facts[index]
      switch fact.kind {
      case .start:
        startOf[fact.request] = clock
        facts[index].time = clock
      case .report:
        let start = startOf[fact.request] ?? clock
        let duration = fact.detail >= 0 ? reports[Int(fact.detail)].report.durationMs ?? 0 : 0
        clock = min(limit, max(clock, start + Milliseconds(duration.rounded(.up)) + 1))
        facts[index].time = start + Milliseconds(duration.rounded())
      default:
        facts[index].time = clock
      }
    }
  }

  // MARK: - Logical events

  /// The logical event of each execution, as a number: a correlation key's index (0 and up), or
  /// for a request without one, -1 - its request index.
  func logicalKeys() -> [Int] {
    executions.map { execution in
      if let key = requestKeys[execution.request] { return Int(key) }
      return -1 - Int(execution.request)
    }
  }

  var correlatedRequests: Int { requestKeys.count }

  /// The failed inits as the summary shows them, naming the attempt that re-ran each.
  func initFailures(in trace: Trace) -> [ImportSummary.InitFailure] {
    guard !failedInits.isEmpty else { return [] }
    let order = executions.indices.sorted {
      (executions[$0].start, executions[$0].startSequence) < (executions[$1].start, executions[$1].startSequence)
    }
    var positionOf = [Int](repeating: 0, count: executions.count)
    for (position, index) in order.enumerated() { positionOf[index] = position }
    return failedInits.map { failure in
      let report = failure.report
      return ImportSummary.InitFailure(
        status: report.status ?? "error", durationMs: report.initDurationMs, errorType: report.type, line: Int(failure.line),
        rerunBy: failure.execution.map { trace.attempts[positionOf[$0]].label })
    }
  }
}
