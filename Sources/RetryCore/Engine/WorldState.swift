/// The outside world during a run: DynamoDB tables with versioned items, HTTP endpoints that keep
/// every request they receive.
struct WorldState {
  struct Table {
    var definition: TableDefinition
    // Copied out of the definition: read on every call, and reading them through the definition
    // would copy (retain and release) the whole struct each time.
    let name: String
    let keyAttributes: [String]
    let hasWriteFailures: Bool
    /// Items by their key's canonical text, in insertion order.
    var items = ItemStore()
    var writeRequests = 0
  }
  struct Endpoint {
    var definition: EndpointDefinition
    var requests: [WorldSnapshot.Request] = []
  }

  /// An SQS queue: how many sends it received, and a FIFO queue's deduplication ids.
  struct Queue {
    var definition: OutboundQueue
    var requests = 0
    var sequence = 0
    /// Deduplication id → when it was accepted, the message id and sequence number it got.
    var deduplication: [String: (time: Milliseconds, messageId: String, sequenceNumber: String)] = [:]
  }

  var tables: [Table]
  var endpoints: [Endpoint]
  var queues: [Queue] = []
  var tableIndex: [String: Int] = [:]
  var endpointIndex: [String: Int] = [:]
  var queueIndex: [String: Int] = [:]

  init(tables: [TableDefinition], endpoints: [EndpointDefinition], queues: [OutboundQueue] = []) {
    self.queues = queues.map { Queue(definition: $0) }
    for (index, queue) in queues.enumerated() { queueIndex[queue.name] = index }
    self.tables = []
    self.endpoints = endpoints.map { Endpoint(definition: $0) }
    for (index, definition) in tables.enumerated() {
      var table = Table(
        definition: definition, name: definition.name, keyAttributes: definition.keyAttributes,
        hasWriteFailures: !definition.writeFailures.isEmpty)
      for item in definition.items {
        if let key = try? Self.keyText(of: .map(item), name: definition.name, keyAttributes: definition.keyAttributes) {
          table.items.updateValue((item, 1), forKey: key)
        }
      }
      self.tables.append(table)
      tableIndex[definition.name] = index
    }
    for (index, endpoint) in endpoints.enumerated() { endpointIndex[endpoint.name] = index }
  }

  /// The canonical text of an item's key (`mail=y`, `user=alice,seq=3`): also what effects show.
  func keyText(of value: Value, table t: Int) throws(ServiceFailure) -> String {
    try Self.keyText(of: value, name: tables[t].name, keyAttributes: tables[t].keyAttributes)
  }

  static func keyText(of value: Value, name: String, keyAttributes: [String]) throws(ServiceFailure) -> String {
    var text = ""
    for attribute in keyAttributes {
      guard let part = value[attribute], part != .null else {
        // DynamoDB: "The provided key element does not match the schema".
        throw ServiceFailure(
          errorType: "ValidationException",
          message: "The provided key element does not match the schema (missing '\(attribute)' for table \(name))")
      }
      if !text.isEmpty { text += "," }
      text += attribute
      text += "="
      text += part.displayText
    }
    return text
  }

  func snapshot() -> WorldSnapshot {
    WorldSnapshot(
      tables: tables.map {
        WorldSnapshot.Table(name: $0.definition.name, keyAttributes: $0.definition.keyAttributes, items: $0.items.items)
      },
      endpoints: endpoints.map { WorldSnapshot.Endpoint(name: $0.definition.name, url: $0.definition.url, requests: $0.requests) })
  }
}

/// An error a service returns to the handler.
struct ServiceFailure: Error {
  var errorType: String
  var message: String
}
