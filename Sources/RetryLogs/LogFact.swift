import RetryCore

/// One thing a log line says that the trace is made of: an execution starts, ends, reports, fails,
/// touches the world. Lines that say none of these (ordinary application output) leave no fact,
/// so the facts of a 1 GB import are a small fraction of it.
///
/// Facts are collected as the file is read and put in time order before the trace is built:
/// pages may come out of order, and an old-style `Task timed out` line comes after its REPORT.
struct LogFact {
  enum Kind: UInt8 {
    /// `INIT_START` / `platform.initStart`: a new execution environment starts in this stream.
    case initStart
    /// `INIT_REPORT` / `platform.initReport`: the init phase's duration and status.
    case initReport
    case start
    case end
    /// `REPORT` / `platform.report`.
    case report
    /// `platform.runtimeDone`: the invoke phase's status.
    case runtimeDone
    /// `<time> <id> Task timed out after 3.07 seconds` (older runtimes).
    case timedOut
    /// An unhandled error the runtime logged: Node's `Invoke Error`, Python's `[ERROR] Type: ...`.
    case failed
    /// `RequestId: <id> Error: Runtime exited with error` / `Process exited before completing`.
    case crashed
    /// An `ERROR`-level application line: not a failure by itself (a handler may log and go on),
    /// but the message to show if the execution turns out to have failed.
    case errorLog
    case effect
    /// A line holding the `--correlate` field: the logical event this request is for.
    case correlation
  }

  var kind: Kind
  /// Epoch milliseconds; when the line had none, the last time known in its stream, or
  /// `timeless` when its stream had none yet.
  var time: Milliseconds
  /// The time of a line without one, before any line of its stream had one: the trace builder
  /// gives it the first time of the import (or rebuilds every time, when no fact has one).
  static let timeless = Milliseconds.min
  var timeKnown: Bool
  /// Read from a log event an earlier file already held (`LogDeduplicator`): left out.
  var dropped = false
  /// Arrival order: ties in time keep the order of the file.
  var sequence: Int
  /// Interned stream name, -1 when the container does not say.
  var stream: Int32
  /// Interned request id, -1 when the line has none (attributed by stream).
  var request: Int32
  var line: Int32
  /// Index into the collector's side table for this kind (reports, effects, texts), or -1.
  var detail: Int32
}

/// What a `REPORT` line or `platform.report` record says.
struct ParsedReport {
  var report: AttemptReport
  var errorType: String?
}

/// What an effect line says (docs/tracing-your-handler.md).
struct ParsedEffect {
  var kind: EffectKind
  var target: String
  var key: String
  var step: String?
  var detail: String?
}

/// An error's type and message (`errorType`, `errorMessage`).
struct ParsedError {
  var type: String?
  var message: String?
  /// `INIT_REPORT`: which phase failed and how (`init`/`invoke`, `timeout`/`error`).
  var phase: String?
  var status: String?
  var initDurationMs: Double?
}
