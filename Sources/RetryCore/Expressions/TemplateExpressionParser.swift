/// Lexer and recursive-descent parser for the expression inside one `${...}` of a template.
///
/// ```
/// expression     ::= additive
/// additive       ::= multiplicative (('+' | '-') multiplicative)*
/// multiplicative ::= unary (('*' | '/' | '%') unary)*
/// unary          ::= '-' unary | postfix
/// postfix        ::= primary ('.' name | '[' expression ']')*
/// primary        ::= number | string | true | false | null | name | '(' expression ')'
/// name           ::= [A-Za-z_][A-Za-z0-9_]*
/// ```
///
/// Tokens are read one at a time, so that the text after the closing `}` is never lexed: it is
/// template text, not expression.
struct TemplateExpressionParser {
  private let chars: [Character]
  /// The offset of the `${` being parsed.
  private let open: Int
  /// The next character to lex.
  private var position: Int
  /// The lookahead token.
  private var token: TemplateToken
  /// Where the last consumed token ended.
  private var previousEnd: Int

  init(_ chars: [Character], open: Int) throws(ExpressionError) {
    self.chars = chars
    self.open = open
    position = open + 2
    previousEnd = open + 2
    token = TemplateToken(kind: .end, text: "", offset: position, end: position)
    try lex()
  }

  /// Parses `expression '}'` and returns the expression and the offset just after the `}`.
  mutating func parse() throws(ExpressionError) -> (TemplateExpression, end: Int) {
    let expression = try parseAdditive(after: "'${'")
    guard token.isSymbol("}") else {
      throw ExpressionError(offset: token.offset, message: "expected '}' to close '${' opened at offset \(open), found \(token.quoted)")
    }
    return (expression, token.end)
  }

  // MARK: - Grammar

  private mutating func parseAdditive(after context: String) throws(ExpressionError) -> TemplateExpression {
    var expression = try parseMultiplicative(after: context)
    while case .symbol(let symbol) = token.kind, symbol == "+" || symbol == "-" {
      let operatorToken = token
      try advance()
      let rhs = try parseMultiplicative(after: operatorToken.quoted)
      expression = .binary(TemplateOperator(rawValue: symbol)!, expression, rhs, offset: operatorToken.offset)
    }
    return expression
  }

  private mutating func parseMultiplicative(after context: String) throws(ExpressionError) -> TemplateExpression {
    var expression = try parseUnary(after: context)
    while case .symbol(let symbol) = token.kind, symbol == "*" || symbol == "/" || symbol == "%" {
      let operatorToken = token
      try advance()
      let rhs = try parseUnary(after: operatorToken.quoted)
      expression = .binary(TemplateOperator(rawValue: symbol)!, expression, rhs, offset: operatorToken.offset)
    }
    return expression
  }

  private mutating func parseUnary(after context: String) throws(ExpressionError) -> TemplateExpression {
    guard token.isSymbol("-") else { return try parsePostfix(after: context) }
    let minus = token
    try advance()
    let operand = try parseUnary(after: minus.quoted)
    // Fold `-5` into a literal so that it prints and compares like the number it is.
    switch operand {
    case .literal(.int(let number), _): return .literal(.int(-number), offset: minus.offset)
    case .literal(.double(let number), _): return .literal(.double(-number), offset: minus.offset)
    default: return .negate(operand, offset: minus.offset)
    }
  }

  private mutating func parsePostfix(after context: String) throws(ExpressionError) -> TemplateExpression {
    let start = token.offset
    var expression = try parsePrimary(after: context)
    while true {
      if token.isSymbol(".") {
        try advance()
        guard case .name(let name) = token.kind else {
          let hint = if case .number = token.kind { "; use [\(token.text)] to index a list" } else { "" }
          throw ExpressionError(offset: token.offset, message: "expected a member name after '.', found \(token.quoted)\(hint)")
        }
        try advance()
        expression = .member(expression, name, path: source(from: start), offset: start)
      } else if token.isSymbol("[") {
        let bracket = token
        try advance()
        let index = try parseAdditive(after: bracket.quoted)
        guard token.isSymbol("]") else {
          throw ExpressionError(offset: token.offset, message: "expected ']' to close '[' opened at offset \(bracket.offset), found \(token.quoted)")
        }
        try advance()
        expression = .index(expression, index, path: source(from: start), offset: start)
      } else {
        return expression
      }
    }
  }

