import Testing
@testable import RetryCore

/// The handler's steps and the outside world: reads, conditional writes, updates, POSTs,
/// branches, faults, and how duplicates are recognised.
@Suite struct HandlerInterpreterTests {
  static func condition(_ text: String, onConditionFailed: ErrorPolicy = .throw) throws -> ConditionalWrite {
    ConditionalWrite(expression: try ConditionExpression.parse(text), text: text, onConditionFailed: onConditionFailed)
  }

  static let post = Step(name: "post", action: .post(endpoint: "hook", body: .literal(["text": "hi"]), onError: .throw))
  static let respond = Step(name: "respond", action: .respond(.literal(["ok": true])))

  @Test func getReportsMissingAndFoundForBranches() throws {
    let steps = [
      Step(name: "read", resultName: "user", action: .getItem(table: "orders", key: .literal(["id": "order-1"]))),
      Step(action: .branch(.missing, then: [Step(action: .respond(.literal(["ok": false])))], otherwise: [])),
      Step(action: .respond(.literal(["ok": true]))),
    ]
    let empty = Simulator(scenario: Build.scenario(.requestResponse, steps: steps)).run()
    #expect(empty.outcomes.first?.payload == ["ok": false])
    #expect(empty.effects.first?.kind == .read)
    #expect(empty.effects.first?.detail == "missing")
    let filled = Simulator(scenario: Build.scenario(.requestResponse, steps: steps) {
      $0.tables[0].items = [["id": "order-1", "total": 3]]
    }).run()
    #expect(filled.outcomes.first?.payload == ["ok": true])
    #expect(filled.effects.first?.detail == "found")
  }

