import RetryCore

/// `handler:`: the function's code as a list of steps. Each step mapping has exactly one action
/// key (`put`, `get`, ...) plus optional `name`, `as` and `duration`; the action's value holds its
/// parameters. Tables and endpoints must be declared, keys must match the table's schema, and
/// templates may only use results of earlier steps (document order).
extension ScenarioLoader.Session {
  static let actionKeys = ["get", "put", "update", "delete", "post", "uuid", "now", "compute", "log", "throw", "return", "if"]
  static let stepOptionKeys = ["name", "as", "duration"]
  static let branchKeys = ["then", "else"]
  static let conditionKeys = ["condition", "values", "names", "onConditionFailed"]

  func handler(_ node: YAMLNode) throws(ScenarioError) -> Handler {
    let list = try node.list("handler")
    if list.isEmpty { throw node.error("handler: needs at least one step") }
    collectResultNames(list)
    var scope: [String] = []
    let steps = try steps(list, key: "handler", scope: &scope)
    longestHandlerPath = Self.longestPath(steps)
    return Handler(steps: steps)
  }

  /// The most steps one attempt can execute (the longer branch of every `if`).
  static func longestPath(_ steps: [Step]) -> Int {
    steps.reduce(0) { total, step in
      if case .branch(_, let then, let otherwise) = step.action {
        return total + 1 + max(longestPath(then), longestPath(otherwise))
      }
      return total + 1
    }
  }

  /// Records every `as` name up front, so that using one too early gets "defined later" rather
  /// than "unknown".
  private func collectResultNames(_ list: [YAMLNode]) {
    for item in list {
      guard case .mapping(let mapping) = item.node else { continue }
      for (key, value) in mapping {
        guard let name = key.scalar?.string else { continue }
        let valueNode = YAMLNode(node: value, file: file)
        if name == "as" || name == "uuid" || name == "now", let text = value.scalar?.string, !valueNode.isNull,
          allResultNames[text] == nil
        {
          allResultNames[text] = valueNode.location
        }
        if name == "then" || name == "else", case .sequence(let sequence) = value {
          collectResultNames(Array(sequence).map { YAMLNode(node: $0, file: file) })
        }
      }
    }
  }

  private func steps(_ list: [YAMLNode], key: String, scope: inout [String]) throws(ScenarioError) -> [Step] {
    var steps: [Step] = []
    for item in list { steps.append(try step(item, listKey: key, scope: &scope)) }
    return steps
  }

