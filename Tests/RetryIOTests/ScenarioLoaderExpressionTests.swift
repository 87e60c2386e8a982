// needs the real expression parsers
//
// These tests run the real `Template.parse`, `ConditionExpression.parse`, `UpdateExpression.parse`,
// `ScheduleExpression.parse` and `ISO8601.parse`, which are stubs on the `loader` branch: they pass
// only once the expressions and schedules branches are merged. Where a message comes from one of
// those parsers, the expected text is computed by calling the parser itself, so that the test
// checks what the loader adds (the file:line:column and the key), not the parser's wording.
import RetryCore
import Testing

@testable import RetryIO

@Suite struct ScenarioLoaderExpressionTests {
  static let full = """
    name: status-previous-no
    origin: 2019-09-20T09:00:00Z
    tables:
      - {name: status, partitionKey: user, sortKey: seq}
    handler:
      - get: {table: status, key: {user: "${event.user}", seq: "${event.previous}"}}
        as: previous
      - if: missing
        then:
          - throw: "previous status not found (yet)"
      - put:
          table: status
          item: {user: "${event.user}", seq: "${event.seq}", text: "${previous.text}"}
          condition: "attribute_not_exists(seq) AND #u <> :nobody"
          values: {":nobody": nobody}
          names: {"#u": user}
          onConditionFailed: continue
      - update:
          table: status
          key: {user: "${event.user}", seq: "${event.seq}"}
          set: "created_at = if_not_exists(created_at, :now), message = :m"
          values: {":now": "${clock}", ":m": "${event.message}"}
      - update:
          table: status
          key: {user: "${event.user}", seq: "${event.seq}"}
          expression: "SET n = n + :one"
          condition: attribute_exists(n)
          values: {":one": 1}
      - delete: {table: status, key: {user: "${event.user}", seq: 0}, condition: attribute_exists(seq)}
      - return: {b: "${event.a * event.a}", id: "${requestId}"}
    invocations:
      - {id: A, type: Event, payload: {user: alice, seq: 2, previous: 1}}
    schedules:
      - id: tick
        expression: rate(5 minutes)
        count: 3
        detail: {source: cron}
    faults:
      - {invocation: tick-2, step: 1}
      - {invocation: tick, step: 1}
    duplicateDeliveries:
      - {invocation: tick-3, after: 2s}
    """

