import RetryCore
import Testing

/// DynamoDB `ConditionExpression`: grammar, precedence, evaluation rules and every error message.
/// Rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
@Suite struct ConditionExpressionTests {
  /// An item with one attribute of every type, nested documents and a non-ASCII string.
  static let item: Item = [
    "id": "u1",
    "n": 5,
    "d": 2.5,
    "s": "banana",
    "flag": true,
    "nothing": nil,
    "tags": ["a", "b"],
    "profile": ["name": "Ann", "age": 41, "langs": ["swift", "go"]],
    "pair": ["x": 1, "y": 2],
    "cafe": "caf\u{E9}",
    "dotted.name": "literal dot",
  ]

  func holds(
    _ text: String, on item: Item? = item, names: [String: String] = [:], values: [String: Value] = [:]
  ) throws -> Bool {
    try ConditionExpression.parse(text).evaluate(on: item, names: names, values: values)
  }

  // MARK: - Grammar and precedence

  @Test(arguments: [
    ("a = :x OR b = :y AND c = :z", "(a = :x OR (b = :y AND c = :z))"),
    ("a = :x AND b = :y OR c = :z", "((a = :x AND b = :y) OR c = :z)"),
    ("(a = :x OR b = :y) AND c = :z", "((a = :x OR b = :y) AND c = :z)"),
    ("a = :x AND b = :y OR c = :z AND d = :w", "((a = :x AND b = :y) OR (c = :z AND d = :w))"),
    ("a = :x OR b = :y OR c = :z", "((a = :x OR b = :y) OR c = :z)"),
    ("NOT a = :x AND b = :y", "((NOT a = :x) AND b = :y)"),
    ("NOT (a = :x AND b = :y)", "(NOT (a = :x AND b = :y))"),
    ("NOT NOT a = :x", "(NOT (NOT a = :x))"),
    ("((a = :x))", "a = :x"),
    ("((a = :x OR (b = :y)) AND ((c = :z)))", "((a = :x OR b = :y) AND c = :z)"),
    ("a BETWEEN :lo AND :hi AND b = :y", "(a BETWEEN :lo AND :hi AND b = :y)"),
    ("a between :lo and :hi or not b in (:x,:y)", "(a BETWEEN :lo AND :hi OR (NOT b IN (:x, :y)))"),
    ("a = :x aNd b = :y", "(a = :x AND b = :y)"),
    ("a.b[0].#c = :v", "a.b[0].#c = :v"),
    ("  size ( a )>=:n  ", "size(a) >= :n"),
    ("#n[2][10] <> x.y", "#n[2][10] <> x.y"),
    (
      "attribute_exists(a) AND begins_with(b, :p) AND contains(c, d) AND attribute_type(e, :t)",
      "(((attribute_exists(a) AND begins_with(b, :p)) AND contains(c, d)) AND attribute_type(e, :t))"
    ),
    ("NOT attribute_not_exists(a) OR :v IN (a)", "((NOT attribute_not_exists(a)) OR :v IN (a))"),
  ])
  func parsesWithPrecedence(text: String, canonical: String) throws {
    #expect(try ConditionExpression.parse(text).description == canonical)
  }

  @Test func andBindsTighterThanOrWhenEvaluated() throws {
    // True only if AND groups first: a = :x is true, the AND part is false.
    let values: [String: Value] = [":x": 5, ":y": "other", ":z": "other"]
    #expect(try holds("n = :x OR s = :y AND id = :z", values: values))
    #expect(try !holds("(n = :x OR s = :y) AND id = :z", values: values))
  }

  @Test func notBindsTighterThanAnd() throws {
    // (NOT n = 5) AND s = banana is false; NOT (n = 5 AND s = banana) would be false as well, so
    // use a case where they differ: n = 4 is false.
    let values: [String: Value] = [":four": 4, ":other": "apple"]
    #expect(try !holds("NOT n = :four AND s = :other", values: values))
    #expect(try holds("NOT (n = :four AND s = :other)", values: values))
    #expect(try holds("NOT NOT NOT n = :four", values: values))
  }

