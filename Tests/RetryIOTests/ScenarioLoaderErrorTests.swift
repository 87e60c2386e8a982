import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// Every error is one line, `file:line:column: message`, pointing at the offending node.
@Suite struct ScenarioLoaderErrorTests {
  // MARK: YAML syntax

  @Test func unclosedFlowSequence() {
    let yaml = """
      name: t
      handler: [{return: 1}
      """
    #expect(loadError(yaml) == "test.yaml:3:1: YAML: did not find expected ',' or ']'")
  }

  @Test func badIndentation() {
    let yaml = """
      name: t
        title: x
      """
    #expect(loadError(yaml) == "test.yaml:2:8: YAML: mapping values are not allowed in this context")
  }

  @Test func tabIndentation() {
    let yaml = "name: t\nfunction:\n\ttimeout: 3\n"
    #expect(loadError(yaml) == "test.yaml:3:1: YAML: found character that cannot start any token")
  }

  @Test func duplicateKey() {
    let yaml = """
      name: t
      title: a
      title: b
      """
    #expect(loadError(yaml) == "test.yaml:2:1: YAML: duplicate key 'title' in one mapping")
  }

  @Test func undefinedAlias() {
    let yaml = """
      name: t
      title: *nothing
      """
    #expect(loadError(yaml) == "test.yaml:2:8: YAML: found undefined alias")
  }

  @Test func emptyFile() {
    #expect(loadError("") == "test.yaml:1:1: the scenario is empty; it needs at least 'name' and 'handler'")
    #expect(loadError("# only a comment\n") == "test.yaml:1:1: the scenario is empty; it needs at least 'name' and 'handler'")
  }

  @Test func rootMustBeAMapping() {
    #expect(loadError("- name: t\n") == "test.yaml:1:1: the scenario: expected a mapping, got a list")
  }

  @Test func twoDocuments() {
    let yaml = """
      name: t
      ---
      name: u
      """
    #expect(loadError(yaml) == "test.yaml:2:1: YAML: but found another document")
  }

  // MARK: Unknown keys

  @Test func unknownTopLevelKeyWithSuggestion() {
    let yaml = """
      nmae: t
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:1:1: unknown key 'nmae' in the scenario; did you mean 'name'?")
  }

  @Test func unknownTopLevelKeyWithoutSuggestion() {
    let yaml = """
      name: t
      colour: blue
      """
    #expect(
      loadError(yaml)
        == "test.yaml:2:1: unknown key 'colour' in the scenario; expected one of: name, title, lesson, source, seed, origin, function, client, tables, endpoints, queues, handler, variants, invocations, schedules, eventSource, records, faults, throttles, duplicateDeliveries, externalWrites"
    )
  }

  @Test func unknownFunctionKey() {
    let yaml = """
      name: t
      function:
        timeout: 3
        maximumRetryAttempt: 1
      """
    #expect(
      loadError(yaml) == "test.yaml:4:3: unknown key 'maximumRetryAttempt' in function; did you mean 'maximumRetryAttempts'?")
  }

  @Test func unknownAsyncQueueKey() {
    let yaml = """
      name: t
      function:
        asyncQueue:
          retryDelay: [1s, 2s]
      """
    #expect(loadError(yaml) == "test.yaml:4:5: unknown key 'retryDelay' in function.asyncQueue; did you mean 'retryDelays'?")
  }

  @Test func unknownClientKey() {
    let yaml = """
      name: t
      client: {preset: js-v3, timeout: 5s}
      """
    #expect(loadError(yaml) == "test.yaml:2:25: unknown key 'timeout' in client; expected one of: preset, maxAttempts, readTimeout, backoff")
  }

  @Test func unknownTableKey() {
    let yaml = """
      name: t
      tables:
        - name: users
          partitionkey: id
      """
    #expect(loadError(yaml) == "test.yaml:4:5: unknown key 'partitionkey' in a table; did you mean 'partitionKey'?")
  }

  @Test func unknownKeyInAStepAction() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put: {tabel: users, item: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:4:11: unknown key 'tabel' in put; did you mean 'table'?")
  }

  @Test func unknownStepKey() {
    let yaml = """
      name: t
      handler:
        - return: 1
          nmae: done
      """
    #expect(loadError(yaml) == "test.yaml:4:5: unknown key 'nmae' in a step; did you mean 'name'?")
  }

  @Test func unknownFaultKey() {
    let yaml = """
      name: t
      invocations: [{id: A, type: Event}]
      handler: [{return: 1}]
      faults: [{step: 1, attempts: 2}]
      """
    #expect(loadError(yaml) == "test.yaml:4:20: unknown key 'attempts' in a fault; did you mean 'attempt'?")
  }

  // MARK: Missing keys

  @Test func missingName() {
    let yaml = """
      title: x
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:1:1: missing required key 'name' in the scenario")
  }

