/// A parsed string template: literal text and `${...}` expressions.
///
/// A template that is exactly one `${expr}` evaluates to the expression's typed value (a number
/// stays a number, a map stays a map), so that `item: { n: "${event.n}" }` writes a number; any
/// other template is string interpolation, each value rendered with `Value.displayText`.
public struct TemplateText: Sendable, Hashable, CustomStringConvertible {
  /// The string as written in the scenario file.
  public let source: String
  let segments: [Segment]

  enum Segment: Hashable, Sendable {
    case text(String)
    case expression(TemplateExpression)
  }

  public var description: String { source }

  /// Parses `text`: a literal when it holds no `${` (after the `$${` escapes), else a `.text`.
  static func parse(_ text: String) throws(ExpressionError) -> Template {
    let chars = Array(text)
    var segments: [Segment] = []
    var literal = ""
    var index = 0
    while index < chars.count {
      if chars[index] == "$", index + 2 < chars.count, chars[index + 1] == "$", chars[index + 2] == "{" {
        // `$${` is the escape for a literal `${`.
        literal += "${"
        index += 3
      } else if chars[index] == "$", index + 1 < chars.count, chars[index + 1] == "{" {
        if !literal.isEmpty { segments.append(.text(literal)) }
        literal = ""
        var parser = try TemplateExpressionParser(chars, open: index)
        let (expression, end) = try parser.parse()
        segments.append(.expression(expression))
        index = end
      } else {
        literal.append(chars[index])
        index += 1
      }
    }
    if segments.isEmpty { return .literal(.string(literal)) }
    if !literal.isEmpty { segments.append(.text(literal)) }
    return .text(TemplateText(source: text, segments: segments))
  }

  func evaluate(_ resolve: (String) -> Value?, member: (String, String) -> Value?) throws(ExpressionError) -> Value {
    if segments.count == 1, case .expression(let expression) = segments[0] {
      return try expression.evaluate(resolve, member: member)
    }
    var text = ""
    for segment in segments {
      switch segment {
      case .text(let literal): text += literal
      case .expression(let expression): text += try expression.evaluate(resolve, member: member).displayText
      }
    }
    return .string(text)
  }

  var rootNames: Set<String> {
    var names: Set<String> = []
    for case .expression(let expression) in segments { expression.collectRootNames(into: &names) }
    return names
  }
}