  @Test func nestedParenthesesGroup() throws {
    let values: [String: Value] = [":five": 5, ":no": "no"]
    #expect(try holds("((n = :five) AND ((s = :no) OR (NOT (s = :no))))", values: values))
    #expect(try !holds("((n = :five) AND ((s = :no) OR (s = :no)))", values: values))
  }

  // MARK: - Comparisons

  @Test(arguments: [
    ("n = :v", 5, true), ("n = :v", 5.0, true), ("n = :v", "5", false), ("n = :v", 6, false),
    ("n <> :v", 5, false), ("n <> :v", "5", true), ("n <> :v", 6, true),
    ("n < :v", 6, true), ("n < :v", 5, false), ("n <= :v", 5, true), ("n <= :v", 4.5, false),
    ("n > :v", 4, true), ("n > :v", 5, false), ("n >= :v", 5, true), ("n >= :v", 6, false),
    ("d < :v", 3, true), ("d > :v", 2, true), ("d = :v", 2.5, true),
    ("s = :v", "banana", true), ("s < :v", "cherry", true), ("s > :v", "apple", true), ("s >= :v", "banana", true),
    ("s > :v", "Zebra", true),  // UTF-8 byte order: uppercase letters sort before lowercase
    ("n < :v", "9", false), ("s < :v", 1, false), ("flag < :v", "x", false),
    ("flag = :v", true, true), ("flag = :v", 1, false), ("nothing = :v", nil, true), ("nothing = :v", false, false),
    ("tags = :v", ["a", "b"], true), ("tags = :v", ["b", "a"], false), ("tags <> :v", ["b", "a"], true),
    ("pair = :v", ["y": 2, "x": 1.0], true),  // map equality ignores key order and number representation
    ("pair = :v", ["x": 1], false),
    ("profile.name = :v", "Ann", true), ("profile.langs[1] = :v", "go", true), ("profile.langs[5] = :v", "go", false),
    ("tags.x = :v", "a", false), ("profile[0] = :v", "Ann", false),
  ] as [(String, Value, Bool)])
  func compares(text: String, value: Value, expected: Bool) throws {
    #expect(try holds(text, values: [":v": value]) == expected)
  }

  @Test func comparesTwoAttributesOfTheItem() throws {
    #expect(try holds("n > d"))
    #expect(try holds("d < n"))
    #expect(try !holds("n = d"))
    #expect(try holds("profile.age > n"))
  }

  @Test func stringsCompareByUTF8BytesNotByCanonicalEquivalence() throws {
    // Swift's `==` says "café" (precomposed) equals "cafe\u{301}" (e + combining accent); DynamoDB
    // compares bytes, so they differ, and 'e' (0x65) sorts before 0xC3.
    let decomposed: Value = "cafe\u{301}"
    #expect(try !holds("cafe = :v", values: [":v": decomposed]))
    #expect(try holds("cafe <> :v", values: [":v": decomposed]))
    #expect(try holds("cafe > :v", values: [":v": decomposed]))
    #expect(try holds("cafe = :v", values: [":v": "caf\u{E9}"]))
  }

  @Test(arguments: ["=", "<", "<=", ">", ">="])
  func missingAttributeMakesComparisonsFalse(comparator: String) throws {
    #expect(try !holds("missing \(comparator) :v", values: [":v": 1]))
    #expect(try !holds(":v \(comparator) missing", values: [":v": 1]))
    #expect(try !holds("missing \(comparator) alsoMissing"))
    #expect(try !holds("n \(comparator) :v", on: nil, values: [":v": 5]))
  }

  @Test func missingAttributeIsNotEqualToAnything() throws {
    // DynamoDB's one exception: `<>` with a missing operand is true, even between two missing ones.
    #expect(try holds("missing <> :v", values: [":v": 1]))
    #expect(try holds("missing <> alsoMissing"))
    #expect(try holds("#s <> :inprogress", on: nil, names: ["#s": "status"], values: [":inprogress": "INPROGRESS"]))
  }

