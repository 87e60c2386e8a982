import OrderedCollections
import RetryCore

/// `tables:`, `endpoints:` and `externalWrites:`: the outside world the handler touches. Key
/// schemas are checked wherever a key or an item is written down, because DynamoDB itself rejects
/// a key that does not match the table ("The provided key element does not match the schema").
extension ScenarioLoader.Session {
  static let tableKeys = ["name", "partitionKey", "sortKey", "items", "writeFailures"]
  static let endpointKeys = ["name", "url", "latency", "failures"]
  static let failureKeys = ["requests", "probability", "error", "applied"]
  static let externalWriteKeys = ["at", "table", "put", "delete", "actor"]
  /// What a failed table write throws unless the file says otherwise: DynamoDB's answer when the
  /// write capacity runs out (the talk's demo 2).
  static let defaultTableWriteError = "ProvisionedThroughputExceededException"
  /// What a failed POST returns unless the file says otherwise.
  static let defaultEndpointError = "HTTP 503"

  func readTables(_ node: YAMLNode) throws(ScenarioError) {
    for item in try items(node, section: "tables", itemName: "a table") {
      let fields = try item.mapping("a table", keys: Self.tableKeys)
      let nameNode = try fields.required("name")
      let name = try nameNode.line("name", expected: "a table name")
      // Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
      guard (3...255).contains(name.count),
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
      else {
        throw nameNode.error("name: \(quoted(name)) must be 3-255 letters, digits, '_', '-' or '.' (DynamoDB)")
      }
      if let first = tables.first(where: { $0.definition.name == name }) {
        throw nameNode.error("name: table \(quoted(name)) is already declared at line \(first.location.line)")
      }
      let partitionKey = try fields.required("partitionKey").line("partitionKey", expected: "an attribute name")
      var table = TableDefinition(
        name: name, partitionKey: partitionKey, writeFailures: ServiceFailures(error: Self.defaultTableWriteError))
      if let node = fields["sortKey"] {
        let sortKey = try node.line("sortKey", expected: "an attribute name")
        if sortKey == partitionKey { throw node.error("sortKey: \(quoted(sortKey)) is already the partitionKey") }
        table.sortKey = sortKey
      }
      if let node = fields["items"] { table.items = try initialItems(node, of: table) }
      if let node = fields["writeFailures"] {
        table.writeFailures = try failures(node, context: "writeFailures", defaultError: Self.defaultTableWriteError)
      }
      tables.append((table, item.location))
    }
  }

  private func initialItems(_ node: YAMLNode, of table: TableDefinition) throws(ScenarioError) -> [Item] {
    var items: [Item] = []
    var keys: [(key: Value, line: Int)] = []
    for itemNode in try node.list("items") {
      let item = try self.item(itemNode, key: "items", of: table)
      let key = Value.map(OrderedDictionary(uniqueKeysWithValues: table.keyAttributes.map { ($0, item[$0] ?? .null) }))
      if let first = keys.first(where: { $0.key == key }) {
        throw itemNode.error("items: the key \(JSONText.compact(key)) is already used by the item at line \(first.line)")
      }
      keys.append((key, itemNode.location.line))
      items.append(item)
    }
    return items
  }

  /// A literal item (initial items, external puts): a mapping holding every key attribute.
  func item(_ node: YAMLNode, key: String, of table: TableDefinition) throws(ScenarioError) -> Item {
    guard node.node.mapping != nil, case .map(let item) = try node.value() else {
      throw node.error("\(key): expected an item (a mapping of attributes), got \(node.shortDescription)")
    }
    for attribute in table.keyAttributes where item[attribute] == nil {
      throw node.error("\(key): the item has no \(quoted(attribute)), a key attribute of table \(quoted(table.name))")
    }
    try checkKeyValueTypes(item, in: node, of: table)
    return item
  }

  /// A literal key (external deletes): exactly the table's key attributes.
  func literalKey(_ node: YAMLNode, key: String, of table: TableDefinition) throws(ScenarioError) -> Item {
    try checkKeyAttributes(node, key: key, of: table)
    guard case .map(let item) = try node.value() else { throw node.error("\(key): expected a mapping") }
    try checkKeyValueTypes(item, in: node, of: table)
    return item
  }

