/// A Lambda event source mapping: pollers that read a queue or a stream and invoke the function
/// synchronously with batches of records.
///
/// Rules and numbers: `docs/lambda-semantics.md` section 3.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
public struct EventSourceMapping: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    /// Amazon SQS (standard or FIFO, `queue.fifo`).
    case sqs
    /// Kinesis Data Streams.
    case kinesis
    /// DynamoDB Streams (shards and retries as Kinesis).
    case dynamodb
  }

  public var kind: Kind
  /// Records per batch. SQS: default 10 (FIFO at most 10); streams: default 100; at most 10,000.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_CreateEventSourceMapping.html
  public var batchSize: Int
  /// How long a poller gathers records before it invokes (0-300 s).
  public var maximumBatchingWindow: Milliseconds
  /// `FunctionResponseTypes: [ReportBatchItemFailures]`: the function reports failed records
  /// instead of failing the whole batch.
  public var reportBatchItemFailures: Bool
  /// How often an idle poller looks for records. AWS: Kinesis shards are polled "at a base rate
  /// of once per second"; SQS long polling returns at once when messages arrive. UNCONFIRMED in
  /// detail: a documented, configurable choice (`pollingInterval`).
  public var pollingInterval: Milliseconds
  /// SQS only: the source queue.
  public var queue: QueueDefinition
  /// Streams only: the number of shards.
  public var shards: Int
  /// Streams: retries of a failing batch, -1 (default) for no limit (until the records expire).
  public var maximumRetryAttempts: Int
  /// Streams: records older than this are not retried (nil: -1, no limit).
  public var maximumRecordAge: Milliseconds?
  /// Streams: split a failing batch in two and retry each half (not counted as a retry).
  public var bisectBatchOnFunctionError: Bool
  /// Streams: concurrent batches per shard (1-10), each partition key always in the same one.
  public var parallelizationFactor: Int
  /// Streams: where a discarded batch's metadata goes (SQS or SNS).
  public var onFailure: Destination?
  /// Streams: how long the shard waits before retrying a failed batch. UNCONFIRMED (AWS
  /// retries "until processing succeeds"): a documented, configurable choice.
  public var retryDelay: Milliseconds
  /// Streams: how long records stay in the stream (Kinesis: 24 h by default, up to 365 days);
  /// a record still failing then expires, and the shard moves on.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html ("retries the batch
  /// until processing succeeds or the data expires")
  public var retentionPeriod: Milliseconds
  /// SQS: `ScalingConfig.MaximumConcurrency` (2-1000): the most executions the mapping runs at
  /// once. The mapping receives no more batches while that many run, so it never throttles
  /// itself, unlike reserved concurrency, which event source mappings do not account for.
  /// nil: no cap but the pollers and the function's concurrency.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
  public var maximumConcurrency: Int?

  public init(
    kind: Kind, batchSize: Int? = nil, maximumBatchingWindow: Milliseconds = 0, reportBatchItemFailures: Bool = false,
    pollingInterval: Milliseconds = 1_000, queue: QueueDefinition = .init(), shards: Int = 1,
    maximumRetryAttempts: Int = -1, maximumRecordAge: Milliseconds? = nil, bisectBatchOnFunctionError: Bool = false,
    parallelizationFactor: Int = 1, onFailure: Destination? = nil, retryDelay: Milliseconds = 1_000,
    retentionPeriod: Milliseconds = 24 * 3_600_000, maximumConcurrency: Int? = nil
  ) {
    self.kind = kind
    self.batchSize = batchSize ?? (kind == .sqs ? 10 : 100)
    self.maximumBatchingWindow = maximumBatchingWindow
    self.reportBatchItemFailures = reportBatchItemFailures
    self.pollingInterval = pollingInterval
    self.queue = queue
    self.shards = shards
    self.maximumRetryAttempts = maximumRetryAttempts
    self.maximumRecordAge = maximumRecordAge
    self.bisectBatchOnFunctionError = bisectBatchOnFunctionError
    self.parallelizationFactor = parallelizationFactor
    self.onFailure = onFailure
    self.retryDelay = retryDelay
    self.retentionPeriod = retentionPeriod
    self.maximumConcurrency = maximumConcurrency
  }

  public var isStream: Bool { kind != .sqs }
}

/// An SQS queue and its redrive policy.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
public struct QueueDefinition: Sendable {
  public var name: String
  public var fifo: Bool
  /// How long a received message stays hidden (0 s - 12 h, default 30 s).
  public var visibilityTimeout: Milliseconds
  /// Redrive policy: after this many receives the next receive moves the message to
  /// `deadLetterQueue` instead (1-1000). nil: no redrive, messages come back until retention ends.
  public var maxReceiveCount: Int?
  public var deadLetterQueue: String?
  /// Lambda's pollers: concurrent batches from a standard queue (AWS starts with five).
  public var pollers: Int
  /// How long SQS keeps a message (60 s - 14 days, default 4 days): one that keeps failing with
  /// no redrive policy is deleted then.
  public var messageRetentionPeriod: Milliseconds

  public init(
    name: String = "queue", fifo: Bool = false, visibilityTimeout: Milliseconds = 30_000, maxReceiveCount: Int? = nil,
    deadLetterQueue: String? = nil, pollers: Int = 5, messageRetentionPeriod: Milliseconds = 4 * 86_400_000
  ) {
    self.name = name
    self.fifo = fifo
    self.visibilityTimeout = visibilityTimeout
    self.maxReceiveCount = maxReceiveCount
    self.deadLetterQueue = deadLetterQueue
    self.pollers = pollers
    self.messageRetentionPeriod = messageRetentionPeriod
  }
}

/// A message sent to the queue or a record put to the stream.
public struct SourceRecord: Sendable {
  /// The message id or record label (`m1`, `alice-1`): what captions, faults and batches name.
  public var id: String
  /// When it arrives, from the trace origin.
  public var at: Milliseconds
  /// Streams: picks the shard (and, with a parallelization factor, the batch lane); order is
  /// kept per key.
  public var partitionKey: String?
  /// SQS FIFO: messages of one group are delivered in order, one batch at a time.
  public var messageGroupId: String?
  /// The message body or the record's data.
  public var data: Value

  public init(id: String, at: Milliseconds, partitionKey: String? = nil, messageGroupId: String? = nil, data: Value) {
    self.id = id
    self.at = at
    self.partitionKey = partitionKey
    self.messageGroupId = messageGroupId
    self.data = data
  }
}
