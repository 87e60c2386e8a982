/// What Lambda's own log lines say about one execution: the `REPORT` line (or `platform.report`
/// record) and where it was written. Imported traces carry one per attempt; simulated ones none.
///
/// Kept beside the attempts (`Trace.attemptReports`) rather than in them, as effect records are:
/// a simulated run of a million invocations has no reports and `TraceAttempt` keeps its size.
public struct AttemptReport: Sendable, Hashable {
  /// `Duration: 26.73 ms`: the invoke phase as Lambda measured it, to the hundredth of a ms.
  public var durationMs: Double?
  /// `Billed Duration: 27 ms` (100 ms steps before Lambda billed by the millisecond; since
  /// 2025-08-01 it includes the init phase).
  public var billedDurationMs: Int?
  /// `Init Duration: 166.62 ms`: present only on a cold start, the first request of a new
  /// execution environment.
  public var initDurationMs: Double?
  public var memorySizeMB: Int?
  public var maxMemoryUsedMB: Int?
  /// `Status: timeout|error` on newer REPORT lines (`platform.report` `status`).
  public var status: String?
  /// The log stream (one per execution environment) the execution wrote to.
  public var logStream: String?
  /// `START ... Version: $LATEST`.
  public var version: String?
  /// `INIT_REPORT ... Phase: init Status: timeout|error`: the environment's init phase did not
  /// succeed before this execution, whose START re-runs it inside the invoke (a suppressed init).
  public var initStatus: String?

  public init(
    durationMs: Double? = nil, billedDurationMs: Int? = nil, initDurationMs: Double? = nil, memorySizeMB: Int? = nil,
    maxMemoryUsedMB: Int? = nil, status: String? = nil, logStream: String? = nil, version: String? = nil,
    initStatus: String? = nil
  ) {
    self.durationMs = durationMs
    self.billedDurationMs = billedDurationMs
    self.initDurationMs = initDurationMs
    self.memorySizeMB = memorySizeMB
    self.maxMemoryUsedMB = maxMemoryUsedMB
    self.status = status
    self.logStream = logStream
    self.version = version
    self.initStatus = initStatus
  }

  /// Whether the execution paid for an init phase: a new execution environment.
  public var isColdStart: Bool { initDurationMs != nil }
}
