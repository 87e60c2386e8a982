import RetryCore

/// `records:`: the messages sent to the queue or the records put to the stream, and the rule that
/// a scenario has one way in. An event source scenario's lanes are its queue, groups or shards,
/// and its faults name records, so invocations and schedules cannot be mixed in: their ids would
/// share the fault namespace with record ids and their lanes with the pollers'.
extension ScenarioLoader.Session {
  static let recordKeys = ["id", "at", "partitionKey", "messageGroupId", "data"]

  /// `eventSource` and `records` go together, and exclude `invocations` and `schedules`, and the
  /// sections the engine applies to direct invokes only. Checked before the sections are read, so
  /// the message names the conflict rather than a consequence of it.
  func checkWayIn(_ fields: YAMLMapping) throws(ScenarioError) {
    guard fields.contains("eventSource") else {
      if let key = fields.keyNode("records") {
        throw key.error("records: only an event source delivers records; add 'eventSource', or use 'invocations'")
      }
      return
    }
    if let entry = fields.entries(among: ["invocations", "schedules"]).first {
      throw entry.key.error(
        "\(entry.name): not allowed with eventSource; a scenario has one way in: 'invocations' and 'schedules', or 'eventSource' with 'records'")
    }
    // Injected throttles name invocations; an event source mapping is throttled by the function's
    // reserved concurrency, which it does not account for. (Duplicate deliveries name records here.)
    if let entry = fields.entries(among: ["throttles"]).first {
      throw entry.key.error(
        "\(entry.name): applies to invocations and schedules only; an eventSource mapping is throttled by function.reservedConcurrency")
    }
  }

  /// The records of an event source scenario: at least one, each with a unique id.
  func readRecords(_ node: YAMLNode?, eventSourceKey: YAMLNode, mapping: EventSourceMapping) throws(ScenarioError) {
    guard let node else { throw eventSourceKey.error("eventSource: no records to deliver; add 'records' with at least one record") }
    let items = try items(node, section: "records", itemName: "a record")
    if items.isEmpty { throw node.error("records: expected at least one record, got an empty list") }
    for item in items {
      let fields = try item.mapping("a record", keys: Self.recordKeys)
      let idNode = try fields.required("id")
      let id = try recordId(idNode)
      var record = SourceRecord(id: id, at: 0, data: .map([:]))
      if let node = fields["at"] { record.at = try node.duration("at") }
      record.partitionKey = try partitionKey(fields, mapping: mapping)
      record.messageGroupId = try messageGroupId(fields, mapping: mapping)
      if let node = fields["data"] { record.data = try node.value() }
      recordPositions[id] = records.count
      records.append((record, idNode.location))
    }
  }

  /// Streams route by partition key, so every stream record needs one; SQS messages have none.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  private func partitionKey(_ fields: YAMLMapping, mapping: EventSourceMapping) throws(ScenarioError) -> String? {
    if mapping.isStream {
      guard let node = fields["partitionKey"] else {
        throw fields.node.error("missing required key 'partitionKey' in a \(mapping.kind.rawValue) record")
      }
      return try node.line("partitionKey", expected: "a partition key")
    }
    if let key = fields.keyNode("partitionKey") {
      throw key.error("partitionKey: only stream records (kinesis, dynamodb) have one, not sqs messages")
    }
    return nil
  }

  /// FIFO queues order and batch by message group, so every FIFO message needs one; other
  /// sources have none. Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
  private func messageGroupId(_ fields: YAMLMapping, mapping: EventSourceMapping) throws(ScenarioError) -> String? {
    if mapping.kind == .sqs, mapping.queue.fifo {
      guard let node = fields["messageGroupId"] else {
        throw fields.node.error("missing required key 'messageGroupId' in a FIFO queue record")
      }
      return try node.line("messageGroupId", expected: "a message group id")
    }
    if let key = fields.keyNode("messageGroupId") {
      throw key.error("messageGroupId: only messages of a FIFO queue (queue.fifo: true) have one")
    }
    return nil
  }

  /// A record id: letters, digits, `-`, `_` (it names the record in captions and faults), unique.
  private func recordId(_ node: YAMLNode) throws(ScenarioError) -> String {
    let id = try node.line("id", expected: "a record id such as m1")
    guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
      throw node.error("id: \(quoted(id)) may only use letters, digits, '-' and '_'")
    }
    if let first = recordPositions[id].map({ records[$0].location }) {
      throw node.error("id: \(quoted(id)) is already used at line \(first.line)")
    }
    return id
  }

  /// What a fault's `invocation:` names: a record id in an event source scenario (the engine
  /// matches faults against the record being handled), else an invocation or schedule.
  func faultTarget(_ node: YAMLNode) throws(ScenarioError) -> String {
    guard eventSource != nil else { return try invocationReference(node).id }
    let id = try node.line("invocation", expected: "a record id")
    if recordPositions[id] != nil { return id }
    let ids = records.map(\.definition.id)
    let hint = didYouMean(id, among: ids)
    // A file may hold thousands of records: name the first few.
    let listed = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", ..." : "")
    throw node.error("invocation: \(quoted(id)) is not a record id\(hint.isEmpty ? "; record ids: \(listed)" : hint)")
  }
}
