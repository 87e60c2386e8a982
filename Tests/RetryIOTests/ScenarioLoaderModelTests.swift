import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// Every key of the format (except the expression languages, see ScenarioLoaderExpressionTests)
/// loads into exactly the model values it stands for.
@Suite struct ScenarioLoaderModelTests {
  static let full = """
    name: create-user
    title: Store data in a data store
    lesson: A retry inserts a second user with a new id.
    source: slide 23
    seed: 7
    function:
      functionName: create-user-fn
      timeout: 5
      reservedConcurrency: 10
      maximumRetryAttempts: 1
      maximumEventAgeInSeconds: 3600
      onFailure: {type: sqs, target: failed-events}
      onSuccess: {type: eventbridge, target: default}
      deadLetterQueue: arn:aws:sqs:eu-west-1:123456789012:dlq
      asyncQueue:
        deliveryDelay: 250ms-450ms
        retryDelays: [60s-70s, {min: 2m, max: 2m15s}]
        retryDelayFrom: attemptStart
        throttleBackoff: {initial: 2s, maximum: 5m}
        duplicateDeliveryProbability: 0.05
        duplicateDeliveryDelay: 200ms-2s
        duplicateRequestId: new
      latencies: {dynamodb: 15ms, http: 0.12, compute: 1ms, invokeOverhead: 3}
    client: {preset: boto3-legacy, maxAttempts: 2, readTimeout: 30s, backoff: standard}
    tables:
      - name: users
        partitionKey: id
        sortKey: created
        items:
          - {id: u123, created: 1, mail: x@example.com, tags: [a, b], active: true, score: 1.5, note: null, answer: yes}
          - {id: u124, created: 1, mail: "007"}
        writeFailures: {requests: [2, 3], probability: 0.1, error: ProvisionedThroughputExceededException, applied: true}
      - name: status
        partitionKey: user
    endpoints:
      - name: mailchimp
        url: https://mailch.imp/add
        latency: 150ms
        failures: {requests: [1], error: "HTTP 503", applied: false}
      - name: slack
        url: http://hooks.slack.test/x
    handler:
      - uuid: id
      - now:
        as: t
      - put:
          table: users
          item: {id: u1, created: 2, mail: m}
        name: insert-user
        as: result
        duration: 15ms
      - get: {table: status, key: {user: u1}}
        as: user
      - delete: {table: users, key: {id: u1, created: 2}}
      - post: {endpoint: mailchimp, body: {text: hello}, onError: continue}
      - post: {endpoint: slack}
      - compute: 70s
      - log: event time
      - throw: previous status not found (yet)
      - throw: {errorType: NotFound, message: gone}
      - if: failed
        then:
          - return: {ok: false}
        else:
          - compute:
            duration: 5ms
      - return: {b: 7, list: [1, two]}
    invocations:
      - id: A
        type: Event
        at: 0s
        payload: {mail: y}
        label: first status update
      - id: B
        type: RequestResponse
        at: 1m30s
        payload: [1, 2.5, "3", ~]
        client: js-v3
      - id: c_2
        type: RequestResponse
        client: {readTimeout: none}
    faults:
      - {invocation: A, attempt: 1, step: 2, kind: error, errorType: Boom, message: boom, probability: 0.1}
      - {after: insert-user, kind: timeout}
      - {invocation: B, before: insert-user, kind: crash}
      - {step: 14}
    throttles:
      - {invocation: A, count: 2, statusCode: 429}
      - {statusCode: 503}
    duplicateDeliveries:
      - {invocation: A, after: 1s}
    externalWrites:
      - {at: 30s, table: users, put: {id: u999, created: 5, mail: x}, actor: admin}
      - {table: status, delete: {user: u1}}
    """

  @Test func topLevelKeys() throws {
    let scenario = try loadScenario(Self.full)
    #expect(scenario.name == "create-user")
    #expect(scenario.title == "Store data in a data store")
    #expect(scenario.lesson == "A retry inserts a second user with a new id.")
    #expect(scenario.source == "slide 23")
    #expect(scenario.seed == 7)
    #expect(scenario.origin == Scenario.defaultOrigin)
  }

