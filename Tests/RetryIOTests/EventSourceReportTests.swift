import RetryCore
import Testing

@testable import RetryIO

/// Event sources in the text report and the JSON trace: whole lines where practical.
@Suite struct EventSourceReportTests {
  static let sqs = """
    name: sqs-redrive
    tables: [{name: orders, partitionKey: id}]
    eventSource: {type: sqs, queue: {name: orders, visibilityTimeout: 30s, maxReceiveCount: 2, deadLetterQueue: orders-dlq}}
    records:
      - {id: m1}
      - {id: m2}
      - {id: m3, at: 2s}
    handler:
      - {name: write, put: {table: orders, item: {id: "${record.messageId}"}}}
    faults:
      - {invocation: m2, before: write}
    """

  static let kinesis = """
    name: kinesis-blocked
    tables: [{name: orders, partitionKey: id}]
    eventSource: {type: kinesis, maximumRetryAttempts: 1, onFailure: {type: sqs, target: stream-failures}}
    records:
      - {id: r1, partitionKey: alice}
      - {id: r2, at: 100ms, partitionKey: alice}
    handler:
      - {name: write, put: {table: orders, item: {id: "${record.kinesis.sequenceNumber}"}}}
    faults:
      - {invocation: r2, before: write}
    """

  func trace(_ yaml: String) throws -> Trace { Simulator(scenario: try loadScenario(yaml)).run() }

  @Test func sqsTextReport() throws {
    let lines = TraceTextReport(trace: try trace(Self.sqs)).render().split(separator: "\n").map(String.init)
    #expect(lines.contains(
      "  orders  SQS queue orders  at 0.000s  [orders#1 ✗ error 14ms {m1 m2}] ┄ hidden 29s ┄ [orders#2 ✓ success 14ms {m3}] [orders#3 ✗ error 14ms {m1 m2}] ┄ hidden 29s ┄ → {m1 m2} to DLQ orders-dlq (maxReceiveCount 2 reached)"))
    #expect(lines.contains("  #     time  by        record  target  kind       key    note"))
    #expect(lines.contains("  1   0.008s  orders#1  m1      orders  insert     id=m1  v1"))
    #expect(lines.contains("  orders: 3 batches; {m1 m2} to DLQ orders-dlq (maxReceiveCount 2 reached)"))
    #expect(lines.contains("  1 consumer, 3 batches, 2 changes to the outside world, 0 duplicates, 2 records failed for good."))
  }

  @Test func kinesisTextReport() throws {
    let lines = TraceTextReport(trace: try trace(Self.kinesis)).render().split(separator: "\n").map(String.init)
    let lane = try #require(lines.first { $0.hasPrefix("  shard-1  ") })
    #expect(lane.hasPrefix("  shard-1  Kinesis shard shardId-000000000000  at 0.000s  [shard-1#1 ✗ error"))
    #expect(lane.contains(" {r1 r2}] ┄ blocked 1s ┄ [shard-1#2 ✗ error"))
    #expect(lane.hasSuffix("→ {r1 r2} failed, metadata to onFailure stream-failures (RetryAttemptsExhausted)"))
  }

  @Test func jsonCarriesRecordsOnlyForEventSources() throws {
    let json = TraceJSON.encode(try trace(Self.sqs))
    let lines = json.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains(#""caller":"event-source""#) && $0.hasSuffix(#""records":["m1","m2"]},"#) })
    #expect(lines.contains { $0.contains(#""reason":"visibility-timeout""#) })
    #expect(lines.contains { $0.contains(#""kind":"insert""#) && $0.hasSuffix(#""record":"m1"},"#) })
    #expect(lines.contains { $0.contains(#""kind":"dlq""#) && $0.contains(#""target":"orders-dlq""#) && $0.hasSuffix(#""records":["m2"]}"#) })
    #expect(lines.contains { $0.contains(#""kind":"record-arrived""#) && $0.contains(#""record":"m3","caption""#) })
    let kinesis = TraceJSON.encode(try trace(Self.kinesis))
    #expect(kinesis.contains(#""reason":"shard-blocked""#))
    #expect(kinesis.contains(#""kind":"onFailure""#) && kinesis.contains(#""records":["r1","r2"]"#))
  }
}
