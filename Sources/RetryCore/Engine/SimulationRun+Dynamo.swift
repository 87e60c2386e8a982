/// A real handler's DynamoDB calls (`DynamoCall`), applied to the world with the same `get` and
/// `write` as a modelled handler's steps: conditions, versions, effects, duplicate marking and
/// the tables' injected failures are identical. Error shapes and statuses follow
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
extension SimulationRun {
  func serveDynamo(_ x: ExecutionState, step: CompiledStep, _ request: DynamoCall) -> ExternalReply {
    let call = PendingCall(step: step, request: nil)
    switch request {
    case .getItem(let table, let key):
      guard let t = world.tableIndex[table] else { return Self.unknownTable(table) }
      if let refusal = keyShapeError(key, table: t) { return refusal }
      switch get(x, call: call, table: t, key: .map(key)) {
      case .item(.map(let item)): return ExternalReply(status: 200, body: .item(item))
      case .failed(let type, let message, _): return Self.dynamoError(type, message)
      default: return ExternalReply(status: 200, body: .item(nil))
      }

    case .putItem(let write, let item):
      guard let t = world.tableIndex[write.table] else { return Self.unknownTable(write.table) }
      let before = existingItem(t, key: .map(item))
      let result = self.write(x, call: call, table: t, key: .map(item), condition: resolved(write)) { _, _ in item }
      return writeReply(result, write, before: before, updated: nil)

    case .updateItem(let write, let key, let update):
      guard let t = world.tableIndex[write.table] else { return Self.unknownTable(write.table) }
      if let refusal = keyShapeError(key, table: t) { return refusal }
      let before = existingItem(t, key: .map(key))
      let result = self.write(x, call: call, table: t, key: .map(key), condition: resolved(write), needsKeyItem: true) {
        existing, keyItem throws(ServiceFailure) in
        try Self.updated(existing ?? keyItem, update, write)
      }
      return writeReply(result, write, before: before, updated: update?.updatedAttributes(names: write.names) ?? [])

    case .deleteItem(let write, let key):
      guard let t = world.tableIndex[write.table] else { return Self.unknownTable(write.table) }
      if let refusal = keyShapeError(key, table: t) { return refusal }
      let before = existingItem(t, key: .map(key))
      let result = self.write(x, call: call, table: t, key: .map(key), condition: resolved(write), delete: true) { _, _ in [:] }
      return writeReply(result, write, before: before, updated: nil)

    case .query(let query):
      return serveQuery(x, step: step, query)

    case .transactWriteItems(let actions):
      return serveTransaction(x, step: step, actions)
    }
  }

  /// Applies an update expression (none: the item as it is, keys only for a new one).
  static func updated(_ item: Item, _ update: UpdateExpression?, _ write: DynamoWrite) throws(ServiceFailure) -> Item {
    guard let update else { return item }
    do throws(ExpressionError) {
      return try update.apply(to: item, names: write.names, values: write.values)
    } catch {
      throw ServiceFailure(errorType: "ValidationException", message: "Invalid UpdateExpression: \(error.message)")
    }
  }

  /// The item stored under `key`'s key attributes, if any.
  func existingItem(_ t: Int, key: Value) -> Item? {
    guard let text = try? world.keyText(of: key, table: t) else { return nil }
    return world.tables[t].items[text]?.item
  }

  /// DynamoDB wants exactly the key attributes in a `Key`.
  func keyShapeError(_ key: Item, table t: Int) -> ExternalReply? {
    let attributes = world.tables[t].keyAttributes
    guard key.count != attributes.count || key.keys.contains(where: { !attributes.contains($0) }) else { return nil }
    return Self.dynamoError("ValidationException", "The provided key element does not match the schema")
  }

  func resolved(_ write: DynamoWrite) -> ResolvedCondition? {
    write.condition.map {
      ResolvedCondition(
        expression: $0, text: write.conditionText ?? $0.description, values: write.values, names: write.names,
        onConditionFailed: .throw)
    }
  }

