/// An injected failure inside an execution: the handler throws, hangs until the function timeout,
/// or its process dies, at a chosen point of a chosen attempt.
public struct Fault: Sendable {
  public enum Kind: Sendable, Hashable {
    /// The handler throws (`errorType`: `message`); a function error.
    case error(type: String, message: String)
    /// The handler hangs here until the function timeout stops it.
    case timeout
    /// The runtime process exits (`Runtime.ExitError`, "Error: Runtime exited with error: exit
    /// status 1").
    case crash
  }

  /// Where in the handler the fault strikes.
  public enum Point: Sendable, Hashable {
    /// Just before the k-th step the attempt executes (1-based); `count + 1` is just before returning.
    case beforeStep(Int)
    /// Just before the step with this name runs.
    case before(String)
    /// Just after the step with this name completes.
    case after(String)
  }

  /// The invocation it hits (`A`); nil hits every invocation.
  public var invocation: String?
  /// The attempt it hits (1-based, counting every execution of the invocation); nil hits every one.
  public var attempt: Int?
  public var point: Point
  public var kind: Kind
  /// Probability that the fault strikes where it matches (seeded); 1 always.
  public var probability: Double

  public init(invocation: String? = nil, attempt: Int? = nil, point: Point, kind: Kind, probability: Double = 1) {
    self.invocation = invocation
    self.attempt = attempt
    self.point = point
    self.kind = kind
    self.probability = probability
  }
}

/// Invoke requests Lambda rejects before the function runs: `TooManyRequestsException` (429) or a
/// service error (5xx). The function never executes.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html
public struct Throttle: Sendable {
  /// The invocation it hits; nil hits every invocation.
  public var invocation: String?
  /// How many deliveries (async) or requests (sync) in a row are rejected, from the first.
  public var count: Int
  /// 429 (`TooManyRequestsException`) or a 5xx (`ServiceException`).
  public var statusCode: Int

  public init(invocation: String? = nil, count: Int, statusCode: Int = 429) {
    self.invocation = invocation
    self.count = count
    self.statusCode = statusCode
  }

  /// The error a rejected Invoke reports: `TooManyRequestsException` for 429, else `ServiceException`.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html
  public static func errorType(forStatus statusCode: Int) -> String {
    statusCode == 429 ? "TooManyRequestsException" : "ServiceException"
  }

  /// The message that goes with `errorType(forStatus:)`.
  public static func errorMessage(forStatus statusCode: Int) -> String {
    statusCode == 429 ? "Rate Exceeded." : "Lambda was unable to run the function (HTTP \(statusCode))."
  }
}

/// The async queue delivering an event a second time without any error, or an event source
/// mapping's poller delivering a record again ("at least once").
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html and
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
public struct DuplicateDelivery: Sendable {
  /// The Event invocation, or in an event source scenario the record.
  public var invocation: String
  /// How long after the first delivery (of the event, or of the record) the duplicate arrives.
  public var after: Milliseconds

  public init(invocation: String, after: Milliseconds) {
    self.invocation = invocation
    self.after = after
  }
}
