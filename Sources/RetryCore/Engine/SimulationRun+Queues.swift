/// A real handler's SQS calls (`QueueCall`): a send is an effect that mutates the world (a
/// message leaves), marked a duplicate like any other when a retry repeats it.
extension SimulationRun {
  /// FIFO queues drop a message whose deduplication id they accepted within this interval.
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html
  static let deduplicationInterval: Milliseconds = 5 * 60 * 1000
  /// The key of every effect of a send (`SendMessage`, `SendMessage dedup=<id>`).
  static let sendKey = TraceEffect.sendMessageKey

  func serveQueue(_ x: ExecutionState, step: CompiledStep, _ request: QueueCall) -> ExternalReply {
    switch request {
    case .getQueueURL(let name):
      guard let q = world.queueIndex[name] else { return Self.noSuchQueue() }
      return ExternalReply(status: 200, body: .queueURL(world.queues[q].definition.url()))
    case .sendMessage(let message):
      return send(x, step: step, message)
    }
  }

  /// Errors as SQS's JSON protocol names them.
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_Errors
  static func noSuchQueue() -> ExternalReply {
    .error("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
  }

  func send(_ x: ExecutionState, step: CompiledStep, _ message: QueueMessage) -> ExternalReply {
    guard let q = world.queueIndex[message.queue] else { return Self.noSuchQueue() }
    let definition = world.queues[q].definition
    let name = definition.name
    // Parameters a queue of the other type refuses, as SQS does.
    var deduplicationId: String?
    if definition.fifo {
      guard message.groupId != nil else {
        return .error("MissingParameter", "The request must contain the parameter MessageGroupId.")
      }
      deduplicationId = message.deduplicationId ?? (definition.contentBasedDeduplication ? message.body : nil)
      guard deduplicationId != nil else {
        return .error(
          "InvalidParameterValue",
          "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
      }
    } else if message.deduplicationId != nil {
      return .error(
        "InvalidParameterValue",
        "Value \(message.deduplicationId!) for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.")
    }
    world.queues[q].requests += 1
    let number = world.queues[q].requests
    let failures = definition.failures
    let injected = !failures.isEmpty && (failures.requests.contains(number) || serviceRandom.chance(failures.probability))
    // The request, as an endpoint's effects name theirs (`POST <url>`): the ledger lists a
    // queue's sends as requests, not as items.
    let key = Self.sendKey + (message.deduplicationId.map { " dedup=\($0)" } ?? "")
    let body: Value = .string(message.body)
    if injected && !failures.appliedBeforeFailing {
      addEffect(x, step: step, target: name, kind: .rejected, key: key, after: body, detail: failures.error, version: number)
      return Self.dynamoError(failures.error, "\(failures.error) sending to \(name)")
    }
    if let deduplicationId, let seen = world.queues[q].deduplication[deduplicationId],
      now - seen.time < Self.deduplicationInterval
    {
      // Accepted and answered as a success (with the first message's id), but not delivered.
      let how = message.deduplicationId != nil ? "MessageDeduplicationId \(deduplicationId)" : "the same body (content-based)"
      addEffect(
        x, step: step, target: name, kind: .deduplicated, key: key, after: body,
        detail: "dropped: \(how) was accepted \(DurationText.short(now - seen.time)) earlier, within SQS's 5-minute deduplication interval",
        version: number)
      if injected { return Self.dynamoError(failures.error, "\(failures.error) sending to \(name)") }
      return ExternalReply(status: 200, body: .messageSent(messageId: seen.messageId, sequenceNumber: seen.sequenceNumber))
    }
    let messageId = messageRandom.uuid()
    var sequenceNumber: String?
    if definition.fifo {
      world.queues[q].sequence += 1
      // SQS's sequence numbers are 20 digits, increasing within a group.
      let digits = String(world.queues[q].sequence)
      sequenceNumber = "1" + String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }
    if let deduplicationId {
      world.queues[q].deduplication[deduplicationId] = (now, messageId, sequenceNumber ?? "")
    }
    var detail = "MessageId \(messageId)"
    if let group = message.groupId { detail += ", group \(group)" }
    addEffect(x, step: step, target: name, kind: .send, key: key, after: body, detail: detail, version: number)
    if injected {
      return Self.dynamoError(failures.error, "\(failures.error) sending to \(name) (the message was sent)")
    }
    return ExternalReply(status: 200, body: .messageSent(messageId: messageId, sequenceNumber: sequenceNumber))
  }
}
