import Testing
@testable import RetryCore

/// Event invokes: Lambda's queue, its retries and where failed events go.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
@Suite struct AsynchronousInvocationTests {
  @Test func eventIsAcceptedWith202BeforeAnythingRuns() throws {
    let trace = Simulator(scenario: Build.scenario(.event)).run()
    let accepted = try #require(trace.events.first { $0.kind == .accepted })
    #expect(accepted.time == 0)
    #expect(accepted.note == "202")
    let first = try #require(trace.executions.first)
    // The first delivery comes after the queue delay (default 250-450 ms).
    #expect((250...450).contains(first.start))
    #expect(first.caller == .lambdaAsync)
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
  }

  @Test func functionErrorIsRetriedTwiceByDefaultWithTheSameRequestId() {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.deadLetterQueue = "dlq"
    }).run()
    #expect(trace.executions.count == 3)
    #expect(Set(trace.executions.map(\.requestId)).count == 1)
    #expect(trace.executions.map(\.outcome) == [.error, .error, .error])
    #expect(trace.outcomes.map(\.kind) == [.deadLetterQueue])
  }

  @Test(arguments: [0, 1, 2])
  func maximumRetryAttemptsBoundsTheExecutions(maximumRetryAttempts: Int) {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.eventInvokeConfig.maximumRetryAttempts = maximumRetryAttempts
    }).run()
    #expect(trace.executions.count == maximumRetryAttempts + 1)
    #expect(trace.waits(.retryDelay).count == maximumRetryAttempts)
    #expect(trace.outcomes.first?.attempts == maximumRetryAttempts + 1)
  }

  @Test func retriesWaitAboutOneThenAboutTwoMinutesFromTheEndOfTheFailedAttempt() {
    for seed in UInt64(1)...40 {
      let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]), seed: seed).run()
      let executions = trace.executions
      #expect(executions.count == 3)
      #expect((60_000...70_000).contains(executions[1].start - executions[0].end))
      #expect((120_000...135_000).contains(executions[2].start - executions[1].end))
    }
  }

  @Test func retryDelayCanBeMeasuredFromTheAttemptStart() {
    let trace = Simulator(scenario: Build.scenario(.event, steps: [Build.work(5_000)] + Build.writeThenReturn, faults: [Build.alwaysFail]) {
      $0.function.timeout = 10_000
      $0.function.asyncQueue.retryDelayFrom = .attemptStart
      $0.function.asyncQueue.retryDelays = [.exactly(60_000), .exactly(120_000)]
    }).run()
    let executions = trace.executions
    #expect(executions[1].start - executions[0].start == 60_000)
    #expect(executions[2].start - executions[1].start == 120_000)
  }

  @Test func aDifferentSeedChangesTheDelays() {
    let scenario = Build.scenario(.event, faults: [Build.alwaysFail])
    let first = Simulator(scenario: scenario, seed: 1).run().waits(.retryDelay).map(\.length)
    let again = Simulator(scenario: scenario, seed: 1).run().waits(.retryDelay).map(\.length)
    let other = Simulator(scenario: scenario, seed: 2).run().waits(.retryDelay).map(\.length)
    #expect(first == again)
    #expect(first != other)
  }

  @Test func aTimeoutCountsAsAFunctionErrorAndKeepsWhatWasDone() throws {
    let steps = Build.writeThenReturn.prefix(1) + [Build.work(10_000)] + Build.writeThenReturn.suffix(1)
    let trace = Simulator(scenario: Build.scenario(.event, steps: Array(steps))).run()
    #expect(trace.executions.map(\.outcome) == [.timeout, .timeout, .timeout])
    let first = try #require(trace.executions.first)
    // Default timeout 3 s: the attempt ends exactly 3 s after it started.
    #expect(first.duration == 3_000)
    #expect(first.errorType == "Sandbox.Timedout")
    #expect(first.errorMessage?.hasSuffix("Task timed out after 3.00 seconds") == true)
    // The write before the hang stays done.
    #expect(trace.effects.first?.kind == .insert)
    #expect(trace.effects.first?.attempt == 1)
  }

  @Test func throttlesBackOffExponentiallyWithoutUsingRetries() {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.throttles = [Throttle(invocation: "A", count: 5)]
    }).run()
    #expect(trace.attempts.map(\.outcome) == [.throttled, .throttled, .throttled, .throttled, .throttled, .success])
    let backoffs = trace.waits(.throttleBackoff).map(\.length)
    #expect(backoffs.count == 5)
    // Ceilings 1 s, 2 s, 4 s, 8 s, 16 s, each drawn between half the ceiling and the ceiling.
    for (index, length) in backoffs.enumerated() {
      let ceiling = 1_000 << index
      #expect((ceiling / 2...ceiling).contains(length))
    }
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
    #expect(trace.outcomes.first?.attempts == 1)
  }

  @Test func throttleBackoffIsCappedAtFiveMinutes() {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.throttles = [Throttle(invocation: "A", count: 14)]
    }).run()
    let backoffs = trace.waits(.throttleBackoff).map(\.length)
    #expect(backoffs.count == 14)
    #expect(backoffs.allSatisfy { $0 <= 300_000 })
    #expect(backoffs.suffix(4).allSatisfy { $0 >= 150_000 })
  }

  @Test(arguments: [60, 21_600])
  func maximumEventAgeExpiresAThrottledEvent(seconds: Int) throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.throttles = [Throttle(invocation: "A", count: 100_000)]
      $0.function.eventInvokeConfig.maximumEventAgeInSeconds = seconds
      $0.function.deadLetterQueue = "dlq"
    }).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .deadLetterQueue)
    #expect(outcome.reason == "EventAgeExceeded")
    #expect(trace.executions.isEmpty)
    // No delivery happens after the event's maximum age, and it expires when it reaches it
    // (issue 14: it used to expire when Lambda found the next backoff too late, 1.3 s into 60 s).
    let enqueued = try #require(trace.waits(.queued).first?.from)
    #expect(trace.attempts.allSatisfy { $0.start <= enqueued + seconds * 1_000 })
    #expect(outcome.time == enqueued + seconds * 1_000)
  }

  @Test func maximumEventAgeStopsRetriesOfFunctionErrors() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.eventInvokeConfig.maximumEventAgeInSeconds = 60
      $0.function.eventInvokeConfig.onFailure = Destination(kind: .sqs, target: "failures")
    }).run()
    // The first retry would come at least 60 s after the first attempt ended: older than 60 s.
    #expect(trace.executions.count == 1)
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .onFailure && outcome.reason == "EventAgeExceeded")
    // The event waits in the queue until it is 60 s old, then goes to the destination.
    let enqueued = try #require(trace.waits(.queued).first?.from)
    #expect(outcome.time == enqueued + 60_000)
    #expect(trace.executions[0].end < outcome.time)
  }

  @Test func deadLetterQueueGetsTheRawEventAndThreeAttributes() throws {
    let longMessage = String(repeating: "x", count: 2_000)
    let trace = Simulator(scenario: Build.scenario(.event, faults: [
      Fault(invocation: "A", point: .before("respond"), kind: .error(type: "Error", message: longMessage))
    ]) {
      $0.function.deadLetterQueue = "arn:aws:sqs:us-east-1:123456789012:dlq"
    }).run()
    let outcome = try #require(trace.outcomes(.deadLetterQueue).first)
    #expect(outcome.target == "arn:aws:sqs:us-east-1:123456789012:dlq")
    #expect(outcome.payload?["body"] == ["id": "order-1"])
    let attributes = try #require(outcome.payload?["messageAttributes"])
    #expect(attributes["RequestID"] == .string(trace.executions[0].requestId))
    #expect(attributes["ErrorCode"] == "200")
    #expect(attributes["ErrorMessage"] == .string(String(repeating: "x", count: 1_024)))
  }

  /// UNCONFIRMED by AWS, so configurable: the DLQ `ErrorCode` after function errors.
  @Test func deadLetterErrorCodeIsAConfigurableChoice() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.deadLetterQueue = "dlq"
      $0.function.asyncQueue.deadLetterErrorCode = 500
    }).run()
    let outcome = try #require(trace.outcomes(.deadLetterQueue).first)
    #expect(outcome.payload?["messageAttributes"]?["ErrorCode"] == "500")
    #expect(outcome.statusCode == 500)
    #expect(outcome.functionError == "Unhandled")
  }

  @Test func anExpiredThrottledEventIsNotAFunctionError() throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.throttles = [Throttle(invocation: "A", count: 1_000)]
      $0.function.eventInvokeConfig.maximumEventAgeInSeconds = 60
      $0.function.deadLetterQueue = "dlq"
    }).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.functionError == nil)
    #expect(outcome.payload?["messageAttributes"]?["ErrorCode"] == "429")
  }

  @Test func onFailureDestinationGetsTheInvocationRecord() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.eventInvokeConfig.onFailure = Destination(kind: .sqs, target: "failures")
    }).run()
    let outcome = try #require(trace.outcomes(.onFailure).first)
    let record = try #require(outcome.payload)
    #expect(record["version"] == "1.0")
    #expect(record["requestContext"]?["condition"] == "RetriesExhausted")
    #expect(record["requestContext"]?["approximateInvokeCount"] == 3)
    #expect(record["requestContext"]?["requestId"] == .string(trace.executions[0].requestId))
    #expect(record["requestPayload"] == ["id": "order-1"])
    #expect(record["responseContext"]?["functionError"] == "Unhandled")
    #expect(record["responsePayload"] == ["errorType": "Error", "errorMessage": "boom"])
  }

  @Test func bothDeadLetterQueueAndOnFailureReceiveTheFailedEvent() {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.deadLetterQueue = "dlq"
      $0.function.eventInvokeConfig.onFailure = Destination(kind: .sns, target: "topic")
    }).run()
    #expect(trace.outcomes.map(\.kind) == [.deadLetterQueue, .onFailure])
  }

  @Test func withoutDlqOrDestinationAFailedEventIsDropped() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: [Build.alwaysFail])).run()
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .dropped && outcome.reason == "RetriesExhausted")
    #expect(outcome.isFailure)
  }

  @Test func onSuccessDestinationGetsTheResponse() throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.function.eventInvokeConfig.onSuccess = Destination(kind: .eventbridge, target: "bus")
    }).run()
    #expect(trace.outcomes.map(\.kind) == [.succeeded, .onSuccess])
    #expect(trace.outcomes[1].payload?["responsePayload"] == ["ok": true])
    #expect(trace.outcomes[1].payload?["requestContext"]?["condition"] == "Success")
  }

  @Test func reservedConcurrencyZeroSendsEventsStraightToTheDlqWithoutRetries() throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.function.reservedConcurrency = 0
      $0.function.deadLetterQueue = "dlq"
    }).run()
    #expect(trace.attempts.isEmpty)
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .deadLetterQueue && outcome.time == 0 && outcome.attempts == 0)
    #expect(outcome.payload?["messageAttributes"]?["ErrorCode"] == "429")
  }

  @Test func reservedConcurrencyThrottlesAsyncDeliveriesUntilASlotIsFree() {
    var scenario = Build.scenario(.event, steps: [Build.work(2_000)] + Build.writeThenReturn) {
      $0.function.reservedConcurrency = 1
    }
    scenario.invocations.append(InvocationDefinition(id: "B", type: .event, at: 1_000, payload: ["id": "order-2"]))
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.attempts(of: "B").first?.outcome == .throttled)
    #expect(trace.attempts(of: "B").last?.outcome == .success)
    #expect(trace.attempts(of: "B").last!.start >= trace.attempts(of: "A").last!.end)
  }

  @Test func explicitDuplicateDeliveryRunsTheEventTwiceWithoutAnyError() {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.duplicateDeliveries = [DuplicateDelivery(invocation: "A", after: 1_000)]
    }).run()
    #expect(trace.executions.map(\.outcome) == [.success, .success])
    #expect(trace.executions.map(\.caller) == [.lambdaAsync, .duplicateDelivery])
    #expect(trace.executions[1].start - trace.executions[0].start == 1_000)
    // Default policy (UNCONFIRMED, documented): the duplicate keeps the request id.
    #expect(trace.executions[0].requestId == trace.executions[1].requestId)
    #expect(trace.events.contains { $0.kind == .duplicateDelivery })
    #expect(trace.outcomes.map(\.kind) == [.succeeded, .succeeded])
  }

  @Test func duplicateDeliveryCanCarryANewRequestId() {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.duplicateDeliveries = [DuplicateDelivery(invocation: "A", after: 1_000)]
      $0.function.asyncQueue.duplicateRequestId = .new
    }).run()
    #expect(trace.executions[0].requestId != trace.executions[1].requestId)
  }

  @Test(arguments: [(0.0, 1), (1.0, 2)])
  func duplicateDeliveryProbability(probability: Double, executions: Int) {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.function.asyncQueue.duplicateDeliveryProbability = probability
    }).run()
    #expect(trace.executions.count == executions)
  }

  @Test func twoFailingEventsInterleaveTheirRetries() {
    var scenario = Build.scenario(.event, faults: [
      Fault(attempt: 1, point: .before("respond"), kind: .error(type: "Error", message: "boom"))
    ])
    scenario.invocations.append(InvocationDefinition(id: "B", type: .event, at: 500, payload: ["id": "order-2"]))
    let trace = Simulator(scenario: scenario).run()
    #expect(trace.attempts(of: "A").count == 2)
    #expect(trace.attempts(of: "B").count == 2)
    #expect(trace.outcomes.map(\.kind) == [.succeeded, .succeeded])
  }
}

