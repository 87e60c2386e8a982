import RetryCore
import Testing

@testable import RetryIO

/// The rules AWS applies when it creates an SQS event source mapping (issue 14 items 1 and 2):
/// the queue must hide a message at least as long as the function may run (an error, as
/// `CreateEventSourceMapping` answers), less than 6 times that plus the batching window is a
/// warning, and `scalingConfig.maximumConcurrency` takes 2-1000 on SQS only.
@Suite struct ScenarioLoaderSQSMappingRulesTests {
  /// A function with `timeout` seconds (line 3) and an SQS mapping (`type` on line 6) whose
  /// queue hides messages for `visibility` (line 7), then `more` mapping lines; `reserved` adds a
  /// line 4 and moves the rest one down.
  static func yaml(timeout: Int, visibility: String?, more: [String] = [], reserved: Int? = nil) -> String {
    var lines = ["name: t", "function:", "  timeout: \(timeout)"]
    if let reserved { lines.append("  reservedConcurrency: \(reserved)") }
    lines += ["handler: [{return: 1}]", "eventSource:", "  type: sqs"]
    if let visibility { lines.append("  queue: {visibilityTimeout: \(visibility)}") }
    return (lines + more.map { "  " + $0 } + ["records: [{id: m1}]"]).joined(separator: "\n")
  }

  // MARK: Visibility timeout and function timeout

  /// "Your function's timeout must be less than or equal to the queue's visibility timeout.
  /// Lambda validates this requirement when you create or update an event source mapping and will
  /// return an error if the function timeout exceeds the queue's visibility timeout."
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  @Test func aVisibilityTimeoutEqualToTheFunctionTimeoutIsAccepted() throws {
    let scenario = try loadScenario(Self.yaml(timeout: 60, visibility: "60s"))
    #expect(scenario.eventSource?.queue.visibilityTimeout == 60_000)
  }

