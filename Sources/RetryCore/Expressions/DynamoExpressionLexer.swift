/// Splits a DynamoDB expression into tokens.
///
/// Token rules follow DynamoDB's own lexer: a bare attribute name is a letter followed by letters,
/// digits or underscores; `#name` and `:value` placeholders may use letters, digits and underscores
/// in any order. Anything else in a name (a hyphen, a dot, a space) needs a `#name` placeholder.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
enum DynamoExpressionLexer {
  static func tokens(_ text: String) throws(ExpressionError) -> [DynamoToken] {
    let chars = Array(text)
    var tokens: [DynamoToken] = []
    var index = 0

    func word(from start: Int) -> String {
      var end = start
      while end < chars.count, chars[end].isWordCharacter { end += 1 }
      return String(chars[start..<end])
    }

    while index < chars.count {
      let char = chars[index]
      let start = index
      if char.isWhitespace {
        index += 1
      } else if char.isASCIILetter {
        let name = word(from: start)
        tokens.append(DynamoToken(kind: .name, text: name, offset: start))
        index += name.count
      } else if char == "_" {
        let name = word(from: start)
        throw ExpressionError(
          offset: start, message: "attribute name '\(name)' must start with a letter; use a name placeholder such as '#\(name)'")
      } else if char.isASCIIDigit {
        var end = start
        while end < chars.count, chars[end].isASCIIDigit { end += 1 }
        let digits = String(chars[start..<end])
        guard Int(digits) != nil else {
          throw ExpressionError(offset: start, message: "number '\(digits)' is too large")
        }
        tokens.append(DynamoToken(kind: .number, text: digits, offset: start))
        index = end
      } else if char == "#" || char == ":" {
        let name = word(from: start + 1)
        guard !name.isEmpty else {
          let kind = char == "#" ? "name" : "value"
          throw ExpressionError(offset: start, message: "expected a \(kind) placeholder name after '\(char)'")
        }
        tokens.append(DynamoToken(kind: char == "#" ? .namePlaceholder : .valuePlaceholder, text: String(char) + name, offset: start))
        index += 1 + name.count
      } else {
        let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
        let symbol: String
        switch char {
        case "<" where next == ">": symbol = "<>"
        case "<" where next == "=": symbol = "<="
        case ">" where next == "=": symbol = ">="
        case "=" where next == "=":
          throw ExpressionError(offset: start, message: "unexpected '=='; DynamoDB tests equality with a single '='")
        case "!" where next == "=":
          throw ExpressionError(offset: start, message: "unexpected '!='; DynamoDB writes 'not equal' as '<>'")
        case "(", ")", "[", "]", ",", ".", "=", "<", ">", "+", "-": symbol = String(char)
        default:
          throw ExpressionError(offset: start, message: "unexpected character '\(char)'")
        }
        tokens.append(DynamoToken(kind: .symbol, text: symbol, offset: start))
        index += symbol.count
      }
    }
    tokens.append(DynamoToken(kind: .end, text: "", offset: chars.count))
    return tokens
  }
}
