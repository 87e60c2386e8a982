/// Recursive-descent parser for DynamoDB's `UpdateExpression` (the SET and REMOVE clauses).
///
/// ```
/// update  ::= clause+                      each clause keyword at most once, in any order
/// clause  ::= SET action (',' action)* | REMOVE path (',' path)*
/// action  ::= path '=' value
/// value   ::= operand | operand '+' operand | operand '-' operand
/// operand ::= path | ':value' | if_not_exists '(' path ',' operand ')' | list_append '(' operand ',' operand ')'
/// ```
///
/// Clause keywords are case-insensitive; function names are case-sensitive.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
struct UpdateParser: DynamoArgumentParsing {
  var stream: DynamoTokenStream

  private static let clauseKeywords: Set<String> = ["SET", "REMOVE", "ADD", "DELETE"]
  private static let functionNames = ["if_not_exists", "list_append"]
  private static let conditionOnlyFunctions: Set<String> = Set(ConditionFunction.allCases.map(\.rawValue) + ["size"])

  init(_ text: String) throws(ExpressionError) {
    stream = try DynamoTokenStream(text)
  }

  /// The clauses as parsed; `removeFirst` records the written order for `description`.
  mutating func parse() throws(ExpressionError) -> (sets: [SetAction], removes: [AttributePath], removeFirst: Bool) {
    if stream.isAtEnd { throw ExpressionError(offset: 0, message: "the update expression is empty") }
    var sets: [SetAction]?
    var removes: [AttributePath]?
    var removeFirst = false
    while !stream.isAtEnd {
      let token = stream.current
      if token.isKeyword("SET") {
        guard sets == nil else { throw Self.repeated(token) }
        stream.advance()
        sets = try parseSetActions(after: token)
      } else if token.isKeyword("REMOVE") {
        guard removes == nil else { throw Self.repeated(token) }
        removeFirst = sets == nil
        stream.advance()
        removes = try parseRemovePaths(after: token)
      } else if token.isKeyword("ADD") {
        throw ExpressionError(offset: token.offset, message: "ADD clauses are not supported; for numbers use 'SET n = if_not_exists(n, :zero) + :v'")
      } else if token.isKeyword("DELETE") {
        throw ExpressionError(offset: token.offset, message: "DELETE clauses are not supported: they remove elements from set types, which RetryScope does not model")
      } else if sets == nil && removes == nil {
        throw ExpressionError(offset: token.offset, message: "an update expression starts with SET or REMOVE, found \(token.quoted)")
      } else {
        throw ExpressionError(offset: token.offset, message: "expected ',' or a new clause (SET or REMOVE), found \(token.quoted)")
      }
    }
    let result = (sets: sets ?? [], removes: removes ?? [], removeFirst: removeFirst)
    try UpdateExpression.checkClashes(result.sets.map(\.path) + result.removes) { path throws(ExpressionError) in path.unresolved }
    return result
  }

  private static func repeated(_ token: DynamoToken) -> ExpressionError {
    let keyword = token.text.uppercased()
    return ExpressionError(offset: token.offset, message: "\(keyword) may appear only once in an update expression; separate its actions with commas")
  }

  // MARK: - Clauses

  private mutating func parseSetActions(after keyword: DynamoToken) throws(ExpressionError) -> [SetAction] {
    var actions: [SetAction] = []
    var context = keyword
    while true {
      actions.append(try parseSetAction(after: context))
      guard stream.current.isSymbol(",") else { return actions }
      context = stream.advance()
    }
  }

  private mutating func parseSetAction(after context: DynamoToken) throws(ExpressionError) -> SetAction {
    let token = stream.current
    if token.kind == .valuePlaceholder, stream.next.isSymbol("=") {
      throw ExpressionError(offset: token.offset, message: "the left side of '=' must be an attribute path, not '\(token.text)'")
    }
    let path = try parseTargetPath(after: context)
    guard stream.current.isSymbol("=") else {
      throw ExpressionError(offset: stream.current.offset, message: "expected '=' after '\(path)', found \(stream.current.quoted)")
    }
    let equals = stream.advance()
    return SetAction(path: path, value: try parseValue(after: equals))
  }

