// API CONTRACT (implementation owned by the expressions helper; keep these signatures).
import OrderedCollections

/// A value in a scenario file that is computed when the step runs: `"${event.mail}"`,
/// `"${event.a * event.a}"`, `"user ${user.id} at ${clock}"`, or a map or list of such.
public indirect enum Template: Sendable {
  case literal(Value)
  case map(OrderedDictionary<String, Template>)
  case list([Template])
  case text(TemplateText)

  /// Parses one string scalar of the scenario file.
  public static func parse(_ text: String) throws(ExpressionError) -> Template {
    .literal(.string(text))
  }

  /// The value, with `resolve` giving the value of each root name (`event`, `clock`, a step's
  /// `as` name); nil from `resolve` means the name is unknown.
  public func evaluate(_ resolve: (String) -> Value?) throws(ExpressionError) -> Value {
    .null
  }

  /// Every root name the template refers to.
  public var rootNames: Set<String> { [] }
}

/// A parsed string template (placeholder for the helper's representation).
public struct TemplateText: Sendable, Hashable {
  public var source: String
}
