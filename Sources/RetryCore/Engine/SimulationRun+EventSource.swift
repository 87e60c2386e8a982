/// Event source mappings: pollers that read an SQS queue or a stream's shards and invoke the
/// function synchronously with batches (`docs/lambda-semantics.md` section 3).
extension SimulationRun {
  /// Creates a lane per consumer (the queue, a FIFO group, a shard or one of its parallel
  /// batches) and schedules the records' arrivals.
  func setUpEventSource() {
    guard let mapping = scenario.eventSource else { return }
    let source = EventSourceState(mapping: mapping)
    var laneOfKey: [String: Int] = [:]
    let kind: EventSourceLane
    switch mapping.kind {
    case .sqs: kind = mapping.queue.fifo ? .sqsFIFO : .sqs
    case .kinesis: kind = .kinesis
    case .dynamodb: kind = .dynamodb
    }
    func lane(_ key: String, caller: String, at: Milliseconds) -> Int {
      if let existing = laneOfKey[key] { return existing }
      let state = InvocationState(
        index: invocations.count, id: key, type: .requestResponse, at: at, payload: .null, client: scenario.client)
      invocations.append(state)
      trace.invocations.append(
        TraceInvocation(id: key, type: .requestResponse, at: at, payload: .null, caller: caller, eventSource: kind))
      source.consumers.append(EventSourceState.Consumer(invocation: state.index))
      laneOfKey[key] = source.consumers.count - 1
      return source.consumers.count - 1
    }
    // Records in (time, order given): sorted only when they are not already, and per record
    // nothing but its own strings is built (a shard's lane and names once per shard), so that a
    // million-record stream sets up in a fraction of its run.
    var order = Array(scenario.records.indices)
    // Compared by index, as `setUpInvocations` does: zipping the array with itself copies
    // (retains) every record twice.
    if !scenario.records.indices.dropFirst().allSatisfy({ scenario.records[$0 - 1].at <= scenario.records[$0].at }) {
      order.sort { (scenario.records[$0].at, $0) < (scenario.records[$1].at, $1) }
    }
    source.records.reserveCapacity(order.count)
    var sequence = Array(repeating: 0, count: mapping.isStream ? mapping.shards : 0)
    var laneOfSlot: [Int: Int] = [:]
    var duplicateDelays: [String: [Milliseconds]] = [:]
    for duplicate in scenario.duplicateDeliveries { duplicateDelays[duplicate.invocation, default: []].append(duplicate.after) }
    for recordIndex in order {
      let record = scenario.records[recordIndex]
      var state = EventSourceState.Record(
        id: record.id, at: record.at, data: record.data, partitionKey: record.partitionKey, group: record.messageGroupId)
      if !duplicateDelays.isEmpty, let delays = duplicateDelays[record.id] { source.duplicateDelays[source.records.count] = delays }
      switch mapping.kind {
      case .sqs where mapping.queue.fifo:
        let group = record.messageGroupId ?? "default"
        state.consumer = lane("group \(group)", caller: "SQS FIFO queue \(mapping.queue.name), group \(group)", at: record.at)
        state.sequenceNumber = record.id
      case .sqs:
        state.consumer = lane(mapping.queue.name, caller: "SQS queue \(mapping.queue.name)", at: record.at)
        state.sequenceNumber = record.id
      case .kinesis, .dynamodb:
        // Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html ("Lambda
        // processes records in each shard in order"; with a ParallelizationFactor, "in-order
        // processing at the partition-key level").
        let hash = EventSourceState.hash(record.partitionKey ?? record.id)
        let shard = Int(hash % UInt64(mapping.shards))
        let slot = Int((hash / UInt64(mapping.shards)) % UInt64(mapping.parallelizationFactor))
        let key = shard * mapping.parallelizationFactor + slot
        if let existing = laneOfSlot[key] {
          state.consumer = existing
        } else {
          let name = "shard-\(shard + 1)" + (mapping.parallelizationFactor > 1 ? ".\(slot + 1)" : "")
          state.consumer = lane(name, caller: "\(kind.rawValue) shard \(Self.shardId(shard))", at: record.at)
          source.consumers[state.consumer].shardId = Self.shardId(shard)
          laneOfSlot[key] = state.consumer
        }
        sequence[shard] += 1
        state.sequenceNumber = Self.sequenceNumber(shard: shard, position: sequence[shard])
      }
      source.records.append(state)
      source.consumers[state.consumer].records.append(source.records.count - 1)
    }
    eventSource = source
    for index in source.records.indices { schedule(.recordArrived(index), at: source.records[index].at) }
  }

