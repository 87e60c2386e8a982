/// What an event source mapping knows while it runs: every record, and the consumers (a lane
/// each) that read them.
final class EventSourceState {
  let mapping: EventSourceMapping

  struct Record {
    let id: String
    let at: Milliseconds
    let data: Value
    let partitionKey: String?
    let group: String?
    /// Streams: the shard's sequence number; SQS: the message id.
    var sequenceNumber = ""
    var consumer = 0
    var arrived = false
    /// How many batches it has been in (SQS: `ApproximateReceiveCount`).
    var deliveries = 0
    /// SQS: hidden until then while in flight; the batch whose receive is the current one.
    var visibleAt: Milliseconds = 0
    var receipt: Int?
    /// SQS: the visibility wait it is in, whose `beforeAttempt` becomes the batch that receives it
    /// again (unknown when the wait starts).
    var returnWait: Int?
    /// Done: processed (deleted, checkpointed), moved to a DLQ or discarded.
    var done = false
    /// Duplicate detection: the first mutation of each handler step, and which execution made it.
    var firstMutations = SmallList<(step: Int, effect: Int, execution: Int)>()
  }

  /// A lane: a shard's iterator (or one of its parallel batches), the queue's pollers, or a FIFO
  /// message group.
  final class Consumer {
    let invocation: Int
    /// Streams: the shard's id (`shardId-000000000000`), for the on-failure record.
    var shardId: String?
    /// Streams and FIFO: the records it reads, in order; SQS standard: every message.
    var records: [Int] = []
    /// Position of the first record not yet checkpointed (streams) or not yet done (FIFO).
    var checkpoint = 0
    /// Batches in flight (streams and FIFO: at most one).
    var inFlight = 0
    var pollScheduled = false
    /// Streams: retries used on the current batch, and the bisected size limit, if any.
    var retries = 0
    /// Streams: bisections of the current batch (they invoke, but do not count as retries).
    var bisections = 0
    var sizeLimit: Int?
    /// Blocked (waiting to retry) until this time.
    var blockedUntil: Milliseconds = 0
    /// Streams: the failed batch, retried as it was ("retries the batch").
    var retryBatch: [Int]?
    /// Records the mapping delivers once more, each in a batch of its own, before new ones.
    var redeliveries: [Int] = []
    /// It had a batch to receive when the mapping's `maximumConcurrency` was reached: it polls
    /// again when one of the mapping's batches ends.
    var waitsForConcurrency = false
    /// Streams: invokes of the current batch Lambda throttled in a row (each retry of it is a
    /// batch of its own, so the count lives here); 0 again once one gets through.
    var throttles = 0

    init(invocation: Int) { self.invocation = invocation }
  }

  struct Batch {
    let consumer: Int
    let records: [Int]
    /// Records the function reported as failed (`ReportBatchItemFailures`).
    var failed: [Int] = []
    /// SQS: invokes of this batch that Lambda throttled so far, while its messages stay hidden
    /// (they back off, and do not count as retries).
    var throttles = 0
  }

  var records: [Record] = []
  /// Record index → spontaneous second deliveries (`duplicateDeliveries`), each this long after
  /// its first delivery; taken when that delivery starts. Beside the records, not in them: almost
  /// no record has one, and a million-record stream should not carry the field.
  var duplicateDelays: [Int: [Milliseconds]] = [:]
  var consumers: [Consumer] = []
  var batches: [Batch] = []
  /// Batches received and not yet ended, across consumers: what `maximumConcurrency` caps.
  var batchesInFlight = 0

  init(mapping: EventSourceMapping) { self.mapping = mapping }

  /// A stable hash of a partition key (FNV-1a): the same shard on every machine, which Swift's
  /// `Hasher` (seeded per process) would not give.
  static func hash(_ key: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    return hash
  }
}
