// API CONTRACT (implementation owned by the expressions helper; keep these signatures).

/// A DynamoDB `UpdateExpression` (`SET a = :v, b = if_not_exists(b, :now), n = n + :one`), parsed.
public struct UpdateExpression: Sendable, Hashable {
  public static func parse(_ text: String) throws(ExpressionError) -> UpdateExpression {
    throw ExpressionError(offset: 0, message: "not implemented")
  }

  /// The item after the update; `item` holds at least the key attributes.
  public func apply(to item: Item, names: [String: String], values: [String: Value]) throws(ExpressionError) -> Item {
    item
  }

  public var valuePlaceholders: [String] { [] }
  public var namePlaceholders: [String] { [] }
}
