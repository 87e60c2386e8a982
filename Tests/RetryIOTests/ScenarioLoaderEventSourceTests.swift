import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// `eventSource:` and `records:` (issue 4): every key maps onto `EventSourceMapping`,
/// `QueueDefinition` and `SourceRecord`, every AWS range is enforced at both ends, and keys of the
/// other kind of source are refused. Ranges: `docs/lambda-semantics.md` section 3.
@Suite struct ScenarioLoaderEventSourceTests {
  /// An event source of `type` whose mapping holds `lines` (from line 5, two spaces in), then
  /// `records` (from line 6 + lines.count, two spaces in).
  static func source(_ type: String, _ lines: [String] = [], records: [String]? = nil) -> String {
    let recordLines = records ?? [type == "sqs" ? "- {id: m1}" : "- {id: r1, partitionKey: alice}"]
    let head = ["name: t", "handler: [{return: 1}]", "eventSource:", "  type: \(type)"]
    return (head + lines.map { "  " + $0 } + ["records:"] + recordLines.map { "  " + $0 }).joined(separator: "\n")
  }

  static func mapping(_ type: String, _ lines: [String] = [], records: [String]? = nil) throws -> EventSourceMapping {
    let scenario = try loadScenario(source(type, lines, records: records))
    return try #require(scenario.eventSource)
  }

  /// A FIFO queue with one more mapping line (line 6).
  static func fifo(_ line: String) -> String {
    source("sqs", ["queue: {fifo: true}", line], records: ["- {id: m1, messageGroupId: g1}"])
  }

  // MARK: Full examples

  @Test func sqsStandardQueueMapsEveryKey() throws {
    let yaml = """
      name: orders
      handler:
        - log: "${record.messageId} ${record.body.user} ${record.attributes.ApproximateReceiveCount}"
        - return: 1
      eventSource:
        type: sqs
        batchSize: 5
        maximumBatchingWindowInSeconds: 2
        functionResponseTypes: [ReportBatchItemFailures]
        pollingInterval: 500ms
        queue:
          name: orders
          fifo: false
          visibilityTimeout: 1m
          maxReceiveCount: 3
          deadLetterQueue: orders-dlq
          pollers: 2
      records:
        - id: m1
          at: 1s
          data: {user: alice, status: hi}
        - {id: m2, data: hello}
      faults:
        - {invocation: m2, attempt: 2, step: 1}
      """
    let scenario = try loadScenario(yaml)
    let mapping = try #require(scenario.eventSource)
    #expect(mapping.kind == .sqs)
    #expect(mapping.batchSize == 5)
    #expect(mapping.maximumBatchingWindow == 2_000)
    #expect(mapping.reportBatchItemFailures)
    #expect(mapping.pollingInterval == 500)
    #expect(mapping.queue.name == "orders")
    #expect(!mapping.queue.fifo)
    #expect(mapping.queue.visibilityTimeout == 60_000)
    #expect(mapping.queue.maxReceiveCount == 3)
    #expect(mapping.queue.deadLetterQueue == "orders-dlq")
    #expect(mapping.queue.pollers == 2)
    #expect(scenario.records.map(\.id) == ["m1", "m2"])
    #expect(scenario.records.map(\.at) == [1_000, 0])
    #expect(scenario.records[0].data == .map(["user": "alice", "status": "hi"]))
    #expect(scenario.records[1].data == "hello")
    #expect(scenario.records.allSatisfy { $0.partitionKey == nil && $0.messageGroupId == nil })
    #expect(scenario.invocations.isEmpty && scenario.schedules.isEmpty)
    #expect(scenario.faults.map(\.invocation) == ["m2"])
    #expect(scenario.faults.map(\.attempt) == [2])
  }

  @Test func sqsDefaults() throws {
    let scenario = try loadScenario(Self.source("sqs"))
    let mapping = try #require(scenario.eventSource)
    #expect(mapping.kind == .sqs)
    #expect(mapping.batchSize == 10)
    #expect(mapping.maximumBatchingWindow == 0)
    #expect(!mapping.reportBatchItemFailures)
    #expect(mapping.pollingInterval == 1_000)
    #expect(mapping.queue.name == "queue")
    #expect(!mapping.queue.fifo)
    #expect(mapping.queue.visibilityTimeout == 30_000)
    #expect(mapping.queue.maxReceiveCount == nil)
    #expect(mapping.queue.deadLetterQueue == nil)
    #expect(mapping.queue.pollers == 5)
    let record = try #require(scenario.records.first)
    #expect(record.id == "m1")
    #expect(record.at == 0)
    #expect(record.data == .map([:]))
  }

