import OrderedCollections

/// A value in a scenario file that is computed when the step runs: `"${event.mail}"`,
/// `"${event.a * event.a}"`, `"user ${user.id} at ${clock}"`, or a map or list of such.
///
/// The template language, inside `${...}`: root names (`event`, `clock`, a step's `as` name),
/// members `a.b`, indexes `a[0]` and `a["key"]`, numbers, quoted strings, `true`, `false`, `null`,
/// unary minus, and `+ - * / %` with the usual precedence and parentheses. `$${` writes a literal
/// `${`. See `TemplateText` for typed versus interpolated results and `TemplateExpression` for
/// the evaluation rules.
public indirect enum Template: Sendable, Hashable {
  case literal(Value)
  case map(OrderedDictionary<String, Template>)
  case list([Template])
  case text(TemplateText)

  /// Parses one string scalar of the scenario file.
  public static func parse(_ text: String) throws(ExpressionError) -> Template {
    try TemplateText.parse(text)
  }

  /// The template for a whole value read from the scenario file: every string inside it, at any
  /// depth, is parsed as a template; map keys are not. An error's offset counts within the string
  /// that holds it.
  public static func from(_ value: Value) throws(ExpressionError) -> Template {
    switch value {
    case .string(let text):
      return try parse(text)
    case .map(let fields):
      var templates: OrderedDictionary<String, Template> = [:]
      for (key, field) in fields { templates[key] = try from(field) }
      return .map(templates)
    case .list(let items):
      var templates: [Template] = []
      for item in items { templates.append(try from(item)) }
      return .list(templates)
    case .null, .bool, .int, .double:
      return .literal(value)
    }
  }

  /// The value, with `resolve` giving the value of each root name (`event`, `clock`, a step's
  /// `as` name); nil from `resolve` means the name is unknown.
  public func evaluate(_ resolve: (String) -> Value?) throws(ExpressionError) -> Value {
    try evaluate(resolve, member: { _, _ in nil })
  }

  /// `evaluate(_:)` with a shortcut for `root.name`: `member(root, name)` gives that member's value
  /// straight from where the root is stored, or nil to resolve the root and look the member up as
  /// usual. The simulator answers `event.x` this way: resolving `event` first copies the whole
  /// payload (retaining each of its references) to read one field of it.
  func evaluate(_ resolve: (String) -> Value?, member: (String, String) -> Value?) throws(ExpressionError) -> Value {
    switch self {
    case .literal(let value):
      return value
    case .map(let templates):
      // `mapValues` shares the template's keys (and their hash table) with the result: an item
      // built on every execution then costs one allocation, its values, instead of rebuilding
      // and rehashing its keys. The keys and their order are the template's either way.
      var failure: ExpressionError?
      let fields = templates.mapValues { template -> Value in
        guard failure == nil else { return .null }
        do throws(ExpressionError) { return try template.evaluate(resolve, member: member) } catch {
          failure = error
          return .null
        }
      }
      if let failure { throw failure }
      return .map(fields)
    case .list(let templates):
      return .list(try templates.map { (template) throws(ExpressionError) in try template.evaluate(resolve, member: member) })
    case .text(let text):
      return try text.evaluate(resolve, member: member)
    }
  }

  /// Every root name the template refers to.
  public var rootNames: Set<String> {
    switch self {
    case .literal: return []
    case .map(let templates): return templates.values.reduce(into: []) { $0.formUnion($1.rootNames) }
    case .list(let templates): return templates.reduce(into: []) { $0.formUnion($1.rootNames) }
    case .text(let text): return text.rootNames
    }
  }
}