  @Test func namePlaceholdersResolveToAttributeNames() throws {
    #expect(try holds("#n = :v", names: ["#n": "n"], values: [":v": 5]))
    #expect(try holds("#p.#q = :v", names: ["#p": "profile", "#q": "name"], values: [":v": "Ann"]))
    #expect(try holds("#p.langs[0] = :v", names: ["#p": "profile"], values: [":v": "swift"]))
    // A dot inside a mapped name is part of the name, not a path separator.
    #expect(try holds("#d = :v", names: ["#d": "dotted.name"], values: [":v": "literal dot"]))
    #expect(try !holds("attribute_exists(dotted.name)"))
  }

  // MARK: - BETWEEN and IN

  @Test(arguments: [
    (1, 5, true), (5, 9, true), (6, 9, false), (0, 4, false), (5, 5, true),
  ] as [(Value, Value, Bool)])
  func betweenIsInclusive(low: Value, high: Value, expected: Bool) throws {
    #expect(try holds("n BETWEEN :lo AND :hi", values: [":lo": low, ":hi": high]) == expected)
  }

  @Test func betweenComparesStringsAndMixedNumbers() throws {
    #expect(try holds("s BETWEEN :lo AND :hi", values: [":lo": "b", ":hi": "c"]))
    #expect(try !holds("s BETWEEN :lo AND :hi", values: [":lo": "c", ":hi": "d"]))
    #expect(try holds("d BETWEEN :lo AND :hi", values: [":lo": 2, ":hi": 3]))
    #expect(try holds("n BETWEEN d AND :hi", values: [":hi": 9]))
  }

  @Test func betweenIsFalseForMissingAttributesAndOtherTypes() throws {
    #expect(try !holds("missing BETWEEN :lo AND :hi", values: [":lo": 1, ":hi": 9]))
    #expect(try !holds("s BETWEEN :lo AND :hi", values: [":lo": 1, ":hi": 9]))
    #expect(try !holds("n BETWEEN :lo AND missing", values: [":lo": 1]))
    // Bounds from the item that are out of order or of mixed types only fail the condition.
    #expect(try !holds("n BETWEEN :lo AND s", values: [":lo": 1]))
    #expect(try !holds("tags BETWEEN :lo AND :hi", values: [":lo": 1, ":hi": 9]))
  }

  @Test func inMatchesAnyListedValue() throws {
    #expect(try holds("s IN (:a, :b)", values: [":a": "apple", ":b": "banana"]))
    #expect(try !holds("s IN (:a, :b)", values: [":a": "apple", ":b": "cherry"]))
    #expect(try holds("n IN (:a, :b)", values: [":a": "5", ":b": 5.0]))
    #expect(try holds("n in (d, :b, profile.age)", values: [":b": 5]))
    #expect(try !holds("missing IN (:a)", values: [":a": 1]))
    #expect(try !holds(":a IN (missing)", values: [":a": 1]))
  }

  @Test func inAcceptsOneHundredValues() throws {
    let placeholders = (0..<100).map { ":v\($0)" }
    var values: [String: Value] = [:]
    for (index, placeholder) in placeholders.enumerated() { values[placeholder] = .int(index) }
    let text = "n IN (\(placeholders.joined(separator: ", ")))"
    #expect(try holds(text, values: values))
    #expect(try ConditionExpression.parse(text).valuePlaceholders == placeholders)
  }

  // MARK: - Functions