  private mutating func parsePrimary(after context: String) throws(ExpressionError) -> TemplateExpression {
    let current = token
    switch current.kind {
    case .number(let value):
      try advance()
      return .literal(value, offset: current.offset)
    case .string(let text):
      try advance()
      return .literal(.string(text), offset: current.offset)
    case .name(let name):
      try advance()
      switch name {
      case "true": return .literal(.bool(true), offset: current.offset)
      case "false": return .literal(.bool(false), offset: current.offset)
      case "null": return .literal(.null, offset: current.offset)
      default: return .root(name, offset: current.offset)
      }
    case .symbol("("):
      try advance()
      let inner = try parseAdditive(after: current.quoted)
      guard token.isSymbol(")") else {
        throw ExpressionError(offset: token.offset, message: "expected ')' to close '(' opened at offset \(current.offset), found \(token.quoted)")
      }
      try advance()
      return inner
    default:
      throw ExpressionError(offset: current.offset, message: "expected an expression after \(context), found \(current.quoted)")
    }
  }

  private func source(from start: Int) -> String {
    String(chars[start..<previousEnd])
  }

  // MARK: - Lexer

  private mutating func advance() throws(ExpressionError) {
    previousEnd = token.end
    try lex()
  }

  /// Reads the token at `position` into `token`.
  private mutating func lex() throws(ExpressionError) {
    while position < chars.count, chars[position].isWhitespace { position += 1 }
    let start = position
    guard start < chars.count else {
      token = TemplateToken(kind: .end, text: "", offset: start, end: start)
      return
    }
    let char = chars[start]
    if char.isASCIIDigit {
      var end = start
      while end < chars.count, chars[end].isASCIIDigit { end += 1 }
      var isDecimal = false
      if end + 1 < chars.count, chars[end] == ".", chars[end + 1].isASCIIDigit {
        isDecimal = true
        end += 1
        while end < chars.count, chars[end].isASCIIDigit { end += 1 }
      }
      let text = String(chars[start..<end])
      let value: Value
      if isDecimal, let number = Double(text) {
        value = .double(number)
      } else if let number = Int(text) {
        value = .int(number)
      } else {
        throw ExpressionError(offset: start, message: "number '\(text)' is too large")
      }
      finish(.number(value), from: start, to: end)
    } else if char.isASCIILetter || char == "_" {
      var end = start
      while end < chars.count, chars[end].isWordCharacter { end += 1 }
      finish(.name(String(chars[start..<end])), from: start, to: end)
    } else if char == "\"" || char == "'" {
      try lexString(quote: char)
    } else if "+-*/%.[]()}".contains(char) {
      finish(.symbol(char), from: start, to: start + 1)
    } else {
      throw ExpressionError(offset: start, message: "unexpected character '\(char)'")
    }
  }

  /// A single- or double-quoted string with the escapes `\\ \' \" \n \t \r`.
  private mutating func lexString(quote: Character) throws(ExpressionError) {
    let start = position
    var index = start + 1
    var text = ""
    while index < chars.count {
      let char = chars[index]
      if char == quote {
        finish(.string(text), from: start, to: index + 1)
        return
      }
      if char == "\\", index + 1 < chars.count {
        switch chars[index + 1] {
        case "n": text.append("\n")
        case "t": text.append("\t")
        case "r": text.append("\r")
        case "\\", "'", "\"": text.append(chars[index + 1])
        default:
          throw ExpressionError(
            offset: index, message: "unknown escape '\\\(chars[index + 1])' in a string; use \\\\, \\', \\\", \\n, \\t or \\r")
        }
        index += 2
        continue
      }
      text.append(char)
      index += 1
    }
    throw ExpressionError(offset: start, message: "unterminated string; expected a closing \(quote)")
  }

  private mutating func finish(_ kind: TemplateToken.Kind, from start: Int, to end: Int) {
    token = TemplateToken(kind: kind, text: String(chars[start..<end]), offset: start, end: end)
    position = end
  }
}
