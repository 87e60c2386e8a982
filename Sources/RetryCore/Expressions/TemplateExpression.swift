import OrderedCollections

/// The syntax tree of one `${...}` expression of a template.
indirect enum TemplateExpression: Hashable, Sendable {
  case literal(Value, offset: Int)
  /// A root name (`event`, `clock`, a step's `as` name), resolved when the template is evaluated.
  case root(String, offset: Int)
  /// `base.name`; `path` is the source text (`event.user.id`), `offset` where it starts.
  case member(TemplateExpression, String, path: String, offset: Int)
  /// `base[index]`; `path` is the source text (`event.items[0]`), `offset` where it starts.
  case index(TemplateExpression, TemplateExpression, path: String, offset: Int)
  /// `-operand`; `offset` is the minus sign's.
  case negate(TemplateExpression, offset: Int)
  /// `lhs op rhs`; `offset` is the operator's.
  case binary(TemplateOperator, TemplateExpression, TemplateExpression, offset: Int)

  /// Where the expression starts in the template text.
  var start: Int {
    switch self {
    case .literal(_, let offset), .root(_, let offset), .member(_, _, _, let offset), .index(_, _, _, let offset),
      .negate(_, let offset):
      offset
    case .binary(_, let lhs, _, _):
      lhs.start
    }
  }

  /// The text of a name, member or index expression, to name it in "event.a is null".
  var pathText: String? {
    switch self {
    case .root(let name, _): name
    case .member(_, _, let path, _), .index(_, _, let path, _): path
    default: nil
    }
  }

  func collectRootNames(into names: inout Set<String>) {
    switch self {
    case .literal: break
    case .root(let name, _): names.insert(name)
    case .member(let base, _, _, _): base.collectRootNames(into: &names)
    case .index(let base, let index, _, _):
      base.collectRootNames(into: &names)
      index.collectRootNames(into: &names)
    case .negate(let operand, _): operand.collectRootNames(into: &names)
    case .binary(_, let lhs, let rhs, _):
      lhs.collectRootNames(into: &names)
      rhs.collectRootNames(into: &names)
    }
  }

  /// `member` is `Template.evaluate(_:member:)`'s shortcut for `root.name`.
  func evaluate(_ resolve: (String) -> Value?, member: (String, String) -> Value?) throws(ExpressionError) -> Value {
    switch self {
    case .literal(let value, _):
      return value
    case .root(let name, let offset):
      guard let value = resolve(name) else { throw ExpressionError(offset: offset, message: "unknown name '\(name)'") }
      return value
    case .member(let base, let name, _, _):
      if case .root(let root, _) = base, let value = member(root, name) { return value }
      // Like JavaScript's `undefined`: a missing member is a value (null), not an error, so that
      // `${event.optional}` renders; using it in arithmetic is the error.
      guard case .map(let fields) = try base.evaluate(resolve, member: member) else { return .null }
      return fields[name] ?? .null
    case .index(let base, let index, _, _):
      return try subscripted(try base.evaluate(resolve, member: member), by: index, resolve, member)
    case .negate(let operand, _):
      let value = try operand.evaluate(resolve, member: member)
      switch value {
      case .int(let number): return number == .min ? .double(-Double(number)) : .int(-number)
      case .double(let number): return .double(-number)
      default:
        try Self.rejectNull(value, from: operand)
        throw ExpressionError(offset: start, message: "cannot negate \(value.kindPhrase)")
      }
    case .binary(let operation, let lhs, let rhs, let offset):
      let left = try lhs.evaluate(resolve, member: member)
      let right = try rhs.evaluate(resolve, member: member)
      try Self.rejectNull(left, from: lhs)
      try Self.rejectNull(right, from: rhs)
      return try operation.apply(left, right, at: offset)
    }
  }

  private func subscripted(
    _ base: Value, by index: TemplateExpression, _ resolve: (String) -> Value?, _ member: (String, String) -> Value?
  ) throws(ExpressionError) -> Value {
    let key = try index.evaluate(resolve, member: member)
    switch key {
    case .int(let position):
      guard case .list(let items) = base, items.indices.contains(position) else { return .null }
      return items[position]
    case .double(let number) where number == number.rounded() && abs(number) < 9.0e15:
      guard case .list(let items) = base, items.indices.contains(Int(number)) else { return .null }
      return items[Int(number)]
    case .string(let name):
      guard case .map(let fields) = base else { return .null }
      return fields[name] ?? .null
    default:
      try Self.rejectNull(key, from: index)
      throw ExpressionError(offset: index.start, message: "an index must be a whole number or a string, not \(key.displayText)")
    }
  }

  /// A null that came from a name or member is most likely a missing field: name it.
  private static func rejectNull(_ value: Value, from expression: TemplateExpression) throws(ExpressionError) {
    guard value == .null, let path = expression.pathText else { return }
    throw ExpressionError(offset: expression.start, message: "\(path) is null")
  }
}
