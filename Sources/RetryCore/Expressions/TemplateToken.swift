/// One token of a template expression.
struct TemplateToken {
  enum Kind: Equatable {
    case number(Value)
    case string(String)
    case name(String)
    case symbol(Character)
    case end
  }

  var kind: Kind
  /// The token as written.
  var text: String
  var offset: Int
  /// The offset just after the token.
  var end: Int

  var quoted: String { kind == .end ? "end of text" : "'\(text)'" }

  func isSymbol(_ symbol: Character) -> Bool { kind == .symbol(symbol) }
}
