import OrderedCollections
import RetryCore

/// Templates (`"${event.mail}"`) and the DynamoDB and schedule expressions inside the file: their
/// parse errors point at the offending character, and a template may only use names that exist
/// when its step runs.
extension ScenarioLoader.Session {
  /// Root names every template may use: the event, the simulated clock, the request, the previous
  /// step's result and the Lambda context. Step results (`as:`) add to these in document order.
  static let builtinNames = ["event", "clock", "clockMillis", "requestId", "last", "context"]
  /// The record being handled, bound only in event source scenarios (the handler runs once per
  /// record of a batch). Reserved everywhere: the engine resolves it before any `as:` name.
  static let recordName = "record"

  /// The root names this file's templates may use besides step results.
  var templateRoots: [String] { Self.builtinNames + (eventSource == nil ? [] : [Self.recordName]) }

  /// A template for any YAML value: every string is parsed, every other scalar is a literal, and
  /// maps and lists keep their shape, so that an error names the exact string that failed.
  /// (`Template.from(Value)` builds the same tree, but a `Value` has lost each string's position.)
  func template(_ node: YAMLNode, key: String, scope: [String]) throws(ScenarioError) -> Template {
    switch node.node {
    case .scalar(let scalar):
      let value = ScalarTyping.value(of: scalar)
      guard case .string(let text) = value else { return .literal(value) }
      let template = try parseExpression(node, key: key, text: text, offsetShift: 0) { (text) throws(ExpressionError) in
        try Template.parse(text)
      }
      try checkRootNames(of: template, text: text, in: node, scope: scope)
      return template
    case .sequence(let sequence):
      var items: [Template] = []
      for child in Array(sequence) { items.append(try template(YAMLNode(node: child, file: file), key: key, scope: scope)) }
      return .list(items)
    case .mapping(let mapping):
      var fields = OrderedDictionary<String, Template>()
      for (keyNode, child) in mapping {
        let name = try YAMLNode(node: keyNode, file: file).mappingKey()
        fields[name] = try template(YAMLNode(node: child, file: file), key: key, scope: scope)
      }
      return .map(fields)
    case .alias:
      throw node.error("aliases are not supported")
    }
  }

  /// Runs one of the expression parsers on `text` (the scalar's value, or the value after a
  /// prefix of `offsetShift` characters the loader added) and turns its error offset into a column.
  func parseExpression<Result>(
    _ node: YAMLNode, key: String, text: String, offsetShift: Int, _ parse: (String) throws(ExpressionError) -> Result
  ) throws(ScenarioError) -> Result {
    do throws(ExpressionError) {
      return try parse(text)
    } catch {
      let offset = error.offset - offsetShift
      let location = offset >= 0 ? columns.location(ofOffset: offset, in: node) : node.location
      throw ScenarioError(location: location, message: "\(key): \(error.message)")
    }
  }

  /// Every root name of `template` must be built in or the result of an earlier step.
  private func checkRootNames(of template: Template, text: String, in node: YAMLNode, scope: [String]) throws(ScenarioError) {
    let known = templateRoots + scope
    let unknown = template.rootNames.filter { !known.contains($0) }
    guard !unknown.isEmpty else { return }
    // Report the unknown name that comes first in the text (a Set has no order of its own).
    let (name, offset) = unknown.map { ($0, Self.offset(ofName: $0, in: text)) }
      .min { ($0.1 ?? Int.max, $0.0) < ($1.1 ?? Int.max, $1.0) }!
    let location = offset.map { columns.location(ofOffset: $0, in: node) } ?? node.location
    if let later = allResultNames[name] {
      throw ScenarioError(
        location: location,
        message: "unknown name \(quoted(name)) in template; it is only defined later, at line \(later.line)")
    }
    if name == Self.recordName {
      throw ScenarioError(
        location: location, message: "unknown name 'record' in template; only an eventSource scenario has records")
    }
    let hint = didYouMean(name, among: known)
    throw ScenarioError(
      location: location,
      message: "unknown name \(quoted(name)) in template\(hint.isEmpty ? "; known names: \(known.joined(separator: ", "))" : hint)")
  }

  /// The character offset of `name` as a whole word inside a `${...}` of `text`.
  static func offset(ofName name: String, in text: String) -> Int? {
    let characters = Array(text)
    let target = Array(name)
    func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber || character == "_" }
    var inside = false
    var index = 0
    while index < characters.count {
      if !inside, characters[index] == "$", index + 1 < characters.count, characters[index + 1] == "{" {
        inside = true
        index += 2
        continue
      }
      if inside, characters[index] == "}" {
        inside = false
      } else if inside, index + target.count <= characters.count, Array(characters[index..<(index + target.count)]) == target {
        let before = index > 0 ? characters[index - 1] : " "
        let after = index + target.count < characters.count ? characters[index + target.count] : " "
        if !isWordCharacter(before), before != ".", !isWordCharacter(after) { return index }
      }
      index += 1
    }
    return nil
  }

  /// The offset of a `:value` or `#name` placeholder in an expression's text.
  static func offset(ofPlaceholder placeholder: String, in text: String) -> Int? {
    let characters = Array(text)
    let target = Array(placeholder)
    guard target.count <= characters.count else { return nil }
    for index in 0...(characters.count - target.count) where Array(characters[index..<(index + target.count)]) == target {
      let after = index + target.count < characters.count ? characters[index + target.count] : " "
      if !(after.isLetter || after.isNumber || after == "_") { return index }
    }
    return nil
  }
}