extension AsynchronousInvocationTests {
  @Test func throttleBackoffCeilingDoublesAndSaturates() {
    #expect((1...6).map { SimulationRun.backoffCeiling(after: $0, initial: 1_000, maximum: 300_000) }
      == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000])
    #expect(SimulationRun.backoffCeiling(after: 10, initial: 1_000, maximum: 300_000) == 300_000)
    #expect(SimulationRun.backoffCeiling(after: 1_000_000, initial: 1_000, maximum: 300_000) == 300_000)
    // A huge initial backoff saturates at the maximum instead of overflowing.
    #expect(SimulationRun.backoffCeiling(after: 64, initial: Milliseconds.max / 3, maximum: Milliseconds.max / 2) == Milliseconds.max / 2)
    #expect(SimulationRun.backoffCeiling(after: 1, initial: 10_000, maximum: 5_000) == 5_000)
  }
}

extension AsynchronousInvocationTests {
  /// An event rejected with a service error until it expires carries that error, not a throttle's.
  @Test func anExpiredEventCarriesTheServiceErrorThatRejectedIt() throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.throttles = [Throttle(invocation: "A", count: 1_000, statusCode: 503)]
      $0.function.eventInvokeConfig.maximumEventAgeInSeconds = 60
      $0.function.eventInvokeConfig.onFailure = Destination(kind: .sqs, target: "failures")
      $0.function.deadLetterQueue = "dlq"
    }).run()
    #expect(trace.attempts.allSatisfy { $0.errorType == "ServiceException" })
    let dlq = try #require(trace.outcomes(.deadLetterQueue).first)
    #expect(dlq.payload?["messageAttributes"]?["ErrorCode"] == "503")
    #expect(dlq.payload?["messageAttributes"]?["ErrorMessage"] == "Lambda was unable to run the function (HTTP 503).")
    let record = try #require(trace.outcomes(.onFailure).first?.payload)
    #expect(record["responsePayload"]?["errorType"] == "ServiceException")
  }
}
