/// Recursive-descent parser for DynamoDB's `UpdateExpression` (the SET, REMOVE, ADD and DELETE clauses).
///
/// ```
/// update  ::= clause+                      each clause keyword at most once, in any order
/// clause  ::= SET action (',' action)* | REMOVE path (',' path)*
///           | ADD path ':value' (',' path ':value')* | DELETE path ':value' (',' path ':value')*
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
  mutating func parse() throws(ExpressionError) -> UpdateClauses {
    if stream.isAtEnd { throw ExpressionError(offset: 0, message: "the update expression is empty") }
    var sets: [SetAction]?
    var removes: [AttributePath]?
    var adds: [SetElementAction]?
    var deletes: [SetElementAction]?
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
        guard adds == nil else { throw Self.repeated(token) }
        stream.advance()
        adds = try parseElementActions(after: token)
      } else if token.isKeyword("DELETE") {
        guard deletes == nil else { throw Self.repeated(token) }
        stream.advance()
        deletes = try parseElementActions(after: token)
      } else if sets == nil && removes == nil && adds == nil && deletes == nil {
        throw ExpressionError(offset: token.offset, message: "an update expression starts with SET, REMOVE, ADD or DELETE, found \(token.quoted)")
      } else {
        throw ExpressionError(offset: token.offset, message: "expected ',' or a new clause (SET, REMOVE, ADD or DELETE), found \(token.quoted)")
      }
    }
    let result = UpdateClauses(
      sets: sets ?? [], removes: removes ?? [], adds: adds ?? [], deletes: deletes ?? [], removeFirst: removeFirst)
    try UpdateExpression.checkClashes(result.allPaths) { path throws(ExpressionError) in path.unresolved }
    return result
  }

  /// `path :value, path :value` of an ADD or DELETE clause: the value must be a placeholder.
  private mutating func parseElementActions(after keyword: DynamoToken) throws(ExpressionError) -> [SetElementAction] {
    var actions: [SetElementAction] = []
    var context = keyword
    while true {
      let path = try parseTargetPath(after: context)
      let token = stream.current
      guard token.kind == .valuePlaceholder else {
        throw ExpressionError(
          offset: token.offset, message: "expected a :value after '\(path)' in \(keyword.text.uppercased()), found \(token.quoted)")
      }
      stream.record(token)
      stream.advance()
      actions.append(SetElementAction(path: path, placeholder: token.text, offset: token.offset))
      guard stream.current.isSymbol(",") else { return actions }
      context = stream.advance()
    }
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