  private mutating func parseRemovePaths(after keyword: DynamoToken) throws(ExpressionError) -> [AttributePath] {
    var paths: [AttributePath] = []
    var context = keyword
    while true {
      paths.append(try parseTargetPath(after: context))
      guard stream.current.isSymbol(",") else { return paths }
      context = stream.advance()
    }
  }

  /// The path an action writes or removes.
  private mutating func parseTargetPath(after context: DynamoToken) throws(ExpressionError) -> AttributePath {
    let token = stream.current
    guard startsPath(token), !stream.isAtFunctionCall else {
      throw ExpressionError(offset: token.offset, message: "expected an attribute path after '\(context.text)', found \(token.quoted)")
    }
    return try stream.parsePath()
  }

  // MARK: - Values

  private mutating func parseValue(after context: DynamoToken) throws(ExpressionError) -> UpdateValue {
    let lhs = try parseOperand(after: context)
    let symbol = stream.current
    guard symbol.isSymbol("+") || symbol.isSymbol("-") else { return .operand(lhs) }
    stream.advance()
    let rhs = try parseOperand(after: symbol)
    let extra = stream.current
    if extra.isSymbol("+") || extra.isSymbol("-") {
      throw ExpressionError(offset: extra.offset, message: "a SET value allows only one '+' or '-'; DynamoDB cannot chain them")
    }
    return symbol.isSymbol("+") ? .plus(lhs, rhs, offset: symbol.offset) : .minus(lhs, rhs, offset: symbol.offset)
  }

  mutating func parseOperand(after context: DynamoToken?) throws(ExpressionError) -> UpdateOperand {
    let token = stream.current
    if stream.isAtFunctionCall && !isClauseKeyword(token) {
      return try parseFunction()
    }
    if startsPath(token) {
      return .path(try stream.parsePath())
    }
    if token.kind == .valuePlaceholder {
      stream.record(token)
      stream.advance()
      return .value(token.text, offset: token.offset)
    }
    throw ExpressionError(offset: token.offset, message: "expected a value after '\(context?.text ?? "")', found \(token.quoted)")
  }

  private mutating func parseFunction() throws(ExpressionError) -> UpdateOperand {
    let name = stream.current
    switch name.text {
    case "if_not_exists":
      let arguments = try parseArguments(of: name)
      try checkCount(arguments, of: name)
      guard case .path(let path) = arguments[0] else {
        throw ExpressionError(
          offset: arguments[0].offset, message: "the first argument of if_not_exists must be an attribute path, not '\(arguments[0])'")
      }
      return .ifNotExists(path, arguments[1], offset: name.offset)
    case "list_append":
      let arguments = try parseArguments(of: name)
      try checkCount(arguments, of: name)
      return .listAppend(arguments[0], arguments[1], offset: name.offset)
    default:
      if Self.conditionOnlyFunctions.contains(name.text) {
        throw ExpressionError(offset: name.offset, message: "'\(name.text)' can only be used in a ConditionExpression")
      }
      throw ExpressionError(offset: name.offset, message: NameSuggestion.unknownFunctionMessage(name.text, candidates: Self.functionNames))
    }
  }


  /// Both update functions take exactly two arguments.
  private func checkCount(_ arguments: [UpdateOperand], of function: DynamoToken) throws(ExpressionError) {
    guard arguments.count != 2 else { return }
    let given = arguments.count == 1 ? "1 was given" : "\(arguments.count) were given"
    throw ExpressionError(offset: function.offset, message: "\(function.text) takes 2 arguments, but \(given)")
  }

  // MARK: - Token classes

  private func isClauseKeyword(_ token: DynamoToken) -> Bool {
    token.kind == .name && Self.clauseKeywords.contains(token.text.uppercased())
  }

  private func startsPath(_ token: DynamoToken) -> Bool {
    (token.kind == .name && !isClauseKeyword(token)) || token.kind == .namePlaceholder
  }
}
