/// A DynamoDB operation a real handler called, read from DynamoDB's JSON protocol by RetryExec
/// (attribute values decoded, expressions parsed). The simulator applies it with the same code as a
/// modelled handler's steps (`SimulationRun+Services.swift`).
/// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
public enum DynamoCall: Sendable, Equatable {
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
  case putItem(DynamoWrite, item: Item)
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
  case getItem(table: String, key: Item)
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
  case updateItem(DynamoWrite, key: Item, update: UpdateExpression?)
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
  case deleteItem(DynamoWrite, key: Item)
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
  case query(DynamoQuery)
  /// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  case transactWriteItems([DynamoTransactAction])

  /// The operation's name on the wire (`PutItem`).
  public var operation: String {
    switch self {
    case .putItem: "PutItem"
    case .getItem: "GetItem"
    case .updateItem: "UpdateItem"
    case .deleteItem: "DeleteItem"
    case .query: "Query"
    case .transactWriteItems: "TransactWriteItems"
    }
  }
}

/// What a write says besides its item or key: the table, its condition and what to answer.
public struct DynamoWrite: Sendable, Equatable {
  public var table: String
  public var condition: ConditionExpression?
  /// The condition as the handler wrote it, for the effects' detail.
  public var conditionText: String?
  /// `ExpressionAttributeNames` and `ExpressionAttributeValues`.
  public var names: [String: String]
  public var values: [String: Value]
  public var returnValues: DynamoReturnValues
  /// `ReturnValuesOnConditionCheckFailure: ALL_OLD`: a failed condition's error carries the item.
  public var returnItemOnConditionFailure: Bool

  public init(
    table: String, condition: ConditionExpression? = nil, conditionText: String? = nil, names: [String: String] = [:],
    values: [String: Value] = [:], returnValues: DynamoReturnValues = .none, returnItemOnConditionFailure: Bool = false
  ) {
    self.table = table
    self.condition = condition
    self.conditionText = conditionText
    self.names = names
    self.values = values
    self.returnValues = returnValues
    self.returnItemOnConditionFailure = returnItemOnConditionFailure
  }
}

/// `ReturnValues` of PutItem, UpdateItem and DeleteItem (PutItem and DeleteItem accept NONE and
/// ALL_OLD only; RetryExec refuses the others there, as DynamoDB does).
public enum DynamoReturnValues: String, Sendable, Equatable, CaseIterable {
  case none = "NONE"
  case allOld = "ALL_OLD"
  case allNew = "ALL_NEW"
  case updatedOld = "UPDATED_OLD"
  case updatedNew = "UPDATED_NEW"
}

/// A Query: the items of one partition that the key condition selects, in sort key order.
public struct DynamoQuery: Sendable, Equatable {
  public var table: String
  public var keyCondition: ConditionExpression
  public var filter: ConditionExpression?
  public var names: [String: String]
  public var values: [String: Value]
  /// `Limit`: at most this many items are read (before the filter, as DynamoDB counts).
  public var limit: Int?
  /// `ScanIndexForward`: false reads the sort key descending.
  public var forward: Bool

  public init(
    table: String, keyCondition: ConditionExpression, filter: ConditionExpression? = nil, names: [String: String] = [:],
    values: [String: Value] = [:], limit: Int? = nil, forward: Bool = true
  ) {
    self.table = table
    self.keyCondition = keyCondition
    self.filter = filter
    self.names = names
    self.values = values
    self.limit = limit
    self.forward = forward
  }
}

/// One action of a TransactWriteItems.
public enum DynamoTransactAction: Sendable, Equatable {
  case put(DynamoWrite, item: Item)
  case update(DynamoWrite, key: Item, update: UpdateExpression?)
  case delete(DynamoWrite, key: Item)
  case conditionCheck(DynamoWrite, key: Item)

  public var write: DynamoWrite {
    switch self {
    case .put(let write, _), .update(let write, _, _), .delete(let write, _), .conditionCheck(let write, _): write
    }
  }
}

/// Why a transaction's action cancelled it (`Code: None` for the actions that did not).
/// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CancellationReason.html
public struct DynamoCancellationReason: Sendable, Equatable {
  public var code: String
  public var message: String?
  public var item: Item?

  public init(code: String, message: String? = nil, item: Item? = nil) {
    self.code = code
    self.message = message
    self.item = item
  }
}

/// An SQS operation a real handler called (SQS's JSON protocol).
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
public enum QueueCall: Sendable, Equatable {
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
  case sendMessage(QueueMessage)
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html
  case getQueueURL(name: String)
}

/// One SendMessage.
public struct QueueMessage: Sendable, Equatable {
  /// The queue's name, from the end of its URL.
  public var queue: String
  public var body: String
  public var groupId: String?
  public var deduplicationId: String?

  public init(queue: String, body: String, groupId: String? = nil, deduplicationId: String? = nil) {
    self.queue = queue
    self.body = body
    self.groupId = groupId
    self.deduplicationId = deduplicationId
  }
}
