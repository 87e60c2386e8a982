import RetryCore

/// One log message as a container delivers it: the text Lambda or the handler wrote, and what the
/// container says about it. Valid only during the call that hands it over: the bytes point into
/// the reader's window.
struct LogMessage {
  var text: UnsafeBufferPointer<UInt8>
  /// Epoch milliseconds from the container (an API event's `timestamp`, a tail prefix), if any.
  var timestamp: Milliseconds?
  /// The log stream's name, if the container says.
  var stream: UnsafeBufferPointer<UInt8>?
  /// The 1-based line of the file the message starts on.
  var line: Int
  /// The container's own id of the record, when it has one: a CloudWatch Logs API event's
  /// `eventId`, a Logs Insights row's `@ptr`. The same id twice is the same log event read twice.
  var eventId: UnsafeBufferPointer<UInt8>? = nil
}

/// What readers hand their messages and complaints to.
protocol LogMessageSink: AnyObject {
  func receive(_ message: LogMessage)
  /// A record the reader could not make sense of: skipped, counted, never fatal.
  func skip(_ reason: SkipReason, line: Int)
}

/// Why a line or record was left out of the trace; the summary counts each.
public enum SkipReason: String, Sendable, Hashable, CaseIterable, Comparable {
  case malformedPlatformLine = "malformed-platform-line"
  case malformedJSON = "malformed-json"
  case truncatedRecord = "truncated-record"
  case overlongRecord = "overlong-record"
  case malformedRecord = "malformed-record"
  case badEffect = "bad-effect"
  case unattributed = "unattributed"
  case orphanEnd = "orphan-end"
  case binaryLine = "binary-line"
  case notInFormat = "not-in-format"
  case unknownPrefix = "unknown-prefix"
  case timeOutOfRange = "time-out-of-range"

  /// The summary's words for it.
  public var explanation: String {
    switch self {
    case .malformedPlatformLine: "a START, END, REPORT or INIT line that does not parse"
    case .malformedJSON: "a JSON log line that is broken or cut short"
    case .truncatedRecord: "a record cut off by the end of the file"
    case .overlongRecord: "a line or record longer than 1 MiB (CloudWatch's limit for one event is 256 KiB)"
    case .malformedRecord: "a record without a message or a timestamp"
    case .badEffect: "an effect line without a valid kind, target and key"
    case .unattributed: "an effect or error line outside any execution (no request id, no START before it)"
    case .orphanEnd: "an END or REPORT whose START is not in the logs"
    case .binaryLine: "a line with a NUL byte (binary data)"
    case .notInFormat: "a line not in the detected format"
    case .unknownPrefix: "a START, END, REPORT or INIT line after a prefix that is not a timestamp"
    case .timeOutOfRange: "a timestamp out of range (before the year 0000, after 9899, or more than 100 years from the lines before it)"
    }
  }

  public static func < (lhs: SkipReason, rhs: SkipReason) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
