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