  @Test func sqsFifoQueueMapsMessageGroups() throws {
    let yaml = Self.source(
      "sqs", ["batchSize: 10", "queue: {name: orders.fifo, fifo: true}"],
      records: ["- {id: m1, messageGroupId: alice}", "- {id: m2, at: 2s, messageGroupId: bob, data: {n: 2}}"])
    let scenario = try loadScenario(yaml)
    let mapping = try #require(scenario.eventSource)
    #expect(mapping.queue.fifo)
    #expect(mapping.queue.name == "orders.fifo")
    #expect(mapping.batchSize == 10)
    #expect(scenario.records.map(\.messageGroupId) == ["alice", "bob"])
    #expect(scenario.records[1].at == 2_000)
    #expect(scenario.records[1].data == .map(["n": 2]))
  }

  @Test func kinesisMapsEveryKey() throws {
    let yaml = """
      name: stream
      handler:
        - log: "${record.kinesis.partitionKey} ${record.kinesis.sequenceNumber} ${record.kinesis.data.status}"
        - return: 1
      eventSource:
        type: kinesis
        batchSize: 100
        maximumBatchingWindowInSeconds: 0
        functionResponseTypes: [ReportBatchItemFailures]
        pollingInterval: 1s
        shards: 2
        maximumRetryAttempts: 3
        maximumRecordAgeInSeconds: 3600
        bisectBatchOnFunctionError: true
        parallelizationFactor: 4
        onFailure: {type: sns, target: stream-failures}
        retryDelay: 2s
      records:
        - id: alice-1
          at: 0s
          partitionKey: alice
          data: {user: alice, status: hi}
        - {id: bob-1, at: 500ms, partitionKey: bob}
      faults:
        - {invocation: alice-1, attempt: 1, step: 1}
      """
    let scenario = try loadScenario(yaml)
    let mapping = try #require(scenario.eventSource)
    #expect(mapping.kind == .kinesis)
    #expect(mapping.isStream)
    #expect(mapping.batchSize == 100)
    #expect(mapping.maximumBatchingWindow == 0)
    #expect(mapping.reportBatchItemFailures)
    #expect(mapping.pollingInterval == 1_000)
    #expect(mapping.shards == 2)
    #expect(mapping.maximumRetryAttempts == 3)
    #expect(mapping.maximumRecordAge == 3_600_000)
    #expect(mapping.bisectBatchOnFunctionError)
    #expect(mapping.parallelizationFactor == 4)
    #expect(mapping.onFailure == Destination(kind: .sns, target: "stream-failures"))
    #expect(mapping.retryDelay == 2_000)
    #expect(scenario.records.map(\.id) == ["alice-1", "bob-1"])
    #expect(scenario.records.map(\.partitionKey) == ["alice", "bob"])
    #expect(scenario.records.map(\.at) == [0, 500])
    #expect(scenario.records[0].data == .map(["user": "alice", "status": "hi"]))
    #expect(scenario.records[1].data == .map([:]))
    #expect(scenario.faults.map(\.invocation) == ["alice-1"])
  }

  @Test func dynamodbDefaults() throws {
    let yaml = Self.source("dynamodb", [], records: ["- {id: r1, partitionKey: u1, data: {id: u1}}"])
      .replacing("handler: [{return: 1}]", with: "handler: [{log: \"${record.dynamodb.NewImage.id} ${record.dynamodb.SequenceNumber}\"}]")
    let scenario = try loadScenario(yaml)
    let mapping = try #require(scenario.eventSource)
    #expect(mapping.kind == .dynamodb)
    #expect(mapping.batchSize == 100)
    #expect(mapping.maximumBatchingWindow == 0)
    #expect(!mapping.reportBatchItemFailures)
    #expect(mapping.pollingInterval == 1_000)
    #expect(mapping.shards == 1)
    #expect(mapping.maximumRetryAttempts == -1)
    #expect(mapping.maximumRecordAge == nil)
    #expect(!mapping.bisectBatchOnFunctionError)
    #expect(mapping.parallelizationFactor == 1)
    #expect(mapping.onFailure == nil)
    #expect(mapping.retryDelay == 1_000)
    #expect(scenario.records.map(\.partitionKey) == ["u1"])
    #expect(scenario.records.map(\.messageGroupId) == [nil])
  }

  // MARK: Ranges of the mapping

