/// Recursive-descent parser for DynamoDB's `ConditionExpression`.
///
/// ```
/// condition ::= or
/// or        ::= and ( OR and )*
/// and       ::= not ( AND not )*
/// not       ::= NOT not | primary
/// primary   ::= '(' condition ')' | function '(' operand (',' operand)* ')' | operand tail
/// tail      ::= comparator operand | BETWEEN operand AND operand | IN '(' operand (',' operand)* ')'
/// operand   ::= path | ':value' | size '(' path ')'
/// ```
///
/// One grammar level per row of DynamoDB's precedence table (comparators, IN and BETWEEN bind
/// tightest because their operands cannot be conditions; then functions, parentheses, NOT, AND, OR).
/// Keywords are case-insensitive; function names are case-sensitive.
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Precedence
struct ConditionParser: DynamoArgumentParsing {
  var stream: DynamoTokenStream

  /// DynamoDB's limit on the values in one IN list.
  static let maximumInValues = 100

  private static let keywords: Set<String> = ["AND", "OR", "NOT", "BETWEEN", "IN"]
  private static let functionNames = ConditionFunction.allCases.map(\.rawValue) + ["size"]
  private static let updateOnlyFunctions: Set<String> = ["if_not_exists", "list_append"]

  init(_ text: String) throws(ExpressionError) {
    stream = try DynamoTokenStream(text)
  }

  mutating func parse() throws(ExpressionError) -> ConditionNode {
    if stream.isAtEnd { throw ExpressionError(offset: 0, message: "the condition is empty") }
    let node = try parseOr(after: nil)
    let token = stream.current
    guard token.kind == .end else {
      if token.isSymbol(")") {
        throw ExpressionError(offset: token.offset, message: "unexpected ')' without a matching '('")
      }
      let hint = startsCondition(token) ? "; join conditions with AND or OR" : ""
      throw ExpressionError(offset: token.offset, message: "unexpected \(token.quoted) after a complete condition\(hint)")
    }
    return node
  }

  // MARK: - Boolean structure

  private mutating func parseOr(after context: DynamoToken?) throws(ExpressionError) -> ConditionNode {
    var node = try parseAnd(after: context)
    while stream.current.isKeyword("OR") {
      let keyword = stream.advance()
      node = .or(node, try parseAnd(after: keyword))
    }
    return node
  }

  private mutating func parseAnd(after context: DynamoToken?) throws(ExpressionError) -> ConditionNode {
    var node = try parseNot(after: context)
    while stream.current.isKeyword("AND") {
      let keyword = stream.advance()
      node = .and(node, try parseNot(after: keyword))
    }
    return node
  }

  private mutating func parseNot(after context: DynamoToken?) throws(ExpressionError) -> ConditionNode {
    if stream.current.isKeyword("NOT") {
      let keyword = stream.advance()
      return .not(try parseNot(after: keyword))
    }
    return try parsePrimary(after: context)
  }

  private mutating func parsePrimary(after context: DynamoToken?) throws(ExpressionError) -> ConditionNode {
    let token = stream.current
    if token.isSymbol("(") {
      stream.advance()
      let inner = try parseOr(after: token)
      guard stream.current.isSymbol(")") else {
        throw ExpressionError(
          offset: stream.current.offset, message: "expected ')' to close '(' opened at offset \(token.offset), found \(stream.current.quoted)")
      }
      stream.advance()
      return inner
    }
    if isAtFunctionCall, let function = ConditionFunction(rawValue: token.text) {
      let arguments = try parseArguments(of: token)
      try check(arguments, of: function, at: token)
      let next = stream.current
      if startsComparison(next) {
        throw ExpressionError(
          offset: next.offset, message: "'\(function.rawValue)' is a condition, not a value; it cannot be followed by \(next.quoted)")
      }
      return .function(function, arguments, offset: token.offset)
    }
    if isAtFunctionCall || startsOperand(token) {
      let operand = try parseOperand(after: context)
      return try parseTail(of: operand)
    }
    throw ExpressionError(offset: token.offset, message: "expected a condition\(Self.after(context)), found \(token.quoted)")
  }

  // MARK: - Comparisons

  private mutating func parseTail(of subject: ConditionOperand) throws(ExpressionError) -> ConditionNode {
    let token = stream.current
    if token.kind == .symbol, let comparator = Comparator(rawValue: token.text) {
      stream.advance()
      return .comparison(comparator, subject, try parseOperand(after: token), offset: token.offset)
    }
    if token.isKeyword("BETWEEN") {
      stream.advance()
      let low = try parseOperand(after: token)
      guard stream.current.isKeyword("AND") else {
        throw ExpressionError(
          offset: stream.current.offset, message: "expected AND after the lower bound of BETWEEN, found \(stream.current.quoted)")
      }
      let and = stream.advance()
      let high = try parseOperand(after: and)
      return .between(subject, low: low, high: high, offset: token.offset)
    }
    if token.isKeyword("IN") {
      stream.advance()
      guard stream.current.isSymbol("(") else {
        throw ExpressionError(offset: stream.current.offset, message: "expected '(' after IN, found \(stream.current.quoted)")
      }
      let open = stream.advance()
      if stream.current.isSymbol(")") {
        throw ExpressionError(offset: stream.current.offset, message: "IN needs at least one value between '(' and ')'")
      }
      var candidates: [ConditionOperand] = []
      var separator = open
      while true {
        let candidate = try parseOperand(after: separator)
        candidates.append(candidate)
        if candidates.count > Self.maximumInValues {
          throw ExpressionError(offset: candidate.offset, message: "IN accepts at most \(Self.maximumInValues) values")
        }
        if stream.current.isSymbol(",") {
          separator = stream.advance()
        } else if stream.current.isSymbol(")") {
          stream.advance()
          return .in(subject, candidates, offset: token.offset)
        } else {
          throw ExpressionError(
            offset: stream.current.offset,
            message: "expected ',' or ')' to close '(' opened at offset \(open.offset), found \(stream.current.quoted)")
        }
      }
    }
    if case .size = subject {
      throw ExpressionError(offset: token.offset, message: "'\(subject)' is a number, not a condition; compare it, as in '\(subject) > :n'")
    }
    throw ExpressionError(
      offset: token.offset, message: "expected a comparator (=, <>, <, <=, >, >=), BETWEEN or IN after '\(subject)', found \(token.quoted)")
  }

