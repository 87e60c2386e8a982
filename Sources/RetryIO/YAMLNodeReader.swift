import OrderedCollections
import RetryCore
import Yams

/// One node of a scenario file and the file it came from.
///
/// Every typed read either returns a value or throws a `ScenarioError` that points at this node,
/// so a caller cannot produce an error without a position. Readers take the key the value sits
/// under (`timeout`) because messages start with it: `timeout: expected a whole number of seconds,
/// got 'abc'`.
struct YAMLNode {
  let node: Node
  let file: String

  /// The node's first character (for a quoted scalar, its opening quote).
  var location: SourceLocation {
    SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  func error(_ message: String) -> ScenarioError { ScenarioError(location: location, message: message) }

  var isScalar: Bool { node.scalar != nil }

  /// An empty value, `~` or `null` written without quotes.
  var isNull: Bool {
    guard let scalar = node.scalar else { return false }
    return ScalarTyping.value(of: scalar) == .null
  }

  /// The scalar's text whatever its quoting; nil for mappings and lists.
  var scalarText: String? { node.scalar?.string }

  /// How the node reads in a message: `'abc'`, `nothing`, `a mapping`, `a list`.
  var shortDescription: String {
    switch node {
    case .scalar: isNull ? "nothing" : quoted(node.scalar?.string ?? "")
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  // MARK: Scalars

  /// Text of a scalar. `what` describes the expected text for the message.
  func text(_ key: String, expected what: String = "text") throws(ScenarioError) -> String {
    guard let text = scalarText, !isNull else { throw error("\(key): expected \(what), got \(shortDescription)") }
    return text
  }

  /// Non-empty text on one line (names, labels, titles).
  func line(_ key: String, expected what: String = "text") throws(ScenarioError) -> String {
    let text = try text(key, expected: what)
    if text.contains(where: \.isNewline) { throw error("\(key): must be one line") }
    if text.trimmingSpaces.isEmpty { throw error("\(key): must not be empty") }
    return text
  }

  /// A whole number, written without quotes or with (a typed field means what it says either way).
  func wholeNumber(_ key: String, expected what: String = "a whole number") throws(ScenarioError) -> Int {
    guard let text = scalarText, !isNull, let number = Int(text.trimmingSpaces) else {
      throw error("\(key): expected \(what), got \(shortDescription)")
    }
    return number
  }

  /// A whole number inside `range`; `unit` ends the range in the message (`seconds`).
  func wholeNumber(
    _ key: String, in range: ClosedRange<Int>, expected what: String = "a whole number", rangeName: String = "the range",
    unit: String = ""
  ) throws(ScenarioError) -> Int {
    let number = try wholeNumber(key, expected: what)
    guard range.contains(number) else {
      let suffix = unit.isEmpty ? "" : " \(unit)"
      throw error("\(key): \(number) is outside \(rangeName) \(range.lowerBound)-\(range.upperBound)\(suffix)")
    }
    return number
  }

  /// A whole number of at least `minimum`.
  func wholeNumber(_ key: String, atLeast minimum: Int, expected what: String = "a whole number", minimumName: String = "the minimum")
    throws(ScenarioError) -> Int
  {
    let number = try wholeNumber(key, expected: what)
    guard number >= minimum else { throw error("\(key): \(number) is below \(minimumName) \(minimum)") }
    return number
  }

  /// A probability, 0 to 1.
  func probability(_ key: String) throws(ScenarioError) -> Double {
    guard let text = scalarText, !isNull, let number = ScalarTyping.decimal(text.trimmingSpaces) else {
      throw error("\(key): expected a probability from 0 to 1, got \(shortDescription)")
    }
    guard number >= 0, number <= 1 else { throw error("\(key): \(text.trimmingSpaces) is outside the range 0-1") }
    return number
  }

  /// `true` or `false` (YAML 1.2: `yes`, `no`, `on`, `off` are not booleans).
  func bool(_ key: String) throws(ScenarioError) -> Bool {
    switch scalarText {
    case "true", "True", "TRUE": return true
    case "false", "False", "FALSE": return false
    default: throw error("\(key): expected true or false, got \(shortDescription)")
    }
  }

  /// One of an enumeration's raw values, spelt exactly; a near miss gets a "did you mean".
  func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, of type: Choice.Type = Choice.self) throws(ScenarioError) -> Choice
  where Choice.RawValue == String {
    let names = Choice.allCases.map(\.rawValue)
    let text = try text(key, expected: "one of \(names.joined(separator: ", "))")
    if let choice = Choice(rawValue: text) { return choice }
    throw error("\(key): \(quoted(text)) is not one of \(names.joined(separator: ", "))\(didYouMean(text, among: names))")
  }

  /// A single duration (`250ms`, `1.5s`, `1m30s`, or a bare number of seconds).
  func duration(_ key: String) throws(ScenarioError) -> Milliseconds {
    guard let text = scalarText, !isNull else {
      throw error("\(key): expected a duration such as 250ms, 1.5s or 1m30s, got \(shortDescription)")
    }
    switch DurationParser.parse(text) {
    case .success(let millis): return millis
    case .failure(let problem): throw durationError(key, text, problem, range: false)
    }
  }

  /// A delay range: `60s-70s`, `{min: 60s, max: 70s}`, or one duration for an exact delay.
  func delayRange(_ key: String) throws(ScenarioError) -> DelayRange {
    if case .mapping = node {
      let fields = try mapping(key, keys: ["min", "max"])
      let lower = try fields.required("min").duration("min")
      let upperNode = try fields.required("max")
      let upper = try upperNode.duration("max")
      guard lower <= upper else {
        throw upperNode.error("max: \(DurationText.short(upper)) is below min \(DurationText.short(lower))")
      }
      return DelayRange(lower, upper)
    }
    guard let text = scalarText, !isNull else {
      throw error("\(key): expected a duration or a range such as 60s-70s, got \(shortDescription)")
    }
    switch DurationParser.parseRange(text) {
    case .success(let range): return range
    case .failure(let problem): throw durationError(key, text, problem, range: true)
    }
  }

  private func durationError(_ key: String, _ text: String, _ problem: DurationParser.Problem, range: Bool) -> ScenarioError {
    switch problem {
    case .syntax:
      let expected = range ? "a duration or a range such as 60s-70s" : "a duration such as 250ms, 1.5s or 1m30s"
      return error("\(key): expected \(expected), got \(quoted(text))")
    case .negative: return error("\(key): durations must be >= 0, got \(quoted(text))")
    case .fractionalMilliseconds: return error("\(key): \(quoted(text)) is not a whole number of milliseconds")
    case .unitOrder: return error("\(key): units in \(quoted(text)) must go from largest to smallest (h, m, s, ms), each once")
    case .tooLarge: return error("\(key): \(quoted(text)) is longer than 10 years (87660h), the most a duration may be")
    case .backwards: return error("\(key): the range \(quoted(text)) runs backwards; write the smaller bound first")
    }
  }

  // MARK: Collections

  /// The items of a list.
  func list(_ key: String) throws(ScenarioError) -> [YAMLNode] {
    guard case .sequence(let sequence) = node else { throw error("\(key): expected a list, got \(shortDescription)") }
    return Array(sequence).map { YAMLNode(node: $0, file: file) }
  }

  /// A mapping whose keys must all be in `keys`; `context` names it in messages (`function`).
  func mapping(_ context: String, keys: [String], expected what: String = "a mapping") throws(ScenarioError) -> YAMLMapping {
    guard case .mapping(let mapping) = node else { throw error("\(context): expected \(what), got \(shortDescription)") }
    return try YAMLMapping(node: self, mapping: mapping, context: context, allowedKeys: keys)
  }

  /// The value under `key` when this is a mapping (no key checking: for pointing at a value).
  func child(_ key: String) -> YAMLNode? {
    guard case .mapping(let mapping) = node else { return nil }
    for (keyNode, value) in mapping where keyNode.scalar?.string == key { return YAMLNode(node: value, file: file) }
    return nil
  }

  // MARK: Values

  /// The node as a `Value`, keeping map order. Scalars follow the YAML 1.2 core schema: quoted
  /// text is always a string; unquoted `null`/`~`/empty, `true`/`false`, integers and decimals
  /// are typed; everything else (including `yes`, `no`, `on`, `off`) is a string.
  func value() throws(ScenarioError) -> Value {
    switch node {
    case .scalar(let scalar):
      return ScalarTyping.value(of: scalar)
    case .sequence(let sequence):
      var items: [Value] = []
      for child in Array(sequence) { items.append(try YAMLNode(node: child, file: file).value()) }
      return .list(items)
    case .mapping(let mapping):
      var fields = OrderedDictionary<String, Value>()
      for (key, child) in mapping {
        let keyNode = YAMLNode(node: key, file: file)
        fields[try keyNode.mappingKey()] = try YAMLNode(node: child, file: file).value()
      }
      return .map(fields)
    case .alias:
      throw error("aliases are not supported")
    }
  }

  /// A mapping key as text; keys that are themselves lists or mappings are refused.
  func mappingKey() throws(ScenarioError) -> String {
    guard let text = scalarText else { throw error("a mapping key must be plain text, got \(shortDescription)") }
    return text
  }
}

/// A mapping whose keys have been checked against the ones its context allows.
struct YAMLMapping {
  struct Entry {
    var key: YAMLNode
    var name: String
    var value: YAMLNode
  }

  let node: YAMLNode
  let context: String
  let entries: [Entry]

  /// Checks every key; an unknown one gets the closest allowed key or the list of allowed keys.
  init(node: YAMLNode, mapping: Node.Mapping, context: String, allowedKeys: [String]) throws(ScenarioError) {
    self.node = node
    self.context = context
    var entries: [Entry] = []
    for (key, value) in mapping {
      let keyNode = YAMLNode(node: key, file: node.file)
      let name = try keyNode.mappingKey()
      if !allowedKeys.contains(name) {
        let suggestions = closestNames(to: name, among: allowedKeys)
        let hint =
          suggestions.isEmpty
          ? "; expected one of: \(allowedKeys.joined(separator: ", "))" : "; did you mean \(quoted(suggestions[0]))?"
        throw keyNode.error("unknown key \(quoted(name)) in \(context)\(hint)")
      }
      entries.append(Entry(key: keyNode, name: name, value: YAMLNode(node: value, file: node.file)))
    }
    self.entries = entries
  }

  subscript(key: String) -> YAMLNode? { entries.first { $0.name == key }?.value }

  /// The key node itself, for errors about the key rather than its value.
  func keyNode(_ key: String) -> YAMLNode? { entries.first { $0.name == key }?.key }

  func contains(_ key: String) -> Bool { entries.contains { $0.name == key } }

  /// The entries whose key is one of `keys`, in file order (to find the second of two keys that
  /// exclude each other, which is where the error belongs).
  func entries(among keys: [String]) -> [Entry] { entries.filter { keys.contains($0.name) } }

  /// The value under a key that must be there.
  func required(_ key: String) throws(ScenarioError) -> YAMLNode {
    guard let value = self[key] else { throw node.error("missing required key \(quoted(key)) in \(context)") }
    return value
  }

  /// The value under `key` unless it is absent.
  func optional(_ key: String) -> YAMLNode? { self[key] }
}

/// How scalars become `Value`s, and the number formats typed fields accept.
enum ScalarTyping {
  static func value(of scalar: Node.Scalar) -> Value {
    let text = scalar.string
    // Quoted and block scalars are strings; so is an explicit `!!str`.
    guard scalar.style == .plain || scalar.style == .any, scalar.tag.rawValue != Tag.Name.str.rawValue else {
      return .string(text)
    }
    if isNullText(text) { return .null }
    switch text {
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if isInteger(text), let number = Int(text) { return .int(number) }
    if let number = decimal(text) { return .double(number) }
    return .string(text)
  }

  static func isNullText(_ text: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(text) }

  static func isInteger(_ text: String) -> Bool {
    var digits = Substring(text)
    if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
    return !digits.isEmpty && digits.allSatisfy(\.isASCIIDigit)
  }

  /// `12`, `-0.5`, `1.5e3`: a finite decimal number (no `.inf`, `.nan`, hex or `_`).
  static func decimal(_ text: String) -> Double? {
    var rest = Substring(text)
    if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
    let whole = rest.prefix(while: \.isASCIIDigit)
    rest = rest.dropFirst(whole.count)
    var fractionDigits = 0
    if rest.first == "." {
      rest = rest.dropFirst()
      fractionDigits = rest.prefix(while: \.isASCIIDigit).count
      rest = rest.dropFirst(fractionDigits)
    }
    guard whole.count + fractionDigits > 0 else { return nil }
    if rest.first == "e" || rest.first == "E" {
      rest = rest.dropFirst()
      if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
      let exponent = rest.prefix(while: \.isASCIIDigit)
      guard !exponent.isEmpty else { return nil }
      rest = rest.dropFirst(exponent.count)
    }
    guard rest.isEmpty, let number = Double(text), number.isFinite else { return nil }
    return number
  }
}

/// `'text'`, shortened and with line breaks shown as `\n`, for messages.
func quoted(_ text: String) -> String {
  var shown = text.replacing("\n", with: "\\n")
  if shown.count > 60 { shown = String(shown.prefix(57)) + "..." }
  return "'\(shown)'"
}

/// `; did you mean 'x'?` when a close name exists, else nothing.
func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
  let suggestions = closestNames(to: name, among: candidates)
  guard let first = suggestions.first else { return "" }
  return "; did you mean \(quoted(first))?"
}

