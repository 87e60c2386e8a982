import RetryCore

/// One run of the handler as the logs tell it, while the trace is being rebuilt: a START and
/// whatever lines followed it for its request id (or in its log stream).
///
/// Kept small (numbers only, indexes into the collector's tables, -1 for none): an import of a
/// 1 GB export holds half a million of them at once.
struct Execution {
  var request: Int32
  var stream: Int32
  /// `START ... Version:`, an index into `LogCollector.versions`.
  var version: Int32
  /// The REPORT (`LogCollector.reports`).
  var report: Int32 = -1
  /// Indexes into `LogCollector.errors`: `platform.runtimeDone`, a `Task timed out` line, an
  /// unhandled error, a runtime exit, the first `ERROR` line, and an `INIT_REPORT` before it.
  var runtimeDone: Int32 = -1
  var timedOut: Int32 = -1
  var failure: Int32 = -1
  var crash: Int32 = -1
  var errorLog: Int32 = -1
  var initReport: Int32 = -1
  /// An `INIT_REPORT` with `Phase: invoke` after START: the init that failed before it, retried
  /// inside this invoke under the function's timeout.
  var invokeInitReport: Int32 = -1
  var sawEnd = false
  var start: Milliseconds
  var startSequence: Int
  /// The END line's time, if one was seen with a time of its own.
  var endTime: Milliseconds?
  var reportTime: Milliseconds?
  /// The latest time any line of this execution carried.
  var lastSeen: Milliseconds

  init(request: Int32, stream: Int32, version: Int32, start: Milliseconds, startSequence: Int) {
    self.request = request
    self.stream = stream
    self.version = version
    self.start = start
    self.startSequence = startSequence
    lastSeen = start
  }
}

/// An execution read against the tables its indexes point into.
struct ExecutionView {
  let execution: Execution
  let collector: LogCollector

  private func error(_ index: Int32) -> ParsedError? { index >= 0 ? collector.errors[Int(index)] : nil }
  private var parsedReport: ParsedReport? {
    execution.report >= 0 ? collector.reports[Int(execution.report)] : nil
  }

  /// REPORT's figures with the START's version, the stream, and an init duration from
  /// `INIT_REPORT` when REPORT has none.
  var report: AttemptReport {
    var report = parsedReport?.report ?? AttemptReport()
    if execution.version >= 0 { report.version = collector.versions[Int(execution.version)] }
    if execution.stream >= 0 { report.logStream = collector.streamNames[Int(execution.stream)] }
    if report.initDurationMs == nil {
      report.initDurationMs = error(execution.initReport)?.initDurationMs ?? error(execution.invokeInitReport)?.initDurationMs
    }
    if let status = error(execution.initReport)?.status, status.lowercased() != "success" { report.initStatus = status }
    return report
  }

  /// How the execution ended, from the strongest evidence the logs hold: REPORT's or
  /// `platform.report`'s status, `platform.runtimeDone`, a `Task timed out` line, a failed init
  /// retried in the invoke, a runtime's exit line, an unhandled error; an execution with neither
  /// END nor REPORT is still running when the logs end.
  var outcome: AttemptOutcome {
    if let status = parsedReport?.report.status ?? error(execution.runtimeDone)?.status {
      switch status.lowercased() {
      case "timeout": return .timeout
      case "error", "failure":
        return errorType?.hasPrefix("Runtime.Exit") == true || execution.crash >= 0 ? .crash : .error
      case "success": return .success
      default: break
      }
    }
    if execution.timedOut >= 0 { return .timeout }
    if let initReport = error(execution.invokeInitReport), let status = initReport.status {
      return status == "timeout" ? .timeout : .error
    }
    if execution.crash >= 0 { return .crash }
    if execution.failure >= 0 { return .error }
    if !execution.sawEnd && execution.reportTime == nil && execution.report < 0 { return .running }
    return .success
  }

  var errorType: String? {
    // The runtime's own line names the exception (`TypeError`); REPORT's `Error Type` is often
    // generic (`Runtime.Unknown`), except for a crash (`Runtime.ExitError`).
    if let type = error(execution.crash)?.type ?? error(execution.failure)?.type ?? parsedReport?.errorType { return type }
    if let type = error(execution.runtimeDone)?.type ?? error(execution.timedOut)?.type { return type }
    if let initReport = error(execution.invokeInitReport) ?? error(execution.initReport), let status = initReport.status,
      status != "success"
    {
      return initReport.type
    }
    return nil
  }

  var errorMessage: String? {
    if let message = error(execution.timedOut)?.message ?? error(execution.crash)?.message
      ?? error(execution.failure)?.message
    {
      return message
    }
    if let initReport = error(execution.invokeInitReport) ?? error(execution.initReport), let status = initReport.status,
      status != "success"
    {
      let phase = initReport.phase.map { " (Phase: \($0))" } ?? ""
      return "init \(status == "timeout" ? "timed out" : "failed")\(phase)"
    }
    return error(execution.errorLog)?.message
  }

  /// When it ended: its start plus the duration REPORT measured (the same clock for every line),
  /// else the END or REPORT time, else the last line it wrote.
  var end: Milliseconds {
    if let duration = parsedReport?.report.durationMs { return execution.start + Milliseconds(duration.rounded()) }
    return max(execution.start, execution.endTime ?? execution.reportTime ?? execution.lastSeen)
  }
}