  private func step(_ node: YAMLNode, listKey: String, scope: inout [String]) throws(ScenarioError) -> Step {
    let actionList = Self.actionKeys.joined(separator: ", ")
    guard node.node.mapping != nil else {
      throw node.error("\(listKey): expected a step (a mapping with one of \(actionList)), got \(node.shortDescription)")
    }
    let fields = try node.mapping("a step", keys: Self.actionKeys + Self.stepOptionKeys + Self.branchKeys)
    let actions = fields.entries(among: Self.actionKeys)
    guard let action = actions.first else { throw node.error("a step needs one action: \(actionList)") }
    if actions.count > 1 {
      throw actions[1].key.error(
        "a step has exactly one action, but this one has \(quoted(actions[0].name)) and \(quoted(actions[1].name)); put each in its own list item")
    }
    if action.name != "if", let branch = fields.entries(among: Self.branchKeys).first {
      throw branch.key.error("\(quoted(branch.name)) belongs to an 'if' step, not \(quoted(action.name))")
    }

    var step = Step(action: .compute, location: node.location)
    if let nameNode = fields["name"] {
      let name = try nameNode.line("name", expected: "a step name")
      if let first = firstDeclaration(of: name, in: stepNames) {
        throw nameNode.error("name: step name \(quoted(name)) is already used at line \(first.line)")
      }
      stepNames.append((name, nameNode.location))
      step.name = name
    }
    if let asNode = fields["as"] { step.resultName = try resultName(asNode, key: "as") }
    if let durationNode = fields["duration"] { step.duration = try durationNode.duration("duration") }

    let value = action.value
    switch action.name {
    case "get":
      let body = try value.mapping("get", keys: ["table", "key"])
      let table = try declaredTable(body.required("table"))
      let keyNode = try body.required("key")
      try checkKeyAttributes(keyNode, key: "key", of: table)
      step.action = .getItem(table: table.name, key: try template(keyNode, key: "key", scope: scope))
    case "put":
      let body = try value.mapping("put", keys: ["table", "item"] + Self.conditionKeys)
      let table = try declaredTable(body.required("table"))
      let itemNode = try body.required("item")
      if case .mapping(let mapping) = itemNode.node {
        let names = mapping.keys.compactMap(\.scalar?.string)
        for attribute in table.keyAttributes where !names.contains(attribute) {
          throw itemNode.error("item: the item has no \(quoted(attribute)), a key attribute of table \(quoted(table.name))")
        }
      }
      let item = try template(itemNode, key: "item", scope: scope)
      let write = try expressions(body, update: nil, scope: scope)
      step.action = .putItem(table: table.name, item: item, condition: write.condition)
    case "update":
      let body = try value.mapping("update", keys: ["table", "key", "set", "expression"] + Self.conditionKeys)
      let table = try declaredTable(body.required("table"))
      let keyNode = try body.required("key")
      try checkKeyAttributes(keyNode, key: "key", of: table)
      let key = try template(keyNode, key: "key", scope: scope)
      let update = try updateExpression(body)
      let write = try expressions(body, update: update, scope: scope)
      step.action = .updateItem(
        table: table.name, key: key, update: update.expression, condition: write.condition, values: write.values, names: write.names)
    case "delete":
      let body = try value.mapping("delete", keys: ["table", "key"] + Self.conditionKeys)
      let table = try declaredTable(body.required("table"))
      let keyNode = try body.required("key")
      try checkKeyAttributes(keyNode, key: "key", of: table)
      let key = try template(keyNode, key: "key", scope: scope)
      let write = try expressions(body, update: nil, scope: scope)
      step.action = .deleteItem(table: table.name, key: key, condition: write.condition)
    case "post":
      let body = try value.mapping("post", keys: ["endpoint", "body", "onError"])
      let endpoint = try declaredEndpoint(body.required("endpoint"))
      let payload = try body["body"].map { node throws(ScenarioError) in try template(node, key: "body", scope: scope) } ?? .literal(.map([:]))
      let onError = try body["onError"]?.choice("onError", of: ErrorPolicy.self) ?? .throw
      step.action = .post(endpoint: endpoint.name, body: payload, onError: onError)
    case "uuid", "now":
      step.action = action.name == "uuid" ? .uuid : .now
      if !value.isNull {
        guard value.isScalar else {
          throw value.error("\(action.name): expected the name to store the result under, got \(value.shortDescription)")
        }
        if let asNode = fields["as"] {
          throw asNode.error("as: '\(action.name): \(value.scalarText ?? "")' already names the result; give one of them")
        }
        step.resultName = try resultName(value, key: action.name)
      }
    case "compute":
      step.action = .compute
      if !value.isNull {
        if let durationNode = fields["duration"] {
          throw durationNode.error("duration: 'compute: \(value.scalarText ?? "")' already gives the duration; give one of them")
        }
        step.duration = try value.duration("compute")
      }
    case "log":
      if value.isNull { throw value.error("log: expected a message, got nothing") }
      step.action = .log(try template(value, key: "log", scope: scope))
    case "throw":
      if value.isScalar, !value.isNull {
        step.action = .fail(errorType: "Error", message: try template(value, key: "throw", scope: scope))
      } else {
        let body = try value.mapping("throw", keys: ["errorType", "message"], expected: "a message or a mapping with errorType and message")
        let errorType = try body["errorType"]?.line("errorType", expected: "an error type name") ?? "Error"
        let message = try template(body.required("message"), key: "message", scope: scope)
        step.action = .fail(errorType: errorType, message: message)
      }
    case "return":
      step.action = .respond(try template(value, key: "return", scope: scope))
    case "if":
      let condition = try value.choice("if", of: BranchCondition.self)
      if let asNode = fields.keyNode("as") { throw asNode.error("as: an 'if' step has no result to store") }
      if let durationNode = fields.keyNode("duration") { throw durationNode.error("duration: an 'if' step takes no time") }
      let thenNode = try fields.required("then")
      let then = try steps(try thenNode.list("then"), key: "then", scope: &scope)
      let otherwise = try fields["else"].map { node throws(ScenarioError) in try steps(try node.list("else"), key: "else", scope: &scope) } ?? []
      step.action = .branch(condition, then: then, otherwise: otherwise)
    default:
      fatalError("every action key is handled")
    }
    if let resultName = step.resultName, !scope.contains(resultName) { scope.append(resultName) }
    return step
  }