  // MARK: - Operands and functions

  mutating func parseOperand(after context: DynamoToken?) throws(ExpressionError) -> ConditionOperand {
    let token = stream.current
    if isAtFunctionCall {
      if token.text == "size" {
        let arguments = try parseArguments(of: token)
        try checkCount(arguments, expected: 1, of: "size", at: token)
        guard case .path(let path) = arguments[0] else {
          throw ExpressionError(offset: arguments[0].offset, message: "the argument of size must be an attribute path, not '\(arguments[0])'")
        }
        return .size(path, offset: token.offset)
      }
      if let function = ConditionFunction(rawValue: token.text) {
        throw ExpressionError(offset: token.offset, message: "'\(function.rawValue)' is a condition, not a value; only size() can be compared")
      }
      throw unknownFunction(token)
    }
    switch token.kind {
    case .name where !isKeyword(token), .namePlaceholder:
      return .path(try stream.parsePath())
    case .valuePlaceholder:
      stream.record(token)
      stream.advance()
      return .value(token.text, offset: token.offset)
    default:
      throw ExpressionError(offset: token.offset, message: "expected an operand\(Self.after(context)), found \(token.quoted)")
    }
  }


  /// The argument rules of each function: the path functions need a path, `attribute_type` a
  /// `:value` type, and no function takes `size(...)`.
  private func check(_ arguments: [ConditionOperand], of function: ConditionFunction, at token: DynamoToken) throws(ExpressionError) {
    try checkCount(arguments, expected: function.arity, of: function.rawValue, at: token)
    for argument in arguments {
      if case .size = argument {
        throw ExpressionError(offset: argument.offset, message: "'\(argument)' cannot be an argument of \(function.rawValue)")
      }
    }
    switch function {
    case .attributeExists, .attributeNotExists:
      guard case .path = arguments[0] else {
        throw ExpressionError(
          offset: arguments[0].offset, message: "the argument of \(function.rawValue) must be an attribute path, not '\(arguments[0])'")
      }
    case .attributeType:
      guard case .value = arguments[1] else {
        throw ExpressionError(
          offset: arguments[1].offset,
          message: "the second argument of attribute_type must be a value placeholder such as ':type', not '\(arguments[1])'")
      }
    case .beginsWith, .contains:
      break
    }
  }

  private func checkCount(_ arguments: [ConditionOperand], expected: Int, of name: String, at token: DynamoToken) throws(ExpressionError) {
    guard arguments.count != expected else { return }
    let noun = expected == 1 ? "argument" : "arguments"
    let given = arguments.count == 1 ? "1 was given" : "\(arguments.count) were given"
    throw ExpressionError(offset: token.offset, message: "\(name) takes \(expected) \(noun), but \(given)")
  }

  private func unknownFunction(_ token: DynamoToken) -> ExpressionError {
    if Self.updateOnlyFunctions.contains(token.text) {
      return ExpressionError(offset: token.offset, message: "'\(token.text)' can only be used in an UpdateExpression")
    }
    return ExpressionError(offset: token.offset, message: NameSuggestion.unknownFunctionMessage(token.text, candidates: Self.functionNames))
  }

  // MARK: - Token classes

  private var isAtFunctionCall: Bool { stream.isAtFunctionCall && !isKeyword(stream.current) }

  private func isKeyword(_ token: DynamoToken) -> Bool {
    token.kind == .name && Self.keywords.contains(token.text.uppercased())
  }

  private func startsOperand(_ token: DynamoToken) -> Bool {
    (token.kind == .name && !isKeyword(token)) || token.kind == .namePlaceholder || token.kind == .valuePlaceholder
  }

  private func startsCondition(_ token: DynamoToken) -> Bool {
    startsOperand(token) || token.isSymbol("(") || token.isKeyword("NOT")
  }

  private func startsComparison(_ token: DynamoToken) -> Bool {
    (token.kind == .symbol && Comparator(rawValue: token.text) != nil) || token.isKeyword("BETWEEN") || token.isKeyword("IN")
  }

  private static func after(_ context: DynamoToken?) -> String {
    guard let context else { return "" }
    return " after '\(context.text)'"
  }
}
