import RetryCore

/// `faults:`, `throttles:` and `duplicateDeliveries:`: what goes wrong, where and when. Faults
/// refer to invocations by id and to steps by position or name, so every reference is checked
/// against what the file declares.
extension ScenarioLoader.Session {
  static let faultKeys = ["invocation", "attempt", "step", "before", "after", "kind", "errorType", "message", "probability"]
  static let throttleKeys = ["invocation", "count", "statusCode"]
  static let duplicateDeliveryKeys = ["invocation", "after"]

  /// `kind:` spellings.
  private enum FaultKindName: String, CaseIterable {
    case error, timeout, crash
  }

  func faults(_ node: YAMLNode) throws(ScenarioError) -> [Fault] {
    var faults: [Fault] = []
    for item in try items(node, section: "faults", itemName: "a fault") {
      let fields = try item.mapping("a fault", keys: Self.faultKeys)
      // In an event source scenario `invocation` names a record and `attempt` counts its deliveries.
      let invocation = try fields["invocation"].map { node throws(ScenarioError) in try faultTarget(node) }
      let attempt = try fields["attempt"]?.wholeNumber("attempt", atLeast: 1)
      let point = try faultPoint(fields)
      let kindName = try fields["kind"]?.choice("kind", of: FaultKindName.self) ?? .error
      let kind: Fault.Kind
      switch kindName {
      case .error:
        let errorType = try fields["errorType"]?.line("errorType", expected: "an error type name") ?? "Error"
        let message = try fields["message"]?.line("message") ?? "injected fault"
        kind = .error(type: errorType, message: message)
      case .timeout, .crash:
        if let entry = fields.entries(among: ["errorType", "message"]).first {
          throw entry.key.error("\(entry.name): only applies to kind 'error', not \(quoted(kindName.rawValue))")
        }
        kind = kindName == .timeout ? .timeout : .crash
      }
      let probability = try fields["probability"]?.probability("probability") ?? 1
      faults.append(Fault(invocation: invocation, attempt: attempt, point: point, kind: kind, probability: probability))
    }
    return faults
  }

  /// Exactly one of `step: k`, `before: <name>`, `after: <name>`.
  private func faultPoint(_ fields: YAMLMapping) throws(ScenarioError) -> Fault.Point {
    let given = fields.entries(among: ["step", "before", "after"])
    guard let entry = given.first else { throw fields.node.error("a fault needs one of 'step', 'before' or 'after'") }
    if given.count > 1 {
      throw given[1].key.error("a fault has both \(quoted(given[0].name)) and \(quoted(given[1].name)); give exactly one")
    }
    if isExec {
      // A real handler's points are its calls: `step: k`, `before: call k`, `after: call k`.
      if entry.name == "step" {
        return .beforeStep(try entry.value.wholeNumber("step", atLeast: 1, expected: "a call number (1 is the first call)"))
      }
      let name = try entry.value.line(entry.name, expected: "a call")
      guard ExternalFault.callNumber(name) != nil else {
        throw entry.value.error("\(entry.name): \(quoted(name)) is not a call of an exec handler; write 'call 1', 'call 2', ...")
      }
      return entry.name == "before" ? .before(name) : .after(name)
    }
    if entry.name == "step" {
      let step = try entry.value.wholeNumber("step", atLeast: 1, expected: "a step number (1 is the first step)")
      let last = longestHandlerPath + 1
      guard step <= last else {
        throw entry.value.error(
          "step: \(step) is past the end of the handler; its longest path runs \(longestHandlerPath) steps, so use 1-\(last)")
      }
      return .beforeStep(step)
    }
    let name = try entry.value.line(entry.name, expected: "a step name")
    guard stepNames.contains(where: { $0.name == name }) else {
      let names = stepNames.map(\.name)
      let hint = didYouMean(name, among: names)
      let rest =
        names.isEmpty
        ? "; no step has a name (add 'name:' to the step)" : hint.isEmpty ? "; step names: \(names.joined(separator: ", "))" : hint
      throw entry.value.error("\(entry.name): no step is named \(quoted(name))\(rest)")
    }
    return entry.name == "before" ? .before(name) : .after(name)
  }

  func throttles(_ node: YAMLNode) throws(ScenarioError) -> [Throttle] {
    var throttles: [Throttle] = []
    for item in try items(node, section: "throttles", itemName: "a throttle") {
      let fields = try item.mapping("a throttle", keys: Self.throttleKeys)
      let invocation = try fields["invocation"].map { node throws(ScenarioError) in try invocationReference(node).id }
      let count = try fields["count"]?.wholeNumber("count", atLeast: 1) ?? 1
      var statusCode = 429
      if let node = fields["statusCode"] {
        statusCode = try node.wholeNumber("statusCode", expected: "an HTTP status code")
        // Source: https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html (TooManyRequestsException, ServiceException)
        guard statusCode == 429 || (500...599).contains(statusCode) else {
          throw node.error("statusCode: \(statusCode) is neither a throttle (429) nor a service error (500-599)")
        }
      }
      throttles.append(Throttle(invocation: invocation, count: count, statusCode: statusCode))
    }
    return throttles
  }

  func duplicateDeliveries(_ node: YAMLNode) throws(ScenarioError) -> [DuplicateDelivery] {
    var deliveries: [DuplicateDelivery] = []
    for item in try items(node, section: "duplicateDeliveries", itemName: "a duplicate delivery") {
      let fields = try item.mapping("a duplicate delivery", keys: Self.duplicateDeliveryKeys)
      let invocationNode = try fields.required("invocation")
      // In an event source scenario it names a record: the mapping's poller delivers it again.
      if eventSource != nil {
        let record = try faultTarget(invocationNode)
        deliveries.append(DuplicateDelivery(invocation: record, after: try fields.required("after").duration("after")))
        continue
      }
      let (id, reference) = try invocationReference(invocationNode)
      switch reference {
      case .invocation(let invocation) where invocation.type != .event:
        throw invocationNode.error(
          "invocation: \(quoted(id)) is a \(invocation.type.rawValue) invocation; only Event invocations go through the async queue")
      case .schedule(let schedule):
        throw invocationNode.error(
          "invocation: \(quoted(id)) is a schedule; name one of its invocations, \(id)-1 to \(id)-\(schedule.count)")
      default:
        break
      }
      let after = try fields.required("after").duration("after")
      deliveries.append(DuplicateDelivery(invocation: id, after: after))
    }
    return deliveries
  }
}