  // BatchSize: SQS default 10, max 10,000 (FIFO 10); streams default 100, max 10,000.
  // Source: https://docs.aws.amazon.com/lambda/latest/dg/API_CreateEventSourceMapping.html

  @Test func batchSizeRange() throws {
    for type in ["sqs", "kinesis", "dynamodb"] {
      #expect(try Self.mapping(type, ["batchSize: 1"]).batchSize == 1)
      #expect(try Self.mapping(type, ["batchSize: 10000"]).batchSize == 10_000)
      #expect(loadError(Self.source(type, ["batchSize: 0"])) == "test.yaml:5:14: batchSize: 0 is outside AWS's range 1-10000")
      #expect(loadError(Self.source(type, ["batchSize: 10001"])) == "test.yaml:5:14: batchSize: 10001 is outside AWS's range 1-10000")
    }
    #expect(loadError(Self.source("sqs", ["batchSize: ten"])) == "test.yaml:5:14: batchSize: expected a whole number, got 'ten'")
  }

  @Test func fifoBatchSizeIsAtMostTen() throws {
    #expect(try loadScenario(Self.fifo("batchSize: 1")).eventSource?.batchSize == 1)
    #expect(try loadScenario(Self.fifo("batchSize: 10")).eventSource?.batchSize == 10)
    #expect(loadError(Self.fifo("batchSize: 0")) == "test.yaml:6:14: batchSize: 0 is outside AWS's range 1-10 for FIFO queues")
    #expect(loadError(Self.fifo("batchSize: 11")) == "test.yaml:6:14: batchSize: 11 is outside AWS's range 1-10 for FIFO queues")
  }

