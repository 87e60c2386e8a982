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
  case awsCli = "aws-cli"
  case jsV3 = "js-v3"
  case apiGateway = "api-gateway"
  case none
}

/// How long a client waits before its next attempt.
public enum ClientBackoff: String, Sendable, Hashable, CaseIterable {
  /// botocore legacy: `rand x 2^(attempt-1)` seconds, rand in [0, 1).
  case legacy
  /// botocore standard: `min(rand x 2^(attempt-1), 20)` seconds.
  case standard
  /// JS SDK v3: `min(rand x 2^(attempt-1) x 100 ms, 20 s)`.
  case jsV3 = "js-v3"
  /// Retries at once.
  case none

  /// The wait after failed attempt `attempt` (1-based), drawn from `rng`.
  public func delay(afterAttempt attempt: Int, using rng: inout SplitMix64) -> Milliseconds {
    let exponent = min(max(attempt - 1, 0), 20)
    switch self {
    case .legacy: return Int(rng.unit() * Double(1_000 << exponent))
    case .standard: return Int(rng.unit() * Double(min(1_000 << exponent, 20_000)))
    case .jsV3: return Int(rng.unit() * Double(min(100 << exponent, 20_000)))
    case .none: return 0
    }
  }
}