  @Test func attributeExistsAndNotExists() throws {
    #expect(try holds("attribute_exists(id)"))
    #expect(try !holds("attribute_exists(id)", on: nil))
    #expect(try holds("attribute_not_exists(id)", on: nil))
    #expect(try !holds("attribute_not_exists(id)"))
    #expect(try holds("attribute_exists(profile.name)"))
    #expect(try !holds("attribute_exists(profile.nope)"))
    #expect(try holds("attribute_exists(profile.langs[1])"))
    #expect(try !holds("attribute_exists(profile.langs[2])"))
    // An attribute holding NULL exists.
    #expect(try holds("attribute_exists(nothing)"))
    #expect(try holds("NOT attribute_exists(id)", on: nil))
  }

  @Test(arguments: [
    ("n", "N", true), ("d", "N", true), ("s", "S", true), ("flag", "BOOL", true), ("nothing", "NULL", true),
    ("tags", "L", true), ("profile", "M", true), ("n", "S", false), ("s", "N", false), ("tags", "SS", false),
    ("missing", "S", false),
  ])
  func attributeTypeMatchesDynamoTypeNames(path: String, type: String, expected: Bool) throws {
    #expect(try holds("attribute_type(\(path), :t)", values: [":t": .string(type)]) == expected)
  }

  @Test func attributeTypeAcceptsAValueAsItsFirstArgument() throws {
    #expect(try holds("attribute_type(:v, :t)", on: nil, values: [":v": 1, ":t": "N"]))
    #expect(try !holds("attribute_type(:v, :t)", on: nil, values: [":v": 1, ":t": "S"]))
  }

  @Test func beginsWith() throws {
    #expect(try holds("begins_with(s, :p)", values: [":p": "ban"]))
    #expect(try holds("begins_with(s, :p)", values: [":p": ""]))
    #expect(try !holds("begins_with(s, :p)", values: [":p": "nan"]))
    #expect(try !holds("begins_with(n, :p)", values: [":p": "5"]))
    #expect(try !holds("begins_with(missing, :p)", values: [":p": "x"]))
    #expect(try holds("begins_with(profile.name, :p)", values: [":p": "A"]))
    #expect(try holds("begins_with(:str, s)", values: [":str": "banana split"]))
    #expect(try !holds("begins_with(cafe, :p)", values: [":p": "cafe"]))
  }

  @Test func containsSubstringsAndListElements() throws {
    #expect(try holds("contains(s, :v)", values: [":v": "nan"]))
    #expect(try !holds("contains(s, :v)", values: [":v": "x"]))
    #expect(try !holds("contains(s, :v)", values: [":v": 5]))
    #expect(try holds("contains(tags, :v)", values: [":v": "b"]))
    #expect(try !holds("contains(tags, :v)", values: [":v": "c"]))
    #expect(try holds("contains(profile.langs, :v)", values: [":v": "go"]))
    #expect(try !holds("contains(profile, :v)", values: [":v": "name"]))
    #expect(try !holds("contains(n, :v)", values: [":v": 5]))
    #expect(try !holds("contains(missing, :v)", values: [":v": "a"]))
    #expect(try holds("contains(s, id)", on: ["id": "an", "s": "banana"]))
  }

  @Test func sizeCountsBytesAndElements() throws {
    #expect(try holds("size(s) = :v", values: [":v": 6]))
    #expect(try holds("size(cafe) = :v", values: [":v": 5]))  // UTF-8 bytes
    #expect(try holds("size(tags) = :v", values: [":v": 2]))
    #expect(try holds("size(profile) = :v", values: [":v": 3]))
    #expect(try holds("size(profile.langs) < size(s)"))
    #expect(try holds("size(s) BETWEEN :a AND :b", values: [":a": 1, ":b": 6]))
    #expect(try !holds("size(n) >= :v", values: [":v": 0]))
    #expect(try !holds("size(missing) >= :v", values: [":v": 0]))
    #expect(try !holds("size(s) = :v", values: [":v": "6"]))
  }