  /// `shardId-000000000001`, as Kinesis names shards.
  static func shardId(_ shard: Int) -> String {
    let digits = String(shard)
    return "shardId-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
  }

  /// Kinesis sequence numbers are long, unique and increase within a shard.
  static func sequenceNumber(shard: Int, position: Int) -> String {
    let digits = String(position)
    return "4959\(shard + 1)" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
  }

  func recordArrived(_ index: Int) {
    guard let source = eventSource else { return }
    source.records[index].arrived = true
    source.records[index].visibleAt = now
    let consumer = source.records[index].consumer
    record(.recordArrived, invocation: invocations[source.consumers[consumer].invocation].id, note: source.records[index].id)
    schedulePoll(consumer)
  }

  /// The consumer polls at its next chance: streams at the next polling tick ("Lambda polls each
  /// shard ... at a base rate of once per second"), SQS at once (long polling), both after the
  /// batching window.
  func schedulePoll(_ consumer: Int, at earliest: Milliseconds? = nil, backlog: Bool = false) {
    guard let source = eventSource else { return }
    let c = source.consumers[consumer]
    guard !c.pollScheduled else { return }
    var time = max(earliest ?? now, c.blockedUntil) + source.mapping.maximumBatchingWindow
    if source.mapping.isStream && !backlog {
      // The next tick after now: records that arrive together go out together. With records
      // already waiting behind a finished batch, the iterator reads on at once.
      let interval = max(1, source.mapping.pollingInterval)
      time = (time / interval + 1) * interval
    }
    c.pollScheduled = true
    schedule(.sourcePoll(consumer), at: time)
  }

  func messageVisible(_ index: Int) {
    guard let source = eventSource, !source.records[index].done, source.records[index].visibleAt <= now else { return }
    schedulePoll(source.records[index].consumer)
  }

