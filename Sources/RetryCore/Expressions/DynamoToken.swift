/// One token of a DynamoDB expression (`ConditionExpression` or `UpdateExpression`).
struct DynamoToken: Hashable, Sendable {
  enum Kind: Hashable, Sendable {
    /// An attribute name, a keyword (`AND`, `SET`) or a function name: the parser decides.
    case name
    /// `#name`: an expression attribute name.
    case namePlaceholder
    /// `:value`: an expression attribute value.
    case valuePlaceholder
    /// Digits: only meaningful as a list index (`a[0]`).
    case number
    /// `( ) [ ] , . = <> < <= > >= + -`
    case symbol
    case end
  }

  var kind: Kind
  /// The token as written (`#ts`, `<=`, `and`).
  var text: String
  /// Character offset of the token's first character.
  var offset: Int

  /// The token for messages: `'AND'`, or `end of input`.
  var quoted: String { kind == .end ? "end of input" : "'\(text)'" }

  /// Keywords are case-insensitive in DynamoDB (`AND`, `and`, `aNd`); `keyword` is uppercase.
  func isKeyword(_ keyword: String) -> Bool { kind == .name && text.uppercased() == keyword }

  func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }

  /// A name followed by `(` is a function call; the caller checks the `(`.
  var isName: Bool { kind == .name }
}
