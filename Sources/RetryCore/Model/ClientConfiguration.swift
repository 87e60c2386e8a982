/// The caller of a RequestResponse invoke: its SDK's attempts, read timeout and backoff.
///
/// Lambda never retries a synchronous invoke; the client does, on throttles (429), service errors
/// (5xx) and its own read timeout. A read timeout does not stop the execution: the retry is a new
/// Invoke request (new request id) that runs beside the first.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html and
/// https://repost.aws/knowledge-center/lambda-function-retry-timeout-sdk
public struct ClientConfiguration: Sendable, Hashable {
  public var preset: ClientPreset
  /// Total attempts, the first included.
  public var maxAttempts: Int
  /// How long the client waits for a response; nil waits forever.
  public var readTimeout: Milliseconds?
  public var backoff: ClientBackoff

  public init(preset: ClientPreset, maxAttempts: Int, readTimeout: Milliseconds?, backoff: ClientBackoff) {
    self.preset = preset
    self.maxAttempts = maxAttempts
    self.readTimeout = readTimeout
    self.backoff = backoff
  }

  /// The documented defaults of each client.
  public static func preset(_ preset: ClientPreset) -> ClientConfiguration {
    switch preset {
    case .boto3Legacy:
      // botocore < 1.44.0: `_retry.json` "max_attempts": 5, backoff rand x 2^(n-1) s; read_timeout 60 s.
      // Source: https://docs.aws.amazon.com/boto3/latest/guide/retries.html
      ClientConfiguration(preset: preset, maxAttempts: 5, readTimeout: 60_000, backoff: .legacy)
    case .boto3Standard:
      // botocore >= 1.44.0 standard mode: DEFAULT_MAX_ATTEMPTS = 3, min(rand x 2^(n-1), 20) s.
      // Source: https://docs.aws.amazon.com/boto3/latest/guide/retries.html
      ClientConfiguration(preset: preset, maxAttempts: 3, readTimeout: 60_000, backoff: .standard)
    case .awsCli:
      // AWS CLI v2: standard mode, 3 attempts, --cli-read-timeout 60 s.
      // Source: https://github.com/aws/aws-cli/issues/2657
      ClientConfiguration(preset: preset, maxAttempts: 3, readTimeout: 60_000, backoff: .standard)
    case .jsV3:
      // JS SDK v3: 3 attempts; requestTimeout 0 = no timeout, so a slow function is not re-invoked.
      // Source: https://repost.aws/knowledge-center/lambda-function-retry-timeout-sdk
      ClientConfiguration(preset: preset, maxAttempts: 3, readTimeout: nil, backoff: .jsV3)
    case .boto3Current:
      // botocore >= 1.44.0 with the updated standard mode (AWS_NEW_RETRIES_2026, the default from
      // November 2026): 3 attempts, 50 ms base for transient errors, 1 s for throttles.
      // Source: https://docs.aws.amazon.com/general/latest/gr/api-retries.html and
      // https://github.com/aws/aws-cli/pull/10342
      ClientConfiguration(preset: preset, maxAttempts: 3, readTimeout: 60_000, backoff: .standard2026)
    case .jsV2:
      // JS SDK v2: maxRetries 3 (4 attempts), socket timeout 120 s ("Defaults to two minutes"),
      // retried like any transient error; backoff rand x 2^retryCount x 100 ms, uncapped.
      // Source: https://repost.aws/knowledge-center/lambda-function-retry-timeout-sdk and
      // aws-sdk-js lib/util.js `calculateRetryDelay`
      ClientConfiguration(preset: preset, maxAttempts: 4, readTimeout: 120_000, backoff: .jsV2)
    case .apiGateway:
      // API Gateway: integration timeout 29 s, never retries; 504 to the caller while Lambda runs on.
      // Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
      ClientConfiguration(preset: preset, maxAttempts: 1, readTimeout: 29_000, backoff: .none)
    case .none:
      ClientConfiguration(preset: preset, maxAttempts: 1, readTimeout: nil, backoff: .none)
    }
  }
}

/// The clients the talk's audience uses, by the name the scenario file gives them.
public enum ClientPreset: String, Sendable, Hashable, CaseIterable {
  case boto3Legacy = "boto3-legacy"
  case boto3Standard = "boto3-standard"
  /// boto3/botocore with the updated (2026) standard retry mode.
  case boto3Current = "boto3-2026"
  case awsCli = "aws-cli"
  case jsV3 = "js-v3"
  case jsV2 = "js-v2"
  case apiGateway = "api-gateway"
  case none
}

/// How long a client waits before its next attempt. Some SDKs wait longer after a throttle
/// (429 `TooManyRequestsException`) than after a transient error (5xx, a read timeout).
public enum ClientBackoff: String, Sendable, Hashable, CaseIterable {
  /// botocore legacy: `rand x 2^(attempt-1)` seconds, rand in [0, 1), for every error.
  case legacy
  /// botocore standard before 2026: `min(rand x 2^(attempt-1), 20)` seconds, for every error.
  case standard
  /// The updated standard mode (2026): `rand x min(base x 2^(attempt-1), 20 s)`, base 50 ms for
  /// transient errors and 1 s for throttles (the cap applies before the jitter).
  case standard2026 = "standard-2026"
  /// JS SDK v3 (@smithy/util-retry): `min(rand x 2^(attempt-1) x base, 20 s)`, base 100 ms
  /// (`DEFAULT_RETRY_DELAY_BASE`), 500 ms after a throttle (`THROTTLING_RETRY_DELAY_BASE`).
  case jsV3 = "js-v3"
  /// JS SDK v2: `rand x 2^(attempt-1) x 100 ms`, uncapped, for every error.
  case jsV2 = "js-v2"
  /// Retries at once.
  case none

  /// The wait after failed attempt `attempt` (1-based), drawn from `rng`; `throttled` when the
  /// attempt was refused with a 429.
  public func delay(afterAttempt attempt: Int, throttled: Bool = false, using rng: inout SplitMix64) -> Milliseconds {
    let exponent = min(max(attempt - 1, 0), 20)
    switch self {
    case .legacy: return Int(rng.unit() * Double(1_000 << exponent))
    case .standard: return Int(rng.unit() * Double(min(1_000 << exponent, 20_000)))
    case .standard2026: return Int(rng.unit() * Double(min((throttled ? 1_000 : 50) << exponent, 20_000)))
    case .jsV3: return Int(rng.unit() * Double(min((throttled ? 500 : 100) << exponent, 20_000)))
    case .jsV2: return Int(rng.unit() * Double(100 << exponent))
    case .none: return 0
    }
  }
}
