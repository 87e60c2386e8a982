// API CONTRACT (implementation owned by the expressions helper; keep these signatures).

/// A DynamoDB `ConditionExpression`, parsed.
public struct ConditionExpression: Sendable, Hashable {
  public static func parse(_ text: String) throws(ExpressionError) -> ConditionExpression {
    throw ExpressionError(offset: 0, message: "not implemented")
  }

  /// Whether the condition holds for `item` (nil: no item with that key exists).
  public func evaluate(on item: Item?, names: [String: String], values: [String: Value]) throws(ExpressionError) -> Bool {
    false
  }

  /// The `:value` placeholders the expression uses, in order of first appearance.
  public var valuePlaceholders: [String] { [] }
  /// The `#name` placeholders the expression uses, in order of first appearance.
  public var namePlaceholders: [String] { [] }
}
