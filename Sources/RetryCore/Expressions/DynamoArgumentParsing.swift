/// The function-call syntax shared by the condition and update parsers:
/// `name '(' operand (',' operand)* ')'`.
protocol DynamoArgumentParsing {
  associatedtype Operand
  var stream: DynamoTokenStream { get set }
  /// Parses one operand; `context` is the token before it, for error messages.
  mutating func parseOperand(after context: DynamoToken?) throws(ExpressionError) -> Operand
}

extension DynamoArgumentParsing {
  /// Parses the argument list of `function`, the current token being its name.
  mutating func parseArguments(of function: DynamoToken) throws(ExpressionError) -> [Operand] {
    stream.advance()
    let open = stream.advance()
    var arguments: [Operand] = []
    if stream.current.isSymbol(")") {
      stream.advance()
      return arguments
    }
    var separator = open
    while true {
      arguments.append(try parseOperand(after: separator))
      if stream.current.isSymbol(",") {
        separator = stream.advance()
      } else if stream.current.isSymbol(")") {
        stream.advance()
        return arguments
      } else {
        throw ExpressionError(
          offset: stream.current.offset,
          message: "expected ',' or ')' to close '(' of \(function.text) opened at offset \(open.offset), found \(stream.current.quoted)")
      }
    }
  }
}