  @Test func conditionalPutThrowsConditionalCheckFailedByDefault() throws {
    let steps = [
      Step(name: "write", action: .putItem(table: "orders", item: .literal(["id": "order-1"]), condition: try Self.condition("attribute_not_exists(id)"))),
      Self.respond,
    ]
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: steps) {
      $0.tables[0].items = [["id": "order-1"]]
    }).run()
    #expect(trace.effects.map(\.kind) == [.skip])
    #expect(trace.executions.first?.errorType == "ConditionalCheckFailedException")
    #expect(trace.outcomes.first?.functionError == "Unhandled")
  }

  @Test func conditionalPutCanBeCaughtAndBranchedOn() throws {
    let steps = [
      Step(name: "write", action: .putItem(table: "orders", item: .literal(["id": "order-1"]), condition: try Self.condition("attribute_not_exists(id)", onConditionFailed: .continue))),
      Step(action: .branch(.conditionFailed, then: [Step(action: .respond(.literal(["already": true])))], otherwise: [])),
      Self.respond,
    ]
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: steps) {
      $0.tables[0].items = [["id": "order-1"]]
    }).run()
    #expect(trace.effects.first?.kind == .skip)
    #expect(trace.effects.first?.detail == "condition failed: attribute_not_exists(id)")
    #expect(trace.outcomes.first?.payload == ["already": true])
  }

  @Test func overwritingWithTheSameValuesIsUnchangedAndNotADuplicate() {
    let trace = Simulator(scenario: Build.scenario(.event, faults: Build.failOn(attempts: [1]))).run()
    #expect(trace.effects.map(\.kind) == [.insert, .unchanged])
    #expect(trace.duplicateEffects.isEmpty)
    #expect(trace.world.tables[0].items == [["id": "order-1", "total": 42]])
  }

  @Test func aRepeatedPostIsADuplicateOfTheFirst() throws {
    let trace = Simulator(scenario: Build.scenario(.event, steps: [Self.post, Self.respond], faults: Build.failOn(attempts: [1]))).run()
    #expect(trace.effects.map(\.kind) == [.post, .post])
    #expect(trace.effects[0].duplicateOf == nil)
    #expect(trace.effects[1].duplicateOf == 0)
    #expect(trace.effects[1].actor == "A#2")
    #expect(trace.world.endpoints[0].requests.count == 2)
  }

  @Test func aFailedPostCanBeCaughtOrThrows() {
    func run(_ policy: ErrorPolicy) -> Trace {
      let post = Step(name: "post", action: .post(endpoint: "hook", body: .literal("x"), onError: policy))
      return Simulator(scenario: Build.scenario(.requestResponse, steps: [
        post, Step(action: .branch(.failed, then: [Step(action: .respond(.literal("caught")))], otherwise: [])), Self.respond,
      ]) {
        $0.endpoints[0].failures = ServiceFailures(requests: [1], error: "HTTP 503")
      }).run()
    }
    let caught = run(.continue)
    #expect(caught.outcomes.first?.payload == "caught")
    #expect(caught.effects.first?.kind == .rejected)
    #expect(caught.effects.first?.detail == "HTTP 503")
    #expect(caught.world.endpoints[0].requests.first?.statusCode == 503)
    let thrown = run(.throw)
    #expect(thrown.executions.first?.errorType == "HTTPError")
  }

  @Test func updateSetsOnlyMissingAttributesWithIfNotExists() throws {
    let update = try UpdateExpression.parse("SET created = if_not_exists(created, :now), seen = :now")
    let step = Step(name: "upsert", action: .updateItem(
      table: "orders", key: .literal(["id": "order-1"]), update: update, condition: nil,
      values: [":now": .literal("t2")], names: [:]))
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [step, Self.respond]) {
      $0.tables[0].items = [["id": "order-1", "created": "t1"]]
    }).run()
    #expect(trace.world.tables[0].items == [["id": "order-1", "created": "t1", "seen": "t2"]])
    #expect(trace.effects.first?.kind == .update)
    #expect(trace.effects.first?.version == 2)
  }

  @Test func tableWriteFailuresRejectTheWrite() throws {
    let trace = Simulator(scenario: Build.scenario(.event) {
      $0.tables[0].writeFailures = ServiceFailures(requests: [1], error: "ProvisionedThroughputExceededException")
    }).run()
    #expect(trace.effects.map(\.kind) == [.rejected, .insert])
    #expect(trace.executions.first?.errorType == "ProvisionedThroughputExceededException")
    #expect(trace.executions.count == 2)
  }

  @Test func aWriteAppliedBeforeTheServiceFailedLeavesADuplicateOnRetry() throws {
    let uuid = Step(name: "id", resultName: "id", action: .uuid)
    let insert = Step(name: "insert", action: .putItem(table: "orders", item: .map(["id": try Template.parse("${id}")]), condition: nil))
    let trace = Simulator(scenario: Build.scenario(.event, steps: [uuid, insert, Self.respond]) {
      $0.tables[0].writeFailures = ServiceFailures(requests: [1], error: "InternalServerError", appliedBeforeFailing: true)
    }).run()
    #expect(trace.effects.map(\.kind) == [.insert, .insert])
    #expect(trace.effects[1].duplicateOf == 0)
    #expect(trace.world.tables[0].items.count == 2)
  }

  @Test func faultsStrikeAtTheNamedPointOfTheNamedAttempt() {
    func kinds(_ point: Fault.Point) -> [EffectKind] {
      Simulator(scenario: Build.scenario(.event, steps: [Self.post, Self.respond], faults: [
        Fault(invocation: "A", attempt: 1, point: point, kind: .crash)
      ])).run().effects.map(\.kind)
    }
    #expect(kinds(.before("post")) == [.post])  // crash before the POST: only the retry posts
    #expect(kinds(.after("post")) == [.post, .post])  // crash after it: both post
    #expect(kinds(.beforeStep(1)) == [.post])
    #expect(kinds(.beforeStep(2)) == [.post, .post])
    #expect(kinds(.beforeStep(3)) == [.post])  // there is no third step: never strikes
  }

  @Test func aCrashEndsTheAttemptAsRuntimeExitError() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: Build.failOn(attempts: [1], kind: .crash))).run()
    let first = try #require(trace.executions.first)
    #expect(first.outcome == .crash)
    #expect(first.errorType == "Runtime.ExitError")
    #expect(first.errorMessage == "RequestId: \(first.requestId) Error: Runtime exited with error: exit status 1")
  }

  @Test func aTimeoutFaultHangsUntilTheFunctionTimeout() throws {
    let trace = Simulator(scenario: Build.scenario(.event, faults: Build.failOn(attempts: [1], kind: .timeout)) {
      $0.function.timeout = 5_000
    }).run()
    #expect(trace.executions.first?.outcome == .timeout)
    #expect(trace.executions.first?.duration == 5_000)
  }

  @Test func faultProbabilityIsSeeded() {
    let faults = [Fault(point: .before("respond"), kind: .error(type: "Error", message: "flaky"), probability: 0.5)]
    var scenario = Build.scenario(.event, faults: faults)
    scenario.invocations = (0..<40).map { InvocationDefinition(id: "E\($0)", type: .event, at: $0 * 1_000, payload: [:]) }
    let one = Simulator(scenario: scenario, seed: 3).run()
    let two = Simulator(scenario: scenario, seed: 3).run()
    #expect(one.executions.map(\.outcome) == two.executions.map(\.outcome))
    let errors = one.executions.filter { $0.outcome == .error }.count
    #expect(errors > 10 && errors < one.executions.count)
  }

  @Test func aTemplateErrorIsAFunctionError() throws {
    let step = Step(name: "respond", action: .respond(try Template.parse("${event.a * event.a}")))
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [step]) {
      $0.invocations[0].payload = ["a": "seven"]
    }).run()
    #expect(trace.executions.first?.outcome == .error)
    #expect(trace.executions.first?.errorType == "TypeError")
  }

  @Test func externalWritesChangeTheWorldBetweenAttempts() {
    let steps = [
      Step(name: "read", action: .getItem(table: "orders", key: .literal(["id": "order-1"]))),
      Step(action: .branch(.missing, then: [Step(action: .respond(.literal(["ok": false])))], otherwise: [])),
      Self.respond,
    ]
    let trace = Simulator(scenario: Build.scenario(.event, steps: steps, faults: Build.failOn(attempts: [1])) {
      $0.faults = [Fault(invocation: "A", attempt: 1, point: .beforeStep(2), kind: .error(type: "Error", message: "boom"))]
      $0.externalWrites = [ExternalWrite(at: 10_000, table: "orders", operation: .put(["id": "order-1"]), actor: "admin")]
    }).run()
    #expect(trace.effects.map(\.kind) == [.read, .insert, .read])
    #expect(trace.effects[1].actor == "admin")
    #expect(trace.effects[0].detail == "missing")
    #expect(trace.effects[2].detail == "found")
    #expect(trace.outcomes.first?.kind == .succeeded)
    #expect(trace.executions.last?.response == ["ok": true])
  }
}

