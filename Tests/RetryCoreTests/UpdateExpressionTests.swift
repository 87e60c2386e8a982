import RetryCore
import Testing

/// DynamoDB `UpdateExpression` (SET, REMOVE, ADD and DELETE): parsing, the semantics of each action, and every
/// error message. Rules: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
@Suite struct UpdateExpressionTests {
  func apply(
    _ text: String, to item: Item, names: [String: String] = [:], values: [String: Value] = [:]
  ) throws -> Item {
    try UpdateExpression.parse(text).apply(to: item, names: names, values: values)
  }

  // MARK: - SET

  @Test func setWritesNewAttributesInClauseOrderAfterExistingOnes() throws {
    let item: Item = ["pk": "u1", "a": 1, "b": 2]
    let updated = try apply("SET z = :z, b = :b, y = :y", to: item, values: [":z": "zed", ":b": 20, ":y": true])
    #expect(Array(updated.keys) == ["pk", "a", "b", "z", "y"])
    #expect(updated == ["pk": "u1", "a": 1, "b": 20, "z": "zed", "y": true])
  }

  @Test func setKeywordIsCaseInsensitive() throws {
    let updated = try apply("sEt a = :v", to: ["pk": "k"], values: [":v": 1])
    #expect(updated == ["pk": "k", "a": 1])
  }

  @Test func setCopiesAnotherAttribute() throws {
    let updated = try apply("SET copy = profile.name", to: ["pk": "k", "profile": ["name": "Ann"]])
    #expect(updated["copy"] == "Ann")
  }

  @Test func ifNotExistsKeepsAnExistingValue() throws {
    let updated = try apply("SET created = if_not_exists(created, :now)", to: ["pk": "k", "created": 100], values: [":now": 200])
    #expect(updated == ["pk": "k", "created": 100])
  }

  @Test func ifNotExistsSetsAMissingValue() throws {
    let updated = try apply("SET created = if_not_exists(created, :now)", to: ["pk": "k"], values: [":now": 200])
    #expect(updated == ["pk": "k", "created": 200])
  }

  @Test func ifNotExistsMayTestAnotherAttribute() throws {
    // if_not_exists(a, :v) means "a's value if a exists, else :v", whatever the target is.
    let updated = try apply("SET b = if_not_exists(a, :v), c = if_not_exists(missing, a)", to: ["pk": "k", "a": 1], values: [":v": 9])
    #expect(updated == ["pk": "k", "a": 1, "b": 1, "c": 1])
  }

  @Test(arguments: [
    ("SET n = n + :one", ["pk": "k", "n": 41], [":one": 1], .int(42)),
    ("SET n = n - :one", ["pk": "k", "n": 41], [":one": 1], .int(40)),
    ("SET n = :one + n", ["pk": "k", "n": 41], [":one": 1], .int(42)),
    ("SET n = :a - :b", ["pk": "k"], [":a": 5, ":b": 7], .int(-2)),
    ("SET n = n + :half", ["pk": "k", "n": 1], [":half": 0.5], .double(1.5)),
    ("SET n = n + :max", ["pk": "k", "n": 1], [":max": .int(.max)], .double(Double(Int.max) + 1)),
    ("SET n = if_not_exists(n, :zero) + :one", ["pk": "k"], [":zero": 0, ":one": 1], .int(1)),
    ("SET n = if_not_exists(n, :zero) + :one", ["pk": "k", "n": 7], [":zero": 0, ":one": 1], .int(8)),
    ("SET n = m-n", ["pk": "k", "n": 2, "m": 10], [:], .int(8)),
  ] as [(String, Item, [String: Value], Value)])
  func arithmetic(text: String, item: Item, values: [String: Value], expected: Value) throws {
    #expect(try apply(text, to: item, values: values)["n"] == expected)
  }

  @Test func listAppendConcatenates() throws {
    let item: Item = ["pk": "k", "l": [1, 2]]
    #expect(try apply("SET l = list_append(l, :more)", to: item, values: [":more": [3]])["l"] == [1, 2, 3])
    #expect(try apply("SET l = list_append(:more, l)", to: item, values: [":more": [0]])["l"] == [0, 1, 2])
    let fresh = try apply("SET l = list_append(if_not_exists(l, :empty), :more)", to: ["pk": "k"], values: [":empty": [], ":more": ["x"]])
    #expect(fresh["l"] == ["x"])
  }

  @Test func valuesAreReadFromTheItemBeforeTheUpdate() throws {
    let swapped = try apply("SET a = b, b = a", to: ["pk": "k", "a": 1, "b": 2])
    #expect(swapped == ["pk": "k", "a": 2, "b": 1])
  }