  /// AWS's wording, as `CreateEventSourceMapping` answers it (HTTP 400), e.g.
  /// https://github.com/winglang/wing/issues/1507.
  @Test func oneSecondLessIsRefusedInAWSsWords() {
    #expect(
      loadError(Self.yaml(timeout: 60, visibility: "59s"))
        == "test.yaml:7:30: visibilityTimeout: InvalidParameterValueException: Queue visibility timeout: 59 seconds is less than "
        + "Function timeout: 60 seconds (AWS refuses this mapping; hide messages at least as long as the function may run)")
  }

  /// The queue's default 30 s against a 31 s function: the error is where the mapping is made.
  @Test func theDefaultVisibilityTimeoutIsCheckedToo() {
    #expect(
      loadError(Self.yaml(timeout: 31, visibility: nil))
        == "test.yaml:6:9: visibilityTimeout: InvalidParameterValueException: Queue visibility timeout: 30 seconds is less than "
        + "Function timeout: 31 seconds (AWS refuses this mapping; hide messages at least as long as the function may run)")
    #expect(loadError(Self.yaml(timeout: 30, visibility: nil)) == nil)
  }

  /// Streams have no visibility timeout: a long function is fine.
  @Test func streamsHaveNoVisibilityRule() throws {
    let yaml = "name: t\nfunction: {timeout: 900}\nhandler: [{return: 1}]\neventSource: {type: kinesis}\nrecords: [{id: r1, partitionKey: a}]"
    #expect(try loadScenario(yaml).warnings.isEmpty)
  }

  // MARK: AWS's recommendation: 6 x the timeout + the batching window

  /// "set the source queue's visibility timeout to at least six times the configuration timeout
  /// on your function" (plus `MaximumBatchingWindowInSeconds`): below it, a warning, not an error.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  @Test func belowSixTimesTheTimeoutIsAWarning() throws {
    let scenario = try loadScenario(Self.yaml(timeout: 10, visibility: "59s"))
    #expect(scenario.warnings.map(\.description) == [
      "test.yaml:7:30: warning: visibilityTimeout: 59s is less than AWS's recommended 6 x the function timeout 10s = 1m00s: "
        + "a throttled batch has less time to be retried before its messages show again"
    ])
    #expect(try loadScenario(Self.yaml(timeout: 10, visibility: "60s")).warnings.isEmpty)
  }

  @Test func theBatchingWindowCountsInTheRecommendation() throws {
    let window = ["maximumBatchingWindowInSeconds: 5"]
    #expect(try loadScenario(Self.yaml(timeout: 10, visibility: "65s", more: window)).warnings.isEmpty)
    let scenario = try loadScenario(Self.yaml(timeout: 10, visibility: "64s", more: window))
    #expect(scenario.warnings.map(\.description) == [
      "test.yaml:7:30: warning: visibilityTimeout: 1m04s is less than AWS's recommended 6 x the function timeout 10s "
        + "+ the batching window 5s = 1m05s: a throttled batch has less time to be retried before its messages show again"
    ])
  }

  // MARK: scalingConfig.maximumConcurrency

  /// "Valid Range: Minimum value of 2. Maximum value of 1000." (Amazon SQS only)
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html
  @Test func maximumConcurrencyRange() throws {
    func config(_ value: String) -> String { Self.yaml(timeout: 3, visibility: nil, more: ["scalingConfig: {maximumConcurrency: \(value)}"]) }
    #expect(try loadScenario(config("2")).eventSource?.maximumConcurrency == 2)
    #expect(try loadScenario(config("1000")).eventSource?.maximumConcurrency == 1_000)
    #expect(loadError(config("1")) == "test.yaml:7:39: maximumConcurrency: 1 is outside AWS's range 2-1000")
    #expect(loadError(config("1001")) == "test.yaml:7:39: maximumConcurrency: 1001 is outside AWS's range 2-1000")
    #expect(try loadScenario(Self.yaml(timeout: 3, visibility: nil)).eventSource?.maximumConcurrency == nil)
  }

  @Test func scalingConfigIsForSQSOnly() {
    let kinesis = "name: t\nhandler: [{return: 1}]\neventSource:\n  type: kinesis\n  scalingConfig: {maximumConcurrency: 2}\nrecords: [{id: r1, partitionKey: a}]"
    #expect(loadError(kinesis) == "test.yaml:5:3: scalingConfig: applies to sqs event sources only, not kinesis")
    #expect(
      loadError(Self.yaml(timeout: 3, visibility: nil, more: ["scalingConfig: {maximumConcurency: 2}"]))
        == "test.yaml:7:19: unknown key 'maximumConcurency' in eventSource.scalingConfig; did you mean 'maximumConcurrency'?")
  }

  /// "Don't set the maximum concurrency higher than the function's reserved concurrency, as this
  /// might cause throttling." Source: https://repost.aws/knowledge-center/lambda-sqs-scaling
  @Test func aMaximumConcurrencyAboveTheReservedConcurrencyIsAWarning() throws {
    let above = try loadScenario(Self.yaml(timeout: 3, visibility: nil, more: ["scalingConfig: {maximumConcurrency: 5}"], reserved: 4))
    #expect(above.warnings.map(\.description) == [
      "test.yaml:8:39: warning: maximumConcurrency: 5 is more than the function's reservedConcurrency 4: the mapping's batches "
        + "beyond 4 are throttled (AWS advises a maximum concurrency of at most the reserved concurrency)"
    ])
    let equal = try loadScenario(Self.yaml(timeout: 3, visibility: nil, more: ["scalingConfig: {maximumConcurrency: 4}"], reserved: 4))
    #expect(equal.warnings.isEmpty)
  }

  /// Injected throttles still name invocations; the mapping's come from reserved concurrency.
  @Test func throttlesSayWhereAMappingsThrottlesComeFrom() {
    #expect(
      loadError(Self.yaml(timeout: 3, visibility: nil) + "\nthrottles: [{count: 1}]")
        == "test.yaml:8:1: throttles: applies to invocations and schedules only; an eventSource mapping is throttled by function.reservedConcurrency")
  }

  /// The built-in scenario about this rule keeps to it, and says what AWS advises.
  @Test func theBuiltinVisibilityScenarioLoadsWithItsWarning() throws {
    let scenario = try BuiltinScenarios.load(named: "sqs-visibility-duplicate")
    #expect(scenario.eventSource?.queue.visibilityTimeout == scenario.function.timeout)
    #expect(scenario.warnings.map(\.description) == [
      "builtin:sqs-visibility-duplicate.yaml:15:24: warning: visibilityTimeout: 1m00s is less than AWS's recommended 6 x the function "
        + "timeout 1m00s = 6m00s: a throttled batch has less time to be retried before its messages show again"
    ])
  }
}
