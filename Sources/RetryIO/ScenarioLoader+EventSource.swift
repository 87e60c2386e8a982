import RetryCore

/// `eventSource:`: an event source mapping (SQS queue, Kinesis or DynamoDB stream) that polls its
/// `records` and invokes the function with batches. Keys use the AWS API names
/// (`CreateEventSourceMapping`), and each kind accepts only the keys AWS accepts for it: a stream
/// setting on a queue would be silently meaningless, which is worse than an error.
///
/// Rules and ranges: `docs/lambda-semantics.md` section 3.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_CreateEventSourceMapping.html
extension ScenarioLoader.Session {
  static let eventSourceKeys = [
    "type", "batchSize", "maximumBatchingWindowInSeconds", "functionResponseTypes", "pollingInterval", "shards",
    "maximumRetryAttempts", "maximumRecordAgeInSeconds", "bisectBatchOnFunctionError", "parallelizationFactor",
    "onFailure", "retryDelay", "retentionPeriod", "queue", "scalingConfig",
  ]
  /// Keys for Kinesis and DynamoDB Streams only.
  static let streamOnlyKeys = [
    "shards", "maximumRetryAttempts", "maximumRecordAgeInSeconds", "bisectBatchOnFunctionError", "parallelizationFactor",
    "onFailure", "retryDelay", "retentionPeriod",
  ]
  /// Keys for SQS only.
  static let queueOnlyKeys = ["queue", "scalingConfig"]
  static let scalingConfigKeys = ["maximumConcurrency"]
  /// `ScalingConfig.MaximumConcurrency`. Source: https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html
  static let maximumConcurrencyRange = 2...1_000
  /// AWS's advice for the queue: a visibility timeout of "at least six times the timeout that you
  /// configure on your function", plus the batching window.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  static let recommendedVisibilityFactor = 6
  static let queueKeys = [
    "name", "fifo", "visibilityTimeout", "maxReceiveCount", "deadLetterQueue", "pollers", "messageRetentionPeriod",
  ]
  /// Kinesis retention: 24 h (default) to 365 days.
  /// Source: https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html
  static let streamRetentionRange: ClosedRange<Milliseconds> = (24 * 3_600_000)...(8_760 * 3_600_000)
  /// SQS message retention: 60 s to 14 days, default 4 days.
  /// Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
  static let messageRetentionRange: ClosedRange<Milliseconds> = 60_000...(14 * 86_400_000)

  /// `BatchSize`: at most 10,000, and 10 for FIFO queues.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/API_CreateEventSourceMapping.html
  static let batchSizeRange = 1...10_000
  static let fifoBatchSizeRange = 1...10
  /// `MaximumBatchingWindowInSeconds`, whole seconds. Source: as `batchSizeRange`.
  static let maximumBatchingWindowRange = 0...300
  /// Our cap, not AWS's: each shard is a lane on screen, and more than 100 cannot be shown.
  static let shardsRange = 1...100
  /// `MaximumRetryAttempts` of streams, -1 meaning no limit. Source: as `batchSizeRange`.
  static let streamRetryAttemptsRange = -1...10_000
  /// `MaximumRecordAgeInSeconds` apart from -1 (no limit). Source: as `batchSizeRange`.
  static let maximumRecordAgeRange = 60...604_800
  /// `ParallelizationFactor`. Source: as `batchSizeRange`.
  static let parallelizationFactorRange = 1...10
  /// SQS `VisibilityTimeout`: 0 s to 12 h, in whole seconds.
  /// Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
  static let visibilityTimeoutLimit: Milliseconds = 12 * 3_600_000
  /// SQS redrive policy `maxReceiveCount` ("Maximum receives" in the console).
  /// Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue.html
  static let maxReceiveCountRange = 1...1_000
  /// Our model of Lambda's SQS pollers: concurrent batches from a standard queue. AWS starts
  /// with five (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html); the cap is ours.
  static let pollersRange = 1...1_000

  /// `FunctionResponseTypes` values: AWS knows only this one.
  private enum FunctionResponseType: String, CaseIterable {
    case reportBatchItemFailures = "ReportBatchItemFailures"
  }

