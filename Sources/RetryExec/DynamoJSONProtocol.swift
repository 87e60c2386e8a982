import Foundation
import RetryCore

/// DynamoDB's wire protocol as the AWS SDKs speak it: `POST /` with
/// `X-Amz-Target: DynamoDB_20120810.<Operation>` and an `application/x-amz-json-1.0` body.
/// Reads a request into a `DynamoCall` (or a refusal), and writes the simulator's reply.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
enum DynamoJSONProtocol {
  static let targetPrefix = "DynamoDB_20120810."
  static let contentType = "application/x-amz-json-1.0"

  /// The operations served; any other is `UnknownOperationException`.
  static let operations = ["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "TransactWriteItems"]

  struct Refusal: Error {
    var type: String
    var message: String
  }

  /// The request, and the top-level attributes its `ProjectionExpression` keeps in the reply
  /// (nil: all). The projection shapes only the answer; the read effect records the whole item.
  static func request(operation: String, body: Value) -> (ExternalRequest, projection: [String]?) {
    do throws(Refusal) {
      guard operations.contains(operation) else {
        throw Refusal(type: "UnknownOperationException", message: "RetryScope serves \(operations.joined(separator: ", ")), not \(operation)")
      }
      guard case .map(let fields) = body else { throw Refusal(type: "SerializationException", message: "the body is not a JSON object") }
      let parameters = Parameters(fields: fields, context: operation)
      return (.dynamo(try call(operation, parameters)), try parameters.projection())
    } catch {
      return (.refused(status: 400, errorType: error.type, message: error.message), nil)
    }
  }

  /// Keeps only the projected attributes of every item in a reply.
  static func project(_ reply: ExternalReply, _ projection: [String]?) -> ExternalReply {
    guard let projection else { return reply }
    func keep(_ item: Item) -> Item { item.filter { projection.contains($0.key) } }
    var projected = reply
    switch reply.body {
    case .item(let item?): projected.body = .item(keep(item))
    case .items(let items, let scanned): projected.body = .items(items.map(keep), scannedCount: scanned)
    default: break
    }
    return projected
  }

  static func call(_ operation: String, _ p: Parameters) throws(Refusal) -> DynamoCall {
    switch operation {
    case "GetItem":
      try p.refuseLegacy("AttributesToGet", instead: "ProjectionExpression")
      _ = p.bool("ConsistentRead")  // accepted: every read here is strongly consistent
      return .getItem(table: try p.table(), key: try p.item("Key"))
    case "PutItem":
      let write = try p.write(allowedReturnValues: [.none, .allOld])
      let item = try p.item("Item")
      try p.checkPlaceholders([write.condition].compactMap { $0 }, nil)
      return .putItem(write, item: item)
    case "UpdateItem":
      try p.refuseLegacy("AttributeUpdates", instead: "UpdateExpression")
      let write = try p.write(allowedReturnValues: DynamoReturnValues.allCases)
      let update = try p.updateExpression()
      try p.checkPlaceholders([write.condition].compactMap { $0 }, update)
      return .updateItem(write, key: try p.item("Key"), update: update)
    case "DeleteItem":
      let write = try p.write(allowedReturnValues: [.none, .allOld])
      try p.checkPlaceholders([write.condition].compactMap { $0 }, nil)
      return .deleteItem(write, key: try p.item("Key"))
    case "Query":
      return .query(try query(p))
    default:
      return .transactWriteItems(try transaction(p))
    }
  }

  static func query(_ p: Parameters) throws(Refusal) -> DynamoQuery {
    try p.refuseLegacy("KeyConditions", instead: "KeyConditionExpression")
    try p.refuseLegacy("QueryFilter", instead: "FilterExpression")
    if p.fields["IndexName"] != nil {
      throw Refusal(type: "ValidationException", message: "RetryScope's tables have no secondary indexes; query the table itself")
    }
    if p.fields["ExclusiveStartKey"] != nil {
      throw Refusal(type: "ValidationException", message: "RetryScope answers a query in one page; ExclusiveStartKey is not served")
    }
    _ = p.bool("ConsistentRead")
    guard let keyText = try p.string("KeyConditionExpression") else {
      throw Refusal(type: "ValidationException", message: "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
    }
    let key = try p.condition(keyText, what: "KeyConditionExpression")
    let filter = try p.string("FilterExpression").map { (text) throws(Refusal) in try p.condition(text, what: "FilterExpression") }
    try p.checkPlaceholders([key] + (filter.map { [$0] } ?? []), nil)
    var limit: Int?
    if let given = p.fields["Limit"] {
      guard case .int(let number) = given, number >= 1 else {
        throw Refusal(type: "ValidationException", message: "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
      }
      limit = number
    }
    return DynamoQuery(
      table: try p.table(), keyCondition: key, filter: filter, names: try p.names(), values: try p.values(), limit: limit,
      forward: p.bool("ScanIndexForward") ?? true)
  }

  static func transaction(_ p: Parameters) throws(Refusal) -> [DynamoTransactAction] {
    guard case .list(let entries)? = p.fields["TransactItems"], !entries.isEmpty else {
      throw Refusal(type: "ValidationException", message: "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null")
    }
    guard entries.count <= 100 else {
      throw Refusal(type: "ValidationException", message: "Member must have length less than or equal to 100 (TransactItems)")
    }
    var actions: [DynamoTransactAction] = []
    for entry in entries {
      guard case .map(let wrapper) = entry, wrapper.count == 1, case .map(let fields) = wrapper.values[0] else {
        throw Refusal(type: "ValidationException", message: "each TransactItem holds exactly one of Put, Update, Delete, ConditionCheck")
      }
      let kind = wrapper.keys[0]
      let inner = Parameters(fields: fields, context: kind)
      let write = try inner.write(allowedReturnValues: [.none])
      let condition = [write.condition].compactMap { $0 }
      switch kind {
      case "Put":
        try inner.checkPlaceholders(condition, nil)
        actions.append(.put(write, item: try inner.item("Item")))
      case "Update":
        let update = try inner.updateExpression()
        try inner.checkPlaceholders(condition, update)
        actions.append(.update(write, key: try inner.item("Key"), update: update))
      case "Delete":
        try inner.checkPlaceholders(condition, nil)
        actions.append(.delete(write, key: try inner.item("Key")))
      case "ConditionCheck":
        guard write.condition != nil else {
          throw Refusal(type: "ValidationException", message: "ConditionCheck needs a ConditionExpression")
        }
        try inner.checkPlaceholders(condition, nil)
        actions.append(.conditionCheck(write, key: try inner.item("Key")))
      default:
        throw Refusal(type: "ValidationException", message: "unknown TransactItem \(kind): one of Put, Update, Delete, ConditionCheck")
      }
    }
    return actions
  }

  /// One request's parameters (or one transaction action's), read with DynamoDB's messages.
  struct Parameters {
    var fields: Item
    var context: String

    func string(_ name: String) throws(Refusal) -> String? {
      guard let value = fields[name] else { return nil }
      guard case .string(let text) = value else {
        throw Refusal(type: "SerializationException", message: "\(name) must be a string")
      }
      return text
    }

    func bool(_ name: String) -> Bool? {
      if case .bool(let flag)? = fields[name] { return flag }
      return nil
    }

    func table() throws(Refusal) -> String {
      guard let name = try string("TableName"), !name.isEmpty else {
        throw Refusal(type: "ValidationException", message: "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
      }
      return name
    }

    func item(_ name: String) throws(Refusal) -> Item {
      guard let value = fields[name] else {
        throw Refusal(type: "ValidationException", message: "1 validation error detected: Value null at '\(name.prefix(1).lowercased() + name.dropFirst())' failed to satisfy constraint: Member must not be null")
      }
      do throws(AttributeValueCodec.Invalid) { return try AttributeValueCodec.decodeItem(value, field: name) } catch {
        throw Refusal(type: "ValidationException", message: error.message)
      }
    }

    func names() throws(Refusal) -> [String: String] {
      guard let value = fields["ExpressionAttributeNames"] else { return [:] }
      guard case .map(let map) = value else { throw Refusal(type: "SerializationException", message: "ExpressionAttributeNames must be a map") }
      var names: [String: String] = [:]
      for (placeholder, name) in map {
        guard case .string(let text) = name else {
          throw Refusal(type: "SerializationException", message: "ExpressionAttributeNames values must be strings")
        }
        names[placeholder] = text
      }
      return names
    }

    func values() throws(Refusal) -> [String: Value] {
      guard let value = fields["ExpressionAttributeValues"] else { return [:] }
      do throws(AttributeValueCodec.Invalid) {
        let item = try AttributeValueCodec.decodeItem(value, field: "ExpressionAttributeValues")
        return Dictionary(uniqueKeysWithValues: item.map { ($0.key, $0.value) })
      } catch {
        throw Refusal(type: "ValidationException", message: "ExpressionAttributeValues contains invalid value: \(error.message)")
      }
    }

    /// `ProjectionExpression` (`id, #s, profile.name`): the top-level attribute of each path.
    /// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
    func projection() throws(Refusal) -> [String]? {
      guard let text = try string("ProjectionExpression") else { return nil }
      var attributes: [String] = []
      for path in text.split(separator: ",") {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        let first = String(trimmed.prefix { $0 != "." && $0 != "[" })
        guard !first.isEmpty else {
          throw Refusal(type: "ValidationException", message: "Invalid ProjectionExpression: an attribute path is empty in '\(text)'")
        }
        let name = try first.hasPrefix("#") ? names()[first] : first
        guard let name else {
          throw Refusal(type: "ValidationException", message: "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: \(first)")
        }
        if !attributes.contains(name) { attributes.append(name) }
      }
      return attributes
    }

    /// The `#name` placeholders the `ProjectionExpression` uses.
    var projectionNames: [String] {
      guard case .string(let text)? = fields["ProjectionExpression"] else { return [] }
      return text.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).prefix { $0 != "." && $0 != "[" }) }
        .filter { $0.hasPrefix("#") }
    }

    func refuseLegacy(_ name: String, instead: String) throws(Refusal) {
      guard fields[name] != nil else { return }
      throw Refusal(type: "ValidationException", message: "RetryScope serves \(instead), not the legacy parameter \(name)")
    }

    func condition(_ text: String, what: String) throws(Refusal) -> ConditionExpression {
      do throws(ExpressionError) { return try ConditionExpression.parse(text) } catch {
        throw Refusal(type: "ValidationException", message: "Invalid \(what): \(error.message) (at character \(error.offset + 1) of '\(text)')")
      }
    }

    func updateExpression() throws(Refusal) -> UpdateExpression? {
      guard let text = try string("UpdateExpression") else { return nil }
      do throws(ExpressionError) { return try UpdateExpression.parse(text) } catch {
        throw Refusal(type: "ValidationException", message: "Invalid UpdateExpression: \(error.message) (at character \(error.offset + 1) of '\(text)')")
      }
    }

    /// The parts every write shares: table, condition, names and values, what to return.
    func write(allowedReturnValues: [DynamoReturnValues]) throws(Refusal) -> DynamoWrite {
      try refuseLegacy("Expected", instead: "ConditionExpression")
      let conditionText = try string("ConditionExpression")
      let condition = try conditionText.map { (text) throws(Refusal) in try self.condition(text, what: "ConditionExpression") }
      var returnValues = DynamoReturnValues.none
      if let text = try string("ReturnValues") {
        guard let parsed = DynamoReturnValues(rawValue: text), allowedReturnValues.contains(parsed) else {
          throw Refusal(type: "ValidationException", message: "Return values set to invalid value")
        }
        returnValues = parsed
      }
      var returnItem = false
      if let text = try string("ReturnValuesOnConditionCheckFailure") {
        guard text == "ALL_OLD" || text == "NONE" else {
          throw Refusal(
            type: "ValidationException",
            message: "1 validation error detected: Value '\(text)' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]")
        }
        returnItem = text == "ALL_OLD"
      }
      return DynamoWrite(
        table: try table(), condition: condition, conditionText: conditionText, names: try names(), values: try values(),
        returnValues: returnValues, returnItemOnConditionFailure: returnItem)
    }

    /// DynamoDB refuses names and values that no expression of the request uses.
    func checkPlaceholders(_ conditions: [ConditionExpression], _ update: UpdateExpression?) throws(Refusal) {
      var usedNames = Set(conditions.flatMap(\.namePlaceholders) + projectionNames)
      var usedValues = Set(conditions.flatMap(\.valuePlaceholders))
      if let update {
        usedNames.formUnion(update.namePlaceholders)
        usedValues.formUnion(update.valuePlaceholders)
      }
      let unusedNames = try names().keys.filter { !usedNames.contains($0) }.sorted()
      if !unusedNames.isEmpty {
        throw Refusal(
          type: "ValidationException",
          message: "Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.joined(separator: ", "))}")
      }
      let unusedValues = try values().keys.filter { !usedValues.contains($0) }.sorted()
      if !unusedValues.isEmpty {
        throw Refusal(
          type: "ValidationException",
          message: "Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.joined(separator: ", "))}")
      }
    }
  }

  // MARK: - Replies

  /// The reply as DynamoDB's JSON: `Item`, `Attributes`, `Items`, or an error whose `__type`
  /// the SDKs read the error code from (the part after `#`).
  static func response(_ reply: ExternalReply) -> LoopbackResponse {
    var body: Item = [:]
    switch reply.body {
    case .empty, .messageSent, .queueURL:
      break
    case .item(let item):
      if let item { body["Item"] = AttributeValueCodec.encodeItem(item) }
    case .attributes(let attributes):
      if let attributes { body["Attributes"] = AttributeValueCodec.encodeItem(attributes) }
    case .items(let items, let scanned):
      body["Items"] = .list(items.map(AttributeValueCodec.encodeItem))
      body["Count"] = .int(items.count)
      body["ScannedCount"] = .int(scanned)
    case .error(let type, let message, let item):
      body["__type"] = .string(errorNamespace(type) + type)
      body["message"] = .string(message)
      if let item { body["Item"] = AttributeValueCodec.encodeItem(item) }
    case .transactionCanceled(let reasons):
      body["__type"] = .string(errorNamespace("TransactionCanceledException") + "TransactionCanceledException")
      body["Message"] = .string(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [\(reasons.map(\.code).joined(separator: ", "))]")
      body["CancellationReasons"] = .list(
        reasons.map { reason in
          var fields: Item = ["Code": .string(reason.code)]
          if let message = reason.message { fields["Message"] = .string(message) }
          if let item = reason.item { fields["Item"] = AttributeValueCodec.encodeItem(item) }
          return .map(fields)
        })
    }
    return LoopbackResponse(
      status: reply.status, headers: [("Content-Type", contentType)], body: Array(JSONText.compact(.map(body)).utf8))
  }

  /// DynamoDB's namespaces: validation errors are the service framework's, the rest DynamoDB's.
  static func errorNamespace(_ type: String) -> String {
    switch type {
    case "ValidationException", "SerializationException": "com.amazon.coral.validate#"
    case "UnknownOperationException": "com.amazon.coral.service#"
    default: "com.amazonaws.dynamodb.v20120810#"
    }
  }
}
