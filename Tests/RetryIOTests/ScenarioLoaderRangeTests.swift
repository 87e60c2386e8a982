import RetryCore
import Testing

@testable import RetryIO

/// AWS's documented ranges, checked at both boundaries and one step outside each.
@Suite struct ScenarioLoaderRangeTests {
  /// A scenario whose `function:` holds one line.
  static func withFunction(_ line: String) -> String {
    """
    name: t
    function:
      \(line)
    invocations: [{id: A, type: Event}]
    handler: [{return: 1}]
    """
  }

  // Durations and the origin: what a trace may hold (docs/trace-format.md, "Bounds"), so that no
  // simulated time overflows (`at: 2562047788015h` had trapped the simulator) and every run's
  // trace reads back.

  static func invokedAt(_ at: String) -> String {
    "name: t\ninvocations: [{id: A, type: Event}, {id: B, type: Event, at: \(at)}]\nhandler: [{return: 1}]\n"
  }

  @Test func aDurationIsAtMostTenYears() throws {
    #expect(loadError(Self.invokedAt("2562047788015h")) == "test.yaml:2:62: at: '2562047788015h' is longer than 10 years (87660h), the most a duration may be")
    #expect(loadError(Self.invokedAt("87660h1ms")) == "test.yaml:2:62: at: '87660h1ms' is longer than 10 years (87660h), the most a duration may be")
    let scenario = try loadScenario(Self.invokedAt("87660h"))
    let trace = Simulator(scenario: scenario, seed: nil).run()
    #expect(trace.invocations[1].at == 315_576_000_000)
    // The run reads back as a trace.
    #expect(throws: Never.self) { try TraceJSONDecoder.decode(TraceJSON.encode(trace), file: "t.json") }
  }

  @Test func aScheduleFiresWithinTenYears() throws {
    let yaml = "name: t\nschedules: [{id: tick, expression: 'cron(0 0 1 1 ? *)', count: 11}]\nhandler: [{return: 1}]\n"
    #expect(loadError(yaml) == "test.yaml:2:64: count: 11 firings of 'cron(0 0 1 1 ? *)' last until 90135h00m after the start; a run lasts at most 10 years")
    let ten = try loadScenario(yaml.replacingOccurrences(of: "count: 11", with: "count: 10"))
    #expect(throws: Never.self) { try TraceJSONDecoder.decode(TraceJSON.encode(Simulator(scenario: ten, seed: nil).run()), file: "t.json") }
  }

  @Test func theOriginLeavesRoomForOneHundredYears() throws {
    let yaml = "name: t\norigin: 9900-01-01T00:00:00Z\ninvocations: [{id: A, type: Event}]\nhandler: [{return: 1}]\n"
    #expect(loadError(yaml) == "test.yaml:2:9: origin: '9900-01-01T00:00:00Z' is after 9899-12-31; a run's trace must fit in four-digit years")
    let last = try loadScenario(yaml.replacingOccurrences(of: "9900-01-01T00:00:00Z", with: "9899-12-31T23:59:59Z"))
    #expect(throws: Never.self) { try TraceJSONDecoder.decode(TraceJSON.encode(Simulator(scenario: last, seed: nil).run()), file: "t.json") }
  }

  // Timeout: 1-900 s. Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-function-common.html