  @Test func setNestedMapMembers() throws {
    let item: Item = ["pk": "k", "a": ["x": 1, "y": 2], "d": 5]
    let updated = try apply("SET a.y = :v, a.z = :w", to: item, values: [":v": 20, ":w": 30])
    #expect(updated == ["pk": "k", "a": ["x": 1, "y": 20, "z": 30], "d": 5])
    if case .map(let fields)? = updated["a"] { #expect(Array(fields.keys) == ["x", "y", "z"]) }
  }

  @Test func setReplacesOrAppendsListElements() throws {
    let item: Item = ["pk": "k", "l": ["one", "two", "three"]]
    #expect(try apply("SET l[1] = :v", to: item, values: [":v": "TWO"])["l"] == ["one", "TWO", "three"])
    // An index past the end appends, whatever its number.
    #expect(try apply("SET l[7] = :v", to: item, values: [":v": "four"])["l"] == ["one", "two", "three", "four"])
    // Several appends go in index order, not clause order.
    let values: [String: Value] = [":a": "a84", ":b": "a37", ":c": "a17", ":d": "a50"]
    let appended = try apply("SET l[84] = :a, l[37] = :b, l[17] = :c, l[50] = :d", to: item, values: values)
    #expect(appended["l"] == ["one", "two", "three", "a17", "a37", "a50", "a84"])
  }

  @Test func setDeepPathWithPlaceholders() throws {
    let item: Item = ["pk": "k", "a": ["c": ["hi", ["x": ["y": [3, 5, 7]]]]]]
    let updated = try apply("SET a.c[1].#name.y[1] = :v", to: item, names: ["#name": "x"], values: [":v": 9])
    #expect(updated["a"] == ["c": ["hi", ["x": ["y": [3, 9, 7]]]]])
  }

  @Test func namePlaceholderWithADotIsOneAttribute() throws {
    let updated = try apply("SET #d = :v", to: ["pk": "k"], names: ["#d": "a.b"], values: [":v": 3])
    #expect(updated == ["pk": "k", "a.b": 3])
  }

  // MARK: - REMOVE

  @Test func removeDeletesAttributes() throws {
    let item: Item = ["pk": "k", "a": 1, "b": 2, "c": 3]
    #expect(try apply("REMOVE a, c", to: item) == ["pk": "k", "b": 2])
    #expect(try apply("remove missing", to: item) == item)
  }

  @Test func removeNestedMembersAndListElements() throws {
    let item: Item = ["pk": "k", "a": ["b": 3, "c": ["hi", ["x": ["y": [3, 5, 7]], "q": 2]]]]
    let updated = try apply("REMOVE a.c[1].x.y[1], a.c[1].q", to: item)
    #expect(updated["a"] == ["b": 3, "c": ["hi", ["x": ["y": [3, 7]]]]])
  }

  @Test func removeUsesTheOriginalListIndexes() throws {
    let item: Item = ["pk": "k", "l": [0, 1, 2, 3, 4, 5]]
    #expect(try apply("REMOVE l[1], l[3]", to: item)["l"] == [0, 2, 4, 5])
    #expect(try apply("REMOVE l[3], l[1]", to: item)["l"] == [0, 2, 4, 5])
    #expect(try apply("REMOVE l[17], a.missingLeaf", to: ["pk": "k", "l": [1], "a": [:]]) == ["pk": "k", "l": [1], "a": [:]])
  }

  @Test func setAndRemoveTogetherInEitherOrder() throws {
    let item: Item = ["pk": "k", "l": [2, 3, 4, 5, 6, 7], "old": "x"]
    let values: [String: Value] = [":v": 17]
    let expected: Item = ["pk": "k", "l": [2, 4, 17, 6, 7]]
    #expect(try apply("REMOVE l[1], old SET l[3] = :v", to: item, values: values) == expected)
    #expect(try apply("SET l[3] = :v REMOVE l[1], old", to: item, values: values) == expected)
    // The SET reads the attribute before REMOVE deletes it.
    #expect(try apply("REMOVE old SET copy = old", to: item) == ["pk": "k", "l": [2, 3, 4, 5, 6, 7], "copy": "x"])
  }

  // MARK: - Text and placeholders

  @Test(arguments: [
    ("SET a = :v", "SET a = :v"),
    ("set a=:v,b=if_not_exists(b,:now),n=n+:one", "SET a = :v, b = if_not_exists(b, :now), n = n + :one"),
    ("SET l = list_append(if_not_exists(l, :e), :x)", "SET l = list_append(if_not_exists(l, :e), :x)"),
    ("REMOVE a.b[2], #c", "REMOVE a.b[2], #c"),
    ("REMOVE a SET b = c - :d", "REMOVE a SET b = c - :d"),
    ("SET b = :x REMOVE a", "SET b = :x REMOVE a"),
  ])
  func canonicalText(text: String, canonical: String) throws {
    #expect(try UpdateExpression.parse(text).description == canonical)
  }

  @Test func placeholdersInOrderOfFirstAppearance() throws {
    let update = try UpdateExpression.parse("REMOVE #r SET #a = :x, #b = if_not_exists(#b, :y) + :x, c = list_append(#a, :z)")
    #expect(update.namePlaceholders == ["#r", "#a", "#b"])
    #expect(update.valuePlaceholders == [":x", ":y", ":z"])
  }

  @Test func parsedUpdatesAreHashable() throws {
    #expect(try UpdateExpression.parse("SET a = :x") == UpdateExpression.parse("SET a = :x"))
    #expect(try UpdateExpression.parse("SET a = :x") != UpdateExpression.parse("SET a = :y"))
  }

  // MARK: - ADD and DELETE

  @Test func addAddsToANumberAndStartsAMissingOneAtZero() throws {
    let updated = try apply("ADD n :one, m :two", to: ["pk": "k", "n": 41], values: [":one": 1, ":two": 2.5])
    #expect(updated == ["pk": "k", "n": 42, "m": 2.5])
  }

  @Test func addAndDeleteWorkOnSetsOfTheirOwnType() throws {
    let item: Item = ["pk": "k", "tags": .dynamoSet("SS", ["a", "b"])]
    let added = try apply("ADD tags :t, fresh :t", to: item, values: [":t": .dynamoSet("SS", ["b", "c"])])
    #expect(added["tags"] == .dynamoSet("SS", ["a", "b", "c"]))
    #expect(added["fresh"] == .dynamoSet("SS", ["b", "c"]))
    let deleted = try apply("DELETE tags :t", to: item, values: [":t": .dynamoSet("SS", ["a"])])
    #expect(deleted["tags"] == .dynamoSet("SS", ["b"]))
    // A set cannot be empty: deleting every element removes the attribute.
    let emptied = try apply("DELETE tags :t", to: item, values: [":t": .dynamoSet("SS", ["a", "b"])])
    #expect(emptied == ["pk": "k"])
    #expect(try apply("DELETE missing :t", to: item, values: [":t": .dynamoSet("SS", ["a"])]) == item)
  }

  @Test func addAndDeleteRefuseTheWrongTypes() throws {
    #expect(throws: ExpressionError(offset: 6, message: "ADD needs 'n' to be a number like :one, but it is a string")) {
      try apply("ADD n :one", to: ["pk": "k", "n": "x"], values: [":one": 1])
    }
    #expect(throws: ExpressionError(offset: 6, message: "ADD takes a number or a set, but :l is a list")) {
      try apply("ADD n :l", to: ["pk": "k"], values: [":l": [1]])
    }
    #expect(throws: ExpressionError(offset: 9, message: "ADD needs 'tags' to be a NS set like :n, but it is a SS set")) {
      try apply("ADD tags :n", to: ["pk": "k", "tags": .dynamoSet("SS", ["a"])], values: [":n": .dynamoSet("NS", [1])])
    }
    #expect(throws: ExpressionError(offset: 9, message: "DELETE takes a set, but :n is a number")) {
      try apply("DELETE n :n", to: ["pk": "k", "n": 1], values: [":n": 1])
    }
  }

  @Test func updatedAttributesAreTheTopLevelNamesWritten() throws {
    let update = try UpdateExpression.parse("SET #a.b = :v, c = :v REMOVE d ADD n :one DELETE s :s")
    #expect(update.updatedAttributes(names: ["#a": "profile"]) == ["profile", "c", "d", "n", "s"])
    #expect(update.description == "SET #a.b = :v, c = :v REMOVE d ADD n :one DELETE s :s")
  }

  // MARK: - Errors

  @Test(arguments: [
    ("", 0, "the update expression is empty"),
    (" ", 0, "the update expression is empty"),
    ("a = :v", 0, "an update expression starts with SET, REMOVE, ADD or DELETE, found 'a'"),
    (":v", 0, "an update expression starts with SET, REMOVE, ADD or DELETE, found ':v'"),
    ("SET", 3, "expected an attribute path after 'SET', found end of input"),
    ("SET :a = :b", 4, "the left side of '=' must be an attribute path, not ':a'"),
    ("SET if_not_exists(a, :v) = :v", 4, "expected an attribute path after 'SET', found 'if_not_exists'"),
    ("SET a :v", 6, "expected '=' after 'a', found ':v'"),
    ("SET a.b[1]", 10, "expected '=' after 'a.b[1]', found end of input"),
    ("SET a =", 7, "expected a value after '=', found end of input"),
    ("SET a = REMOVE", 8, "expected a value after '=', found 'REMOVE'"),
    ("SET a = :x +", 12, "expected a value after '+', found end of input"),
    ("SET a = :x + :y + :z", 16, "a SET value allows only one '+' or '-'; DynamoDB cannot chain them"),
    ("SET a = :x,", 11, "expected an attribute path after ',', found end of input"),
    ("SET a = :x b = :y", 11, "expected ',' or a new clause (SET, REMOVE, ADD or DELETE), found 'b'"),
    ("SET a = :x < :y", 11, "expected ',' or a new clause (SET, REMOVE, ADD or DELETE), found '<'"),
    ("SET a = :x SET b = :y", 11, "SET may appear only once in an update expression; separate its actions with commas"),
    ("REMOVE a remove b", 9, "REMOVE may appear only once in an update expression; separate its actions with commas"),
    ("ADD n", 5, "expected a :value after 'n' in ADD, found end of input"),
    ("ADD n = :one", 6, "expected a :value after 'n' in ADD, found '='"),
    ("ADD n :one ADD m :two", 11, "ADD may appear only once in an update expression; separate its actions with commas"),
    ("SET a = :v delete s", 19, "expected a :value after 's' in DELETE, found end of input"),
    ("SET n = :v ADD n :one", 15, "path 'n' appears twice; an update may change each attribute only once"),
    ("REMOVE :v", 7, "expected an attribute path after 'REMOVE', found ':v'"),
    ("REMOVE a,", 9, "expected an attribute path after ',', found end of input"),
    ("SET a = listappend(a, :l)", 8, "unknown function 'listappend'; did you mean 'list_append'?"),
    ("SET a = If_Not_Exists(a, :l)", 8, "unknown function 'If_Not_Exists'; did you mean 'if_not_exists'?"),
    ("SET a = f(b)", 8, "unknown function 'f'"),
    ("SET a = if_not_exists(:v, :w)", 22, "the first argument of if_not_exists must be an attribute path, not ':v'"),
    ("SET a = if_not_exists(a)", 8, "if_not_exists takes 2 arguments, but 1 was given"),
    ("SET a = list_append()", 8, "list_append takes 2 arguments, but 0 were given"),
    ("SET a = list_append(:a, :b, :c)", 8, "list_append takes 2 arguments, but 3 were given"),
    ("SET a = if_not_exists(a, :x + :y)", 28, "expected ',' or ')' to close '(' of if_not_exists opened at offset 21, found '+'"),
    ("SET a = attribute_exists(b)", 8, "'attribute_exists' can only be used in a ConditionExpression"),
    ("SET a = size(b)", 8, "'size' can only be used in a ConditionExpression"),
    ("SET a = :x, a = :y", 12, "path 'a' appears twice; an update may change each attribute only once"),
    ("SET #a = :x, #a = :y", 13, "path '#a' appears twice; an update may change each attribute only once"),
    ("SET a = :x REMOVE a", 18, "path 'a' appears twice; an update may change each attribute only once"),
    ("REMOVE a.b SET a = :x", 15, "paths 'a.b' and 'a' overlap; an update may change each attribute only once"),
    ("SET a = :x, a.b = :y", 12, "paths 'a' and 'a.b' overlap; an update may change each attribute only once"),
    ("SET a[1][1] = :x, a[1] = :y", 18, "paths 'a[1][1]' and 'a[1]' overlap; an update may change each attribute only once"),
    ("SET a.b = :x, a[1] = :y", 14, "paths 'a.b' and 'a[1]' conflict: one uses 'a' as a map, the other as a list"),
    ("SET a.b.c = :x, a.b[2] = :y", 16, "paths 'a.b.c' and 'a.b[2]' conflict: one uses 'a.b' as a map, the other as a list"),
    ("SET a = :x & :y", 11, "unexpected character '&'"),
  ])
  func rejectsMalformedText(text: String, offset: Int, message: String) {
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try UpdateExpression.parse(text)
    }
  }

  @Test func siblingsAndDifferentIndexesDoNotClash() throws {
    let item: Item = ["pk": "k", "a": ["b": 1, "c": 2], "l": [1, 2, 3]]
    let updated = try apply("SET a.b = :x, a.c = :y, l[0] = :x, l[2] = :y", to: item, values: [":x": 10, ":y": 20])
    #expect(updated == ["pk": "k", "a": ["b": 10, "c": 20], "l": [10, 2, 20]])
  }

  @Test(arguments: [
    ("SET a = :v", ["pk": "k"], [:], [:], 8, "missing value for placeholder ':v'"),
    ("SET #a = :v", ["pk": "k"], [:], [":v": 1], 4, "missing name for placeholder '#a'"),
    ("REMOVE #gone", ["pk": "k"], [:], [:], 7, "missing name for placeholder '#gone'"),
    // Names can make two different placeholders the same attribute.
    ("SET #a1 = :x, #a2 = :x", ["pk": "k"], ["#a1": "a", "#a2": "a"], [":x": 1], 14,
     "paths '#a1' and '#a2' overlap; an update may change each attribute only once"),
    ("SET n = n + :one", ["pk": "k"], [:], [":one": 1], 8,
     "the expression refers to attribute 'n', which does not exist in the item; use if_not_exists(n, :zero)"),
    ("SET n = :one - #n", ["pk": "k"], ["#n": "n"], [":one": 1], 15,
     "the expression refers to attribute '#n', which does not exist in the item; use if_not_exists(#n, :zero)"),
    ("SET c = b", ["pk": "k"], [:], [:], 8, "the expression refers to attribute 'b', which does not exist in the item"),
    ("SET l = list_append(l, :x)", ["pk": "k"], [:], [":x": [1]], 20,
     "the expression refers to attribute 'l', which does not exist in the item"),
    ("SET n = s + :one", ["pk": "k", "s": "text"], [:], [":one": 1], 8, "'+' needs two numbers, but 's' is a string"),
    ("SET n = n - :v", ["pk": "k", "n": 1], [:], [":v": ["x"]], 12, "'-' needs two numbers, but ':v' is a list"),
    ("SET n = if_not_exists(n, :zero) + :one", ["pk": "k"], [:], [":zero": "0", ":one": 1], 8,
     "'+' needs two numbers, but 'if_not_exists(n, :zero)' is a string"),
    ("SET l = list_append(l, :x)", ["pk": "k", "l": [1]], [:], [":x": "y"], 23, "list_append needs two lists, but ':x' is a string"),
    ("SET l = list_append(n, :x)", ["pk": "k", "n": 1], [:], [":x": [1]], 20, "list_append needs two lists, but 'n' is a number"),
    ("SET a.b = :v", ["pk": "k"], [:], [":v": 1], 4, "cannot set 'a.b': 'a' does not exist in the item"),
    ("SET a.b.c = :v", ["pk": "k", "a": [:]], [:], [":v": 1], 4, "cannot set 'a.b.c': 'a.b' does not exist in the item"),
    ("SET s.b = :v", ["pk": "k", "s": "text"], [:], [":v": 1], 4, "cannot set 's.b': 's' is a string, not a map"),
    ("SET s[0] = :v", ["pk": "k", "s": "text"], [:], [":v": 1], 4, "cannot set 's[0]': 's' is a string, not a list"),
    ("SET l[0].x = :v", ["pk": "k", "l": [7]], [:], [":v": 1], 4, "cannot set 'l[0].x': 'l[0]' is a number, not a map"),
    ("SET l[3].x = :v", ["pk": "k", "l": [7]], [:], [":v": 1], 4, "cannot set 'l[3].x': 'l[3]' does not exist in the item"),
    ("REMOVE a.b", ["pk": "k"], [:], [:], 7, "cannot remove 'a.b': 'a' does not exist in the item"),
    ("REMOVE m.x.y", ["pk": "k", "m": [:]], [:], [:], 7, "cannot remove 'm.x.y': 'm.x' does not exist in the item"),
    ("REMOVE s[0]", ["pk": "k", "s": "text"], [:], [:], 7, "cannot remove 's[0]': 's' is a string, not a list"),
    ("REMOVE l.x", ["pk": "k", "l": [1]], [:], [:], 7, "cannot remove 'l.x': 'l' is a list, not a map"),
  ] as [(String, Item, [String: String], [String: Value], Int, String)])
  func rejectsBadUpdatesWhenApplying(
    text: String, item: Item, names: [String: String], values: [String: Value], offset: Int, message: String
  ) throws {
    let update = try UpdateExpression.parse(text)
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try update.apply(to: item, names: names, values: values)
    }
  }
}