  @Test func powertoolsIdempotencyCondition() throws {
    // The conditional write of Powertools for AWS Lambda's idempotency utility.
    let condition = try ConditionExpression.parse(
      "attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"
    )
    let names = ["#id": "id", "#expiry": "expiration", "#status": "status", "#in_progress_expiry": "in_progress_expiration"]
    let values: [String: Value] = [":now": 1_000, ":inprogress": "INPROGRESS", ":now_in_millis": 1_000_000]
    #expect(try condition.evaluate(on: nil, names: names, values: values))
    let fresh: Item = ["id": "k", "expiration": 4_600, "status": "INPROGRESS", "in_progress_expiration": 1_000_500]
    #expect(try !condition.evaluate(on: fresh, names: names, values: values))
    var timedOut = fresh
    timedOut["in_progress_expiration"] = 999_999
    #expect(try condition.evaluate(on: timedOut, names: names, values: values))
    var expired = fresh
    expired["expiration"] = 999
    #expect(try condition.evaluate(on: expired, names: names, values: values))
  }

  // MARK: - Placeholders

  @Test func placeholdersInOrderOfFirstAppearance() throws {
    let condition = try ConditionExpression.parse(
      "#a = :x AND (#b < :y OR #a = :x) AND attribute_exists(#c.#a) AND d IN (:z, :x) AND size(#e) > :y")
    #expect(condition.namePlaceholders == ["#a", "#b", "#c", "#e"])
    #expect(condition.valuePlaceholders == [":x", ":y", ":z"])
  }

  @Test func conditionWithoutPlaceholders() throws {
    let condition = try ConditionExpression.parse("attribute_not_exists(pk)")
    #expect(condition.namePlaceholders.isEmpty)
    #expect(condition.valuePlaceholders.isEmpty)
  }

  @Test func parsedConditionsAreHashable() throws {
    #expect(try ConditionExpression.parse("a = :x") == ConditionExpression.parse("a = :x"))
    #expect(try ConditionExpression.parse("a = :x") != ConditionExpression.parse("a = :y"))
    #expect(Set([try ConditionExpression.parse("a = :x"), try ConditionExpression.parse("a = :x")]).count == 1)
  }

  // MARK: - Errors

