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
  /// Whether any line carried a time; without, times are rebuilt from REPORT durations.
  private(set) var hasTimestamps = true
  private var requestKeys: [Int32: Int32] = [:]
  private var unattributed = 0

  init(collector: LogCollector, lanes: ImportLanes) {
    self.collector = collector
    self.lanes = lanes
  }

  // MARK: - Executions

  mutating func collectExecutions() {
    var facts = collector.facts
    hasTimestamps = facts.contains { $0.timeKnown }
    if hasTimestamps {
      Self.backfillStartTimes(&facts)
    } else {
      Self.sequentialTimes(&facts, reports: collector.reports)
    }
    if zip(facts, facts.dropFirst()).contains(where: { ($0.time, $0.sequence) > ($1.time, $1.sequence) }) {
      facts.sort { ($0.time, $0.sequence) < ($1.time, $1.sequence) }
    }
    var openByStream: [Int32: Int] = [:]
    var latestByRequest: [Int32: Int] = [:]
    var pendingInit: [Int32: ParsedError?] = [:]
    for fact in facts {
      switch fact.kind {
      case .initStart:
        pendingInit[fact.stream] = .some(nil)
      case .initReport:
        let report = collector.errors[Int(fact.detail)]
        if report.phase == "invoke", let open = openByStream[fact.stream] {
          // The init that timed out is retried inside the first invoke, under the function's
          // timeout (lambda-semantics.md §4, "Measured Init timeout").
          executions[open].initReport = report
          if executions[open].report.initDurationMs == nil { executions[open].report.initDurationMs = report.initDurationMs }
        } else {
          pendingInit[fact.stream] = .some(report)
        }
      case .start:
        let initReport = pendingInit.removeValue(forKey: fact.stream)
        var report = fact.detail >= 0 ? collector.reports[Int(fact.detail)].report : AttemptReport()
        if fact.stream >= 0 { report.logStream = collector.streamNames[Int(fact.stream)] }
        var execution = Execution(
          request: fact.request, stream: fact.stream, start: fact.time, startSequence: fact.sequence,
          startLine: fact.line, report: report, lastSeen: fact.time)
        if let initReport, let initReport {
          execution.initReport = initReport
          if execution.report.initDurationMs == nil { execution.report.initDurationMs = initReport.initDurationMs }
        }
        executions.append(execution)
        let index = executions.count - 1
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
          let parsed = collector.reports[Int(fact.detail)]
          let version = executions[index].report.version
          let stream = executions[index].report.logStream
          let initDuration = executions[index].report.initDurationMs
          executions[index].report = parsed.report
          executions[index].report.version = version
          executions[index].report.logStream = stream
          if executions[index].report.initDurationMs == nil { executions[index].report.initDurationMs = initDuration }
          executions[index].reportErrorType = parsed.errorType
          executions[index].reportTime = fact.timeKnown ? fact.time : nil
        }
        executions[index].lastSeen = max(executions[index].lastSeen, fact.time)
        if openByStream[fact.stream] == index { openByStream[fact.stream] = nil }
      default:
        let owner = fact.request >= 0 ? latestByRequest[fact.request] : (openByStream[fact.stream] ?? nil)
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
    let detail = Int(fact.detail)
    switch fact.kind {
    case .runtimeDone:
      executions[index].runtimeStatus = collector.errors[detail].status
      executions[index].runtimeErrorType = collector.errors[detail].type
    case .timedOut: executions[index].timedOut = collector.errors[detail]
    case .failed: executions[index].failure = collector.errors[detail]
    case .crashed: executions[index].crash = collector.errors[detail]
    case .errorLog:
      if executions[index].errorLog == nil { executions[index].errorLog = collector.errors[detail].message }
    case .effect:
      let time = max(fact.time, executions[index].start)
      executions[index].effects.append((Int32(detail), time, fact.sequence))
    case .correlation:
      let request = executions[index].request
      if requestKeys[request] == nil { requestKeys[request] = Int32(detail) }
    default: break
    }
    // Old-style timeout lines come after REPORT: they do not make the execution last longer.
    if fact.kind != .timedOut { executions[index].lastSeen = max(executions[index].lastSeen, fact.time) }
  }

  /// A START without a time of its own (bare text where only runtime lines carry one) takes the
  /// time of the next line of its stream that has one, before its END.
  private static func backfillStartTimes(_ facts: inout [LogFact]) {
    var nextKnown: [Int32: Milliseconds] = [:]
    for index in facts.indices.reversed() {
      let fact = facts[index]
      if fact.kind == .start {
        if !fact.timeKnown, let time = nextKnown[fact.stream] {
          facts[index].time = time
          facts[index].timeKnown = true
        }
        nextKnown[fact.stream] = nil
      } else if fact.timeKnown {
        nextKnown[fact.stream] = fact.time
      }
    }
  }

  /// No line has a time (a bare copy of platform lines): executions follow one another in file
  /// order, each lasting what its REPORT says. Waits between them are unknown.
  private static func sequentialTimes(_ facts: inout [LogFact], reports: [ParsedReport]) {
    var clock: Milliseconds = 0
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
        clock = max(clock, start + Milliseconds(duration.rounded(.up)) + 1)
        facts[index].time = start + Milliseconds(duration.rounded())
      default:
        facts[index].time = clock
      }
    }
  }

  // MARK: - Logical events

  /// The logical event of each execution: its request's correlation key, else its request id.
  func logicalKeys() -> [String] {
    executions.map { execution in
      if let key = requestKeys[execution.request] { return collector.keys[Int(key)] }
      return "request " + collector.requestIds[Int(execution.request)]
    }
  }

  var correlatedRequests: Int { requestKeys.count }
}