  @Test func missingHandler() {
    let yaml = """
      name: t
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:1:1: missing required key 'handler' in the scenario")
  }

  @Test func missingTableName() {
    let yaml = """
      name: t
      tables:
        - partitionKey: id
      """
    #expect(loadError(yaml) == "test.yaml:3:5: missing required key 'name' in a table")
  }

  @Test func missingPartitionKey() {
    let yaml = """
      name: t
      tables:
        - name: users
      """
    #expect(loadError(yaml) == "test.yaml:3:5: missing required key 'partitionKey' in a table")
  }

  @Test func missingEndpointName() {
    let yaml = """
      name: t
      endpoints: [{url: "https://x.test"}]
      """
    #expect(loadError(yaml) == "test.yaml:2:13: missing required key 'name' in an endpoint")
  }

  @Test func missingEndpointURL() {
    let yaml = """
      name: t
      endpoints: [{name: slack}]
      """
    #expect(loadError(yaml) == "test.yaml:2:13: missing required key 'url' in an endpoint")
  }

  @Test func missingInvocationId() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations:
        - type: Event
      """
    #expect(loadError(yaml) == "test.yaml:4:5: missing required key 'id' in an invocation")
  }

  @Test func missingInvocationType() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations:
        - id: A
      """
    #expect(loadError(yaml) == "test.yaml:4:5: missing required key 'type' in an invocation")
  }

  @Test func missingActionParameter() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: users}
      """
    #expect(loadError(yaml) == "test.yaml:4:10: missing required key 'key' in get")
  }

  @Test func nothingInvokesTheFunction() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:1:1: nothing invokes the function: add 'invocations', 'schedules', or 'eventSource' with 'records'")
  }

  // MARK: Wrong types and values

  @Test func nameMustBeLowercase() {
    #expect(loadError("name: Create_User\n") == "test.yaml:1:7: name: 'Create_User' may only use lowercase letters, digits and '-'")
  }

  @Test func titleMustBeOneLine() {
    let yaml = """
      name: t
      title: |
        two
        lines
      """
    #expect(loadError(yaml) == "test.yaml:2:8: title: must be one line")
  }

  @Test func seedMustBeANonNegativeWholeNumber() {
    #expect(loadError("name: t\nseed: -1\n") == "test.yaml:2:7: seed: expected a whole number >= 0, got '-1'")
    #expect(loadError("name: t\nseed: {a: 1}\n") == "test.yaml:2:7: seed: expected a whole number >= 0, got a mapping")
  }

  @Test func functionMustBeAMapping() {
    #expect(loadError("name: t\nfunction: fast\n") == "test.yaml:2:11: function: expected a mapping, got 'fast'")
  }

  @Test func tablesMustBeAList() {
    #expect(loadError("name: t\ntables: {name: users}\n") == "test.yaml:2:9: tables: expected a list, got a mapping")
    #expect(loadError("name: t\ntables: [users]\n") == "test.yaml:2:10: tables: expected a table (a mapping), got 'users'")
  }

  @Test func booleansAreTrueOrFalse() {
    let yaml = """
      name: t
      endpoints: [{name: e, url: "https://e.test", failures: {applied: yes}}]
      """
    #expect(loadError(yaml) == "test.yaml:2:66: applied: expected true or false, got 'yes'")
  }

  @Test func invocationTypeIsSpeltAsAWSSpellsIt() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations:
        - {id: A, type: event}
        - {id: B, type: requestresponse}
      """
    #expect(loadError(yaml) == "test.yaml:4:19: type: 'event' is not one of RequestResponse, Event; did you mean 'Event'?")
    let other = yaml.replacingOccurrences(of: "type: event", with: "type: Event")
    #expect(
      loadError(other) == "test.yaml:5:19: type: 'requestresponse' is not one of RequestResponse, Event; did you mean 'RequestResponse'?")
  }

  @Test func unknownClientPreset() {
    #expect(
      loadError("name: t\nclient: boto3\n")
        == "test.yaml:2:9: client: 'boto3' is not one of boto3-legacy, boto3-standard, boto3-2026, aws-cli, js-v3, js-v2, api-gateway, none")
    #expect(
      loadError("name: t\nclient: boto3-standart\n")
        == "test.yaml:2:9: client: 'boto3-standart' is not one of boto3-legacy, boto3-standard, boto3-2026, aws-cli, js-v3, js-v2, api-gateway, none; did you mean 'boto3-standard'?"
    )
  }

  @Test func destinationType() {
    let yaml = """
      name: t
      function:
        onFailure: {type: sqs-queue, target: q}
      """
    #expect(loadError(yaml) == "test.yaml:3:21: type: 'sqs-queue' is not one of sqs, sns, lambda, eventbridge, s3")
  }

  @Test func clientOnlyForRequestResponse() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations:
        - {id: A, type: Event, client: boto3-legacy}
      """
    #expect(
      loadError(yaml)
        == "test.yaml:4:34: client: only RequestResponse invocations have a client; Lambda's async queue retries Event invocations")
  }

  @Test func invocationIdCharacters() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations: [{id: "A 1", type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:3:20: id: 'A 1' may only use letters, digits, '-' and '_'")
  }

  @Test func urlMustBeHTTP() {
    #expect(
      loadError("name: t\nendpoints: [{name: e, url: ftp://x}]\n") == "test.yaml:2:28: url: expected an http:// or https:// URL, got 'ftp://x'")
  }

  @Test func resultNameMustNotBeBuiltIn() {
    let yaml = """
      name: t
      handler:
        - uuid: event
      """
    #expect(loadError(yaml) == "test.yaml:3:11: uuid: 'event' is a built-in name; choose another")
  }

  @Test func resultNameMustBeAnIdentifier() {
    let yaml = """
      name: t
      handler:
        - now:
          as: start-time
      """
    #expect(loadError(yaml) == "test.yaml:4:9: as: 'start-time' must be a name such as user or new_id (letters, digits, '_')")
  }

  // MARK: Durations

  /// A scenario whose invocation A starts `at:` the given text.
  static func at(_ text: String) -> String {
    """
    name: t
    handler: [{return: 1}]
    invocations:
      - {id: A, type: Event, at: \(text)}
    """
  }

  @Test func durationForms() throws {
    #expect(try loadScenario(Self.at("0")).invocations[0].at == 0)
    #expect(try loadScenario(Self.at("3")).invocations[0].at == 3_000)
    #expect(try loadScenario(Self.at("0.5")).invocations[0].at == 500)
    #expect(try loadScenario(Self.at("250ms")).invocations[0].at == 250)
    #expect(try loadScenario(Self.at("1.5s")).invocations[0].at == 1_500)
    #expect(try loadScenario(Self.at("2m")).invocations[0].at == 120_000)
    #expect(try loadScenario(Self.at("1m30s")).invocations[0].at == 90_000)
    #expect(try loadScenario(Self.at("1h2m3s4ms")).invocations[0].at == 3_723_004)
    #expect(try loadScenario(Self.at("\"45s\"")).invocations[0].at == 45_000)
  }

  @Test func durationErrors() {
    #expect(loadError(Self.at("soon")) == "test.yaml:4:30: at: expected a duration such as 250ms, 1.5s or 1m30s, got 'soon'")
    #expect(loadError(Self.at("5 s")) == "test.yaml:4:30: at: expected a duration such as 250ms, 1.5s or 1m30s, got '5 s'")
    #expect(loadError(Self.at("5d")) == "test.yaml:4:30: at: expected a duration such as 250ms, 1.5s or 1m30s, got '5d'")
    #expect(loadError(Self.at("-5s")) == "test.yaml:4:30: at: durations must be >= 0, got '-5s'")
    #expect(loadError(Self.at("-1")) == "test.yaml:4:30: at: durations must be >= 0, got '-1'")
    #expect(loadError(Self.at("1.0005s")) == "test.yaml:4:30: at: '1.0005s' is not a whole number of milliseconds")
    #expect(loadError(Self.at("30s1m")) == "test.yaml:4:30: at: units in '30s1m' must go from largest to smallest (h, m, s, ms), each once")
    #expect(loadError(Self.at("1s1s")) == "test.yaml:4:30: at: units in '1s1s' must go from largest to smallest (h, m, s, ms), each once")
    #expect(loadError(Self.at("[1s]")) == "test.yaml:4:30: at: expected a duration such as 250ms, 1.5s or 1m30s, got a list")
    #expect(loadError(Self.at("60s-70s")) == "test.yaml:4:30: at: expected a duration such as 250ms, 1.5s or 1m30s, got '60s-70s'")
  }

  /// A scenario whose async queue's delivery delay is the given text.
  static func deliveryDelay(_ text: String) -> String {
    """
    name: t
    function:
      asyncQueue:
        deliveryDelay: \(text)
    handler: [{return: 1}]
    invocations: [{id: A, type: Event}]
    """
  }

  @Test func rangeForms() throws {
    #expect(try loadScenario(Self.deliveryDelay("60s-70s")).function.asyncQueue.deliveryDelay == DelayRange(60_000, 70_000))
    #expect(try loadScenario(Self.deliveryDelay("60 - 70")).function.asyncQueue.deliveryDelay == DelayRange(60_000, 70_000))
    #expect(try loadScenario(Self.deliveryDelay("1s-1s")).function.asyncQueue.deliveryDelay == DelayRange(1_000, 1_000))
    #expect(try loadScenario(Self.deliveryDelay("300ms")).function.asyncQueue.deliveryDelay == DelayRange(300, 300))
    #expect(try loadScenario(Self.deliveryDelay("{min: 1m, max: 1m5s}")).function.asyncQueue.deliveryDelay == DelayRange(60_000, 65_000))
  }

  @Test func rangeErrors() {
    #expect(
      loadError(Self.deliveryDelay("70s-60s")) == "test.yaml:4:20: deliveryDelay: the range '70s-60s' runs backwards; write the smaller bound first")
    #expect(loadError(Self.deliveryDelay("-1s-2s")) == "test.yaml:4:20: deliveryDelay: durations must be >= 0, got '-1s-2s'")
    #expect(loadError(Self.deliveryDelay("1s--2s")) == "test.yaml:4:20: deliveryDelay: durations must be >= 0, got '1s--2s'")
    #expect(
      loadError(Self.deliveryDelay("soon-later"))
        == "test.yaml:4:20: deliveryDelay: expected a duration or a range such as 60s-70s, got 'soon-later'")
    #expect(loadError(Self.deliveryDelay("{min: 2s, max: 1s}")) == "test.yaml:4:35: max: 1s is below min 2s")
    #expect(loadError(Self.deliveryDelay("{min: 2s}")) == "test.yaml:4:20: missing required key 'max' in deliveryDelay")
    #expect(loadError(Self.deliveryDelay("{min: 1s, mx: 2s}")) == "test.yaml:4:30: unknown key 'mx' in deliveryDelay; did you mean 'max'?")
  }

  // MARK: References and duplicates

  @Test func undeclaredTableWithSuggestion() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: usrs, key: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:4:18: table: 'usrs' is not declared in tables; did you mean 'users'?")
  }

  @Test func undeclaredTableWithoutSuggestion() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: orders, key: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:4:18: table: 'orders' is not declared in tables; declared: users")
  }

  @Test func noTablesAtAll() {
    let yaml = """
      name: t
      handler:
        - get: {table: users, key: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:3:18: table: 'users' is not declared; there are no tables")
  }

  @Test func undeclaredEndpoint() {
    let yaml = """
      name: t
      endpoints: [{name: slack, url: "https://hooks.slack.test"}]
      handler:
        - post: {endpoint: slak, body: hi}
      """
    #expect(loadError(yaml) == "test.yaml:4:22: endpoint: 'slak' is not declared in endpoints; did you mean 'slack'?")
  }

  @Test func duplicateTableName() {
    let yaml = """
      name: t
      tables:
        - {name: users, partitionKey: id}
        - {name: users, partitionKey: mail}
      """
    #expect(loadError(yaml) == "test.yaml:4:12: name: table 'users' is already declared at line 3")
  }

  @Test func duplicateEndpointName() {
    let yaml = """
      name: t
      endpoints:
        - {name: e, url: "https://a.test"}
        - {name: e, url: "https://b.test"}
      """
    #expect(loadError(yaml) == "test.yaml:4:12: name: endpoint 'e' is already declared at line 3")
  }

  @Test func duplicateInvocationId() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations:
        - {id: A, type: Event}
        - {id: A, type: Event}
      """
    #expect(loadError(yaml) == "test.yaml:5:10: id: 'A' is already used at line 4")
  }

  @Test func duplicateStepName() {
    let yaml = """
      name: t
      handler:
        - log: a
          name: step
        - if: failed
          then:
            - log: b
              name: step
      """
    #expect(loadError(yaml) == "test.yaml:8:15: name: step name 'step' is already used at line 4")
  }

  @Test func keyMustMatchTheTableSchema() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id, sortKey: created}]
      handler:
        - get: {table: users, key: {mail: x}}
      """
    #expect(loadError(yaml) == "test.yaml:4:31: key: 'mail' is not a key attribute of table 'users' (id, created)")
    let missing = yaml.replacingOccurrences(of: "{mail: x}", with: "{id: x}")
    #expect(loadError(missing) == "test.yaml:4:30: key: missing key attribute 'created' of table 'users' (id, created)")
    let typo = yaml.replacingOccurrences(of: "{mail: x}", with: "{id: x, create: 1}")
    #expect(
      loadError(typo) == "test.yaml:4:38: key: 'create' is not a key attribute of table 'users' (id, created); did you mean 'created'?")
  }

  @Test func putItemNeedsTheKeyAttributes() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put: {table: users, item: {mail: x}}
      """
    #expect(loadError(yaml) == "test.yaml:4:31: item: the item has no 'id', a key attribute of table 'users'")
  }

  @Test func initialItemsNeedTheKeyAttributes() {
    let yaml = """
      name: t
      tables:
        - name: users
          partitionKey: id
          items:
            - {id: a}
            - {mail: b}
      """
    #expect(loadError(yaml) == "test.yaml:7:9: items: the item has no 'id', a key attribute of table 'users'")
  }

  @Test func initialItemsHaveUniqueKeys() {
    let yaml = """
      name: t
      tables:
        - name: users
          partitionKey: id
          items:
            - {id: a, n: 1}
            - {id: a, n: 2}
      """
    #expect(loadError(yaml) == #"test.yaml:7:9: items: the key {"id":"a"} is already used by the item at line 6"#)
  }

  @Test func keyAttributesAreStringsOrNumbers() {
    let yaml = """
      name: t
      tables:
        - name: users
          partitionKey: id
          items:
            - {id: [a]}
      """
    #expect(loadError(yaml) == "test.yaml:6:14: id: a key attribute must be a string or a number, got a list")
  }

  // MARK: Steps

  @Test func stepWithTwoActions() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - get: {table: users, key: {id: 1}}
          put: {table: users, item: {id: 1}}
      """
    #expect(
      loadError(yaml) == "test.yaml:5:5: a step has exactly one action, but this one has 'get' and 'put'; put each in its own list item")
  }

  @Test func stepWithoutAction() {
    let yaml = """
      name: t
      handler:
        - name: nothing
      """
    #expect(
      loadError(yaml)
        == "test.yaml:3:5: a step needs one action: get, put, update, delete, post, uuid, now, compute, log, throw, return, if")
  }

  @Test func stepMustBeAMapping() {
    let yaml = """
      name: t
      handler:
        - uuid
      """
    #expect(
      loadError(yaml)
        == "test.yaml:3:5: handler: expected a step (a mapping with one of get, put, update, delete, post, uuid, now, compute, log, throw, return, if), got 'uuid'"
    )
  }

  @Test func emptyHandler() {
    #expect(loadError("name: t\nhandler: []\n") == "test.yaml:2:10: handler: needs at least one step")
  }

  @Test func thenWithoutIf() {
    let yaml = """
      name: t
      handler:
        - log: x
          then: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:4:5: 'then' belongs to an 'if' step, not 'log'")
  }

  @Test func ifNeedsThen() {
    let yaml = """
      name: t
      handler:
        - if: missing
          else: [{return: 1}]
      """
    #expect(loadError(yaml) == "test.yaml:3:5: missing required key 'then' in a step")
  }

  @Test func unknownBranchCondition() {
    let yaml = """
      name: t
      handler:
        - if: mising
          then: []
      """
    #expect(
      loadError(yaml)
        == "test.yaml:3:9: if: 'mising' is not one of missing, found, conditionFailed, failed, succeeded; did you mean 'missing'?")
  }

  @Test func shorthandAndAsTogether() {
    let yaml = """
      name: t
      handler:
        - uuid: id
          as: other
      """
    #expect(loadError(yaml) == "test.yaml:4:9: as: 'uuid: id' already names the result; give one of them")
  }

  @Test func computeAndDurationTogether() {
    let yaml = """
      name: t
      handler:
        - compute: 1s
          duration: 2s
      """
    #expect(loadError(yaml) == "test.yaml:4:15: duration: 'compute: 1s' already gives the duration; give one of them")
  }

  @Test func valuesNeedACondition() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put: {table: users, item: {id: 1}, values: {":x": 1}}
      """
    #expect(loadError(yaml) == "test.yaml:4:40: values: only used with a 'condition'")
  }

  @Test func onConditionFailedNeedsACondition() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - delete: {table: users, key: {id: 1}, onConditionFailed: continue}
      """
    #expect(loadError(yaml) == "test.yaml:4:42: onConditionFailed: only applies with a 'condition'")
  }

  @Test func updateNeedsSetOrExpression() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - update: {table: users, key: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:4:13: missing required key 'set' (or 'expression') in update")
  }

  @Test func updateWithSetAndExpression() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - update: {table: users, key: {id: 1}, set: "a = :a", expression: "SET a = :a"}
      """
    #expect(loadError(yaml) == "test.yaml:4:57: update has both 'set' and 'expression'; give exactly one")
  }

  @Test func onErrorPolicy() {
    let yaml = """
      name: t
      endpoints: [{name: e, url: "https://e.test"}]
      handler:
        - post: {endpoint: e, onError: ignore}
      """
    #expect(loadError(yaml) == "test.yaml:4:34: onError: 'ignore' is not one of throw, continue")
  }

  @Test func throwNeedsAMessage() {
    let yaml = """
      name: t
      handler:
        - throw: {errorType: Oops}
      """
    #expect(loadError(yaml) == "test.yaml:3:12: missing required key 'message' in throw")
  }

  // MARK: Faults, throttles, duplicate deliveries, external writes

  /// A scenario with two named steps, invocations A (Event) and S (RequestResponse), and `tail`.
  static func withFaults(_ tail: String) -> String {
    """
    name: t
    handler:
      - log: one
        name: post-to-slack
      - return: 1
        name: finish
    invocations:
      - {id: A, type: Event}
      - {id: S, type: RequestResponse}
    \(tail)
    """
  }

  @Test func faultUnknownInvocation() {
    #expect(
      loadError(Self.withFaults("faults: [{invocation: a, step: 1}]"))
        == "test.yaml:10:23: invocation: 'a' is not an invocation or schedule id; did you mean 'A'?")
    #expect(
      loadError(Self.withFaults("faults: [{invocation: XYZ, step: 1}]"))
        == "test.yaml:10:23: invocation: 'XYZ' is not an invocation or schedule id; ids: A, S")
  }

  @Test func faultUnknownStepName() {
    #expect(
      loadError(Self.withFaults("faults: [{after: post-to-slak}]"))
        == "test.yaml:10:18: after: no step is named 'post-to-slak'; did you mean 'post-to-slack'?")
    #expect(
      loadError(Self.withFaults("faults: [{before: start}]"))
        == "test.yaml:10:19: before: no step is named 'start'; step names: post-to-slack, finish")
  }

  @Test func faultStepNameWhenNoStepHasOne() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations: [{id: A, type: Event}]
      faults: [{after: x}]
      """
    #expect(loadError(yaml) == "test.yaml:4:18: after: no step is named 'x'; no step has a name (add 'name:' to the step)")
  }

  @Test func faultNeedsExactlyOnePoint() {
    #expect(loadError(Self.withFaults("faults: [{kind: crash}]")) == "test.yaml:10:10: a fault needs one of 'step', 'before' or 'after'")
    #expect(
      loadError(Self.withFaults("faults: [{step: 1, after: finish}]"))
        == "test.yaml:10:20: a fault has both 'step' and 'after'; give exactly one")
  }

  @Test func faultStepBounds() throws {
    #expect(try loadScenario(Self.withFaults("faults: [{step: 3}]")).faults[0].point == .beforeStep(3))
    #expect(
      loadError(Self.withFaults("faults: [{step: 4}]"))
        == "test.yaml:10:17: step: 4 is past the end of the handler; its longest path runs 2 steps, so use 1-3")
    #expect(loadError(Self.withFaults("faults: [{step: 0}]")) == "test.yaml:10:17: step: 0 is below the minimum 1")
    #expect(loadError(Self.withFaults("faults: [{step: 1, attempt: 0}]")) == "test.yaml:10:29: attempt: 0 is below the minimum 1")
  }

  @Test func faultErrorFieldsOnlyForErrors() {
    #expect(
      loadError(Self.withFaults("faults: [{step: 1, kind: crash, message: boom}]"))
        == "test.yaml:10:33: message: only applies to kind 'error', not 'crash'")
    #expect(
      loadError(Self.withFaults("faults: [{step: 1, kind: hang}]"))
        == "test.yaml:10:26: kind: 'hang' is not one of error, timeout, crash")
  }

  @Test func duplicateDeliveryOfARequestResponseInvocation() {
    #expect(
      loadError(Self.withFaults("duplicateDeliveries: [{invocation: S, after: 1s}]"))
        == "test.yaml:10:36: invocation: 'S' is a RequestResponse invocation; only Event invocations go through the async queue")
  }

  @Test func duplicateDeliveryNeedsAfter() {
    #expect(
      loadError(Self.withFaults("duplicateDeliveries: [{invocation: A}]"))
        == "test.yaml:10:23: missing required key 'after' in a duplicate delivery")
  }

  @Test func throttleCountAtLeastOne() {
    #expect(loadError(Self.withFaults("throttles: [{count: 0}]")) == "test.yaml:10:21: count: 0 is below the minimum 1")
  }

  @Test func externalWriteNeedsExactlyOneOperation() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler: [{return: 1}]
      invocations: [{id: A, type: Event}]
      externalWrites:
        - {table: users, put: {id: 1}, delete: {id: 1}}
        - {table: users}
      """
    #expect(loadError(yaml) == "test.yaml:6:34: an external write has both 'put' and 'delete'; give exactly one")
    let second = yaml.replacingOccurrences(of: "  - {table: users, put: {id: 1}, delete: {id: 1}}\n", with: "")
    #expect(loadError(second) == "test.yaml:6:5: an external write needs 'put' (an item) or 'delete' (a key)")
  }

  @Test func externalWriteTableAndKey() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler: [{return: 1}]
      invocations: [{id: A, type: Event}]
      externalWrites:
        - {table: user, delete: {id: 1}}
      """
    #expect(loadError(yaml) == "test.yaml:6:13: table: 'user' is not declared in tables; did you mean 'users'?")
    let badKey = yaml.replacingOccurrences(of: "table: user,", with: "table: users,").replacingOccurrences(
      of: "{id: 1}", with: "{mail: 1}")
    #expect(loadError(badKey) == "test.yaml:6:29: delete: 'mail' is not a key attribute of table 'users' (id)")
  }

  // MARK: Files

  @Test func missingFile() {
    let path = NSTemporaryDirectory() + "/retryscope-no-such-file.yaml"
    do {
      _ = try ScenarioLoader.load(contentsOf: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(path): cannot read file: No such file or directory")
      #expect(error.location == nil)
      #expect(error.message == "cannot read file: No such file or directory")
    }
  }

  @Test func directoryIsNotAFile() {
    let path = NSTemporaryDirectory()
    do {
      _ = try ScenarioLoader.load(contentsOf: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(path): cannot read file: Is a directory")
    }
  }

  @Test func errorsFromFilesNameTheFile() {
    let path = NSTemporaryDirectory() + "/retryscope-bad-\(UInt32.random(in: 0...UInt32.max)).yaml"
    FileManagerShim.write("name: t\nfunction: {timeout: 0}\n", to: path)
    defer { FileManagerShim.remove(path) }
    do {
      _ = try ScenarioLoader.load(contentsOf: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(path):2:21: timeout: 0 is outside AWS's range 1-900 seconds")
    }
  }
}

extension ScenarioLoaderErrorTests {
  @Test func notUTF8() {
    let path = NSTemporaryDirectory() + "/retryscope-binary-\(UInt32.random(in: 0...UInt32.max)).yaml"
    _ = FileManager.default.createFile(atPath: path, contents: Data([0x6e, 0xff, 0xfe]))
    defer { FileManagerShim.remove(path) }
    do {
      _ = try ScenarioLoader.load(contentsOf: path)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "\(path): cannot read file: it is not UTF-8 text")
    }
  }

  @Test func originMustBeISO8601() {
    #expect(
      loadError("name: t\norigin: yesterday\n")
        == "test.yaml:2:9: origin: expected an ISO-8601 time such as 2019-09-20T09:00:00Z, got 'yesterday'")
    #expect(
      loadError("name: t\norigin: 1568970000\n")
        == "test.yaml:2:9: origin: expected an ISO-8601 time such as 2019-09-20T09:00:00Z, got '1568970000'")
  }
}

extension ScenarioLoaderErrorTests {
  @Test func externalDeleteKeyValuesAreStringsOrNumbers() {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler: [{return: 1}]
      invocations: [{id: A, type: Event}]
      externalWrites: [{table: users, delete: {id: {nested: 1}}}]
      """
    #expect(loadError(yaml) == "test.yaml:5:46: id: a key attribute must be a string or a number, got a mapping")
  }

  @Test func putItemMayBeOneTemplateString() throws {
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - put: {table: users, item: whole-event}
      invocations: [{id: A, type: Event}]
      """
    #expect(try loadScenario(yaml).handler.steps.map(render) == [#"put users item="whole-event""#])
  }

  @Test func actionParametersMustBeAMapping() {
    let yaml = """
      name: t
      handler:
        - put:
      """
    #expect(loadError(yaml) == "test.yaml:3:9: put: expected a mapping, got nothing")
  }
}
