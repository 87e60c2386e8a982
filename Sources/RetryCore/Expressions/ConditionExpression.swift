/// A DynamoDB `ConditionExpression`, parsed: the guard of a conditional `PutItem`, `UpdateItem`
/// or `DeleteItem` (`attribute_not_exists(id)`, `#status = :inprogress AND #exp < :now`).
///
/// Grammar, operators and functions as documented in
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
/// (see `ConditionParser` for the grammar, `ConditionNode` for the evaluation rules). Where the
/// documentation is silent, the behaviour follows tests run against the real service (ScyllaDB's
/// Alternator suite, test/alternator/test_condition_expression.py): a missing
/// attribute makes `=`, `<`, `<=`, `>`, `>=`, BETWEEN, IN and the functions false but `<>` true;
/// a `:value` of a type an operator cannot use is an error, while the same type in the item only
/// makes the condition false.
///
/// The expression is stored as its syntax tree, without the names and values it refers to: the
/// handler computes those each time the step runs.
public struct ConditionExpression: Sendable, Hashable, CustomStringConvertible {
  let root: ConditionNode
  /// Every placeholder, in the order written.
  let placeholderUses: [PlaceholderUse]

  public static func parse(_ text: String) throws(ExpressionError) -> ConditionExpression {
    var parser = try ConditionParser(text)
    let root = try parser.parse()
    return ConditionExpression(root: root, placeholderUses: parser.stream.placeholderUses)
  }

  /// Whether the condition holds for `item` (nil: no item with that key exists).
  public func evaluate(on item: Item?, names: [String: String], values: [String: Value]) throws(ExpressionError) -> Bool {
    let bindings = DynamoBindings(names: names, values: values)
    try bindings.checkBound(placeholderUses)
    try root.validate(bindings)
    return try root.evaluate(on: item, bindings)
  }

  /// The `:value` placeholders the expression uses, in order of first appearance.
  public var valuePlaceholders: [String] { PlaceholderUse.distinct(placeholderUses, prefix: ":") }
  /// The `#name` placeholders the expression uses, in order of first appearance.
  public var namePlaceholders: [String] { PlaceholderUse.distinct(placeholderUses, prefix: "#") }

  /// The condition in canonical form, every AND, OR and NOT in parentheses so that the grouping
  /// the parser chose is visible: `(a = :x OR (b = :y AND c = :z))`.
  public var description: String { root.description }
}

extension ConditionExpression {
  /// Why this cannot be a Query's `KeyConditionExpression` on a table with these keys, or nil:
  /// it must be `partitionKey = :v`, optionally AND one condition on the sort key (`=`, `<`,
  /// `<=`, `>`, `>=`, BETWEEN, `begins_with`), each comparing the key with a `:value`.
  /// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
  public func keyConditionProblem(partitionKey: String, sortKey: String?, names: [String: String]) -> String? {
    func attribute(_ operand: ConditionOperand) -> String? {
      guard case .path(let path) = operand, path.components.count == 1 else { return nil }
      switch path.components[0] {
      case .name(let name): return name
      case .placeholder(let placeholder): return names[placeholder]
      case .index: return nil
      }
    }
    func isValue(_ operand: ConditionOperand) -> Bool {
      if case .value = operand { return true }
      return false
    }
    /// The key a part constrains, and whether by equality; nil: not a key condition's shape.
    func part(_ node: ConditionNode) -> (attribute: String, equality: Bool)? {
      switch node {
      case .comparison(let comparator, let lhs, let rhs, _) where comparator != .notEqual:
        if let name = attribute(lhs), isValue(rhs) { return (name, comparator == .equal) }
        if let name = attribute(rhs), isValue(lhs) { return (name, comparator == .equal) }
        return nil
      case .between(let subject, let low, let high, _):
        guard let name = attribute(subject), isValue(low), isValue(high) else { return nil }
        return (name, false)
      case .function(.beginsWith, let arguments, _):
        guard let name = attribute(arguments[0]), isValue(arguments[1]) else { return nil }
        return (name, false)
      default:
        return nil
      }
    }
    let nodes: [ConditionNode]
    if case .and(let lhs, let rhs) = root { nodes = [lhs, rhs] } else { nodes = [root] }
    var parts: [(attribute: String, equality: Bool)] = []
    for node in nodes {
      guard let found = part(node) else { return "Query key condition not supported" }
      parts.append(found)
    }
    guard let partition = parts.first(where: { $0.attribute == partitionKey }) else {
      return "Query condition missed key schema element: \(partitionKey)"
    }
    guard partition.equality else { return "Query key condition not supported" }
    for found in parts where found.attribute != partitionKey {
      guard found.attribute == sortKey else {
        return sortKey.map { "Query condition missed key schema element: \($0)" } ?? "Query key condition not supported"
      }
    }
    if parts.count == 2 && parts[0].attribute == parts[1].attribute { return "Query key condition not supported" }
    return nil
  }
}
