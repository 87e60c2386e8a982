/// A gap between two attempts of one invocation.
public struct TraceWait: Sendable, Hashable {
  public var invocation: String
  public var from: Milliseconds
  public var to: Milliseconds
  public var reason: WaitReason
  /// The attempt the wait leads to.
  public var beforeAttempt: Int

  public init(invocation: String, from: Milliseconds, to: Milliseconds, reason: WaitReason, beforeAttempt: Int) {
    self.invocation = invocation
    self.from = from
    self.to = to
    self.reason = reason
    self.beforeAttempt = beforeAttempt
  }

  public var length: Milliseconds { to - from }
}

/// Why nothing ran for a while.
public enum WaitReason: String, Sendable, Hashable, CaseIterable {
  /// Lambda's async retry delay after a function error (about 1 min, then about 2 min).
  case retryDelay = "retry-delay"
  /// Lambda's async backoff after a throttle or system error (1 s doubling to 5 min).
  case throttleBackoff = "throttle-backoff"
  /// The caller's SDK backing off before its next attempt.
  case clientBackoff = "client-backoff"
  /// From the 202 to the first delivery.
  case queued
  /// SQS: a failed batch's messages stay hidden until their visibility timeout ends.
  case visibilityTimeout = "visibility-timeout"
  /// Streams: the shard waits to retry its failed batch; nothing behind it moves.
  case shardBlocked = "shard-blocked"
}