extension HandlerInterpreterTests {
  @Test func deletingAMissingItemChangesNothing() throws {
    let delete = Step(name: "delete", action: .deleteItem(table: "orders", key: .literal(["id": "nope"]), condition: nil))
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [delete, Self.respond])).run()
    let effect = try #require(trace.effects.first)
    #expect(effect.kind == .unchanged)
    #expect(effect.detail == TraceEffect.noSuchItem)
    #expect(Narrator(trace: trace).caption(for: try #require(trace.events.first { $0.kind == .effect }))
      == "A#1 deletes orders[id=nope], which does not exist: nothing changes.")
  }

  @Test func deletingAnExistingItemRemovesIt() throws {
    let delete = Step(name: "delete", action: .deleteItem(table: "orders", key: .literal(["id": "order-1"]), condition: nil))
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [delete, Self.respond]) {
      $0.tables[0].items = [["id": "order-1"]]
    }).run()
    #expect(trace.effects.map(\.kind) == [.delete])
    #expect(trace.world.tables[0].items.isEmpty)
  }
}

extension HandlerInterpreterTests {
  /// A scenario built in code may name a table or endpoint it never declared (the loader refuses
  /// it): the call fails as AWS would, as a function error.
  @Test func anUndeclaredTableOrEndpointFailsTheCall() throws {
    let get = Step(name: "read", action: .getItem(table: "nowhere", key: .literal(["id": "1"])))
    let table = Simulator(scenario: Build.scenario(.requestResponse, steps: [get, Self.respond])).run()
    #expect(table.attempts.first?.errorType == "ResourceNotFoundException")
    #expect(table.attempts.first?.errorMessage == "Requested resource not found: Table: nowhere not found")
    let post = Step(name: "post", action: .post(endpoint: "nowhere", body: .literal("x"), onError: .throw))
    let endpoint = Simulator(scenario: Build.scenario(.requestResponse, steps: [post, Self.respond])).run()
    #expect(endpoint.attempts.first?.errorType == "Error")
    #expect(endpoint.attempts.first?.errorMessage == "getaddrinfo ENOTFOUND nowhere")
  }
}