  /// An `as` name: usable as a template root, so an identifier, and not a built-in name.
  private func resultName(_ node: YAMLNode, key: String) throws(ScenarioError) -> String {
    let name = try node.line(key, expected: "a result name")
    if Self.builtinNames.contains(name) || name == Self.recordName {
      throw node.error("\(key): \(quoted(name)) is a built-in name; choose another")
    }
    guard let first = name.first, first.isLetter || first == "_",
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
    else {
      throw node.error("\(key): \(quoted(name)) must be a name such as user or new_id (letters, digits, '_')")
    }
    return name
  }

  /// `values: {":now": "${clock}"}`: ExpressionAttributeValues, as templates.
  private func expressionValues(_ node: YAMLNode?, scope: [String]) throws(ScenarioError) -> [String: Template] {
    guard let node else { return [:] }
    guard case .mapping(let mapping) = node.node else {
      throw node.error("values: expected a mapping of :placeholders to values, got \(node.shortDescription)")
    }
    var values: [String: Template] = [:]
    for (keyNode, valueNode) in mapping {
      let keyReader = YAMLNode(node: keyNode, file: file)
      let name = try keyReader.mappingKey()
      guard name.hasPrefix(":"), name.count > 1 else { throw keyReader.error("values: \(quoted(name)) must start with ':' (like ':now')") }
      values[name] = try template(YAMLNode(node: valueNode, file: file), key: name, scope: scope)
    }
    return values
  }

  /// `names: {"#ts": timestamp}`: ExpressionAttributeNames.
  private func expressionNames(_ node: YAMLNode?) throws(ScenarioError) -> [String: String] {
    guard let node else { return [:] }
    guard case .mapping(let mapping) = node.node else {
      throw node.error("names: expected a mapping of #placeholders to attribute names, got \(node.shortDescription)")
    }
    var names: [String: String] = [:]
    for (keyNode, valueNode) in mapping {
      let keyReader = YAMLNode(node: keyNode, file: file)
      let name = try keyReader.mappingKey()
      guard name.hasPrefix("#"), name.count > 1 else { throw keyReader.error("names: \(quoted(name)) must start with '#' (like '#ts')") }
      names[name] = try YAMLNode(node: valueNode, file: file).line(name, expected: "an attribute name")
    }
    return names
  }

  /// An expression as parsed, with what it takes to point into its scalar.
  struct ParsedExpression<Expression> {
    var expression: Expression
    var node: YAMLNode
    /// The text given to the parser (for `set:`, with `SET ` in front).
    var text: String
    /// Characters the loader put in front of the scalar's value.
    var shift: Int
    var key: String
  }

  /// The update's expression: `set:` (the loader adds `SET `) or a whole `expression:`.
  private func updateExpression(_ body: YAMLMapping) throws(ScenarioError) -> ParsedExpression<UpdateExpression> {
    let given = body.entries(among: ["set", "expression"])
    guard let first = given.first else { throw body.node.error("missing required key 'set' (or 'expression') in update") }
    if given.count > 1 { throw given[1].key.error("update has both 'set' and 'expression'; give exactly one") }
    let text = try first.value.text(first.name, expected: "an update expression")
    let shift = first.name == "set" && !text.trimmingSpaces.uppercased().hasPrefix("SET ") ? 4 : 0
    let parsedText = shift > 0 ? "SET " + text : text
    let expression = try parseExpression(first.value, key: first.name, text: parsedText, offsetShift: shift) {
      (text) throws(ExpressionError) in try UpdateExpression.parse(text)
    }
    return ParsedExpression(expression: expression, node: first.value, text: parsedText, shift: shift, key: first.name)
  }

