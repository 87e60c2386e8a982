import RetryCore

/// `function:` and `client:`: the Lambda function's settings under AWS's own names, and the SDK that
/// calls it. AWS's documented ranges are enforced here, with the range in the message, because a
/// simulation of an impossible configuration would teach something false.
extension ScenarioLoader.Session {
  static let functionKeys = [
    "functionName", "timeout", "reservedConcurrency", "maximumRetryAttempts", "maximumEventAgeInSeconds", "onFailure",
    "onSuccess", "deadLetterQueue", "asyncQueue", "latencies",
  ]
  static let asyncQueueKeys = [
    "deliveryDelay", "retryDelays", "retryDelayFrom", "throttleBackoff", "duplicateDeliveryProbability",
    "duplicateDeliveryDelay", "duplicateRequestId", "deadLetterErrorCode",
  ]
  static let latencyKeys = ["dynamodb", "http", "compute", "invokeOverhead"]
  static let clientKeys = ["preset", "maxAttempts", "readTimeout", "backoff"]

  func functionConfiguration(_ node: YAMLNode) throws(ScenarioError) -> FunctionConfiguration {
    let fields = try node.mapping("function", keys: Self.functionKeys)
    var function = FunctionConfiguration(functionName: scenarioName)

    if let node = fields["functionName"] {
      // Source: https://docs.aws.amazon.com/lambda/latest/dg/API_CreateFunction.html (FunctionName: a name alone is
      // limited to 64 characters)
      let name = try node.line("functionName", expected: "a function name")
      guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
        throw node.error("functionName: \(quoted(name)) must be 1-64 letters, digits, '-' or '_' (AWS)")
      }
      function.functionName = name
    }
    if let node = fields["timeout"] {
      let seconds = try node.wholeNumber(
        "timeout", in: FunctionConfiguration.timeoutRangeSeconds, expected: "a whole number of seconds",
        rangeName: "AWS's range", unit: "seconds")
      function.timeout = seconds * 1_000
    }
    if let node = fields["reservedConcurrency"] {
      function.reservedConcurrency = try node.wholeNumber("reservedConcurrency", atLeast: 0, minimumName: "AWS's minimum")
    }
    if let node = fields["maximumRetryAttempts"] {
      function.eventInvokeConfig.maximumRetryAttempts = try node.wholeNumber(
        "maximumRetryAttempts", in: EventInvokeConfig.maximumRetryAttemptsRange, rangeName: "AWS's range")
    }
    if let node = fields["maximumEventAgeInSeconds"] {
      function.eventInvokeConfig.maximumEventAgeInSeconds = try node.wholeNumber(
        "maximumEventAgeInSeconds", in: EventInvokeConfig.maximumEventAgeInSecondsRange,
        expected: "a whole number of seconds", rangeName: "AWS's range", unit: "seconds")
    }
    if let node = fields["onFailure"] { function.eventInvokeConfig.onFailure = try destination(node, key: "onFailure") }
    if let node = fields["onSuccess"] { function.eventInvokeConfig.onSuccess = try destination(node, key: "onSuccess") }
    if let node = fields["deadLetterQueue"] { function.deadLetterQueue = try node.line("deadLetterQueue", expected: "a queue or topic ARN") }
    if let node = fields["asyncQueue"] {
      function.asyncQueue = try asyncQueue(node, maximumRetryAttempts: function.eventInvokeConfig.maximumRetryAttempts)
    }
    if let node = fields["latencies"] { function.latencies = try latencies(node) }
    return function
  }

  /// `{type: sqs, target: failed-events}`. S3 buckets take failure records only. Also read for a
  /// stream event source's `onFailure`, which narrows the types further.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  func destination(_ node: YAMLNode, key: String) throws(ScenarioError) -> Destination {
    let fields = try node.mapping(key, keys: ["type", "target"])
    let typeNode = try fields.required("type")
    let kind = try typeNode.choice("type", of: Destination.Kind.self)
    if kind == .s3, key == "onSuccess" { throw typeNode.error("type: 's3' is only supported for onFailure (AWS)") }
    let target = try fields.required("target").line("target", expected: "an ARN or a name")
    return Destination(kind: kind, target: target)
  }

  private func asyncQueue(_ node: YAMLNode, maximumRetryAttempts: Int) throws(ScenarioError) -> AsyncQueueModel {
    let fields = try node.mapping("function.asyncQueue", keys: Self.asyncQueueKeys)
    var model = AsyncQueueModel()
    if let node = fields["deliveryDelay"] { model.deliveryDelay = try node.delayRange("deliveryDelay") }
    if let node = fields["retryDelays"] {
      var delays: [DelayRange] = []
      for item in try node.list("retryDelays") { delays.append(try item.delayRange("retryDelays")) }
      model.retryDelays = delays
    }
    if model.retryDelays.count < maximumRetryAttempts {
      let count = model.retryDelays.count
      throw (fields["retryDelays"] ?? node).error(
        "retryDelays: \(count) \(count == 1 ? "range" : "ranges") for maximumRetryAttempts \(maximumRetryAttempts); give one range per retry")
    }
    if let node = fields["retryDelayFrom"] { model.retryDelayFrom = try node.choice("retryDelayFrom") }
    if let node = fields["throttleBackoff"] {
      let backoff = try node.mapping("function.asyncQueue.throttleBackoff", keys: ["initial", "maximum"])
      if let node = backoff["initial"] {
        model.throttleBackoffInitial = try node.duration("initial")
        if model.throttleBackoffInitial == 0 { throw node.error("initial: must be more than 0") }
      }
      if let node = backoff["maximum"] { model.throttleBackoffMaximum = try node.duration("maximum") }
      if model.throttleBackoffMaximum < model.throttleBackoffInitial {
        throw (backoff["maximum"] ?? backoff["initial"] ?? node).error(
          "maximum: \(DurationText.short(model.throttleBackoffMaximum)) is below initial \(DurationText.short(model.throttleBackoffInitial))")
      }
    }
    if let node = fields["duplicateDeliveryProbability"] {
      model.duplicateDeliveryProbability = try node.probability("duplicateDeliveryProbability")
    }
    if let node = fields["duplicateDeliveryDelay"] { model.duplicateDeliveryDelay = try node.delayRange("duplicateDeliveryDelay") }
    if let node = fields["duplicateRequestId"] { model.duplicateRequestId = try node.choice("duplicateRequestId") }
    if let node = fields["deadLetterErrorCode"] {
      model.deadLetterErrorCode = try node.wholeNumber("deadLetterErrorCode", in: 100...599, rangeName: "the HTTP status range")
    }
    return model
  }

  private func latencies(_ node: YAMLNode) throws(ScenarioError) -> StepLatencies {
    let fields = try node.mapping("function.latencies", keys: Self.latencyKeys)
    var latencies = StepLatencies()
    if let node = fields["dynamodb"] { latencies.dynamodb = try node.duration("dynamodb") }
    if let node = fields["http"] { latencies.http = try node.duration("http") }
    if let node = fields["compute"] { latencies.compute = try node.duration("compute") }
    if let node = fields["invokeOverhead"] { latencies.invokeOverhead = try node.duration("invokeOverhead") }
    return latencies
  }

  /// A preset name (`boto3-legacy`), or a preset with overrides
  /// (`{preset: boto3-legacy, maxAttempts: 2, readTimeout: 30s, backoff: standard}`).
  func client(_ node: YAMLNode, key: String) throws(ScenarioError) -> ClientConfiguration {
    if node.isScalar, !node.isNull { return .preset(try node.choice(key, of: ClientPreset.self)) }
    guard node.node.mapping != nil else {
      throw node.error("\(key): expected a preset name or a mapping with preset, maxAttempts, readTimeout, backoff, got \(node.shortDescription)")
    }
    let fields = try node.mapping(key, keys: Self.clientKeys)
    var client = ClientConfiguration.preset(.boto3Standard)
    if let node = fields["preset"] { client = .preset(try node.choice("preset")) }
    if let node = fields["maxAttempts"] {
      client.maxAttempts = try node.wholeNumber("maxAttempts")
      if client.maxAttempts < 1 { throw node.error("maxAttempts: \(client.maxAttempts) is below the minimum 1 (the first attempt counts)") }
    }
    if let node = fields["readTimeout"] {
      if node.scalarText == "none" {
        client.readTimeout = nil
      } else {
        let timeout = try node.duration("readTimeout")
        guard timeout > 0 else { throw node.error("readTimeout: must be more than 0; write 'none' for no timeout") }
        client.readTimeout = timeout
      }
    }
    if let node = fields["backoff"] { client.backoff = try node.choice("backoff") }
    return client
  }
}