  @Test func function() throws {
    let function = try loadScenario(Self.full).function
    #expect(function.functionName == "create-user-fn")
    #expect(function.timeout == 5_000)
    #expect(function.reservedConcurrency == 10)
    #expect(function.eventInvokeConfig.maximumRetryAttempts == 1)
    #expect(function.eventInvokeConfig.maximumEventAgeInSeconds == 3_600)
    #expect(function.eventInvokeConfig.onFailure == Destination(kind: .sqs, target: "failed-events"))
    #expect(function.eventInvokeConfig.onSuccess == Destination(kind: .eventbridge, target: "default"))
    #expect(function.deadLetterQueue == "arn:aws:sqs:eu-west-1:123456789012:dlq")
    let queue = function.asyncQueue
    #expect(queue.deliveryDelay == DelayRange(250, 450))
    #expect(queue.retryDelays == [DelayRange(60_000, 70_000), DelayRange(120_000, 135_000)])
    #expect(queue.retryDelayFrom == .attemptStart)
    #expect(queue.throttleBackoffInitial == 2_000)
    #expect(queue.throttleBackoffMaximum == 300_000)
    #expect(queue.duplicateDeliveryProbability == 0.05)
    #expect(queue.duplicateDeliveryDelay == DelayRange(200, 2_000))
    #expect(queue.duplicateRequestId == .new)
    #expect(function.latencies.dynamodb == 15)
    #expect(function.latencies.http == 120)
    #expect(function.latencies.compute == 1)
    #expect(function.latencies.invokeOverhead == 3_000)
  }

  @Test func client() throws {
    let scenario = try loadScenario(Self.full)
    #expect(scenario.client == ClientConfiguration(preset: .boto3Legacy, maxAttempts: 2, readTimeout: 30_000, backoff: .standard))
  }

