import RetryCore

/// `invocations:` and `schedules:`: who calls the function, when, and how. Ids name the lanes on
/// screen and are what faults refer to, so they share one namespace, including the ids a schedule
/// generates (`tick` fires `tick-1`, `tick-2`, ...).
extension ScenarioLoader.Session {
  static let invocationKeys = ["id", "type", "at", "payload", "client", "label"]
  static let scheduleKeys = ["id", "expression", "count", "detail", "firingDelay"]
  /// How many times one schedule may fire in a simulation.
  static let scheduleCountRange = 1...1_000

  func readInvocations(_ node: YAMLNode) throws(ScenarioError) {
    for item in try items(node, section: "invocations", itemName: "an invocation") {
      let fields = try item.mapping("an invocation", keys: Self.invocationKeys)
      let idNode = try fields.required("id")
      let id = try laneId(idNode)
      let type = try fields.required("type").choice("type", of: InvocationType.self)
      var invocation = InvocationDefinition(id: id, type: type)
      if let node = fields["at"] { invocation.at = try node.duration("at") }
      if let node = fields["payload"] { invocation.payload = try node.value() }
      if let node = fields["client"] {
        guard type == .requestResponse else {
          throw node.error("client: only RequestResponse invocations have a client; Lambda's async queue retries Event invocations")
        }
        invocation.client = try client(node, key: "client")
      }
      if let node = fields["label"] { invocation.label = try node.line("label") }
      invocationPositions[id] = invocations.count
      invocations.append((invocation, idNode.location))
    }
  }

  func readSchedules(_ node: YAMLNode) throws(ScenarioError) {
    for item in try items(node, section: "schedules", itemName: "a schedule") {
      let fields = try item.mapping("a schedule", keys: Self.scheduleKeys)
      let idNode = try fields.required("id")
      let id = try laneId(idNode)
      let expressionNode = try fields.required("expression")
      let text = try expressionNode.text("expression", expected: "a schedule expression such as rate(5 minutes)")
      let expression = try parseExpression(expressionNode, key: "expression", text: text, offsetShift: 0) {
        (text) throws(ExpressionError) in try ScheduleExpression.parse(text)
      }
      let countNode = try fields.required("count")
      let count = try countNode.wholeNumber("count", in: Self.scheduleCountRange)
      // A yearly cron fired 1000 times would run for 1000 years: a run lasts at most as long as
      // the longest duration, so that its trace stays within what a trace file holds.
      if let last = expression.fireTimes(from: origin, count: count).last, last - origin > DurationParser.maximum {
        throw countNode.error(
          "count: \(count) firings of \(quoted(text)) last until \(DurationText.short(last - origin)) after the start; a run lasts at most 10 years")
      }
      var schedule = ScheduleDefinition(id: id, expression: expression, count: count)
      if let node = fields["detail"] {
        guard node.node.mapping != nil else { throw node.error("detail: expected a mapping, got \(node.shortDescription)") }
        schedule.detail = try node.value()
      }
      if let node = fields["firingDelay"] {
        let delay = try node.delayRange("firingDelay")
        // Within the scheduled minute: a later firing would be another minute's.
        guard delay.upperBound < 60_000 else {
          let text = node.scalarText.map { quoted($0) } ?? delay.description
          throw node.error("firingDelay: \(text) reaches past the scheduled minute; EventBridge runs a rule within its minute (0s-59s)")
        }
        schedule.firingDelay = delay
      }
      if let clash = invocations.first(where: { Self.generatedNumber(of: $0.definition.id, by: id).map { (1...count).contains($0) } ?? false }) {
        throw ScenarioError(
          location: clash.location,
          message: "id: \(quoted(clash.definition.id)) collides with schedule \(quoted(id)), which creates \(id)-1 to \(id)-\(count)")
      }
      schedulePositions[id] = schedules.count
      schedules.append((schedule, idNode.location))
    }
  }

  /// An invocation or schedule id: letters, digits, `-`, `_`, unique among both.
  private func laneId(_ node: YAMLNode) throws(ScenarioError) -> String {
    let id = try node.line("id", expected: "an id such as A")
    guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
      throw node.error("id: \(quoted(id)) may only use letters, digits, '-' and '_'")
    }
    if let first = invocationPositions[id].map({ invocations[$0].location }) ?? schedulePositions[id].map({ schedules[$0].location }) {
      throw node.error("id: \(quoted(id)) is already used at line \(first.line)")
    }
    return id
  }

  /// `n` when `id` is `<schedule>-<n>`.
  static func generatedNumber(of id: String, by schedule: String) -> Int? {
    guard id.hasPrefix(schedule + "-") else { return nil }
    let suffix = id.dropFirst(schedule.count + 1)
    guard !suffix.isEmpty, suffix.allSatisfy(\.isASCIIDigit), suffix.first != "0" else { return nil }
    return Int(suffix)
  }

  /// What an `invocation:` reference names.
  enum InvocationReference {
    case invocation(InvocationDefinition)
    /// Every invocation of a schedule (`tick`).
    case schedule(ScheduleDefinition)
    /// One invocation of a schedule (`tick-2`); schedules invoke with `Event`.
    case scheduled(ScheduleDefinition, number: Int)
  }

  /// Resolves an `invocation:` reference, or says which ids exist.
  func invocationReference(_ node: YAMLNode) throws(ScenarioError) -> (id: String, reference: InvocationReference) {
    let id = try node.line("invocation", expected: "an invocation id")
    if let position = invocationPositions[id] { return (id, .invocation(invocations[position].definition)) }
    if let position = schedulePositions[id] { return (id, .schedule(schedules[position].definition)) }
    for (schedule, _) in schedules {
      if let number = Self.generatedNumber(of: id, by: schedule.id) {
        guard number <= schedule.count else {
          throw node.error("invocation: schedule \(quoted(schedule.id)) fires \(schedule.count) times, so \(quoted(id)) never happens")
        }
        return (id, .scheduled(schedule, number: number))
      }
    }
    let ids = invocations.map(\.definition.id) + schedules.map(\.definition.id)
    let hint = didYouMean(id, among: ids)
    throw node.error(
      "invocation: \(quoted(id)) is not an invocation or schedule id\(hint.isEmpty ? "; ids: \(ids.joined(separator: ", "))" : hint)")
  }
}