  @Test(arguments: [
    ("", 0, "the condition is empty"),
    ("   ", 0, "the condition is empty"),
    ("(a = :x", 7, "expected ')' to close '(' opened at offset 0, found end of input"),
    ("((a = :x) AND b = :y", 20, "expected ')' to close '(' opened at offset 0, found end of input"),
    ("(a = :x OR (b = :y AND c = :z)", 30, "expected ')' to close '(' opened at offset 0, found end of input"),
    ("a = :x)", 6, "unexpected ')' without a matching '('"),
    ("a = :x b = :y", 7, "unexpected 'b' after a complete condition; join conditions with AND or OR"),
    ("a = :x (b = :y)", 7, "unexpected '(' after a complete condition; join conditions with AND or OR"),
    ("a = :x = :y", 7, "unexpected '=' after a complete condition"),
    ("a = :x AND", 10, "expected a condition after 'AND', found end of input"),
    ("a = :x AND OR b = :y", 11, "expected a condition after 'AND', found 'OR'"),
    ("a = :x or", 9, "expected a condition after 'or', found end of input"),
    ("NOT", 3, "expected a condition after 'NOT', found end of input"),
    ("()", 1, "expected a condition after '(', found ')'"),
    ("AND a = :x", 0, "expected a condition, found 'AND'"),
    ("= :x", 0, "expected a condition, found '='"),
    ("a", 1, "expected a comparator (=, <>, <, <=, >, >=), BETWEEN or IN after 'a', found end of input"),
    ("a :x", 2, "expected a comparator (=, <>, <, <=, >, >=), BETWEEN or IN after 'a', found ':x'"),
    ("hi-there = :v", 2, "expected a comparator (=, <>, <, <=, >, >=), BETWEEN or IN after 'hi', found '-'"),
    ("a =", 3, "expected an operand after '=', found end of input"),
    ("a = AND", 4, "expected an operand after '=', found 'AND'"),
    ("a = (b)", 4, "expected an operand after '=', found '('"),
    ("a = 5", 4, "expected an operand after '=', found '5'"),
    ("a BETWEEN :x", 12, "expected AND after the lower bound of BETWEEN, found end of input"),
    ("a BETWEEN :x OR :y", 13, "expected AND after the lower bound of BETWEEN, found 'OR'"),
    ("a BETWEEN :x AND", 16, "expected an operand after 'AND', found end of input"),
    ("a IN :x", 5, "expected '(' after IN, found ':x'"),
    ("a IN ()", 6, "IN needs at least one value between '(' and ')'"),
    ("a IN (:x, :y", 12, "expected ',' or ')' to close '(' opened at offset 5, found end of input"),
    ("a IN (:x :y)", 9, "expected ',' or ')' to close '(' opened at offset 5, found ':y'"),
    ("a IN (:x,)", 9, "expected an operand after ',', found ')'"),
    ("attribute_exist(a)", 0, "unknown function 'attribute_exist'; did you mean 'attribute_exists'?"),
    ("Attribute_Exists(a)", 0, "unknown function 'Attribute_Exists'; did you mean 'attribute_exists'?"),
    ("begins_width(a, :p)", 0, "unknown function 'begins_width'; did you mean 'begins_with'?"),
    ("a = Size(b)", 4, "unknown function 'Size'; did you mean 'size'?"),
    ("frobnicate(a)", 0, "unknown function 'frobnicate'"),
    ("if_not_exists(a, :v) = :v", 0, "'if_not_exists' can only be used in an UpdateExpression"),
    ("a = list_append(a, :v)", 4, "'list_append' can only be used in an UpdateExpression"),
    ("size(a)", 7, "'size(a)' is a number, not a condition; compare it, as in 'size(a) > :n'"),
    ("size(a) AND b = :v", 8, "'size(a)' is a number, not a condition; compare it, as in 'size(a) > :n'"),
    ("attribute_exists(a) = :x", 20, "'attribute_exists' is a condition, not a value; it cannot be followed by '='"),
    ("contains(a, :x) IN (:y)", 16, "'contains' is a condition, not a value; it cannot be followed by 'IN'"),
    ("a = attribute_exists(b)", 4, "'attribute_exists' is a condition, not a value; only size() can be compared"),
    ("attribute_exists(a, b)", 0, "attribute_exists takes 1 argument, but 2 were given"),
    ("attribute_not_exists()", 0, "attribute_not_exists takes 1 argument, but 0 were given"),
    ("begins_with(a)", 0, "begins_with takes 2 arguments, but 1 was given"),
    ("size(a, b) > :n", 0, "size takes 1 argument, but 2 were given"),
    ("attribute_exists(:v)", 17, "the argument of attribute_exists must be an attribute path, not ':v'"),
    ("attribute_type(a, b)", 18, "the second argument of attribute_type must be a value placeholder such as ':type', not 'b'"),
    ("begins_with(size(a), :p)", 12, "'size(a)' cannot be an argument of begins_with"),
    ("size(:v) > :n", 5, "the argument of size must be an attribute path, not ':v'"),
    ("begins_with(a :p)", 14, "expected ',' or ')' to close '(' of begins_with opened at offset 11, found ':p'"),
    ("a. = :v", 3, "expected an attribute name after '.', found '='"),
    ("a.:v = :v", 2, "expected an attribute name after '.', found ':v'"),
    ("a[x] = :v", 2, "expected a list index (digits) after '[', found 'x'"),
    ("a[0 = :v", 4, "expected ']' to close '[' opened at offset 1, found '='"),
    ("a = :x & b", 7, "unexpected character '&'"),
    ("a == :x", 2, "unexpected '=='; DynamoDB tests equality with a single '='"),
    ("a != :x", 2, "unexpected '!='; DynamoDB writes 'not equal' as '<>'"),
    ("_a = :x", 0, "attribute name '_a' must start with a letter; use a name placeholder such as '#_a'"),
    ("a = :", 4, "expected a value placeholder name after ':'"),
    ("# = :x", 0, "expected a name placeholder name after '#'"),
    ("a[99999999999999999999] = :x", 2, "number '99999999999999999999' is too large"),
    ("a\u{00A0}= :x)", 6, "unexpected ')' without a matching '('"),  // offsets count characters, not bytes
    ("\u{1F44D} = :x", 0, "unexpected character '\u{1F44D}'"),
  ])
  func rejectsMalformedText(text: String, offset: Int, message: String) {
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try ConditionExpression.parse(text)
    }
  }

  @Test func inRejectsTheHundredAndFirstValue() {
    let text = "n IN (" + (0...100).map { ":v\($0)" }.joined(separator: ",") + ")"
    let offset = Array(text).count - ":v100)".count
    #expect(throws: ExpressionError(offset: offset, message: "IN accepts at most 100 values")) {
      try ConditionExpression.parse(text)
    }
  }

  @Test(arguments: [
    ("a = :x", [:], [:], 4, "missing value for placeholder ':x'"),
    ("#a = :x", [:], [":x": 1], 0, "missing name for placeholder '#a'"),
    ("a.#b = :x", ["#c": "c"], [":x": 1], 2, "missing name for placeholder '#b'"),
    ("a = :x AND b = :y", [:], [:], 4, "missing value for placeholder ':x'"),
    ("a = :x AND b = :y", [:], [":x": 1], 15, "missing value for placeholder ':y'"),
    // Checked before evaluating, so a branch that OR would skip still needs its values.
    ("attribute_not_exists(id) OR #e < :now", ["#e": "e"], [:], 33, "missing value for placeholder ':now'"),
    ("n < :v", [:], [":v": ["a"]], 4, "'<' compares numbers or strings, but ':v' is a list"),
    (":v >= n", [:], [":v": true], 0, "'>=' compares numbers or strings, but ':v' is a bool"),
    ("n BETWEEN :lo AND :hi", [:], [":lo": 9, ":hi": 1], 10, "BETWEEN lower bound ':lo' (9) is greater than upper bound ':hi' (1)"),
    (
      "n BETWEEN :lo AND :hi", [:], [":lo": 1, ":hi": "z"], 10,
      "BETWEEN bounds must have the same type, but ':lo' is a number and ':hi' is a string"
    ),
    ("n BETWEEN :lo AND :hi", [:], [":lo": ["k": 1], ":hi": 2], 10, "BETWEEN compares numbers or strings, but ':lo' is a map"),
    ("begins_with(s, :p)", [:], [":p": 1], 15, "begins_with compares strings, but ':p' is a number"),
    (
      "attribute_type(n, :t)", [:], [":t": "DOG"], 18,
      "':t' is 'DOG', not a DynamoDB type; attribute_type accepts S, SS, N, NS, B, BS, BOOL, NULL, L, M"
    ),
    (
      "attribute_type(n, :t)", [:], [":t": 7], 18,
      "':t' is '7', not a DynamoDB type; attribute_type accepts S, SS, N, NS, B, BS, BOOL, NULL, L, M"
    ),
  ] as [(String, [String: String], [String: Value], Int, String)])
  func rejectsBadBindingsWhenEvaluating(text: String, names: [String: String], values: [String: Value], offset: Int, message: String) throws {
    let condition = try ConditionExpression.parse(text)
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try condition.evaluate(on: Self.item, names: names, values: values)
    }
  }

  @Test func wrongTypesInTheItemOnlyFailTheCondition() throws {
    // The same types that are errors as `:values` are merely false when they come from the item.
    #expect(try !holds("tags < :v", values: [":v": 1]))
    #expect(try !holds("begins_with(n, :p)", values: [":p": "5"]))
    #expect(try !holds("attribute_type(n, :t)", on: nil, values: [":t": "N"]))
  }
}