  func eventSourceMapping(_ node: YAMLNode) throws(ScenarioError) -> EventSourceMapping {
    let fields = try node.mapping("eventSource", keys: Self.eventSourceKeys)
    let kind = try fields.required("type").choice("type", of: EventSourceMapping.Kind.self)
    try checkKeysBelong(to: kind, in: fields)
    var mapping = EventSourceMapping(kind: kind)

    if let node = fields["queue"] { mapping.queue = try queueDefinition(node) }
    if let node = fields["batchSize"] {
      let fifo = kind == .sqs && mapping.queue.fifo
      mapping.batchSize = try node.wholeNumber(
        "batchSize", in: fifo ? Self.fifoBatchSizeRange : Self.batchSizeRange, rangeName: "AWS's range",
        unit: fifo ? "for FIFO queues" : "")
    }
    if let node = fields["maximumBatchingWindowInSeconds"] {
      let seconds = try node.wholeNumber(
        "maximumBatchingWindowInSeconds", in: Self.maximumBatchingWindowRange, expected: "a whole number of seconds",
        rangeName: "AWS's range", unit: "seconds")
      mapping.maximumBatchingWindow = seconds * 1_000
    }
    if let node = fields["functionResponseTypes"] {
      for item in try node.list("functionResponseTypes") {
        _ = try item.choice("functionResponseTypes", of: FunctionResponseType.self)
        mapping.reportBatchItemFailures = true
      }
    }
    if let node = fields["pollingInterval"] {
      mapping.pollingInterval = try node.duration("pollingInterval")
      // A zero interval would poll an empty source forever at one instant.
      if mapping.pollingInterval == 0 { throw node.error("pollingInterval: must be more than 0") }
    }

    if let node = fields["shards"] {
      mapping.shards = try node.wholeNumber("shards", in: Self.shardsRange, rangeName: "the simulator's range")
    }
    if let node = fields["maximumRetryAttempts"] {
      let attempts = try node.wholeNumber("maximumRetryAttempts")
      guard Self.streamRetryAttemptsRange.contains(attempts) else {
        throw node.error("maximumRetryAttempts: \(attempts) is outside AWS's range -1 (no limit) or 0-10000")
      }
      mapping.maximumRetryAttempts = attempts
    }
    if let node = fields["maximumRecordAgeInSeconds"] {
      let seconds = try node.wholeNumber("maximumRecordAgeInSeconds", expected: "a whole number of seconds")
      guard seconds == -1 || Self.maximumRecordAgeRange.contains(seconds) else {
        throw node.error("maximumRecordAgeInSeconds: \(seconds) is outside AWS's range -1 (no limit) or 60-604800 seconds")
      }
      mapping.maximumRecordAge = seconds == -1 ? nil : seconds * 1_000
    }
    if let node = fields["bisectBatchOnFunctionError"] {
      mapping.bisectBatchOnFunctionError = try node.bool("bisectBatchOnFunctionError")
    }
    if let node = fields["parallelizationFactor"] {
      mapping.parallelizationFactor = try node.wholeNumber(
        "parallelizationFactor", in: Self.parallelizationFactorRange, rangeName: "AWS's range")
    }
    if let node = fields["onFailure"] { mapping.onFailure = try streamDestination(node) }
    if let node = fields["retryDelay"] { mapping.retryDelay = try node.duration("retryDelay") }
    if let node = fields["retentionPeriod"] {
      mapping.retentionPeriod = try retention(node, key: "retentionPeriod", in: Self.streamRetentionRange, range: "24h-8760h (365 days)")
    }
    if let node = fields["scalingConfig"] {
      let scaling = try node.mapping("eventSource.scalingConfig", keys: Self.scalingConfigKeys)
      if let node = scaling["maximumConcurrency"] {
        mapping.maximumConcurrency = try node.wholeNumber(
          "maximumConcurrency", in: Self.maximumConcurrencyRange, rangeName: "AWS's range")
        checkMaximumConcurrency(mapping, at: node)
      }
    }
    if kind == .sqs { try checkVisibilityTimeout(mapping, fields: fields) }
    return mapping
  }

