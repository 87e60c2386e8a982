// API CONTRACT (implementation owned by the schedules helper; keep these signatures).

/// An EventBridge schedule expression: `rate(5 minutes)` or `cron(0/5 * * * ? *)`.
public struct ScheduleExpression: Sendable, Hashable {
  /// The expression as written.
  public var text: String

  public static func parse(_ text: String) throws(ExpressionError) -> ScheduleExpression {
    throw ExpressionError(offset: 0, message: "not implemented")
  }

  /// The first `count` fire times at or after `start` (Unix epoch milliseconds, UTC).
  public func fireTimes(from start: Milliseconds, count: Int) -> [Milliseconds] { [] }
}

/// ISO-8601 UTC timestamps, computed without Foundation.
public enum ISO8601 {
  /// `2019-09-20T09:00:00Z` (seconds precision, as EventBridge's `time` field).
  public static func seconds(_ epochMillis: Milliseconds) -> String { "" }
  /// `2019-09-20T09:00:00.123Z` (milliseconds, as Lambda's log timestamps).
  public static func millis(_ epochMillis: Milliseconds) -> String { "" }
  /// Parses `2019-09-20T09:00:00Z`, `2019-09-20T09:00:00.123Z` or with an offset `+02:00`.
  public static func parse(_ text: String) -> Milliseconds? { nil }
}