  @Test func fullScenarioWithExpressions() throws {
    let scenario = try loadScenario(Self.full)
    #expect(scenario.origin == Scenario.defaultOrigin)
    let steps = scenario.handler.steps
    #expect(
      steps.map(render) == [
        #"get status key={"user":<text>,"seq":<text>} as=previous"#,
        #"if missing then [throw Error "previous status not found (yet)"] else []"#,
        #"put status item={"user":<text>,"seq":<text>,"text":<text>} condition"#,
        #"update status key={"user":<text>,"seq":<text>} values=[":m", ":now"] names=[]"#,
        #"update status key={"user":<text>,"seq":<text>} values=[":one"] names=[] condition"#,
        #"delete status key={"user":<text>,"seq":0} condition"#,
        #"return {"b":<text>,"id":<text>}"#,
      ])
    guard case .putItem(_, _, let condition?) = steps[2].action else {
      Issue.record("expected a conditional put")
      return
    }
    #expect(condition.text == "attribute_not_exists(seq) AND #u <> :nobody")
    #expect(condition.expression == (try ConditionExpression.parse("attribute_not_exists(seq) AND #u <> :nobody")))
    #expect(condition.values.keys.sorted() == [":nobody"])
    #expect(condition.names == ["#u": "user"])
    #expect(condition.onConditionFailed == .continue)
    guard case .updateItem(_, _, let update, nil, _, _) = steps[3].action else {
      Issue.record("expected an unconditional update")
      return
    }
    #expect(update == (try UpdateExpression.parse("SET created_at = if_not_exists(created_at, :now), message = :m")))
    guard case .updateItem(_, _, let update2, let condition2?, _, _) = steps[4].action else {
      Issue.record("expected a conditional update")
      return
    }
    #expect(update2 == (try UpdateExpression.parse("SET n = n + :one")))
    #expect(condition2.text == "attribute_exists(n)")
    #expect(condition2.values.keys.sorted() == [":one"])
    #expect(condition2.onConditionFailed == .throw)
    #expect(scenario.schedules.count == 1)
    #expect(scenario.schedules[0].id == "tick")
    #expect(scenario.schedules[0].expression == (try ScheduleExpression.parse("rate(5 minutes)")))
    #expect(scenario.schedules[0].count == 3)
    #expect(scenario.schedules[0].detail == ["source": "cron"])
    #expect(scenario.faults.map(\.invocation) == ["tick-2", "tick"])
    #expect(scenario.duplicateDeliveries.map(\.invocation) == ["tick-3"])
  }

  @Test func originWithAnOffset() throws {
    let scenario = try loadScenario(
      """
      name: t
      origin: 2019-09-20T11:00:00+02:00
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      """)
    #expect(scenario.origin == Scenario.defaultOrigin)
  }

  @Test func builtinTemplatesParse() throws {
    for name in BuiltinScenarios.names { _ = try BuiltinScenarios.load(named: name) }
  }

  // MARK: Template names

  @Test func unknownTemplateNameWithSuggestion() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: users, key: {id: "${event.id}"}}
          as: user
        - return: {mail: "${usr.mail}"}
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:6:23: unknown name 'usr' in template; did you mean 'user'?")
  }

  @Test func unknownTemplateNameWithoutSuggestion() {
    let yaml = """
      name: t
      handler:
        - uuid: id
        - log: "made ${id} for ${customer}"
      invocations: [{id: A, type: Event}]
      """
    #expect(
      loadError(yaml)
        == "test.yaml:4:28: unknown name 'customer' in template; known names: event, clock, clockMillis, requestId, last, context, id")
  }

  @Test func templateNameDefinedLater() {
    let yaml = """
      name: t
      handler:
        - log: "${id}"
        - uuid: id
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:3:13: unknown name 'id' in template; it is only defined later, at line 4")
  }

  @Test func aStepCannotUseItsOwnResult() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: users, key: {id: "${user.id}"}}
          as: user
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:4:38: unknown name 'user' in template; it is only defined later, at line 5")
  }

  @Test func namesFromEarlierBranchesAreKnown() throws {
    let yaml = """
      name: t
      handler:
        - if: missing
          then:
            - uuid: id
        - return: "${id}"
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == nil)
  }

  @Test func templateSyntaxErrorPointsIntoTheString() throws {
    let text = "${event.a *}"
    let error = try #require(parseError { () throws(ExpressionError) in _ = try Template.parse(text) })
    let yaml = """
      name: t
      handler:
        - return: {nested: {b: "\(text)"}}
      invocations: [{id: A, type: Event}]
      """
    // The string's opening quote is at column 26.
    #expect(loadError(yaml) == "test.yaml:3:\(27 + error.offset): return: \(error.message)")
  }

  // MARK: DynamoDB expressions

  @Test func conditionSyntaxErrorPointsIntoTheString() throws {
    let text = "attribute_not_exists(id"
    let error = try #require(parseError { () throws(ExpressionError) in _ = try ConditionExpression.parse(text) })
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put:
            table: users
            item: {id: x}
            condition: \(text)
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:7:\(18 + error.offset): condition: \(error.message)")
  }

  @Test func setClauseErrorDiscountsTheAddedSET() throws {
    let text = "a = = :v"
    let error = try #require(parseError { () throws(ExpressionError) in _ = try UpdateExpression.parse("SET " + text) })
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - update:
            table: users
            key: {id: x}
            set: "\(text)"
            values: {":v": 1}
      invocations: [{id: A, type: Event}]
      """
    let column = error.offset >= 4 ? 13 + error.offset - 4 : 12
    #expect(loadError(yaml) == "test.yaml:7:\(column): set: \(error.message)")
  }

  @Test func blockScalarErrorsPointAtTheScalar() throws {
    let text = "attribute_not_exists(id"
    // A folded scalar keeps its final line break, so the parser sees one.
    let error = try #require(parseError { () throws(ExpressionError) in _ = try ConditionExpression.parse(text + "\n") })
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put:
            table: users
            item: {id: x}
            condition: >
              \(text)
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:7:18: condition: \(error.message)")
  }

  @Test func conditionPlaceholderMustBeDefined() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put:
            table: users
            item: {id: x}
            condition: "attribute_not_exists(id) AND #n <> :nobody"
            values: {":nobdy": x}
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:7:54: condition: ':nobody' is not defined in values; did you mean ':nobdy'?")
  }

  @Test func namePlaceholderMustBeDefined() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put:
            table: users
            item: {id: x}
            condition: "attribute_not_exists(#k)"
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:7:40: condition: '#k' is not defined in names")
  }

  @Test func unusedValueIsAnError() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - update:
            table: users
            key: {id: x}
            set: "n = :one"
            values: {":one": 1, ":two": 2}
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:8:27: values: ':two' is not used by any expression")
  }

  // MARK: Schedules

  @Test func scheduleExpressionErrorPointsIntoTheString() throws {
    let text = "rate(five minutes)"
    let error = try #require(parseError { () throws(ExpressionError) in _ = try ScheduleExpression.parse(text) })
    let yaml = """
      name: t
      handler: [{return: 1}]
      schedules:
        - {id: tick, expression: \(text), count: 2}
      """
    #expect(loadError(yaml) == "test.yaml:4:\(28 + error.offset): expression: \(error.message)")
  }

  @Test func invocationIdCollidesWithAScheduleId() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations: [{id: tick-2, type: Event}]
      schedules: [{id: tick, expression: rate(5 minutes), count: 3}]
      """
    #expect(loadError(yaml) == "test.yaml:3:20: id: 'tick-2' collides with schedule 'tick', which creates tick-1 to tick-3")
    let beyond = yaml.replacingOccurrences(of: "tick-2", with: "tick-4")
    #expect(loadError(beyond) == nil)
    let same = yaml.replacingOccurrences(of: "tick-2", with: "tick")
    #expect(loadError(same) == "test.yaml:4:18: id: 'tick' is already used at line 3")
  }

  @Test func scheduleCountRange() {
    let yaml = { (count: String) in
      """
      name: t
      handler: [{return: 1}]
      schedules: [{id: tick, expression: rate(5 minutes), count: \(count)}]
      """
    }
    #expect(loadError(yaml("0")) == "test.yaml:3:60: count: 0 is outside the range 1-1000")
    #expect(loadError(yaml("1")) == nil)
    #expect(loadError(yaml("1000")) == nil)
    #expect(loadError(yaml("1001")) == "test.yaml:3:60: count: 1001 is outside the range 1-1000")
  }

  /// A rule runs within its scheduled minute: `firingDelay` is a range inside 0s-59s.
  /// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
  @Test func firingDelayStaysWithinTheMinute() throws {
    let yaml = { (delay: String) in
      """
      name: t
      handler: [{return: 1}]
      schedules: [{id: tick, expression: rate(5 minutes), count: 1, firingDelay: \(delay)}]
      """
    }
    #expect(loadError(yaml("0s")) == nil)
    #expect(loadError(yaml("0s-59s")) == nil)
    #expect(loadError(yaml("59999ms")) == nil)
    #expect(loadError(yaml("60s")) == "test.yaml:3:76: firingDelay: '60s' reaches past the scheduled minute; EventBridge runs a rule within its minute (0s-59s)")
    #expect(loadError(yaml("10s-2m")) == "test.yaml:3:76: firingDelay: '10s-2m' reaches past the scheduled minute; EventBridge runs a rule within its minute (0s-59s)")
    #expect(loadError(yaml("soon"))?.hasPrefix("test.yaml:3:76: firingDelay:") == true)
    let scenario = try ScenarioLoader.load(yaml: yaml("5s-7s"), file: "test.yaml")
    #expect(scenario.schedules[0].firingDelay == DelayRange(5_000, 7_000))
    let defaulted = try ScenarioLoader.load(yaml: yaml("0s").replacingOccurrences(of: ", firingDelay: 0s", with: ""), file: "test.yaml")
    #expect(defaulted.schedules[0].firingDelay == DelayRange(0, 59_000))
  }

  @Test func faultsOnScheduledInvocations() {
    let yaml = { (id: String) in
      """
      name: t
      handler: [{return: 1}]
      schedules: [{id: tick, expression: rate(5 minutes), count: 3}]
      faults: [{invocation: \(id), step: 1}]
      """
    }
    #expect(loadError(yaml("tick")) == nil)
    #expect(loadError(yaml("tick-3")) == nil)
    #expect(loadError(yaml("tick-4")) == "test.yaml:4:23: invocation: schedule 'tick' fires 3 times, so 'tick-4' never happens")
  }

  @Test func duplicateDeliveryNeedsOneScheduledInvocation() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      schedules: [{id: tick, expression: rate(5 minutes), count: 3}]
      duplicateDeliveries: [{invocation: tick, after: 1s}]
      """
    #expect(loadError(yaml) == "test.yaml:4:36: invocation: 'tick' is a schedule; name one of its invocations, tick-1 to tick-3")
  }

  /// The error `body` throws, if any.
  func parseError(_ body: () throws(ExpressionError) -> Void) -> ExpressionError? {
    do {
      try body()
      return nil
    } catch {
      return error
    }
  }
}