  /// DynamoDB key attributes are strings, numbers or binary; a list or a map cannot be a key.
  private func checkKeyValueTypes(_ item: Item, in node: YAMLNode, of table: TableDefinition) throws(ScenarioError) {
    for attribute in table.keyAttributes {
      switch item[attribute] {
      case .string?, .int?, .double?, nil: continue
      default:
        let valueNode = node.child(attribute) ?? node
        throw valueNode.error("\(attribute): a key attribute must be a string or a number, got \(valueNode.shortDescription)")
      }
    }
  }

  /// Checks that a key mapping names exactly the table's key attributes (DynamoDB: "The provided
  /// key element does not match the schema"), naming the schema in the message.
  func checkKeyAttributes(_ node: YAMLNode, key: String, of table: TableDefinition) throws(ScenarioError) {
    let schema = "(\(table.keyAttributes.joined(separator: ", ")))"
    guard case .mapping(let mapping) = node.node else {
      throw node.error("\(key): expected the key attributes of table \(quoted(table.name)) \(schema) as a mapping, got \(node.shortDescription)")
    }
    var names: [String] = []
    for keyNode in mapping.keys {
      let entry = YAMLNode(node: keyNode, file: node.file)
      let name = try entry.mappingKey()
      if !table.keyAttributes.contains(name) {
        throw entry.error(
          "\(key): \(quoted(name)) is not a key attribute of table \(quoted(table.name)) \(schema)\(didYouMean(name, among: table.keyAttributes))")
      }
      names.append(name)
    }
    for attribute in table.keyAttributes where !names.contains(attribute) {
      throw node.error("\(key): missing key attribute \(quoted(attribute)) of table \(quoted(table.name)) \(schema)")
    }
  }

  /// The declared table `name` refers to, or an error with the closest declared name.
  func declaredTable(_ node: YAMLNode, key: String = "table") throws(ScenarioError) -> TableDefinition {
    let name = try node.line(key, expected: "a table name")
    if let table = tables.first(where: { $0.definition.name == name }) { return table.definition }
    throw node.error(notDeclared(key, name, kind: "tables", declared: tables.map(\.definition.name)))
  }

  /// The declared endpoint `name` refers to.
  func declaredEndpoint(_ node: YAMLNode) throws(ScenarioError) -> EndpointDefinition {
    let name = try node.line("endpoint", expected: "an endpoint name")
    if let endpoint = endpoints.first(where: { $0.definition.name == name }) { return endpoint.definition }
    throw node.error(notDeclared("endpoint", name, kind: "endpoints", declared: endpoints.map(\.definition.name)))
  }

  /// `table: 'usrs' is not declared in tables; did you mean 'users'?`
  func notDeclared(_ key: String, _ name: String, kind: String, declared: [String]) -> String {
    if declared.isEmpty { return "\(key): \(quoted(name)) is not declared; there are no \(kind)" }
    let hint = didYouMean(name, among: declared)
    return "\(key): \(quoted(name)) is not declared in \(kind)\(hint.isEmpty ? "; declared: \(declared.joined(separator: ", "))" : hint)"
  }

  func readEndpoints(_ node: YAMLNode) throws(ScenarioError) {
    for item in try items(node, section: "endpoints", itemName: "an endpoint") {
      let fields = try item.mapping("an endpoint", keys: Self.endpointKeys)
      let nameNode = try fields.required("name")
      let name = try nameNode.line("name", expected: "an endpoint name")
      if let first = endpoints.first(where: { $0.definition.name == name }) {
        throw nameNode.error("name: endpoint \(quoted(name)) is already declared at line \(first.location.line)")
      }
      let urlNode = try fields.required("url")
      let url = try urlNode.line("url", expected: "an http:// or https:// URL")
      guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(" ") else {
        throw urlNode.error("url: expected an http:// or https:// URL, got \(quoted(url))")
      }
      var endpoint = EndpointDefinition(name: name, url: url, failures: ServiceFailures(error: Self.defaultEndpointError))
      if let node = fields["latency"] { endpoint.latency = try node.duration("latency") }
      if let node = fields["failures"] {
        endpoint.failures = try failures(node, context: "failures", defaultError: Self.defaultEndpointError)
      }
      endpoints.append((endpoint, item.location))
    }
  }