  /// AWS refuses an SQS mapping whose function may run longer than the queue hides a message
  /// ("Lambda validates this requirement when you create or update an event source mapping"), with
  /// `InvalidParameterValueException: Queue visibility timeout: 30 seconds is less than Function
  /// timeout: 60 seconds`; below six times the timeout plus the batching window it works, against
  /// AWS's advice: a throttled batch then has less time to be retried before its messages show
  /// again. The error and the warning point at `visibilityTimeout`, or where the mapping is made
  /// when the queue keeps its default.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  private func checkVisibilityTimeout(_ mapping: EventSourceMapping, fields: YAMLMapping) throws(ScenarioError) {
    let queue = fields["queue"].flatMap { try? $0.mapping("eventSource.queue", keys: Self.queueKeys) }
    let node = queue?["visibilityTimeout"] ?? fields["type"] ?? fields.node
    let visibility = mapping.queue.visibilityTimeout
    let timeout = function.timeout
    guard visibility >= timeout else {
      throw node.error(
        "visibilityTimeout: InvalidParameterValueException: Queue visibility timeout: \(visibility / 1_000) seconds is less than "
          + "Function timeout: \(timeout / 1_000) seconds (AWS refuses this mapping; hide messages at least as long as the function may run)")
    }
    let recommended = Self.recommendedVisibilityFactor * timeout + mapping.maximumBatchingWindow
    if visibility < recommended {
      let window = mapping.maximumBatchingWindow > 0 ? " + the batching window \(DurationText.short(mapping.maximumBatchingWindow))" : ""
      warnings.append(
        ScenarioWarning(
          location: node.location,
          message: "visibilityTimeout: \(DurationText.short(visibility)) is less than AWS's recommended 6 x the function timeout "
            + "\(DurationText.short(timeout))\(window) = \(DurationText.short(recommended)): a throttled batch has less time to be retried "
            + "before its messages show again"))
    }
  }

  /// "Don't set the maximum concurrency higher than the function's reserved concurrency, as this
  /// might cause throttling": the mapping would start executions Lambda then refuses.
  /// Source: https://repost.aws/knowledge-center/lambda-sqs-scaling
  private func checkMaximumConcurrency(_ mapping: EventSourceMapping, at node: YAMLNode) {
    guard let maximum = mapping.maximumConcurrency, let reserved = function.reservedConcurrency, maximum > reserved else { return }
    warnings.append(
      ScenarioWarning(
        location: node.location,
        message: "maximumConcurrency: \(maximum) is more than the function's reservedConcurrency \(reserved): "
          + "the mapping's batches beyond \(reserved) are throttled (AWS advises a maximum concurrency of at most the reserved concurrency)"))
  }

  /// Stream settings on a queue, or a queue on a stream, are errors at their key.
  private func checkKeysBelong(to kind: EventSourceMapping.Kind, in fields: YAMLMapping) throws(ScenarioError) {
    if kind == .sqs, let entry = fields.entries(among: Self.streamOnlyKeys).first {
      throw entry.key.error("\(entry.name): applies to kinesis and dynamodb event sources only, not sqs")
    }
    if kind != .sqs, let entry = fields.entries(among: Self.queueOnlyKeys).first {
      throw entry.key.error("\(entry.name): applies to sqs event sources only, not \(kind.rawValue)")
    }
  }

  /// A stream's on-failure destination: "an Amazon SQS queue or Amazon SNS topic", unlike the
  /// async destinations that also take Lambda, EventBridge and S3.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
  private func streamDestination(_ node: YAMLNode) throws(ScenarioError) -> Destination {
    let destination = try destination(node, key: "onFailure")
    guard destination.kind == .sqs || destination.kind == .sns else {
      throw (node.child("type") ?? node).error(
        "type: \(quoted(destination.kind.rawValue)) is not a destination for stream event sources; use sqs or sns (AWS)")
    }
    return destination
  }

  /// `queue:`: the source queue and its redrive policy, which lives on the queue (not the function).
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
  private func queueDefinition(_ node: YAMLNode) throws(ScenarioError) -> QueueDefinition {
    let fields = try node.mapping("eventSource.queue", keys: Self.queueKeys)
    var queue = QueueDefinition()
    if let node = fields["name"] { queue.name = try queueName(node, key: "name") }
    if let node = fields["fifo"] { queue.fifo = try node.bool("fifo") }
    if let node = fields["messageRetentionPeriod"] {
      queue.messageRetentionPeriod = try retention(
        node, key: "messageRetentionPeriod", in: Self.messageRetentionRange, range: "60s-336h (14 days)")
    }
    if let node = fields["visibilityTimeout"] { queue.visibilityTimeout = try visibilityTimeout(node) }
    if let node = fields["maxReceiveCount"] {
      queue.maxReceiveCount = try node.wholeNumber("maxReceiveCount", in: Self.maxReceiveCountRange, rangeName: "AWS's range")
    }
    if let node = fields["deadLetterQueue"] { queue.deadLetterQueue = try queueName(node, key: "deadLetterQueue") }
    // A redrive policy names both the count and the queue; one without the other cannot be set.
    if queue.maxReceiveCount != nil, queue.deadLetterQueue == nil, let key = fields.keyNode("maxReceiveCount") {
      throw key.error("maxReceiveCount: needs deadLetterQueue (a redrive policy names both)")
    }
    if queue.deadLetterQueue != nil, queue.maxReceiveCount == nil, let key = fields.keyNode("deadLetterQueue") {
      throw key.error("deadLetterQueue: needs maxReceiveCount (a redrive policy names both)")
    }
    if let node = fields["pollers"] {
      // FIFO: "sends only one batch at a time for a group", so the groups, not pollers, set the
      // concurrency; the engine ignores `pollers` there.
      if queue.fifo, let key = fields.keyNode("pollers") {
        throw key.error("pollers: applies to standard queues only; a FIFO queue delivers one batch per message group at a time")
      }
      queue.pollers = try node.wholeNumber("pollers", in: Self.pollersRange, rangeName: "the simulator's range")
    }
    return queue
  }

  /// An SQS queue name: "up to 80 characters ... alphanumeric characters, hyphens (-), and
  /// underscores (_)", a FIFO queue's ending in `.fifo`.
  /// Source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
  private func queueName(_ node: YAMLNode, key: String) throws(ScenarioError) -> String {
    let name = try node.line(key, expected: "a queue name")
    let stem = name.hasSuffix(".fifo") ? name.dropLast(5) : Substring(name)
    guard name.count <= 80, !stem.isEmpty, stem.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    else {
      throw node.error("\(key): \(quoted(name)) must be 1-80 letters, digits, '-' or '_', optionally ending in .fifo (AWS)")
    }
    return name
  }

  /// A retention period within AWS's range.
  private func retention(
    _ node: YAMLNode, key: String, in range: ClosedRange<Milliseconds>, range rangeText: String
  ) throws(ScenarioError) -> Milliseconds {
    let value = try node.duration(key)
    guard range.contains(value) else {
      throw node.error("\(key): \(quoted((node.scalarText ?? "").trimmingSpaces)) is outside AWS's range \(rangeText)")
    }
    return value
  }

  /// A duration of whole seconds up to 12 h: SQS counts the visibility timeout in seconds.
  private func visibilityTimeout(_ node: YAMLNode) throws(ScenarioError) -> Milliseconds {
    let timeout = try node.duration("visibilityTimeout")
    let text = (node.scalarText ?? "").trimmingSpaces
    guard timeout <= Self.visibilityTimeoutLimit else {
      throw node.error("visibilityTimeout: \(quoted(text)) is outside AWS's range 0s-12h")
    }
    guard timeout % 1_000 == 0 else {
      throw node.error("visibilityTimeout: \(quoted(text)) is not a whole number of seconds (AWS counts whole seconds)")
    }
    return timeout
  }
}
