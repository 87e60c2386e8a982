import Testing
@testable import RetryCore

/// RequestResponse: Lambda never retries; the client's SDK does, as new requests.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
@Suite struct SynchronousInvocationTests {
  @Test func functionErrorIsNotRetriedAndReturns200WithFunctionError() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, faults: [Build.alwaysFail])).run()
    #expect(trace.executions.count == 1)
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .response)
    #expect(outcome.statusCode == 200)
    #expect(outcome.functionError == "Unhandled")
    #expect(outcome.payload == ["errorType": "Error", "errorMessage": "boom"])
    #expect(trace.waits.isEmpty)
  }

  @Test func successReturnsTheHandlersResponse() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse)).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .response && outcome.statusCode == 200 && outcome.functionError == nil)
    #expect(outcome.payload == ["ok": true])
    #expect(trace.executions.first?.caller == .client)
  }

  @Test func throttleMeansTheFunctionNeverRanAndTheClientRetries() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse) {
      $0.throttles = [Throttle(invocation: "A", count: 1)]
    }).run()
    #expect(trace.attempts.map(\.outcome) == [.throttled, .success])
    #expect(trace.attempts[0].errorType == "TooManyRequestsException")
    #expect(trace.waits(.clientBackoff).count == 1)
    // Two Invoke requests, two request ids.
    #expect(trace.attempts[0].requestId != trace.attempts[1].requestId)
    // The throttled request wrote nothing; the second wrote once.
    #expect(trace.effects.filter { $0.kind == .insert }.count == 1)
    #expect(trace.outcomes.first?.statusCode == 200)
  }

  @Test func serviceErrorIsRetriedLikeAThrottle() {
    let trace = Simulator(scenario: Build.scenario(.requestResponse) {
      $0.throttles = [Throttle(invocation: "A", count: 1, statusCode: 503)]
    }).run()
    #expect(trace.attempts.map(\.outcome) == [.throttled, .success])
    #expect(trace.attempts[0].errorType == "ServiceException")
  }

  @Test(arguments: [
    (ClientPreset.boto3Legacy, 5), (.boto3Standard, 3), (.boto3Current, 3), (.awsCli, 3), (.jsV3, 3), (.jsV2, 4),
    (.apiGateway, 1), (.none, 1),
  ])
  func presetMaxAttemptsOnThrottles(preset: ClientPreset, attempts: Int) throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse) {
      $0.client = .preset(preset)
      $0.throttles = [Throttle(invocation: "A", count: 100)]
    }).run()
    #expect(trace.attempts.count == attempts)
    #expect(trace.executions.isEmpty)
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .clientError)
    // API Gateway's caller reads a 500, not Lambda's 429 (issue 14; see the test below).
    #expect(outcome.reason == (preset == .apiGateway ? "Internal server error" : "TooManyRequestsException"))
    #expect(outcome.statusCode == (preset == .apiGateway ? 500 : 429))
  }

  @Test func presetsMatchTheDocumentedNumbers() {
    #expect(ClientConfiguration.preset(.boto3Legacy).readTimeout == 60_000)
    #expect(ClientConfiguration.preset(.boto3Standard).readTimeout == 60_000)
    #expect(ClientConfiguration.preset(.awsCli).readTimeout == 60_000)
    #expect(ClientConfiguration.preset(.jsV3).readTimeout == nil)
    #expect(ClientConfiguration.preset(.apiGateway).readTimeout == 29_000)
    #expect(ClientConfiguration.preset(.none).readTimeout == nil)
    #expect(ClientConfiguration.preset(.boto3Current) == ClientConfiguration(preset: .boto3Current, maxAttempts: 3, readTimeout: 60_000, backoff: .standard2026))
    #expect(ClientConfiguration.preset(.jsV2) == ClientConfiguration(preset: .jsV2, maxAttempts: 4, readTimeout: 120_000, backoff: .jsV2))
  }

  /// A throttled request waits longer under the SDKs that tell throttles apart: the 2026
  /// standard mode draws from 1 s, not 50 ms; JS v3 from 500 ms, not 100 ms.
  @Test func throttlesBackOffFromTheThrottleBase() throws {
    for (preset, base) in [(ClientPreset.boto3Current, 1_000), (.jsV3, 500)] {
      var throttledWaits: [Milliseconds] = []
      var timeoutWaits: [Milliseconds] = []
      for seed in 1...40 {
        let throttled = Simulator(scenario: Build.scenario(.requestResponse) {
          $0.client = .preset(preset)
          $0.throttles = [Throttle(invocation: "A", count: 1)]
        }, seed: UInt64(seed)).run()
        throttledWaits += throttled.waits(.clientBackoff).map(\.length)
        let failed = Simulator(scenario: Build.scenario(.requestResponse) {
          $0.client = .preset(preset)
          $0.throttles = [Throttle(invocation: "A", count: 1, statusCode: 503)]
        }, seed: UInt64(seed)).run()
        timeoutWaits += failed.waits(.clientBackoff).map(\.length)
      }
      #expect(throttledWaits.count == 40 && timeoutWaits.count == 40)
      #expect(throttledWaits.allSatisfy { $0 <= base })
      #expect(throttledWaits.max()! > base / 2)
      #expect(timeoutWaits.allSatisfy { $0 <= (preset == .jsV3 ? 100 : 50) })
    }
  }

  /// A read timeout starts a new request while the first execution keeps running.
  @Test func readTimeoutStartsAnOverlappingExecutionWithANewRequestId() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [Build.work(70_000)] + Build.writeThenReturn) {
      $0.function.timeout = 120_000
      $0.client = .preset(.boto3Standard)
    }).run()
    let executions = trace.executions
    #expect(executions.count == 3)
    #expect(Set(executions.map(\.requestId)).count == 3)
    // The second starts after the first's 60 s read timeout, before the first ends (at ~70 s).
    #expect(executions[1].start >= 60_000)
    #expect(executions[1].start < executions[0].end)
    #expect(executions.allSatisfy { $0.outcome == .success })
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .clientError)
    #expect(outcome.reason == "ReadTimeoutError")
    #expect(trace.events.filter { $0.kind == .clientTimeout }.count == 3)
    // Every execution wrote: the first write is new, the others find the same item unchanged.
    #expect(trace.effects.filter { $0.kind == .insert }.count == 1)
    #expect(trace.effects.filter { $0.kind == .unchanged }.count == 2)
  }

  @Test func aResponseBeforeTheReadTimeoutEndsTheCall() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [Build.work(59_000)] + Build.writeThenReturn) {
      $0.function.timeout = 120_000
    }).run()
    #expect(trace.executions.count == 1)
    #expect(trace.outcomes.first?.kind == .response)
  }

  @Test func jsV3HasNoReadTimeoutSoASlowFunctionRunsOnce() {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [Build.work(300_000)] + Build.writeThenReturn) {
      $0.function.timeout = 900_000
      $0.client = .preset(.jsV3)
    }).run()
    #expect(trace.executions.count == 1)
    #expect(trace.outcomes.first?.kind == .response)
  }

  @Test func apiGatewayAnswers504AfterTwentyNineSecondsWhileLambdaRunsOn() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [Build.work(40_000)] + Build.writeThenReturn) {
      $0.function.timeout = 60_000
      $0.client = .preset(.apiGateway)
    }).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .clientError && outcome.statusCode == 504 && outcome.time == 29_000)
    #expect(trace.executions.count == 1)
    #expect(trace.executions[0].outcome == .success)
    #expect(trace.executions[0].end > 29_000)
    #expect(trace.effects.contains { $0.kind == .insert && $0.time > 29_000 })
  }

  @Test func apiGatewayTurnsAFunctionErrorInto502() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, faults: [Build.alwaysFail]) {
      $0.client = .preset(.apiGateway)
    }).run()
    #expect(trace.outcomes.first?.statusCode == 502)
    #expect(trace.outcomes.first?.functionError == "Unhandled")
  }

  /// Lambda's 429 (or 5xx) reaches API Gateway's caller as a 500, once: API Gateway never retries.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
  @Test(arguments: [429, 503])
  func apiGatewayTurnsALambdaRejectionInto500(status: Int) throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse) {
      $0.throttles = [Throttle(invocation: "A", count: 1, statusCode: status)]
      $0.client = .preset(.apiGateway)
    }).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .clientError)
    #expect(outcome.statusCode == 500)
    #expect(outcome.reason == "Internal server error")
    #expect(trace.executions.isEmpty)
    #expect(trace.attempts.map(\.outcome) == [.throttled])
    let event = try #require(trace.events.first { $0.kind == .outcome })
    #expect(
      Narrator(trace: trace).caption(for: event)
        == "API Gateway answers its caller HTTP 500 \"Internal server error\": Lambda rejected the invoke (a throttle or a service error), and API Gateway relays it as a 500 and never retries.")
  }

  @Test func reservedConcurrencyThrottlesASecondConcurrentRequest() {
    var scenario = Build.scenario(.requestResponse, steps: [Build.work(5_000)] + Build.writeThenReturn) {
      $0.function.timeout = 10_000
      $0.function.reservedConcurrency = 1
      $0.client = .preset(.none)
    }
    scenario.invocations.append(InvocationDefinition(id: "B", type: .requestResponse, at: 1_000, payload: [:]))
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.attempts(of: "B").map(\.outcome) == [.throttled])
    #expect(trace.outcomes.first { $0.invocation == "B" }?.statusCode == 429)
  }

  /// Each SDK's backoff stays under its ceiling, and reaches above half of it (full jitter).
  /// Sources: botocore `_retry.json` and `retries/standard.py`; @smithy/util-retry constants
  /// (100 ms, 500 ms for throttles, 20 s); aws-sdk-js v2 `calculateRetryDelay`; the 2026 standard
  /// mode, https://docs.aws.amazon.com/general/latest/gr/api-retries.html (50 ms, 1 s, 20 s).
  @Test(arguments: ClientBackoff.allCases.flatMap { [($0, false), ($0, true)] })
  func clientBackoffStaysWithinItsCeiling(backoff: ClientBackoff, throttled: Bool) {
    var rng = SplitMix64(seed: 9)
    for attempt in 1...8 {
      let ceiling: Milliseconds
      switch backoff {
      case .legacy: ceiling = 1_000 << (attempt - 1)
      case .standard: ceiling = min(1_000 << (attempt - 1), 20_000)
      case .standard2026: ceiling = min((throttled ? 1_000 : 50) << (attempt - 1), 20_000)
      case .jsV3: ceiling = min((throttled ? 500 : 100) << (attempt - 1), 20_000)
      case .jsV2: ceiling = 100 << (attempt - 1)
      case .none: ceiling = 0
      }
      var highest = 0
      for _ in 0..<200 {
        let delay = backoff.delay(afterAttempt: attempt, throttled: throttled, using: &rng)
        #expect(delay >= 0 && delay <= ceiling)
        highest = max(highest, delay)
      }
      #expect(highest * 2 >= ceiling)
    }
    #expect(ClientBackoff.none.delay(afterAttempt: 3, using: &rng) == 0)
  }
}

extension SynchronousInvocationTests {
  /// Several `throttles` entries for one invocation are injected in order, each with its status.
  @Test func throttleEntriesAreInjectedInOrderWithTheirOwnStatus() {
    let trace = Simulator(scenario: Build.scenario(.requestResponse) {
      $0.client = .preset(.boto3Legacy)
      $0.throttles = [Throttle(invocation: "A", count: 2, statusCode: 503), Throttle(invocation: "A", count: 1)]
    }).run()
    #expect(trace.attempts.map(\.errorType) == ["ServiceException", "ServiceException", "TooManyRequestsException", nil])
    #expect(trace.attempts.last?.outcome == .success)
  }
}
