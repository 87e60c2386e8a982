/// The Lambda function's settings, under AWS's own names.
public struct FunctionConfiguration: Sendable {
  public var functionName: String
  /// `Timeout`, 1-900 s, default 3 s.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-function-common.html
  public var timeout: Milliseconds
  /// `ReservedConcurrentExecutions`: nil is unreserved. 0 throttles every invoke: async events go
  /// straight to the DLQ or on-failure destination without retries.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
  public var reservedConcurrency: Int?
  public var eventInvokeConfig: EventInvokeConfig
  /// `DeadLetterConfig.TargetArn`: an SQS queue or SNS topic for failed async events.
  public var deadLetterQueue: String?
  /// How the async queue behaves where AWS documents no number: our documented choices.
  public var asyncQueue: AsyncQueueModel
  /// How long each kind of step takes when the step does not say.
  public var latencies: StepLatencies

  public init(
    functionName: String = "my-function", timeout: Milliseconds = 3_000, reservedConcurrency: Int? = nil,
    eventInvokeConfig: EventInvokeConfig = .init(), deadLetterQueue: String? = nil,
    asyncQueue: AsyncQueueModel = .init(), latencies: StepLatencies = .init()
  ) {
    self.functionName = functionName
    self.timeout = timeout
    self.reservedConcurrency = reservedConcurrency
    self.eventInvokeConfig = eventInvokeConfig
    self.deadLetterQueue = deadLetterQueue
    self.asyncQueue = asyncQueue
    self.latencies = latencies
  }

  /// The AWS range of `Timeout`, in seconds.
  public static let timeoutRangeSeconds = 1...900
}

/// `PutFunctionEventInvokeConfig`: how Lambda retries and routes async events.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_PutFunctionEventInvokeConfig.html
public struct EventInvokeConfig: Sendable {
  /// Retries after a function error or timeout: 0-2, default 2. Throttles and system errors are
  /// not counted against it.
  public var maximumRetryAttempts: Int
  /// How long an event may stay in the queue: 60-21600 s, default 21600 (6 h).
  public var maximumEventAgeInSeconds: Int
  /// `DestinationConfig.OnFailure`: receives the invocation record of a failed event.
  public var onFailure: Destination?
  /// `DestinationConfig.OnSuccess`: receives the invocation record of a successful event.
  public var onSuccess: Destination?

  public init(
    maximumRetryAttempts: Int = 2, maximumEventAgeInSeconds: Int = 21_600, onFailure: Destination? = nil,
    onSuccess: Destination? = nil
  ) {
    self.maximumRetryAttempts = maximumRetryAttempts
    self.maximumEventAgeInSeconds = maximumEventAgeInSeconds
    self.onFailure = onFailure
    self.onSuccess = onSuccess
  }

  public static let maximumRetryAttemptsRange = 0...2
  public static let maximumEventAgeInSecondsRange = 60...21_600
}

/// An async invocation destination (`DestinationConfig.OnFailure` / `OnSuccess`).
public struct Destination: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    case sqs, sns, lambda, eventbridge, s3
  }
  public var kind: Kind
  /// The target's ARN or a readable name.
  public var target: String

  public init(kind: Kind, target: String) {
    self.kind = kind
    self.target = target
  }
}

/// The async queue's behaviour where AWS gives approximate or no numbers. Every default here is a
/// documented choice (docs/DECISIONS.md), configurable per scenario under `asyncQueue`.
public struct AsyncQueueModel: Sendable {
  /// From the 202 to the first delivery. Measured: 364 ms (COSMO-RETRY in lambda-semantics.md).
  public var deliveryDelay: DelayRange
  /// The wait before retry 1, 2, ... after a function error. AWS: "a one-minute wait between the
  /// first two attempts, and two minutes between the second and third"; measured +65 s and +126-130 s.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
  public var retryDelays: [DelayRange]
  /// Whether a retry wait counts from the end or the start of the failed attempt (UNCONFIRMED).
  public var retryDelayFrom: RetryDelayAnchor
  /// Throttles (429) and system errors (5xx): "The retry interval increases exponentially from 1
  /// second after the first attempt to a maximum of 5 minutes."
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
  public var throttleBackoffInitial: Milliseconds
  public var throttleBackoffMaximum: Milliseconds
  /// Probability that the eventually consistent queue delivers an event a second time without any
  /// error. Default 0. Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
  public var duplicateDeliveryProbability: Double
  /// How long after the first delivery a spontaneous duplicate arrives.
  public var duplicateDeliveryDelay: DelayRange
  /// Whether a duplicate delivery carries the original request id (UNCONFIRMED; default: same).
  public var duplicateRequestId: RequestIdPolicy
  /// The DLQ message's `ErrorCode` attribute ("The HTTP status code") after function errors.
  /// UNCONFIRMED: function errors return 200, so we default to 200. Throttled events use 429.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
  public var deadLetterErrorCode: Int

  public init(
    deliveryDelay: DelayRange = DelayRange(250, 450),
    retryDelays: [DelayRange] = [DelayRange(60_000, 70_000), DelayRange(120_000, 135_000)],
    retryDelayFrom: RetryDelayAnchor = .attemptEnd, throttleBackoffInitial: Milliseconds = 1_000,
    throttleBackoffMaximum: Milliseconds = 300_000, duplicateDeliveryProbability: Double = 0,
    duplicateDeliveryDelay: DelayRange = DelayRange(200, 2_000), duplicateRequestId: RequestIdPolicy = .same,
    deadLetterErrorCode: Int = 200
  ) {
    self.deliveryDelay = deliveryDelay
    self.retryDelays = retryDelays
    self.retryDelayFrom = retryDelayFrom
    self.throttleBackoffInitial = throttleBackoffInitial
    self.throttleBackoffMaximum = throttleBackoffMaximum
    self.duplicateDeliveryProbability = duplicateDeliveryProbability
    self.duplicateDeliveryDelay = duplicateDeliveryDelay
    self.duplicateRequestId = duplicateRequestId
    self.deadLetterErrorCode = deadLetterErrorCode
  }
}

public enum RetryDelayAnchor: String, Sendable, Hashable, CaseIterable {
  case attemptEnd, attemptStart
}

public enum RequestIdPolicy: String, Sendable, Hashable, CaseIterable {
  case same, new
}

/// Default durations of handler steps (a step may set its own `duration`).
public struct StepLatencies: Sendable {
  public var dynamodb: Milliseconds
  public var http: Milliseconds
  public var compute: Milliseconds
  /// Runtime start-up before the first step of every attempt (not a cold start model).
  public var invokeOverhead: Milliseconds

  public init(dynamodb: Milliseconds = 12, http: Milliseconds = 120, compute: Milliseconds = 1, invokeOverhead: Milliseconds = 2) {
    self.dynamodb = dynamodb
    self.http = http
    self.compute = compute
    self.invokeOverhead = invokeOverhead
  }
}
