/// Calls reaching DynamoDB tables and HTTP endpoints, and the effects they leave.
extension SimulationRun {
  func performServiceCall(_ e: Int) {
    // Taken out and put back rather than copied: a copy retains the step, the request and its values.
    guard let x = executions[e], var call = x.pending.take() else { return }
    guard call.result == nil, let request = call.request.take() else {
      x.pending = call
      return
    }
    let result: StepResult
    switch request {
    case .get(let table, let key):
      result = get(x, call: call, table: table, key: key)
    case .put(let table, let item, let condition):
      result = write(x, call: call, table: table, key: item, condition: condition) { _, _ throws(ServiceFailure) in
        guard case .map(let fields) = item else {
          throw ServiceFailure(errorType: "ValidationException", message: "put: the item must be a map")
        }
        return fields
      }
    case .update(let table, let key, let update, let values, let names, let condition):
      result = write(x, call: call, table: table, key: key, condition: condition, needsKeyItem: true) { existing, keyItem throws(ServiceFailure) in
        do throws(ExpressionError) {
          return try update.apply(to: existing ?? keyItem, names: names, values: values)
        } catch {
          throw ServiceFailure(errorType: "ValidationException", message: error.message)
        }
      }
    case .delete(let table, let key, let condition):
      result = write(x, call: call, table: table, key: key, condition: condition, delete: true) { _, _ in [:] }
    case .post(let endpoint, let body, let onError):
      result = post(x, call: call, endpoint: endpoint, body: body, onError: onError)
    case .unknownTable(let name):
      result = failure("ResourceNotFoundException", Self.tableNotFound(name))
    case .unknownEndpoint(let name):
      result = failure("Error", "getaddrinfo ENOTFOUND \(name)")
    }
    call.result = result
    x.pending = call
    // What `releaseIfIdle` decides, knowing the call has just been answered (it would copy the
    // call to find that out).
    if !x.isRunning { executions[e] = nil }
  }

  func get(_ x: ExecutionState, call: PendingCall, table t: Int, key: Value) -> StepResult {
    let name = world.tables[t].name
    let keyText: String
    do { keyText = try world.keyText(of: key, table: t) } catch {
      return .failed(errorType: error.errorType, message: error.message, policy: .throw)
    }
    let found = world.tables[t].items[keyText]
    addEffect(x, step: call.step, target: name, kind: .read, key: keyText, before: found.map { .map($0.item) },
              after: found.map { .map($0.item) }, detail: found == nil ? "missing" : "found", version: found?.version)
    return found.map { .item(.map($0.item)) } ?? .missing
  }

  /// A put, update or delete: condition check, injected failures, then the write itself.
  func write(
    _ x: ExecutionState, call: PendingCall, table t: Int, key: Value, condition: ResolvedCondition?, delete: Bool = false,
    needsKeyItem: Bool = false, injectFailures: Bool = true, newItem: (Item?, Item) throws(ServiceFailure) -> Item
  ) -> StepResult {
    let name = world.tables[t].name
    let keyText: String
    var keyItem: Item = [:]
    do {
      keyText = try world.keyText(of: key, table: t)
      // Only an update builds its item from the key; a put's item already is the key's source.
      if needsKeyItem {
        for attribute in world.tables[t].keyAttributes { keyItem[attribute] = key[attribute] }
      }
    } catch {
      return .failed(errorType: error.errorType, message: error.message, policy: .throw)
    }
    let slot = world.tables[t].items.index(forKey: keyText)
    let existing = slot.map { world.tables[t].items.entry(at: $0) }
    let before: Value? = existing.map { .map($0.item) }
    if let condition {
      let holds: Bool
      do {
        holds = try condition.expression.evaluate(on: existing?.item, names: condition.names, values: condition.values)
      } catch {
        return failure("ValidationException", "Invalid ConditionExpression: \(error.message)")
      }
      if !holds {
        // ConditionalCheckFailedException, HTTP 400: nothing is written.
        // Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
        addEffect(x, step: call.step, target: name, kind: .skip, key: keyText, before: before, after: before,
                  detail: "condition failed: \(condition.text)", version: existing?.version)
        if condition.onConditionFailed == .throw {
          return .failed(errorType: "ConditionalCheckFailedException", message: "The conditional request failed", policy: .throw)
        }
        return .conditionFailed
      }
    }
    var item: Item
    do { item = try newItem(existing?.item, keyItem) } catch {
      return .failed(errorType: error.errorType, message: error.message, policy: .throw)
    }
    // A transaction counts as one request, decided by its caller (`injectFailures: false`).
    if injectFailures { world.tables[t].writeRequests += 1 }
    let injected = injectFailures && world.tables[t].hasWriteFailures && writeFails(table: t)
    let failureError = injected ? world.tables[t].definition.writeFailures.error : ""
    let appliedBeforeFailing = injected && world.tables[t].definition.writeFailures.appliedBeforeFailing
    if injected && !appliedBeforeFailing {
      addEffect(x, step: call.step, target: name, kind: .rejected, key: keyText, before: before, after: before,
                detail: failureError, version: existing?.version)
      return .failed(errorType: failureError, message: "\(failureError) writing to \(name)", policy: .throw)
    }
    if !delete {
      // The key attributes always come from the key, whatever the update expression did.
      // (Assigned only where they differ: an assignment would copy an item whose storage is shared.)
      for (attribute, value) in keyItem where item[attribute] != value { item[attribute] = value }
    }
    let kind: EffectKind
    let version: Int
    if delete {
      kind = existing == nil ? .unchanged : .delete
      version = existing?.version ?? 0
      world.tables[t].items.removeValue(forKey: keyText)
    } else if let existing, let slot {
      kind = existing.item == item ? .unchanged : .update
      version = kind == .unchanged ? existing.version : existing.version + 1
      world.tables[t].items.setValue((item, version), at: slot)
    } else {
      kind = .insert
      version = 1
      world.tables[t].items.append((item, 1), forNewKey: keyText)
    }
    addEffect(x, step: call.step, target: name, kind: kind, key: keyText, before: before,
              after: delete ? nil : .map(item), detail: delete && existing == nil ? TraceEffect.noSuchItem : condition.map { "condition held: \($0.text)" },
              version: version)
    if injected {
      return .failed(errorType: failureError, message: "\(failureError) writing to \(name) (the write was applied)", policy: .throw)
    }
    return delete ? .value(before ?? .null) : .item(.map(item))
  }