  /// The answer to a put, update or delete: its `ReturnValues`, or its error.
  func writeReply(_ result: StepResult, _ write: DynamoWrite, before: Item?, updated: [String]?) -> ExternalReply {
    switch result {
    case .failed(let type, let message, _):
      let item = type == "ConditionalCheckFailedException" && write.returnItemOnConditionFailure ? before : nil
      return Self.dynamoError(type, message, item: item)
    case .conditionFailed:
      return Self.dynamoError("ConditionalCheckFailedException", "The conditional request failed")
    default:
      var after: Item?
      if case .item(.map(let item)) = result { after = item }
      let attributes: Item?
      switch write.returnValues {
      case .none: attributes = nil
      case .allOld: attributes = before
      case .allNew: attributes = after
      case .updatedOld: attributes = before.map { Self.only(updated ?? [], of: $0) }
      case .updatedNew: attributes = after.map { Self.only(updated ?? [], of: $0) }
      }
      return ExternalReply(status: 200, body: .attributes(attributes.flatMap { $0.isEmpty ? nil : $0 }))
    }
  }

  static func only(_ attributes: [String], of item: Item) -> Item {
    var result: Item = [:]
    for attribute in attributes { if let value = item[attribute] { result[attribute] = value } }
    return result
  }

  static func unknownTable(_ name: String) -> ExternalReply {
    dynamoError("ResourceNotFoundException", tableNotFound(name))
  }

  /// An AWS error with its HTTP status: 500 for an internal error, 503 for unavailability, 400
  /// for every client error (throttling and conditional failures included).
  static func dynamoError(_ type: String, _ message: String, item: Item? = nil) -> ExternalReply {
    let status =
      switch type {
      case "InternalServerError", "InternalFailure": 500
      case "ServiceUnavailable", "ServiceUnavailableException": 503
      default: 400
      }
    return .error(type, message, status: status, item: item)
  }

  // MARK: - Query

  /// The items of the table the key condition selects, in sort key order (descending when
  /// `ScanIndexForward` is false), at most `Limit` read, then filtered. Each item returned is a
  /// read effect (the version the handler saw); a query that returns nothing is one read effect
  /// that found nothing, like a GetItem of a missing key.
  func serveQuery(_ x: ExecutionState, step: CompiledStep, _ query: DynamoQuery) -> ExternalReply {
    guard let t = world.tableIndex[query.table] else { return Self.unknownTable(query.table) }
    let table = world.tables[t]
    if let problem = query.keyCondition.keyConditionProblem(
      partitionKey: table.keyAttributes[0], sortKey: table.keyAttributes.dropFirst().first, names: query.names)
    {
      return Self.dynamoError("ValidationException", problem)
    }
    var matched: [(key: String, item: Item, version: Int)] = []
    do throws(ExpressionError) {
      for position in 0..<table.items.count {
        let entry = table.items.entry(at: position)
        if try query.keyCondition.evaluate(on: entry.item, names: query.names, values: query.values) {
          matched.append((table.items.keys[position], entry.item, entry.version))
        }
      }
    } catch {
      return Self.dynamoError("ValidationException", "Invalid KeyConditionExpression: \(error.message)")
    }
    if let sortKey = table.keyAttributes.dropFirst().first {
      matched.sort { a, b in
        let order = (a.item[sortKey]).flatMap { left in b.item[sortKey].flatMap { DynamoComparison.order(left, $0) } } ?? 0
        return query.forward ? order < 0 : order > 0
      }
    }
    if let limit = query.limit { matched = Array(matched.prefix(limit)) }
    var returned: [(key: String, item: Item, version: Int)] = []
    do throws(ExpressionError) {
      for entry in matched {
        if try query.filter?.evaluate(on: entry.item, names: query.names, values: query.values) ?? true { returned.append(entry) }
      }
    } catch {
      return Self.dynamoError("ValidationException", "Invalid FilterExpression: \(error.message)")
    }
    let detail = "query \(query.keyCondition)"
    if returned.isEmpty {
      addEffect(x, step: step, target: table.name, kind: .read, key: detail, detail: "no items")
    }
    for entry in returned {
      addEffect(x, step: step, target: table.name, kind: .read, key: entry.key, before: .map(entry.item),
                after: .map(entry.item), detail: detail, version: entry.version)
    }
    return ExternalReply(status: 200, body: .items(returned.map(\.item), scannedCount: matched.count))
  }

  // MARK: - TransactWriteItems