  /// The write's `condition`, `values`, `names` and `onConditionFailed`. Each placeholder an
  /// expression uses must be defined, and each defined one used: DynamoDB rejects the request
  /// otherwise ("Value provided in ExpressionAttributeValues unused in expressions").
  private func expressions(_ body: YAMLMapping, update: ParsedExpression<UpdateExpression>?, scope: [String])
    throws(ScenarioError) -> (condition: ConditionalWrite?, values: [String: Template], names: [String: String])
  {
    var condition: ParsedExpression<ConditionExpression>?
    if let node = body["condition"] {
      let text = try node.text("condition", expected: "a condition expression")
      let expression = try parseExpression(node, key: "condition", text: text, offsetShift: 0) {
        (text) throws(ExpressionError) in try ConditionExpression.parse(text)
      }
      condition = ParsedExpression(expression: expression, node: node, text: text, shift: 0, key: "condition")
    } else {
      if let node = body.keyNode("onConditionFailed") { throw node.error("onConditionFailed: only applies with a 'condition'") }
      if update == nil, let entry = body.entries(among: ["values", "names"]).first {
        throw entry.key.error("\(entry.name): only used with a 'condition'")
      }
    }
    let values = try expressionValues(body["values"], scope: scope)
    let names = try expressionNames(body["names"])
    let valuesNode = body["values"]
    let namesNode = body["names"]
    var usedValues: [String] = []
    var usedNames: [String] = []
    if let update {
      try checkDefined(update.expression.valuePlaceholders, by: update, in: valuesNode, kind: "values")
      try checkDefined(update.expression.namePlaceholders, by: update, in: namesNode, kind: "names")
      usedValues += update.expression.valuePlaceholders
      usedNames += update.expression.namePlaceholders
    }
    if let condition {
      try checkDefined(condition.expression.valuePlaceholders, by: condition, in: valuesNode, kind: "values")
      try checkDefined(condition.expression.namePlaceholders, by: condition, in: namesNode, kind: "names")
      usedValues += condition.expression.valuePlaceholders
      usedNames += condition.expression.namePlaceholders
    }
    try checkUsed(valuesNode, by: usedValues, kind: "values")
    try checkUsed(namesNode, by: usedNames, kind: "names")
    let onConditionFailed = try body["onConditionFailed"]?.choice("onConditionFailed", of: ErrorPolicy.self) ?? .throw
    let write = condition.map {
      ConditionalWrite(expression: $0.expression, text: $0.text, values: values, names: names, onConditionFailed: onConditionFailed)
    }
    return (write, values, names)
  }

  /// Each placeholder `parsed` uses must be a key of `defined`.
  private func checkDefined<Expression>(_ placeholders: [String], by parsed: ParsedExpression<Expression>, in defined: YAMLNode?, kind: String)
    throws(ScenarioError)
  {
    let definedKeys = defined?.node.mapping.map { $0.keys.compactMap(\.scalar?.string) } ?? []
    for placeholder in placeholders where !definedKeys.contains(placeholder) {
      let offset = Self.offset(ofPlaceholder: placeholder, in: parsed.text).map { $0 - parsed.shift }
      let location = offset.flatMap { $0 >= 0 ? columns.location(ofOffset: $0, in: parsed.node) : nil } ?? parsed.node.location
      throw ScenarioError(
        location: location,
        message: "\(parsed.key): \(quoted(placeholder)) is not defined in \(kind)\(didYouMean(placeholder, among: definedKeys))")
    }
  }

  /// Each key of `defined` must be used by an expression.
  private func checkUsed(_ defined: YAMLNode?, by used: [String], kind: String) throws(ScenarioError) {
    guard let defined, case .mapping(let mapping) = defined.node else { return }
    for keyNode in mapping.keys {
      guard let name = keyNode.scalar?.string, !used.contains(name) else { continue }
      throw YAMLNode(node: keyNode, file: file).error("\(kind): \(quoted(name)) is not used by any expression")
    }
  }
}