  @Test func deadLetterErrorCodeIsAnHTTPStatus() throws {
    #expect(try loadScenario(Self.withFunction("asyncQueue: {deadLetterErrorCode: 599}")).function.asyncQueue.deadLetterErrorCode == 599)
    #expect(loadError(Self.withFunction("asyncQueue: {deadLetterErrorCode: 600}"))
      == "test.yaml:3:37: deadLetterErrorCode: 600 is outside the HTTP status range 100-599")
    #expect(try loadScenario(Self.withFunction("timeout: 3")).function.asyncQueue.deadLetterErrorCode == 200)
  }

  @Test func timeoutZeroIsBelowAWSRange() {
    #expect(loadError(Self.withFunction("timeout: 0")) == "test.yaml:3:12: timeout: 0 is outside AWS's range 1-900 seconds")
  }

  @Test func timeoutOneSecondIsTheMinimum() throws {
    #expect(try loadScenario(Self.withFunction("timeout: 1")).function.timeout == 1_000)
  }

  @Test func timeoutNineHundredSecondsIsTheMaximum() throws {
    #expect(try loadScenario(Self.withFunction("timeout: 900")).function.timeout == 900_000)
  }

  @Test func timeoutNineHundredAndOneIsAboveAWSRange() {
    #expect(loadError(Self.withFunction("timeout: 901")) == "test.yaml:3:12: timeout: 901 is outside AWS's range 1-900 seconds")
  }

  @Test func timeoutMustBeWholeSeconds() {
    #expect(loadError(Self.withFunction("timeout: abc")) == "test.yaml:3:12: timeout: expected a whole number of seconds, got 'abc'")
    #expect(loadError(Self.withFunction("timeout: 500ms")) == "test.yaml:3:12: timeout: expected a whole number of seconds, got '500ms'")
    #expect(loadError(Self.withFunction("timeout: 2.5")) == "test.yaml:3:12: timeout: expected a whole number of seconds, got '2.5'")
    #expect(loadError(Self.withFunction("timeout:")) == "test.yaml:3:11: timeout: expected a whole number of seconds, got nothing")
    #expect(loadError(Self.withFunction("timeout: [3]")) == "test.yaml:3:12: timeout: expected a whole number of seconds, got a list")
  }

  // MaximumRetryAttempts: 0-2. Source: https://docs.aws.amazon.com/lambda/latest/dg/API_PutFunctionEventInvokeConfig.html

  @Test func maximumRetryAttemptsMinusOneIsBelowAWSRange() {
    #expect(
      loadError(Self.withFunction("maximumRetryAttempts: -1"))
        == "test.yaml:3:25: maximumRetryAttempts: -1 is outside AWS's range 0-2")
  }

  @Test func maximumRetryAttemptsZeroIsTheMinimum() throws {
    #expect(try loadScenario(Self.withFunction("maximumRetryAttempts: 0")).function.eventInvokeConfig.maximumRetryAttempts == 0)
  }

  @Test func maximumRetryAttemptsTwoIsTheMaximum() throws {
    #expect(try loadScenario(Self.withFunction("maximumRetryAttempts: 2")).function.eventInvokeConfig.maximumRetryAttempts == 2)
  }

  @Test func maximumRetryAttemptsThreeIsAboveAWSRange() {
    #expect(
      loadError(Self.withFunction("maximumRetryAttempts: 3"))
        == "test.yaml:3:25: maximumRetryAttempts: 3 is outside AWS's range 0-2")
  }

  @Test func maximumRetryAttemptsMustBeAWholeNumber() {
    #expect(
      loadError(Self.withFunction("maximumRetryAttempts: two"))
        == "test.yaml:3:25: maximumRetryAttempts: expected a whole number, got 'two'")
  }

  // MaximumEventAgeInSeconds: 60-21600. Source: https://docs.aws.amazon.com/lambda/latest/dg/API_PutFunctionEventInvokeConfig.html

  @Test func maximumEventAgeFiftyNineIsBelowAWSRange() {
    #expect(
      loadError(Self.withFunction("maximumEventAgeInSeconds: 59"))
        == "test.yaml:3:29: maximumEventAgeInSeconds: 59 is outside AWS's range 60-21600 seconds")
  }

  @Test func maximumEventAgeSixtyIsTheMinimum() throws {
    #expect(try loadScenario(Self.withFunction("maximumEventAgeInSeconds: 60")).function.eventInvokeConfig.maximumEventAgeInSeconds == 60)
  }

  @Test func maximumEventAgeSixHoursIsTheMaximum() throws {
    #expect(
      try loadScenario(Self.withFunction("maximumEventAgeInSeconds: 21600")).function.eventInvokeConfig.maximumEventAgeInSeconds
        == 21_600)
  }

  @Test func maximumEventAgeAboveSixHoursIsAboveAWSRange() {
    #expect(
      loadError(Self.withFunction("maximumEventAgeInSeconds: 21601"))
        == "test.yaml:3:29: maximumEventAgeInSeconds: 21601 is outside AWS's range 60-21600 seconds")
  }

  // ReservedConcurrentExecutions: >= 0. Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html

  @Test func reservedConcurrencyMinusOneIsBelowAWSMinimum() {
    #expect(
      loadError(Self.withFunction("reservedConcurrency: -1")) == "test.yaml:3:24: reservedConcurrency: -1 is below AWS's minimum 0")
  }

  @Test func reservedConcurrencyZeroIsAllowed() throws {
    #expect(try loadScenario(Self.withFunction("reservedConcurrency: 0")).function.reservedConcurrency == 0)
  }

  // Probabilities: 0-1.

  @Test func probabilityBounds() throws {
    let queue = { (line: String) in Self.withFunction("asyncQueue: {duplicateDeliveryProbability: \(line)}") }
    #expect(try loadScenario(queue("0")).function.asyncQueue.duplicateDeliveryProbability == 0)
    #expect(try loadScenario(queue("1")).function.asyncQueue.duplicateDeliveryProbability == 1)
    #expect(loadError(queue("-0.1")) == "test.yaml:3:46: duplicateDeliveryProbability: -0.1 is outside the range 0-1")
    #expect(loadError(queue("1.5")) == "test.yaml:3:46: duplicateDeliveryProbability: 1.5 is outside the range 0-1")
    #expect(
      loadError(queue("often")) == "test.yaml:3:46: duplicateDeliveryProbability: expected a probability from 0 to 1, got 'often'")
  }

  @Test func faultProbabilityAboveOne() {
    let yaml = """
      name: t
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      faults:
        - {step: 1, probability: 2}
      """
    #expect(loadError(yaml) == "test.yaml:5:28: probability: 2 is outside the range 0-1")
  }

  @Test func failureProbabilityBelowZero() {
    let yaml = """
      name: t
      tables:
        - {name: users, partitionKey: id, writeFailures: {probability: -1}}
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:3:66: probability: -1 is outside the range 0-1")
  }

  // Other ranges.

  @Test func retryDelaysNeedOneRangePerRetry() {
    #expect(
      loadError(Self.withFunction("asyncQueue: {retryDelays: [60s]}"))
        == "test.yaml:3:29: retryDelays: 1 range for maximumRetryAttempts 2; give one range per retry")
    let yaml = """
      name: t
      function:
        maximumRetryAttempts: 1
        asyncQueue: {retryDelays: [60s]}
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == nil)
  }

  @Test func throttleBackoffMaximumBelowInitial() {
    #expect(
      loadError(Self.withFunction("asyncQueue: {throttleBackoff: {initial: 5s, maximum: 1s}}"))
        == "test.yaml:3:56: maximum: 1s is below initial 5s")
  }

  @Test func clientMaxAttemptsAtLeastOne() {
    let yaml = """
      name: t
      client: {preset: boto3-standard, maxAttempts: 0}
      invocations: [{id: A, type: RequestResponse}]
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:2:47: maxAttempts: 0 is below the minimum 1 (the first attempt counts)")
  }

  @Test func clientReadTimeoutZero() {
    let yaml = """
      name: t
      client: {readTimeout: 0s}
      invocations: [{id: A, type: RequestResponse}]
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:2:23: readTimeout: must be more than 0; write 'none' for no timeout")
  }

  @Test func throttleStatusCodes() throws {
    let yaml = { (code: String) in
      """
      name: t
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      throttles: [{statusCode: \(code)}]
      """
    }
    #expect(try loadScenario(yaml("429")).throttles[0].statusCode == 429)
    #expect(try loadScenario(yaml("500")).throttles[0].statusCode == 500)
    #expect(try loadScenario(yaml("599")).throttles[0].statusCode == 599)
    #expect(loadError(yaml("404")) == "test.yaml:4:26: statusCode: 404 is neither a throttle (429) nor a service error (500-599)")
    #expect(loadError(yaml("600")) == "test.yaml:4:26: statusCode: 600 is neither a throttle (429) nor a service error (500-599)")
  }

  @Test func functionNameFollowsAWSRules() {
    #expect(
      loadError(Self.withFunction("functionName: my function"))
        == "test.yaml:3:17: functionName: 'my function' must be 1-64 letters, digits, '-' or '_' (AWS)")
  }

  @Test func tableNameFollowsDynamoDBRules() {
    let yaml = """
      name: t
      tables: [{name: ab, partitionKey: id}]
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:2:17: name: 'ab' must be 3-255 letters, digits, '_', '-' or '.' (DynamoDB)")
  }

  @Test func onSuccessCannotBeS3() {
    #expect(
      loadError(Self.withFunction("onSuccess: {type: s3, target: bucket}"))
        == "test.yaml:3:21: type: 's3' is only supported for onFailure (AWS)")
  }
}