  /// All or nothing: every action's condition is checked (and every update computed) before any
  /// write; one that fails cancels the transaction (`TransactionCanceledException` with a reason
  /// per action) and nothing is written. The transaction is one request for the tables' injected
  /// failures (counted on its first action's table).
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  func serveTransaction(_ x: ExecutionState, step: CompiledStep, _ actions: [DynamoTransactAction]) -> ExternalReply {
    var tables: [Int] = []
    var keys: [String] = []
    for action in actions {
      guard let t = world.tableIndex[action.write.table] else { return Self.unknownTable(action.write.table) }
      let keyValue: Item
      switch action {
      case .put(_, let item): keyValue = item
      case .update(_, let key, _), .delete(_, let key), .conditionCheck(_, let key):
        if let refusal = keyShapeError(key, table: t) { return refusal }
        keyValue = key
      }
      let text: String
      do { text = try world.keyText(of: .map(keyValue), table: t) } catch {
        return Self.dynamoError(error.errorType, error.message)
      }
      if keys.indices.contains(where: { tables[$0] == t && keys[$0] == text }) {
        return Self.dynamoError("ValidationException", "Transaction request cannot include multiple operations on one item")
      }
      tables.append(t)
      keys.append(text)
    }
    // Every condition, on the items as they are now.
    var reasons: [DynamoCancellationReason] = []
    var failed: [Int] = []
    for (index, action) in actions.enumerated() {
      let existing = world.tables[tables[index]].items[keys[index]]?.item
      let write = action.write
      if let condition = write.condition {
        let holds: Bool
        do { holds = try condition.evaluate(on: existing, names: write.names, values: write.values) } catch {
          return Self.dynamoError("ValidationException", "Invalid ConditionExpression: \(error.message)")
        }
        if !holds {
          reasons.append(
            DynamoCancellationReason(
              code: "ConditionalCheckFailed", message: "The conditional request failed",
              item: write.returnItemOnConditionFailure ? existing : nil))
          failed.append(index)
          continue
        }
      }
      if case .update(let write, _, let update) = action {
        do { _ = try Self.updated(existing ?? [:], update, write) } catch {
          return Self.dynamoError(error.errorType, error.message)
        }
      }
      reasons.append(DynamoCancellationReason(code: "None"))
    }
    if !failed.isEmpty {
      for index in failed {
        let t = tables[index]
        let existing = world.tables[t].items[keys[index]]
        let text = actions[index].write.conditionText ?? actions[index].write.condition?.description ?? ""
        addEffect(x, step: step, target: world.tables[t].name, kind: .skip, key: keys[index], before: existing.map { .map($0.item) },
                  after: existing.map { .map($0.item) }, detail: "condition failed: \(text) (transaction cancelled)", version: existing?.version)
      }
      return ExternalReply(status: 400, body: .transactionCanceled(reasons))
    }
    // The injected failure of the one request, decided once.
    let writes = actions.indices.filter { if case .conditionCheck = actions[$0] { false } else { true } }
    var injected = false
    var failure = ServiceFailures()
    if let first = writes.first {
      let t = tables[first]
      world.tables[t].writeRequests += 1
      injected = world.tables[t].hasWriteFailures && writeFails(table: t)
      failure = world.tables[t].definition.writeFailures
    }
    if injected && !failure.appliedBeforeFailing {
      for index in writes {
        let t = tables[index]
        let existing = world.tables[t].items[keys[index]]
        addEffect(x, step: step, target: world.tables[t].name, kind: .rejected, key: keys[index], before: existing.map { .map($0.item) },
                  after: existing.map { .map($0.item) }, detail: failure.error, version: existing?.version)
      }
      return Self.dynamoError(failure.error, "\(failure.error) writing to \(world.tables[tables[writes[0]]].name)")
    }
    let call = PendingCall(step: step, request: nil)
    for index in writes {
      let t = tables[index]
      let action = actions[index]
      let condition = resolved(action.write)
      switch action {
      case .put(_, let item):
        _ = write(x, call: call, table: t, key: .map(item), condition: condition, injectFailures: false) { _, _ in item }
      case .update(let write, let key, let update):
        _ = self.write(x, call: call, table: t, key: .map(key), condition: condition, needsKeyItem: true, injectFailures: false) {
          existing, keyItem throws(ServiceFailure) in try Self.updated(existing ?? keyItem, update, write)
        }
      case .delete(_, let key):
        _ = write(x, call: call, table: t, key: .map(key), condition: condition, delete: true, injectFailures: false) { _, _ in [:] }
      case .conditionCheck:
        break
      }
    }
    if injected {
      return Self.dynamoError(
        failure.error, "\(failure.error) writing to \(world.tables[tables[writes[0]]].name) (the write was applied)")
    }
    return ExternalReply(status: 200)
  }
}
