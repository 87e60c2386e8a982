import RetryCore

/// One run of the handler as the logs tell it, while the trace is being rebuilt: a START and
/// whatever lines followed it for its request id (or in its log stream).
struct Execution {
  var request: Int32
  var stream: Int32
  var start: Milliseconds
  var startSequence: Int
  var startLine: Int32
  /// The END line's time, if one was seen.
  var endTime: Milliseconds?
  var reportTime: Milliseconds?
  var sawEnd = false
  var report: AttemptReport
  var reportErrorType: String?
  /// `platform.runtimeDone`'s status.
  var runtimeStatus: String?
  var runtimeErrorType: String?
  var timedOut: ParsedError?
  var failure: ParsedError?
  var crash: ParsedError?
  var errorLog: String?
  /// `INIT_REPORT` before this execution: a failed or slow init.
  var initReport: ParsedError?
  /// The latest time any line of this execution carried.
  var lastSeen: Milliseconds
  /// Effect indexes into the collector's table, with their times, in order.
  var effects: [(effect: Int32, time: Milliseconds, sequence: Int)] = []

  /// How the execution ended, from the strongest evidence the logs hold: REPORT's or
  /// `platform.report`'s status, `platform.runtimeDone`, a `Task timed out` line, a runtime's
  /// exit line, an unhandled error; an execution with neither END nor REPORT is still running
  /// when the logs end.
  var outcome: AttemptOutcome {
    if let status = report.status ?? runtimeStatus {
      switch status.lowercased() {
      case "timeout": return .timeout
      case "error", "failure":
        return errorType?.hasPrefix("Runtime.Exit") == true || crash != nil ? .crash : .error
      case "success": return .success
      default: break
      }
    }
    if timedOut != nil { return .timeout }
    if let initReport, initReport.phase == "invoke", let status = initReport.status {
      return status == "timeout" ? .timeout : .error
    }
    if crash != nil { return .crash }
    if failure != nil { return .error }
    if !sawEnd && reportTime == nil { return .running }
    return .success
  }

  var errorType: String? {
    // The runtime's own line names the exception (`TypeError`); REPORT's `Error Type` is often
    // generic (`Runtime.Unknown`), except for a crash (`Runtime.ExitError`).
    crash?.type ?? failure?.type ?? reportErrorType ?? runtimeErrorType ?? timedOut?.type
      ?? (initReport?.status != nil && initReport?.status != "success" ? initReport?.type : nil)
  }

  var errorMessage: String? {
    if let message = timedOut?.message ?? crash?.message ?? failure?.message { return message }
    if let initReport, let status = initReport.status, status != "success" {
      let phase = initReport.phase.map { " (Phase: \($0))" } ?? ""
      return "init \(status == "timeout" ? "timed out" : "failed")\(phase)"
    }
    return errorLog
  }

  /// When it ended: its start plus the duration REPORT measured (the same clock for every line),
  /// else the END or REPORT time, else the last line it wrote.
  var end: Milliseconds {
    if let duration = report.durationMs { return start + Milliseconds(duration.rounded()) }
    return max(start, endTime ?? reportTime ?? lastSeen)
  }
}