  /// "Lambda event source mappings process events at least once due to the distributed nature of
  /// its pollers. As a result, your Lambda function may receive duplicate events in rare
  /// situations"; for streams, "if records are processed more than once, they might be processed
  /// out of order". The record goes out once more, in a batch of its own, at the consumer's next
  /// poll (after a shard's current batch), whatever happened to it before.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html and
  /// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  func recordRedelivered(_ index: Int) {
    guard let source = eventSource else { return }
    let consumer = source.records[index].consumer
    source.consumers[consumer].redeliveries.append(index)
    record(.duplicateDelivery, invocation: invocations[source.consumers[consumer].invocation].id, note: source.records[index].id)
    schedulePoll(consumer)
  }

  /// Starts the batch of the consumer's next redelivered record. The record is live again: a
  /// failure retries it (a stream) or makes it visible again (a queue), like any delivery. It is
  /// not checked against retention or `maxReceiveCount`: the duplicate is the poller's, already
  /// received.
  func redeliver(_ consumer: Int) {
    guard let source = eventSource else { return }
    let c = source.consumers[consumer]
    let index = c.redeliveries.removeFirst()
    source.records[index].done = false
    if !source.mapping.isStream, let position = c.records[..<min(c.checkpoint, c.records.count)].firstIndex(of: index) {
      // A queue's scan starts at its first message not done: this one again.
      c.checkpoint = position
    }
    startBatch(consumer, [index])
  }

  func poll(_ consumer: Int) {
    guard let source = eventSource else { return }
    let c = source.consumers[consumer]
    c.pollScheduled = false
    guard now >= c.blockedUntil else { return schedulePoll(consumer) }
    let mapping = source.mapping
    if mapping.isStream || mapping.queue.fifo {
      // One batch at a time: a shard's iterator, a FIFO message group.
      guard c.inFlight == 0, mayReceive(consumer) else { return }
      if mapping.isStream, var retry = c.retryBatch {
        retry = retry.filter { !source.records[$0].done && !expire($0) }
        if let limit = c.sizeLimit { retry = Array(retry.prefix(limit)) }
        retry = dropTooOld(retry, consumer: consumer)
        c.retryBatch = retry.isEmpty ? nil : retry
        if !retry.isEmpty { return startBatch(consumer, retry) }
      }
      if !c.redeliveries.isEmpty { return redeliver(consumer) }
      while c.checkpoint < c.records.count && source.records[c.records[c.checkpoint]].done { c.checkpoint += 1 }
      var batch: [Int] = []
      var position = c.checkpoint
      let limit = min(mapping.batchSize, c.sizeLimit ?? mapping.batchSize)
      while position < c.records.count && batch.count < limit {
        let index = c.records[position]
        // Field by field: a copy of the whole record would retain each of its strings and values.
        guard source.records[index].arrived, source.records[index].visibleAt <= now else { break }
        position += 1
        if source.records[index].done || expire(index) { continue }
        if !mapping.isStream, redrive(index) { continue }
        batch.append(index)
      }
      if mapping.isStream { batch = dropTooOld(batch, consumer: consumer) }
      if !batch.isEmpty { startBatch(consumer, batch) }
    } else {
      // SQS standard: up to `pollers` batches at once, of whatever is visible. The scan starts
      // after the messages already done (deleted, moved), so a long queue is not read from its
      // start on every poll; it stops at messages not yet arrived (they arrive in order).
      while c.checkpoint < c.records.count && source.records[c.records[c.checkpoint]].done { c.checkpoint += 1 }
      while c.inFlight < mapping.queue.pollers, mayReceive(consumer) {
        if !c.redeliveries.isEmpty {
          redeliver(consumer)
          continue
        }
        var batch: [Int] = []
        for index in c.records[c.checkpoint...] where batch.count < mapping.batchSize {
          if !source.records[index].arrived { break }
          guard source.records[index].arrived, !source.records[index].done, source.records[index].visibleAt <= now
          else { continue }
          if expire(index) || redrive(index) { continue }
          batch.append(index)
        }
        guard !batch.isEmpty else { break }
        startBatch(consumer, batch)
      }
    }
  }

  /// Whether the mapping may receive one more batch: SQS `ScalingConfig.MaximumConcurrency` caps
  /// the batches it holds at once, so that it does not invoke more than that, and throttles
  /// nothing itself ("limits the number of concurrent instances that the Amazon SQS event source
  /// can invoke"). A consumer held back polls again when one of the mapping's batches ends.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
  func mayReceive(_ consumer: Int) -> Bool {
    guard let source = eventSource, let maximum = source.mapping.maximumConcurrency else { return true }
    if source.batchesInFlight < maximum { return true }
    source.consumers[consumer].waitsForConcurrency = true
    return false
  }

  /// One of the mapping's batches ended: the consumers `maximumConcurrency` held back poll again.
  func batchLeftMapping() {
    guard let source = eventSource else { return }
    source.batchesInFlight -= 1
    guard source.mapping.maximumConcurrency != nil else { return }
    for (index, consumer) in source.consumers.enumerated() where consumer.waitsForConcurrency {
      consumer.waitsForConcurrency = false
      schedulePoll(index)
    }
  }

  /// SQS redrive: a message received `maxReceiveCount` times goes to the queue's DLQ on the
  /// next receive instead of to the function. The queue's, not the function's.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
  func redrive(_ index: Int) -> Bool {
    guard let source = eventSource, let limit = source.mapping.queue.maxReceiveCount,
      source.records[index].deliveries >= limit
    else { return false }
    source.records[index].done = true
    let record = source.records[index]
    let lane = invocations[source.consumers[record.consumer].invocation].id
    addOutcome(
      TraceOutcome(
        invocation: lane, kind: .deadLetterQueue, time: now, reason: "maxReceiveCount \(limit) reached",
        payload: record.data, attempts: record.deliveries, target: source.mapping.queue.deadLetterQueue,
        records: [record.id]))
    return true
  }

  /// A record past its queue's or stream's retention is gone: SQS deletes the message, the
  /// stream trims the record. Returns whether it expired now.
  func expire(_ index: Int) -> Bool {
    guard let source = eventSource, !source.records[index].done else { return false }
    let mapping = source.mapping
    let retention = mapping.isStream ? mapping.retentionPeriod : mapping.queue.messageRetentionPeriod
    guard now - source.records[index].at >= retention else { return false }
    source.records[index].done = true
    let record = source.records[index]
    addOutcome(
      TraceOutcome(
        invocation: invocations[source.consumers[record.consumer].invocation].id, kind: .dropped, time: now,
        reason: mapping.isStream ? "RetentionPeriodExpired" : "MessageRetentionPeriodExpired", payload: record.data,
        attempts: record.deliveries, records: [record.id]))
    return true
  }

  /// Reads `records` as a batch and invokes the function with them. SQS counts the receive
  /// (`ApproximateReceiveCount`) and hides the messages whatever Lambda then does with the batch;
  /// a stream's records are delivered when the function gets them.
  func startBatch(_ consumer: Int, _ records: [Int]) {
    guard let source = eventSource else { return }
    let batch = source.batches.count
    source.batches.append(EventSourceState.Batch(consumer: consumer, records: records))
    source.consumers[consumer].inFlight += 1
    source.batchesInFlight += 1
    if source.mapping.kind == .sqs {
      for index in records {
        source.records[index].deliveries += 1
        scheduleDuplicates(of: index)
        // "Lambda ... hides [messages] for the length of the queue's visibility timeout."
        source.records[index].receipt = batch
        source.records[index].visibleAt = now + source.mapping.queue.visibilityTimeout
        schedule(.messageVisible(index), at: source.records[index].visibleAt)
      }
    }
    invokeBatch(batch)
  }

  /// The record's spontaneous second deliveries (`duplicateDeliveries`), timed from this one.
  private func scheduleDuplicates(of index: Int) {
    guard let source = eventSource, !source.duplicateDelays.isEmpty,
      let delays = source.duplicateDelays.removeValue(forKey: index)
    else { return }
    for delay in delays { schedule(.recordRedelivered(index), at: now + delay) }
  }

  /// Invokes the function with the batch: a new Invoke, a new request id. Event source mappings
  /// do not account for reserved concurrency ("can process more messages off your queue than can
  /// be sent to your function"), so Lambda may throttle the invoke (`batchThrottled`).
  /// Source: https://repost.aws/knowledge-center/lambda-sqs-scaling
  func invokeBatch(_ batch: Int) {
    guard let source = eventSource else { return }
    let records = source.batches[batch].records
    let c = source.consumers[source.batches[batch].consumer]
    if let status = rejection(for: c.invocation) { return batchThrottled(batch, statusCode: status) }
    if source.mapping.isStream {
      c.throttles = 0
      for index in records {
        source.records[index].deliveries += 1
        scheduleDuplicates(of: index)
      }
    }
    let values = records.map { recordEvent($0) }
    let execution = startExecution(
      c.invocation, requestId: newRequestId(), caller: .eventSource, origin: .eventSource(batch: batch),
      batch: BatchRun(batch: batch, records: records, values: values, deliveries: records.map { source.records[$0].deliveries }))
    noteBatchAttempt(records, attemptIndex: executions[execution]!.attemptIndex)
  }

  /// Names the attempt's records, and ends the waits that led to it.
  private func noteBatchAttempt(_ records: [Int], attemptIndex: Int) {
    guard let source = eventSource else { return }
    trace.attempts[attemptIndex].records = records.map { source.records[$0].id }
    for index in records {
      if let wait = source.records[index].returnWait {
        trace.waits[wait].beforeAttempt = trace.attempts[attemptIndex].number
        source.records[index].returnWait = nil
      }
    }
  }

  /// How a mapping backs off a throttled batch: 1 s, then doubling, up to 5 min. AWS says only
  /// that Lambda "gradually backs off"; the numbers are those of its documented async throttle
  /// backoff, without jitter, which AWS does not mention for mappings (UNCONFIRMED;
  /// docs/DECISIONS.md). A batch received at t is retried at t+1 s, 3 s, 7 s, 15 s, 31 s, ...
  static let mappingThrottleBackoffInitial: Milliseconds = 1_000
  static let mappingThrottleBackoffMaximum: Milliseconds = 300_000

  /// Lambda rejected the batch's invoke (429 from reserved concurrency, or a service error): the
  /// function did not run. SQS: "Lambda continues to retry the message until the message's
  /// timestamp exceeds your queue's visibility timeout, at which point Lambda drops the message":
  /// it backs off while the messages stay hidden, and a retry that would come after the
  /// visibility timeout is not made; the messages show again and their next receive counts (so a
  /// redrive policy moves valid messages to the DLQ). Streams: the shard retries the same batch,
  /// and `MaximumRetryAttempts` "doesn't apply to throttles or service errors where the batch
  /// never reached the function".
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html and
  /// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  private func batchThrottled(_ batchIndex: Int, statusCode: Int) {
    guard let source = eventSource else { return }
    let records = source.batches[batchIndex].records
    let consumer = source.batches[batchIndex].consumer
    let c = source.consumers[consumer]
    _ = recordRejectedAttempt(c.invocation, requestId: newRequestId(), caller: .eventSource, statusCode: statusCode)
    noteBatchAttempt(records, attemptIndex: trace.attempts.count - 1)
    let throttles: Int
    if source.mapping.isStream {
      c.throttles += 1
      throttles = c.throttles
    } else {
      source.batches[batchIndex].throttles += 1
      throttles = source.batches[batchIndex].throttles
    }
    let ceiling = Self.backoffCeiling(
      after: throttles, initial: Self.mappingThrottleBackoffInitial, maximum: Self.mappingThrottleBackoffMaximum)
    let retryAt = now + ceiling
    let names = records.map { source.records[$0].id }.joined(separator: " ")
    if source.mapping.kind == .sqs {
      let visibleAt = records.map { source.records[$0].visibleAt }.min() ?? now
      if retryAt < visibleAt {
        let wait = addWait(c.invocation, from: now, to: retryAt, reason: .throttleBackoff)
        record(.retryScheduled, invocation: invocations[c.invocation].id, wait: wait, note: names)
        schedule(.batchRetry(batchIndex), at: retryAt)
        return
      }
      c.inFlight -= 1
      sqsBatchEnded(source.batches[batchIndex], batchIndex: batchIndex, failed: records)
      batchLeftMapping()
      return
    }
    c.inFlight -= 1
    let untried = (c.retryBatch ?? []).filter { !records.contains($0) && !source.records[$0].done }
    c.retryBatch = records + untried
    c.blockedUntil = retryAt
    let wait = addWait(c.invocation, from: now, to: retryAt, reason: .throttleBackoff)
    record(.retryScheduled, invocation: invocations[c.invocation].id, wait: wait, note: names)
    batchLeftMapping()
    schedulePoll(consumer, backlog: true)
  }

  /// The record as the handler sees it, in AWS's event shapes (data stays JSON rather than
  /// base64, so templates can read it).
  func recordEvent(_ index: Int) -> Value {
    guard let source = eventSource else { return .null }
    let record = source.records[index]
    switch source.mapping.kind {
    case .sqs:
      return .map([
        "messageId": .string(record.id),
        "body": record.data,
        "attributes": .map([
          "ApproximateReceiveCount": .string(String(record.deliveries)),
          "MessageGroupId": record.group.map(Value.string) ?? .null,
        ]),
        "eventSource": "aws:sqs",
      ])
    case .kinesis:
      let shard = source.consumers[record.consumer].invocation
      return .map([
        "kinesis": .map([
          "partitionKey": .string(record.partitionKey ?? record.id),
          "sequenceNumber": .string(record.sequenceNumber),
          "data": record.data,
          "approximateArrivalTimestamp": .int((scenario.origin + record.at) / 1_000),
        ]),
        "eventID": .string("\(invocations[shard].id):\(record.sequenceNumber)"),
        "eventSource": "aws:kinesis",
        "recordId": .string(record.id),
      ])
    case .dynamodb:
      return .map([
        "eventID": .string(record.id),
        "eventName": "INSERT",
        "dynamodb": .map([
          "SequenceNumber": .string(record.sequenceNumber),
          "NewImage": record.data,
          "Keys": .map(["id": .string(record.partitionKey ?? record.id)]),
        ]),
        "eventSource": "aws:dynamodb",
      ])
    }
  }

  /// A batch's execution ended: delete or checkpoint what succeeded, and decide what happens to
  /// the rest.
  func eventSourceAttemptEnded(_ batchIndex: Int, attempt: AttemptEnd, failed: [Int]) {
    guard let source = eventSource else { return }
    let batch = source.batches[batchIndex]
    let c = source.consumers[batch.consumer]
    c.inFlight -= 1
    let mapping = source.mapping
    // An invalid or missing report, a thrown error, a timeout: the whole batch failed.
    let failedRecords = attempt.outcome == .success ? failed : batch.records
    if mapping.kind == .sqs {
      sqsBatchEnded(batch, batchIndex: batchIndex, failed: failedRecords)
    } else {
      streamBatchEnded(batch, failed: failedRecords, attempt: attempt)
    }
    batchLeftMapping()
  }

  private func sqsBatchEnded(_ batch: EventSourceState.Batch, batchIndex: Int, failed: [Int]) {
    guard let source = eventSource else { return }
    // On success Lambda deletes the messages; on error "all messages in that batch become
    // visible in the queue again", "including messages that Lambda processed successfully".
    // Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
    let failedSet = Set(failed)
    for index in batch.records where !failedSet.contains(index) {
      // A message received again since (its visibility ran out while this batch ran) has a new
      // receipt: this delete does not remove it (a documented choice; SQS's answer to a stale
      // receipt handle is not specified).
      if source.records[index].receipt == batchIndex { source.records[index].done = true }
    }
    let returning = failed.filter { !source.records[$0].done }
    if let back = returning.map({ source.records[$0].visibleAt }).min(), back > now {
      let lane = source.consumers[batch.consumer].invocation
      let wait = addWait(lane, from: now, to: back, reason: .visibilityTimeout)
      for index in returning { source.records[index].returnWait = wait }
      record(.retryScheduled, invocation: invocations[lane].id, wait: trace.waits.count - 1,
             note: returning.map { source.records[$0].id }.joined(separator: " "))
    }
    schedulePoll(batch.consumer)
  }

  private func streamBatchEnded(_ batch: EventSourceState.Batch, failed: [Int], attempt: AttemptEnd) {
    guard let source = eventSource else { return }
    let c = source.consumers[batch.consumer]
    let mapping = source.mapping
    guard let firstFailed = batch.records.firstIndex(where: { failed.contains($0) }) else {
      for index in batch.records { source.records[index].done = true }
      c.retries = 0
      // After a bisected half succeeds, the other half is retried on its own.
      if let rest = c.retryBatch?.filter({ !source.records[$0].done }), !rest.isEmpty {
        c.retryBatch = rest
      } else {
        c.retryBatch = nil
        c.sizeLimit = nil
        c.bisections = 0
      }
      schedulePoll(batch.consumer, backlog: hasBacklog(c))
      return
    }
    // ReportBatchItemFailures: "Lambda uses the record with the lowest sequence number as the
    // checkpoint ... retries all records starting from that checkpoint".
    for index in batch.records[..<firstFailed] { source.records[index].done = true }
    let remaining = Array(batch.records[firstFailed...])
    let lane = c.invocation
    // The retry is the failed batch again (with any bisected-off half after it).
    let untried = (c.retryBatch ?? []).filter { !remaining.contains($0) && !source.records[$0].done }
    c.retryBatch = remaining + untried
    if mapping.bisectBatchOnFunctionError && remaining.count > 1 && attempt.outcome != .success {
      // "Splitting a batch does not count towards the retry quota."
      c.sizeLimit = (remaining.count + 1) / 2
      c.bisections += 1
    } else {
      c.retries += 1
      let oldest = remaining.map { source.records[$0].at }.min() ?? now
      let exhausted = mapping.maximumRetryAttempts >= 0 && c.retries > mapping.maximumRetryAttempts
      let expired = mapping.maximumRecordAge.map { now - oldest >= $0 } ?? false
      if exhausted || expired {
        discard(remaining, consumer: batch.consumer, condition: exhausted ? "RetryAttemptsExhausted" : "RecordAgeExceeded")
        schedulePoll(batch.consumer, backlog: hasBacklog(c))
        return
      }
    }
    // The shard waits and retries the same records; nothing behind them moves.
    c.blockedUntil = now + mapping.retryDelay
    addWait(lane, from: now, to: c.blockedUntil, reason: .shardBlocked)
    record(.retryScheduled, invocation: invocations[lane].id, wait: trace.waits.count - 1,
           note: "retry \(c.retries)" + (mapping.maximumRetryAttempts >= 0 ? " of \(mapping.maximumRetryAttempts)" : ""))
    // The retry comes `retryDelay` after the failure, not at the next polling tick.
    schedulePoll(batch.consumer, backlog: true)
  }

  /// Streams: records older than `maximumRecordAgeInSeconds` are not sent to the function; they
  /// go to the on-failure destination (or are dropped). Returns the records still young enough.
  func dropTooOld(_ records: [Int], consumer: Int) -> [Int] {
    guard let source = eventSource, let age = source.mapping.maximumRecordAge else { return records }
    let old = records.filter { now - source.records[$0].at >= age }
    guard !old.isEmpty else { return records }
    discard(old, consumer: consumer, condition: "RecordAgeExceeded")
    return records.filter { !source.records[$0].done }
  }

  /// Whether records have arrived that the consumer has not read yet.
  func hasBacklog(_ c: EventSourceState.Consumer) -> Bool {
    guard let source = eventSource else { return false }
    var position = c.checkpoint
    while position < c.records.count {
      let record = source.records[c.records[position]]
      if !record.done { return record.arrived }
      position += 1
    }
    return false
  }

  /// Streams: the batch is given up; its metadata (not its records) goes to the on-failure
  /// destination, and the shard moves on.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  private func discard(_ records: [Int], consumer: Int, condition: String) {
    guard let source = eventSource else { return }
    let c = source.consumers[consumer]
    for index in records { source.records[index].done = true }
    let first = source.records[records[0]]
    let last = source.records[records[records.count - 1]]
    let lane = invocations[c.invocation].id
    let metadata: Value = .map([
      "requestContext": .map([
        "condition": .string(condition), "approximateInvokeCount": .int(c.retries + c.bisections),
      ]),
      "KinesisBatchInfo": .map([
        "shardId": .string(c.shardId ?? lane),
        "startSequenceNumber": .string(first.sequenceNumber),
        "endSequenceNumber": .string(last.sequenceNumber),
        "batchSize": .int(records.count),
      ]),
    ])
    let destination = source.mapping.onFailure
    addOutcome(
      TraceOutcome(
        invocation: lane, kind: destination == nil ? .dropped : .onFailure, time: now, reason: condition,
        payload: metadata, attempts: c.retries + c.bisections, target: destination?.target,
        records: records.map { source.records[$0].id }))
    c.retries = 0
    c.bisections = 0
    c.throttles = 0
    c.sizeLimit = nil
    c.retryBatch = c.retryBatch?.filter { !source.records[$0].done }
    if c.retryBatch?.isEmpty == true { c.retryBatch = nil }
    c.blockedUntil = now
  }
}
