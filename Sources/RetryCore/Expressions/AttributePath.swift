/// A document path in a DynamoDB expression: `a`, `a.b`, `a[0]`, `#n.b[2]`.
///
/// Kept as written (with `#name` placeholders unresolved) so that the parsed expression does not
/// depend on `ExpressionAttributeNames`, which the handler supplies only when the step runs.
struct AttributePath: Hashable, Sendable, CustomStringConvertible {
  enum Component: Hashable, Sendable {
    case name(String)
    /// `#name`, including the `#`.
    case placeholder(String)
    case index(Int)
  }

  var components: [Component]
  /// The character offset of each component's token.
  var offsets: [Int]

  /// Where the path starts in the expression.
  var offset: Int { offsets[0] }

  /// The path as written: `a.#n[0]`.
  var description: String { prefix(components.count) }

  /// The first `count` components as written, for messages about a parent (`'a' is a string`).
  func prefix(_ count: Int) -> String {
    var text = ""
    for component in components.prefix(count) {
      switch component {
      case .name(let name), .placeholder(let name):
        if !text.isEmpty { text += "." }
        text += name
      case .index(let index):
        text += "[\(index)]"
      }
    }
    return text
  }

  /// The path with its `#name` placeholders replaced by the attribute names they stand for.
  func resolved(_ bindings: DynamoBindings) throws(ExpressionError) -> [PathElement] {
    var elements: [PathElement] = []
    for (component, offset) in zip(components, offsets) {
      switch component {
      case .name(let name): elements.append(.key(name))
      case .placeholder(let placeholder): elements.append(.key(try bindings.name(placeholder, at: offset)))
      case .index(let index): elements.append(.index(index))
      }
    }
    return elements
  }

  /// The path with each placeholder standing for itself: for the overlap check at parse time, before
  /// the names are known. A placeholder can never equal a bare name because bare names have no `#`.
  var unresolved: [PathElement] {
    components.map { component in
      switch component {
      case .name(let name), .placeholder(let name): .key(name)
      case .index(let index): .index(index)
      }
    }
  }
}