  /// `{requests: [2, 3], probability: 0.1, error: ..., applied: false}`.
  private func failures(_ node: YAMLNode, context: String, defaultError: String) throws(ScenarioError) -> ServiceFailures {
    let fields = try node.mapping(context, keys: Self.failureKeys)
    var failures = ServiceFailures(error: defaultError)
    if let node = fields["requests"] {
      for item in try node.list("requests") {
        let number = try item.wholeNumber("requests", expected: "a request number")
        if number < 1 { throw item.error("requests: \(number) is below the minimum 1 (requests count from 1)") }
        if failures.requests.contains(number) { throw item.error("requests: \(number) is listed twice") }
        failures.requests.insert(number)
      }
    }
    if let node = fields["probability"] { failures.probability = try node.probability("probability") }
    if let node = fields["error"] { failures.error = try node.line("error", expected: "an error name") }
    if let node = fields["applied"] { failures.appliedBeforeFailing = try node.bool("applied") }
    return failures
  }

  static let outboundQueueKeys = ["name", "fifo", "contentBasedDeduplication", "failures"]
  /// What a failed SendMessage answers unless the file says otherwise.
  static let defaultQueueError = "InternalError"

  /// `queues:`: the SQS queues a real handler sends to. A FIFO queue's name ends with `.fifo`
  /// and it says `fifo: true`, as SQS requires both together.
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html
  func readQueues(_ node: YAMLNode) throws(ScenarioError) -> [OutboundQueue] {
    var queues: [(queue: OutboundQueue, line: Int)] = []
    for item in try items(node, section: "queues", itemName: "a queue") {
      let fields = try item.mapping("a queue", keys: Self.outboundQueueKeys)
      let nameNode = try fields.required("name")
      let name = try nameNode.line("name", expected: "a queue name")
      let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
      guard (1...80).contains(name.count), !base.isEmpty,
        base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
      else {
        throw nameNode.error("name: \(quoted(name)) must be 1-80 letters, digits, '_' or '-' (a FIFO queue's ending in '.fifo') (SQS)")
      }
      if let first = queues.first(where: { $0.queue.name == name }) {
        throw nameNode.error("name: queue \(quoted(name)) is already declared at line \(first.line)")
      }
      var queue = OutboundQueue(name: name, failures: ServiceFailures(error: Self.defaultQueueError))
      if let node = fields["fifo"] { queue.fifo = try node.bool("fifo") }
      if queue.fifo != name.hasSuffix(".fifo") {
        let node = fields["fifo"] ?? nameNode
        throw node.error(
          queue.fifo
            ? "fifo: a FIFO queue's name must end in '.fifo', and \(quoted(name)) does not"
            : "name: \(quoted(name)) ends in '.fifo', the name of a FIFO queue; add 'fifo: true'")
      }
      if let node = fields["contentBasedDeduplication"] {
        queue.contentBasedDeduplication = try node.bool("contentBasedDeduplication")
        if queue.contentBasedDeduplication && !queue.fifo {
          throw node.error("contentBasedDeduplication: only a FIFO queue deduplicates; add 'fifo: true' and name it '\(name).fifo'")
        }
      }
      if let node = fields["failures"] {
        queue.failures = try failures(node, context: "failures", defaultError: Self.defaultQueueError)
      }
      queues.append((queue, item.location.line))
    }
    return queues.map(\.queue)
  }

  func externalWrites(_ node: YAMLNode) throws(ScenarioError) -> [ExternalWrite] {
    var writes: [ExternalWrite] = []
    for item in try items(node, section: "externalWrites", itemName: "an external write") {
      let fields = try item.mapping("an external write", keys: Self.externalWriteKeys)
      let at = try fields["at"]?.duration("at") ?? 0
      let table = try declaredTable(fields.required("table"))
      let operation: ExternalWrite.Operation
      switch (fields["put"], fields["delete"]) {
      case (let put?, nil):
        operation = .put(try self.item(put, key: "put", of: table))
      case (nil, let delete?):
        operation = .delete(try literalKey(delete, key: "delete", of: table))
      case (_?, _?):
        throw fields.entries(among: ["put", "delete"])[1].key.error("an external write has both 'put' and 'delete'; give exactly one")
      case (nil, nil):
        throw item.error("an external write needs 'put' (an item) or 'delete' (a key)")
      }
      var write = ExternalWrite(at: at, table: table.name, operation: operation)
      if let node = fields["actor"] { write.actor = try node.line("actor", expected: "a name") }
      writes.append(write)
    }
    return writes
  }
}