  @Test func tables() throws {
    let tables = try loadScenario(Self.full).tables
    #expect(tables.count == 2)
    let users = tables[0]
    #expect(users.name == "users")
    #expect(users.partitionKey == "id")
    #expect(users.sortKey == "created")
    #expect(users.items.count == 2)
    #expect(
      Value.map(users.items[0])
        == [
          "id": "u123", "created": 1, "mail": "x@example.com", "tags": ["a", "b"], "active": true, "score": 1.5, "note": nil,
          "answer": "yes",
        ])
    #expect(Array(users.items[0].keys) == ["id", "created", "mail", "tags", "active", "score", "note", "answer"])
    #expect(Value.map(users.items[1]) == ["id": "u124", "created": 1, "mail": "007"])
    #expect(users.writeFailures.requests == [2, 3])
    #expect(users.writeFailures.probability == 0.1)
    #expect(users.writeFailures.error == "ProvisionedThroughputExceededException")
    #expect(users.writeFailures.appliedBeforeFailing == true)
    let status = tables[1]
    #expect(status.name == "status")
    #expect(status.partitionKey == "user")
    #expect(status.sortKey == nil)
    #expect(status.items.isEmpty)
    #expect(status.writeFailures.isEmpty)
    #expect(status.writeFailures.error == "ProvisionedThroughputExceededException")
  }

  @Test func endpoints() throws {
    let endpoints = try loadScenario(Self.full).endpoints
    #expect(endpoints.count == 2)
    #expect(endpoints[0].name == "mailchimp")
    #expect(endpoints[0].url == "https://mailch.imp/add")
    #expect(endpoints[0].latency == 150)
    #expect(endpoints[0].failures.requests == [1])
    #expect(endpoints[0].failures.probability == 0)
    #expect(endpoints[0].failures.error == "HTTP 503")
    #expect(endpoints[0].failures.appliedBeforeFailing == false)
    #expect(endpoints[1].name == "slack")
    #expect(endpoints[1].url == "http://hooks.slack.test/x")
    #expect(endpoints[1].latency == nil)
    #expect(endpoints[1].failures.isEmpty)
    #expect(endpoints[1].failures.error == "HTTP 503")
  }

  @Test func handler() throws {
    let steps = try loadScenario(Self.full).handler.steps
    #expect(
      steps.map(render) == [
        "uuid as=id",
        "now as=t",
        #"put users item={"id":"u1","created":2,"mail":"m"} name=insert-user as=result duration=15"#,
        #"get status key={"user":"u1"} as=user"#,
        #"delete users key={"id":"u1","created":2}"#,
        #"post mailchimp body={"text":"hello"} onError=continue"#,
        "post slack body={} onError=throw",
        "compute duration=70000",
        #"log "event time""#,
        #"throw Error "previous status not found (yet)""#,
        #"throw NotFound "gone""#,
        #"if failed then [return {"ok":false}] else [compute duration=5]"#,
        #"return {"b":7,"list":[1,"two"]}"#,
      ])
    #expect(steps.map { $0.location?.description } == [
      "test.yaml:43:5", "test.yaml:44:5", "test.yaml:46:5", "test.yaml:52:5", "test.yaml:54:5", "test.yaml:55:5",
      "test.yaml:56:5", "test.yaml:57:5", "test.yaml:58:5", "test.yaml:59:5", "test.yaml:60:5", "test.yaml:61:5",
      "test.yaml:67:5",
    ])
  }

  @Test func invocations() throws {
    let invocations = try loadScenario(Self.full).invocations
    #expect(invocations.count == 3)
    #expect(invocations[0].id == "A")
    #expect(invocations[0].type == .event)
    #expect(invocations[0].at == 0)
    #expect(invocations[0].payload == ["mail": "y"])
    #expect(invocations[0].client == nil)
    #expect(invocations[0].label == "first status update")
    #expect(invocations[1].id == "B")
    #expect(invocations[1].type == .requestResponse)
    #expect(invocations[1].at == 90_000)
    #expect(invocations[1].payload == [1, 2.5, "3", nil])
    #expect(invocations[1].client == .preset(.jsV3))
    #expect(invocations[1].label == nil)
    #expect(invocations[2].id == "c_2")
    #expect(invocations[2].payload == [:])
    #expect(invocations[2].client == ClientConfiguration(preset: .boto3Standard, maxAttempts: 3, readTimeout: nil, backoff: .standard))
  }

  @Test func faults() throws {
    let faults = try loadScenario(Self.full).faults
    #expect(faults.count == 4)
    #expect(faults[0].invocation == "A")
    #expect(faults[0].attempt == 1)
    #expect(faults[0].point == .beforeStep(2))
    #expect(faults[0].kind == .error(type: "Boom", message: "boom"))
    #expect(faults[0].probability == 0.1)
    #expect(faults[1].invocation == nil)
    #expect(faults[1].attempt == nil)
    #expect(faults[1].point == .after("insert-user"))
    #expect(faults[1].kind == .timeout)
    #expect(faults[1].probability == 1)
    #expect(faults[2].invocation == "B")
    #expect(faults[2].point == .before("insert-user"))
    #expect(faults[2].kind == .crash)
    // 13 steps on the longest path: step 14 is just before returning.
    #expect(faults[3].point == .beforeStep(14))
    #expect(faults[3].kind == .error(type: "Error", message: "injected fault"))
  }

  @Test func throttlesDuplicatesAndExternalWrites() throws {
    let scenario = try loadScenario(Self.full)
    #expect(scenario.throttles.count == 2)
    #expect(scenario.throttles[0].invocation == "A")
    #expect(scenario.throttles[0].count == 2)
    #expect(scenario.throttles[0].statusCode == 429)
    #expect(scenario.throttles[1].invocation == nil)
    #expect(scenario.throttles[1].count == 1)
    #expect(scenario.throttles[1].statusCode == 503)
    #expect(scenario.duplicateDeliveries.count == 1)
    #expect(scenario.duplicateDeliveries[0].invocation == "A")
    #expect(scenario.duplicateDeliveries[0].after == 1_000)
    #expect(scenario.externalWrites.count == 2)
    #expect(scenario.externalWrites[0].at == 30_000)
    #expect(scenario.externalWrites[0].table == "users")
    #expect(scenario.externalWrites[0].actor == "admin")
    guard case .put(let item) = scenario.externalWrites[0].operation else {
      Issue.record("expected a put")
      return
    }
    #expect(Value.map(item) == ["id": "u999", "created": 5, "mail": "x"])
    #expect(scenario.externalWrites[1].at == 0)
    #expect(scenario.externalWrites[1].table == "status")
    #expect(scenario.externalWrites[1].actor == "external")
    guard case .delete(let key) = scenario.externalWrites[1].operation else {
      Issue.record("expected a delete")
      return
    }
    #expect(Value.map(key) == ["user": "u1"])
  }

  /// Everything optional left out: the model's defaults, and the function named after the scenario.
  @Test func defaults() throws {
    let scenario = try loadScenario(
      """
      name: minimal
      invocations:
        - {id: A, type: Event}
      handler:
        - return:
      """)
    #expect(scenario.title == "")
    #expect(scenario.lesson == "")
    #expect(scenario.source == nil)
    #expect(scenario.seed == 1)
    #expect(scenario.origin == Scenario.defaultOrigin)
    #expect(scenario.function.functionName == "minimal")
    #expect(scenario.function.timeout == 3_000)
    #expect(scenario.function.reservedConcurrency == nil)
    #expect(scenario.function.eventInvokeConfig.maximumRetryAttempts == 2)
    #expect(scenario.function.eventInvokeConfig.maximumEventAgeInSeconds == 21_600)
    #expect(scenario.function.eventInvokeConfig.onFailure == nil)
    #expect(scenario.function.deadLetterQueue == nil)
    #expect(scenario.function.asyncQueue.retryDelays == [DelayRange(60_000, 70_000), DelayRange(120_000, 135_000)])
    #expect(scenario.client == .preset(.boto3Standard))
    #expect(scenario.tables.isEmpty)
    #expect(scenario.endpoints.isEmpty)
    #expect(scenario.handler.steps.map(render) == ["return null"])
    #expect(scenario.invocations[0].at == 0)
    #expect(scenario.invocations[0].payload == [:])
    #expect(scenario.schedules.isEmpty)
    #expect(scenario.faults.isEmpty)
    #expect(scenario.throttles.isEmpty)
    #expect(scenario.duplicateDeliveries.isEmpty)
    #expect(scenario.externalWrites.isEmpty)
  }

  @Test func clientPresetByName() throws {
    let scenario = try loadScenario(
      """
      name: t
      client: api-gateway
      invocations: [{id: A, type: RequestResponse}]
      handler: [{return: 1}]
      """)
    #expect(scenario.client == ClientConfiguration(preset: .apiGateway, maxAttempts: 1, readTimeout: 29_000, backoff: .none))
  }

  @Test func largestSeed() throws {
    let scenario = try loadScenario(
      """
      name: t
      seed: 18446744073709551615
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """)
    #expect(scenario.seed == UInt64.max)
  }

  @Test func loadsFromAFile() throws {
    let path = NSTemporaryDirectory() + "/retryscope-loader-test-\(UInt32.random(in: 0...UInt32.max)).yaml"
    let yaml = "name: from-file\ninvocations: [{id: A, type: Event}]\nhandler: [{return: 1}]\n"
    FileManagerShim.write(yaml, to: path)
    defer { FileManagerShim.remove(path) }
    let scenario = try ScenarioLoader.load(contentsOf: path)
    #expect(scenario.name == "from-file")
  }
}

extension ScenarioLoaderModelTests {
  /// The example at the top of docs/scenario-format.md loads, so the documentation cannot drift.
  @Test func documentedExampleLoads() throws {
    let text = try documentation("scenario-format.md")
    let start = try #require(text.range(of: "```yaml\n"))
    let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
    let scenario = try loadScenario(String(text[start.upperBound..<end.lowerBound]), file: "scenario-format.md")
    #expect(scenario.name == "create-user")
    #expect(scenario.handler.steps.count == 3)
    #expect(scenario.faults[0].point == .after("insert-user"))
  }

  @Test func foldedLessonLosesItsFinalLineBreak() throws {
    let scenario = try loadScenario(
      """
      name: t
      lesson: >
        A retry inserts
        a second user.
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """)
    #expect(scenario.lesson == "A retry inserts a second user.")
  }

  @Test func anchorsAndAliases() throws {
    let scenario = try loadScenario(
      """
      name: t
      invocations:
        - {id: A, type: Event, payload: &user {mail: a@example.com}}
        - {id: B, type: Event, payload: *user}
      handler: [{return: 1}]
      """)
    #expect(scenario.invocations[1].payload == ["mail": "a@example.com"])
  }
}
