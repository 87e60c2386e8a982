/// The parser state shared by `ConditionExpression` and `UpdateExpression`: the tokens, the read
/// position, the placeholders seen so far, and the grammar of document paths.
struct DynamoTokenStream {
  private let tokens: [DynamoToken]
  private var position = 0
  /// Every placeholder in the order written.
  private(set) var placeholderUses: [PlaceholderUse] = []

  init(_ text: String) throws(ExpressionError) {
    tokens = try DynamoExpressionLexer.tokens(text)
  }

  var current: DynamoToken { tokens[position] }
  var next: DynamoToken { tokens[min(position + 1, tokens.count - 1)] }
  var isAtEnd: Bool { current.kind == .end }
  /// A name directly followed by `(`.
  var isAtFunctionCall: Bool { current.isName && next.isSymbol("(") }

  /// Moves past the current token and returns it.
  @discardableResult
  mutating func advance() -> DynamoToken {
    let token = current
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  /// Notes a placeholder token so that `valuePlaceholders` and the binding check see it.
  mutating func record(_ token: DynamoToken) {
    placeholderUses.append(PlaceholderUse(placeholder: token.text, offset: token.offset))
  }

  /// `path ::= element ('.' element | '[' digits ']')*` where an element is a name or `#name`.
  /// The caller has checked that the current token is a name or a name placeholder.
  mutating func parsePath() throws(ExpressionError) -> AttributePath {
    var path = AttributePath(components: [], offsets: [])
    appendElement(to: &path)
    while true {
      if current.isSymbol(".") {
        let dot = advance()
        guard current.kind == .name || current.kind == .namePlaceholder else {
          throw ExpressionError(offset: current.offset, message: "expected an attribute name after '\(dot.text)', found \(current.quoted)")
        }
        appendElement(to: &path)
      } else if current.isSymbol("[") {
        let open = advance()
        guard current.kind == .number, let index = Int(current.text) else {
          throw ExpressionError(offset: current.offset, message: "expected a list index (digits) after '[', found \(current.quoted)")
        }
        path.components.append(.index(index))
        path.offsets.append(current.offset)
        advance()
        guard current.isSymbol("]") else {
          throw ExpressionError(offset: current.offset, message: "expected ']' to close '[' opened at offset \(open.offset), found \(current.quoted)")
        }
        advance()
      } else {
        return path
      }
    }
  }

  private mutating func appendElement(to path: inout AttributePath) {
    let token = advance()
    if token.kind == .namePlaceholder {
      record(token)
      path.components.append(.placeholder(token.text))
    } else {
      path.components.append(.name(token.text))
    }
    path.offsets.append(token.offset)
  }
}