  @Test func maximumBatchingWindowRange() throws {
    #expect(try Self.mapping("sqs", ["maximumBatchingWindowInSeconds: 0"]).maximumBatchingWindow == 0)
    #expect(try Self.mapping("kinesis", ["maximumBatchingWindowInSeconds: 300"]).maximumBatchingWindow == 300_000)
    #expect(
      loadError(Self.source("sqs", ["maximumBatchingWindowInSeconds: -1"]))
        == "test.yaml:5:35: maximumBatchingWindowInSeconds: -1 is outside AWS's range 0-300 seconds")
    #expect(
      loadError(Self.source("kinesis", ["maximumBatchingWindowInSeconds: 301"]))
        == "test.yaml:5:35: maximumBatchingWindowInSeconds: 301 is outside AWS's range 0-300 seconds")
    #expect(
      loadError(Self.source("sqs", ["maximumBatchingWindowInSeconds: 5s"]))
        == "test.yaml:5:35: maximumBatchingWindowInSeconds: expected a whole number of seconds, got '5s'")
  }

  @Test func functionResponseTypesOnlyKnowsReportBatchItemFailures() throws {
    #expect(try Self.mapping("sqs", ["functionResponseTypes: [ReportBatchItemFailures]"]).reportBatchItemFailures)
    #expect(try !Self.mapping("kinesis", ["functionResponseTypes: []"]).reportBatchItemFailures)
    #expect(
      loadError(Self.source("sqs", ["functionResponseTypes: [ReportBatchItemFailure]"]))
        == "test.yaml:5:27: functionResponseTypes: 'ReportBatchItemFailure' is not one of ReportBatchItemFailures; did you mean 'ReportBatchItemFailures'?"
    )
    #expect(
      loadError(Self.source("sqs", ["functionResponseTypes: ReportBatchItemFailures"]))
        == "test.yaml:5:26: functionResponseTypes: expected a list, got 'ReportBatchItemFailures'")
  }

  @Test func pollingIntervalMustBeMoreThanZero() throws {
    #expect(try Self.mapping("sqs", ["pollingInterval: 1ms"]).pollingInterval == 1)
    #expect(loadError(Self.source("sqs", ["pollingInterval: 0s"])) == "test.yaml:5:20: pollingInterval: must be more than 0")
    #expect(
      loadError(Self.source("kinesis", ["pollingInterval: soon"]))
        == "test.yaml:5:20: pollingInterval: expected a duration such as 250ms, 1.5s or 1m30s, got 'soon'")
  }

  @Test func shardsRange() throws {
    #expect(try Self.mapping("kinesis", ["shards: 1"]).shards == 1)
    #expect(try Self.mapping("dynamodb", ["shards: 100"]).shards == 100)
    #expect(loadError(Self.source("kinesis", ["shards: 0"])) == "test.yaml:5:11: shards: 0 is outside the simulator's range 1-100")
    #expect(loadError(Self.source("kinesis", ["shards: 101"])) == "test.yaml:5:11: shards: 101 is outside the simulator's range 1-100")
  }

  @Test func streamMaximumRetryAttemptsRange() throws {
    #expect(try Self.mapping("kinesis", ["maximumRetryAttempts: -1"]).maximumRetryAttempts == -1)
    #expect(try Self.mapping("kinesis", ["maximumRetryAttempts: 0"]).maximumRetryAttempts == 0)
    #expect(try Self.mapping("dynamodb", ["maximumRetryAttempts: 10000"]).maximumRetryAttempts == 10_000)
    #expect(
      loadError(Self.source("kinesis", ["maximumRetryAttempts: -2"]))
        == "test.yaml:5:25: maximumRetryAttempts: -2 is outside AWS's range -1 (no limit) or 0-10000")
    #expect(
      loadError(Self.source("dynamodb", ["maximumRetryAttempts: 10001"]))
        == "test.yaml:5:25: maximumRetryAttempts: 10001 is outside AWS's range -1 (no limit) or 0-10000")
  }

  @Test func maximumRecordAgeRange() throws {
    #expect(try Self.mapping("kinesis", ["maximumRecordAgeInSeconds: -1"]).maximumRecordAge == nil)
    #expect(try Self.mapping("kinesis", ["maximumRecordAgeInSeconds: 60"]).maximumRecordAge == 60_000)
    #expect(try Self.mapping("dynamodb", ["maximumRecordAgeInSeconds: 604800"]).maximumRecordAge == 604_800_000)
    for bad in [-2, 0, 59, 604_801] {
      #expect(
        loadError(Self.source("kinesis", ["maximumRecordAgeInSeconds: \(bad)"]))
          == "test.yaml:5:30: maximumRecordAgeInSeconds: \(bad) is outside AWS's range -1 (no limit) or 60-604800 seconds")
    }
    #expect(
      loadError(Self.source("kinesis", ["maximumRecordAgeInSeconds: 1m"]))
        == "test.yaml:5:30: maximumRecordAgeInSeconds: expected a whole number of seconds, got '1m'")
  }

  @Test func bisectBatchOnFunctionErrorIsABoolean() throws {
    #expect(try Self.mapping("kinesis", ["bisectBatchOnFunctionError: true"]).bisectBatchOnFunctionError)
    #expect(
      loadError(Self.source("kinesis", ["bisectBatchOnFunctionError: yes"]))
        == "test.yaml:5:31: bisectBatchOnFunctionError: expected true or false, got 'yes'")
  }

  @Test func parallelizationFactorRange() throws {
    #expect(try Self.mapping("kinesis", ["parallelizationFactor: 1"]).parallelizationFactor == 1)
    #expect(try Self.mapping("dynamodb", ["parallelizationFactor: 10"]).parallelizationFactor == 10)
    #expect(
      loadError(Self.source("kinesis", ["parallelizationFactor: 0"]))
        == "test.yaml:5:26: parallelizationFactor: 0 is outside AWS's range 1-10")
    #expect(
      loadError(Self.source("kinesis", ["parallelizationFactor: 11"]))
        == "test.yaml:5:26: parallelizationFactor: 11 is outside AWS's range 1-10")
  }

  @Test func streamOnFailureIsSQSOrSNS() throws {
    #expect(try Self.mapping("kinesis", ["onFailure: {type: sqs, target: dlq}"]).onFailure == Destination(kind: .sqs, target: "dlq"))
    #expect(try Self.mapping("dynamodb", ["onFailure: {type: sns, target: topic}"]).onFailure == Destination(kind: .sns, target: "topic"))
    for type in ["lambda", "eventbridge", "s3"] {
      #expect(
        loadError(Self.source("kinesis", ["onFailure: {type: \(type), target: x}"]))
          == "test.yaml:5:21: type: '\(type)' is not a destination for stream event sources; use sqs or sns (AWS)")
    }
    #expect(
      loadError(Self.source("kinesis", ["onFailure: {type: sqs}"]))
        == "test.yaml:5:14: missing required key 'target' in onFailure")
  }

  @Test func retryDelayIsADurationFromZero() throws {
    #expect(try Self.mapping("kinesis", ["retryDelay: 0s"]).retryDelay == 0)
    #expect(try Self.mapping("kinesis", ["retryDelay: 1m30s"]).retryDelay == 90_000)
    #expect(loadError(Self.source("kinesis", ["retryDelay: -1s"])) == "test.yaml:5:15: retryDelay: durations must be >= 0, got '-1s'")
  }

  @Test func streamRetentionPeriodRange() throws {
    #expect(try Self.mapping("kinesis", []).retentionPeriod == 86_400_000)
    #expect(try Self.mapping("kinesis", ["retentionPeriod: 24h"]).retentionPeriod == 86_400_000)
    #expect(try Self.mapping("dynamodb", ["retentionPeriod: 8760h"]).retentionPeriod == 8_760 * 3_600_000)
    #expect(
      loadError(Self.source("kinesis", ["retentionPeriod: 23h59m59s"]))
        == "test.yaml:5:20: retentionPeriod: '23h59m59s' is outside AWS's range 24h-8760h (365 days)")
    #expect(
      loadError(Self.source("kinesis", ["retentionPeriod: 8760h1s"]))
        == "test.yaml:5:20: retentionPeriod: '8760h1s' is outside AWS's range 24h-8760h (365 days)")
    #expect(
      loadError(Self.source("sqs", ["retentionPeriod: 48h"]))
        == "test.yaml:5:3: retentionPeriod: applies to kinesis and dynamodb event sources only, not sqs")
  }

  // MARK: Ranges of the queue

  @Test func visibilityTimeoutRange() throws {
    // SQS's range starts at 0 s, but a mapping needs at least the function timeout (3 s here):
    // AWS refuses less (ScenarioLoaderSQSMappingRulesTests).
    #expect(try Self.mapping("sqs", ["queue: {visibilityTimeout: 3s}"]).queue.visibilityTimeout == 3_000)
    #expect(
      loadError(Self.source("sqs", ["queue: {visibilityTimeout: 0s}"]))
        == "test.yaml:5:30: visibilityTimeout: InvalidParameterValueException: Queue visibility timeout: 0 seconds is less than "
        + "Function timeout: 3 seconds (AWS refuses this mapping; hide messages at least as long as the function may run)")
    #expect(try Self.mapping("sqs", ["queue: {visibilityTimeout: 12h}"]).queue.visibilityTimeout == 43_200_000)
    #expect(
      loadError(Self.source("sqs", ["queue: {visibilityTimeout: 12h1s}"]))
        == "test.yaml:5:30: visibilityTimeout: '12h1s' is outside AWS's range 0s-12h")
    #expect(
      loadError(Self.source("sqs", ["queue: {visibilityTimeout: 1.5s}"]))
        == "test.yaml:5:30: visibilityTimeout: '1.5s' is not a whole number of seconds (AWS counts whole seconds)")
    #expect(
      loadError(Self.source("sqs", ["queue: {visibilityTimeout: -1s}"]))
        == "test.yaml:5:30: visibilityTimeout: durations must be >= 0, got '-1s'")
  }

  @Test func messageRetentionPeriodRange() throws {
    #expect(try Self.mapping("sqs", []).queue.messageRetentionPeriod == 4 * 86_400_000)
    #expect(try Self.mapping("sqs", ["queue: {messageRetentionPeriod: 60s}"]).queue.messageRetentionPeriod == 60_000)
    #expect(try Self.mapping("sqs", ["queue: {messageRetentionPeriod: 336h}"]).queue.messageRetentionPeriod == 336 * 3_600_000)
    #expect(
      loadError(Self.source("sqs", ["queue: {messageRetentionPeriod: 59s}"]))
        == "test.yaml:5:35: messageRetentionPeriod: '59s' is outside AWS's range 60s-336h (14 days)")
    #expect(
      loadError(Self.source("sqs", ["queue: {messageRetentionPeriod: 336h1s}"]))
        == "test.yaml:5:35: messageRetentionPeriod: '336h1s' is outside AWS's range 60s-336h (14 days)")
  }

  @Test func maxReceiveCountRange() throws {
    let one = try Self.mapping("sqs", ["queue: {maxReceiveCount: 1, deadLetterQueue: dlq}"]).queue
    #expect(one.maxReceiveCount == 1)
    #expect(one.deadLetterQueue == "dlq")
    #expect(try Self.mapping("sqs", ["queue: {maxReceiveCount: 1000, deadLetterQueue: dlq}"]).queue.maxReceiveCount == 1_000)
    #expect(
      loadError(Self.source("sqs", ["queue: {maxReceiveCount: 0, deadLetterQueue: dlq}"]))
        == "test.yaml:5:28: maxReceiveCount: 0 is outside AWS's range 1-1000")
    #expect(
      loadError(Self.source("sqs", ["queue: {maxReceiveCount: 1001, deadLetterQueue: dlq}"]))
        == "test.yaml:5:28: maxReceiveCount: 1001 is outside AWS's range 1-1000")
  }

  @Test func redrivePolicyNeedsBothKeys() {
    #expect(
      loadError(Self.source("sqs", ["queue: {maxReceiveCount: 5}"]))
        == "test.yaml:5:11: maxReceiveCount: needs deadLetterQueue (a redrive policy names both)")
    #expect(
      loadError(Self.source("sqs", ["queue: {deadLetterQueue: dlq}"]))
        == "test.yaml:5:11: deadLetterQueue: needs maxReceiveCount (a redrive policy names both)")
  }

  @Test func pollersRange() throws {
    #expect(try Self.mapping("sqs", ["queue: {pollers: 1}"]).queue.pollers == 1)
    #expect(try Self.mapping("sqs", ["queue: {pollers: 1000}"]).queue.pollers == 1_000)
    #expect(loadError(Self.source("sqs", ["queue: {pollers: 0}"])) == "test.yaml:5:20: pollers: 0 is outside the simulator's range 1-1000")
    #expect(
      loadError(Self.source("sqs", ["queue: {pollers: 1001}"])) == "test.yaml:5:20: pollers: 1001 is outside the simulator's range 1-1000")
  }

  @Test func fifoQueuesHaveNoPollers() {
    #expect(
      loadError(Self.source("sqs", ["queue: {fifo: true, pollers: 2}"], records: ["- {id: m1, messageGroupId: g1}"]))
        == "test.yaml:5:23: pollers: applies to standard queues only; a FIFO queue delivers one batch per message group at a time")
  }

  @Test func queueNamesFollowSQS() throws {
    #expect(try Self.mapping("sqs", ["queue: {name: Orders_2-b}"]).queue.name == "Orders_2-b")
    #expect(try Self.mapping("sqs", ["queue: {name: \(String(repeating: "q", count: 80))}"]).queue.name.count == 80)
    #expect(
      loadError(Self.source("sqs", ["queue: {name: \(String(repeating: "q", count: 81))}"]))
        == "test.yaml:5:17: name: '\(String(repeating: "q", count: 57))...' must be 1-80 letters, digits, '-' or '_', optionally ending in .fifo (AWS)"
    )
    #expect(
      loadError(Self.source("sqs", ["queue: {name: 'my queue'}"]))
        == "test.yaml:5:17: name: 'my queue' must be 1-80 letters, digits, '-' or '_', optionally ending in .fifo (AWS)")
    #expect(
      loadError(Self.source("sqs", ["queue: {maxReceiveCount: 5, deadLetterQueue: 'a/b'}"]))
        == "test.yaml:5:48: deadLetterQueue: 'a/b' must be 1-80 letters, digits, '-' or '_', optionally ending in .fifo (AWS)")
  }

  // MARK: Keys and kinds

  @Test func streamKeysAreRefusedForSQS() {
    for line in [
      "shards: 2", "maximumRetryAttempts: 2", "maximumRecordAgeInSeconds: 60", "bisectBatchOnFunctionError: true",
      "parallelizationFactor: 2", "onFailure: {type: sqs, target: x}", "retryDelay: 1s",
    ] {
      let key = line.prefix { $0 != ":" }
      #expect(
        loadError(Self.source("sqs", [line]))
          == "test.yaml:5:3: \(key): applies to kinesis and dynamodb event sources only, not sqs")
    }
  }

  @Test func queueIsRefusedForStreams() {
    #expect(
      loadError(Self.source("kinesis", ["queue: {name: q}"])) == "test.yaml:5:3: queue: applies to sqs event sources only, not kinesis")
    #expect(
      loadError(Self.source("dynamodb", ["queue: {fifo: true}"]))
        == "test.yaml:5:3: queue: applies to sqs event sources only, not dynamodb")
  }

  @Test func unknownKeysGetTheClosestName() {
    #expect(
      loadError(Self.source("kinesis", ["batchsize: 5"])) == "test.yaml:5:3: unknown key 'batchsize' in eventSource; did you mean 'batchSize'?")
    #expect(
      loadError(Self.source("sqs", ["queue: {visibilityTimout: 5s}"]))
        == "test.yaml:5:11: unknown key 'visibilityTimout' in eventSource.queue; did you mean 'visibilityTimeout'?")
    #expect(
      loadError(Self.source("kinesis", [], records: ["- {id: r1, partitionkey: a}"]))
        == "test.yaml:6:14: unknown key 'partitionkey' in a record; did you mean 'partitionKey'?")
  }

  @Test func typeIsRequiredAndKnown() {
    let missing = """
      name: t
      handler: [{return: 1}]
      eventSource: {batchSize: 5}
      records: [{id: m1}]
      """
    #expect(loadError(missing) == "test.yaml:3:14: missing required key 'type' in eventSource")
    #expect(
      loadError(Self.source("kinesis").replacing("type: kinesis", with: "type: sns"))
        == "test.yaml:4:9: type: 'sns' is not one of sqs, kinesis, dynamodb; did you mean 'sqs'?")
  }

  // MARK: Records

  @Test func streamRecordsNeedAPartitionKey() {
    #expect(
      loadError(Self.source("kinesis", [], records: ["- {id: r1}"]))
        == "test.yaml:6:5: missing required key 'partitionKey' in a kinesis record")
    #expect(
      loadError(Self.source("dynamodb", [], records: ["- {id: r1}"]))
        == "test.yaml:6:5: missing required key 'partitionKey' in a dynamodb record")
  }

  @Test func sqsMessagesHaveNoPartitionKey() {
    #expect(
      loadError(Self.source("sqs", [], records: ["- {id: m1, partitionKey: a}"]))
        == "test.yaml:6:14: partitionKey: only stream records (kinesis, dynamodb) have one, not sqs messages")
  }

  @Test func fifoMessagesNeedAMessageGroupId() {
    #expect(
      loadError(Self.source("sqs", ["queue: {fifo: true}"], records: ["- {id: m1}"]))
        == "test.yaml:7:5: missing required key 'messageGroupId' in a FIFO queue record")
  }

  @Test func onlyFifoMessagesHaveAMessageGroupId() {
    #expect(
      loadError(Self.source("sqs", [], records: ["- {id: m1, messageGroupId: g1}"]))
        == "test.yaml:6:14: messageGroupId: only messages of a FIFO queue (queue.fifo: true) have one")
    #expect(
      loadError(Self.source("kinesis", [], records: ["- {id: r1, partitionKey: a, messageGroupId: g1}"]))
        == "test.yaml:6:31: messageGroupId: only messages of a FIFO queue (queue.fifo: true) have one")
  }

  @Test func recordIdsAreRequiredAndUnique() {
    #expect(
      loadError(Self.source("kinesis", [], records: ["- {id: r1, partitionKey: a}", "- {id: r1, partitionKey: b}"]))
        == "test.yaml:7:10: id: 'r1' is already used at line 6")
    #expect(loadError(Self.source("sqs", [], records: ["- {at: 1s}"])) == "test.yaml:6:5: missing required key 'id' in a record")
    #expect(
      loadError(Self.source("sqs", [], records: ["- {id: 'a b'}"])) == "test.yaml:6:10: id: 'a b' may only use letters, digits, '-' and '_'")
    #expect(
      loadError(Self.source("sqs", [], records: ["- {id: m1, at: later}"]))
        == "test.yaml:6:18: at: expected a duration such as 250ms, 1.5s or 1m30s, got 'later'")
  }

  @Test func anEventSourceNeedsRecords() {
    let none = """
      name: t
      handler: [{return: 1}]
      eventSource: {type: sqs}
      """
    #expect(loadError(none) == "test.yaml:3:1: eventSource: no records to deliver; add 'records' with at least one record")
    #expect(loadError(none + "\nrecords: []") == "test.yaml:4:10: records: expected at least one record, got an empty list")
    #expect(loadError(none + "\nrecords: [m1]") == "test.yaml:4:11: records: expected a record (a mapping), got 'm1'")
  }

  // MARK: One way in

  @Test func recordsNeedAnEventSource() {
    let yaml = """
      name: t
      handler: [{return: 1}]
      invocations: [{id: A, type: Event}]
      records: [{id: m1}]
      """
    #expect(loadError(yaml) == "test.yaml:4:1: records: only an event source delivers records; add 'eventSource', or use 'invocations'")
  }

  @Test func anEventSourceExcludesInvocationsAndSchedules() {
    let withInvocations = """
      name: t
      handler: [{return: 1}]
      eventSource: {type: sqs}
      records: [{id: m1}]
      invocations: [{id: A, type: Event}]
      """
    #expect(
      loadError(withInvocations)
        == "test.yaml:5:1: invocations: not allowed with eventSource; a scenario has one way in: 'invocations' and 'schedules', or 'eventSource' with 'records'"
    )
    let withSchedules = """
      name: t
      schedules: [{id: tick, expression: rate(5 minutes), count: 2}]
      handler: [{return: 1}]
      eventSource: {type: kinesis}
      records: [{id: r1, partitionKey: a}]
      """
    #expect(
      loadError(withSchedules)
        == "test.yaml:2:1: schedules: not allowed with eventSource; a scenario has one way in: 'invocations' and 'schedules', or 'eventSource' with 'records'"
    )
  }

  @Test func throttlesAreForInvocations() {
    #expect(
      loadError(Self.source("sqs") + "\nthrottles: [{count: 1}]")
        == "test.yaml:7:1: throttles: applies to invocations and schedules only; an eventSource mapping is throttled by function.reservedConcurrency")
  }

  /// In an event source scenario a duplicate delivery names a record, as faults do.
  @Test func duplicateDeliveriesNameRecords() throws {
    let scenario = try loadScenario(Self.source("sqs") + "\nduplicateDeliveries: [{invocation: m1, after: 1s}]")
    #expect(scenario.duplicateDeliveries.map(\.invocation) == ["m1"])
    #expect(scenario.duplicateDeliveries.map(\.after) == [1_000])
    #expect(
      loadError(Self.source("sqs") + "\nduplicateDeliveries: [{invocation: m2, after: 1s}]")
        == "test.yaml:7:36: invocation: 'm2' is not a record id; did you mean 'm1'?")
    #expect(
      loadError(Self.source("kinesis") + "\nduplicateDeliveries: [{invocation: r1}]")
        == "test.yaml:7:23: missing required key 'after' in a duplicate delivery")
  }

  // MARK: Faults and templates

  @Test func faultsNameRecords() throws {
    let scenario = try loadScenario(Self.source("sqs") + "\nfaults: [{invocation: m1, attempt: 3, step: 1}]")
    #expect(scenario.faults.map(\.invocation) == ["m1"])
    #expect(scenario.faults.map(\.attempt) == [3])
    #expect(
      loadError(Self.source("sqs") + "\nfaults: [{invocation: m2, step: 1}]")
        == "test.yaml:7:23: invocation: 'm2' is not a record id; did you mean 'm1'?")
    #expect(
      loadError(Self.source("kinesis") + "\nfaults: [{invocation: A, step: 1}]")
        == "test.yaml:7:23: invocation: 'A' is not a record id; record ids: r1")
  }

  @Test func recordIsATemplateNameOnlyWithAnEventSource() throws {
    let handler = "handler: [{log: \"${record.body}\"}]"
    _ = try loadScenario(Self.source("sqs").replacing("handler: [{return: 1}]", with: handler))
    let direct = """
      name: t
      \(handler)
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(direct) == "test.yaml:2:20: unknown name 'record' in template; only an eventSource scenario has records")
    let shadow = """
      name: t
      handler: [{uuid: record}]
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(shadow) == "test.yaml:2:18: uuid: 'record' is a built-in name; choose another")
  }

  // MARK: Documentation

  /// The examples of "Event sources" in docs/scenario-format.md load (with a handler added), so
  /// the documentation cannot drift from the loader.
  @Test func documentedExamplesLoad() throws {
    let text = try documentation("scenario-format.md")
    let start = try #require(text.range(of: "## Event sources\n"))
    let end = try #require(text.range(of: "\n## faults\n", range: start.upperBound..<text.endIndex))
    let section = text[start.upperBound..<end.lowerBound]
    let blocks = section.split(separator: "```yaml\n").dropFirst().map { String($0.prefix { $0 != "`" }) }
    #expect(blocks.count == 3)
    let prefix = "name: doc\nhandler: [{log: \"${record}\"}]\n"
    let kinesis = try loadScenario(prefix + blocks[0], file: "scenario-format.md")
    #expect(kinesis.eventSource?.kind == .kinesis)
    #expect(kinesis.eventSource?.shards == 2)
    #expect(kinesis.records.map(\.partitionKey) == ["alice"])
    let sqs = try loadScenario(prefix + blocks[1], file: "scenario-format.md")
    #expect(sqs.eventSource?.queue.maxReceiveCount == 5)
    #expect(sqs.eventSource?.maximumConcurrency == 5)
    #expect(sqs.warnings.isEmpty)
    #expect(sqs.records.map(\.id) == ["m1", "m2"])
    let faults = try loadScenario(prefix + blocks[1] + blocks[2], file: "scenario-format.md")
    #expect(faults.faults.map(\.invocation) == ["m1"])
  }
}