  func post(_ x: ExecutionState, call: PendingCall, endpoint index: Int, body: Value, onError: ErrorPolicy) -> StepResult {
    let definition = world.endpoints[index].definition
    let name = definition.name
    let number = world.endpoints[index].requests.count + 1
    let failures = definition.failures
    let injected = !failures.isEmpty && (failures.requests.contains(number) || serviceRandom.chance(failures.probability))
    let status = injected ? Self.statusCode(in: failures.error) : 200
    let actor = x.label
    world.endpoints[index].requests.append(WorldSnapshot.Request(time: now, actor: actor, body: body, statusCode: status))
    let applied = !injected || failures.appliedBeforeFailing
    addEffect(x, step: call.step, target: name, kind: applied ? .post : .rejected, key: "POST \(definition.url)",
              after: body, detail: "HTTP \(status)", version: number)
    if injected {
      return .failed(errorType: "HTTPError", message: "POST \(definition.url) answered \(failures.error)", policy: onError)
    }
    return .value(.map(["statusCode": .int(status)]))
  }

  /// Whether the table's current write request is one of its injected failures.
  func writeFails(table t: Int) -> Bool {
    let failures = world.tables[t].definition.writeFailures
    return failures.requests.contains(world.tables[t].writeRequests) || serviceRandom.chance(failures.probability)
  }

  /// The status code in an endpoint failure's description (`HTTP 503` gives 503), else 500.
  static func statusCode(in error: String) -> Int {
    let digits = error.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    return digits.first(where: { (400...599).contains($0) }) ?? 500
  }

  /// DynamoDB's message for a table that does not exist, for modelled steps and real calls alike.
  static func tableNotFound(_ name: String) -> String { "Requested resource not found: Table: \(name) not found" }

  func failure(_ type: String, _ message: String) -> StepResult {
    .failed(errorType: type, message: message, policy: .throw)
  }

  /// Records an effect of an execution; a mutation repeating one that an earlier execution of
  /// the same event made at the same handler step is marked as its duplicate.
  func addEffect(
    _ x: ExecutionState, step: CompiledStep, target: String, kind: EffectKind, key: String, before: Value? = nil,
    after: Value? = nil, detail: String? = nil, version: Int? = nil
  ) {
    let index = trace.effects.count
    var duplicateOf: Int?
    var recordId: String?
    if let batch = x.batch, let source = eventSource {
      // The same record's mutation at the same step by another execution (a redelivery, or a
      // second concurrent receive) repeats the first.
      let position = batch.currentRecord
      recordId = source.records[position].id
      if kind.mutates {
        if let first = source.records[position].firstMutations.first(where: { $0.step == step.pathID }) {
          if first.execution != x.attemptIndex { duplicateOf = first.effect }
        } else {
          source.records[position].firstMutations.append((step.pathID, index, x.attemptIndex))
        }
      }
    } else if kind.mutates {
      // Kept per invocation (a handful of steps each) rather than in one run-wide table.
      if let first = x.invocation.firstMutations.first(where: { $0.step == step.pathID }) {
        if first.attempt != x.attemptNumber { duplicateOf = first.effect }
      } else {
        x.invocation.firstMutations.append((step.pathID, index, x.attemptNumber))
      }
    }
    // Built in the append, not in a local first: the effect holds a dozen references.
    trace.effects.append(
      TraceEffect(
        time: now, invocation: x.invocation.id, attempt: x.attemptNumber, actor: x.label, target: target, kind: kind,
        key: key, before: before, after: after, step: step.path, detail: detail, version: version,
        duplicateOf: duplicateOf))
    if let recordId { trace.effectRecords[index] = recordId }
    record(.effect, invocation: x.invocation.id, attempt: x.attemptNumber, effect: index)
  }

  /// Someone else writes to a table (slide 26: the state is not only ours).
  func performExternalWrite(_ index: Int) {
    let write = scenario.externalWrites[index]
    guard let t = world.tableIndex[write.table] else { return }
    let item: Item
    let isDelete: Bool
    switch write.operation {
    case .put(let fields): (item, isDelete) = (fields, false)
    case .delete(let key): (item, isDelete) = (key, true)
    }
    guard let keyText = try? world.keyText(of: .map(item), table: t) else { return }
    let existing = world.tables[t].items[keyText]
    let kind: EffectKind
    var version = existing?.version ?? 0
    if isDelete {
      kind = existing == nil ? .unchanged : .delete
      world.tables[t].items.removeValue(forKey: keyText)
    } else {
      kind = existing == nil ? .insert : (existing!.item == item ? .unchanged : .update)
      version = existing == nil ? 1 : (kind == .unchanged ? version : version + 1)
      world.tables[t].items.updateValue((item, version), forKey: keyText)
    }
    trace.effects.append(
      TraceEffect(
        time: now, invocation: nil, attempt: nil, actor: write.actor, target: write.table, kind: kind, key: keyText,
        before: existing.map { .map($0.item) }, after: isDelete ? nil : .map(item), version: version))
    record(.externalWrite, effect: trace.effects.count - 1)
  }
}
