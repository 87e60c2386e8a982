import RetryCore
import Testing

/// Scenario templates: literals, typed `${expr}`, interpolation, escapes, the expression language
/// and every error message.
@Suite struct TemplateTests {
  static let roots: [String: Value] = [
    "event": [
      "n": 7,
      "half": 0.5,
      "mail": "ann@example.com",
      "user": ["id": 42, "name": "Ann"],
      "items": [["name": "first"], ["name": "second"]],
      "i": 1,
      "big": .int(.max),
      "flag": true,
      "empty": nil,
    ],
    "clock": "2019-09-20T09:00:00Z",
    "requestId": "c0ffee",
    "nothing": nil,
  ]

  func value(_ text: String, roots: [String: Value] = roots) throws -> Value {
    try Template.parse(text).evaluate { roots[$0] }
  }

  // MARK: - Literals and escapes

  @Test(arguments: ["plain text", "", "costs $5", "{not a template}", "$ {x}", "a $", "$", "$$", "}"])
  func textWithoutPlaceholdersIsALiteral(text: String) throws {
    #expect(try Template.parse(text) == .literal(.string(text)))
  }

  @Test func dollarDollarBraceIsALiteralDollarBrace() throws {
    #expect(try Template.parse("$${x}") == .literal(.string("${x}")))
    #expect(try Template.parse("a $${b} c $${") == .literal(.string("a ${b} c ${")))
    #expect(try value("cost $${n} is ${event.n}") == "cost ${n} is 7")
    #expect(try value("$$${event.n}") == "$${event.n}")
  }

  // MARK: - Typed values

  @Test(arguments: [
    ("${event.n}", .int(7)),
    ("${event.half}", .double(0.5)),
    ("${event.user}", ["id": 42, "name": "Ann"]),
    ("${event.items}", [["name": "first"], ["name": "second"]]),
    ("${event.flag}", true),
    ("${event.empty}", nil),
    ("${event.missing}", nil),
    ("${ 7 * 7 }", .int(49)),
    ("${1.5}", .double(1.5)),
    ("${'x'}", "x"),
    ("${\"double \\\"quoted\\\"\"}", "double \"quoted\""),
    ("${'it\\'s'}", "it's"),
    ("${'a\\nb\\tc\\\\'}", "a\nb\tc\\"),
    ("${'}'}", "}"),
    ("${true}", true),
    ("${false}", false),
    ("${null}", nil),
    ("${requestId}", "c0ffee"),
  ] as [(String, Value)])
  func singleExpressionKeepsItsType(text: String, expected: Value) throws {
    #expect(try value(text) == expected)
  }

  // MARK: - Interpolation

  @Test(arguments: [
    ("user ${event.user.id} at ${clock}", "user 42 at 2019-09-20T09:00:00Z"),
    ("${event.n}${event.n}", "77"),
    (" ${event.n}", " 7"),
    ("${event.n} ", "7 "),
    ("mail: ${event.mail}", "mail: ann@example.com"),
    ("user=${event.user}", "user={\"id\":42,\"name\":\"Ann\"}"),
    ("items=${event.items}", "items=[{\"name\":\"first\"},{\"name\":\"second\"}]"),
    ("missing=${event.missing}, flag=${event.flag}", "missing=null, flag=true"),
    ("square ${event.n * event.n}", "square 49"),
    ("half ${event.half * 2}", "half 1"),
  ])
  func interpolationRendersDisplayText(text: String, expected: String) throws {
    #expect(try value(text) == .string(expected))
  }

  // MARK: - Operators

  @Test(arguments: [
    ("${1 + 2 * 3}", .int(7)),
    ("${(1 + 2) * 3}", .int(9)),
    ("${10 - 4 - 3}", .int(3)),
    ("${2 * -3}", .int(-6)),
    ("${-(2 + 3)}", .int(-5)),
    ("${--4}", .int(4)),
    ("${-event.n}", .int(-7)),
    ("${-event.half}", .double(-0.5)),
    ("${7 % 3}", .int(1)),
    ("${-7 % 3}", .int(-1)),
    ("${7.5 % 2}", .double(1.5)),
    ("${7 / 2}", .double(3.5)),
    ("${6 / 3}", .int(2)),
    ("${-6 / 3}", .int(-2)),
    ("${1 / 4.0}", .double(0.25)),
    ("${1.5 + 1.5}", .double(3)),
    ("${event.n + event.half}", .double(7.5)),
    ("${100 / 10 / 5}", .int(2)),
    ("${2 + 3 * 4 - 10 / 5 % 3}", .int(12)),
    ("${((((1))))}", .int(1)),
    ("${event.big + 1}", .double(Double(Int.max) + 1)),
    ("${event.big * 2}", .double(Double(Int.max) * 2)),
    ("${'ab' + \"cd\"}", "abcd"),
    ("${event.mail + '!'}", "ann@example.com!"),
  ] as [(String, Value)])
  func arithmeticFollowsUsualPrecedence(text: String, expected: Value) throws {
    #expect(try value(text) == expected)
  }

  // MARK: - Members and indexes

  @Test(arguments: [
    ("${event.user.name}", "Ann"),
    ("${event.items[0].name}", "first"),
    ("${event.items[1]['name']}", "second"),
    ("${event[\"user\"][\"id\"]}", .int(42)),
    ("${event.items[event.i].name}", "second"),
    ("${event.items[event.i - 1].name}", "first"),
    ("${event.items[1.0].name}", "second"),
    ("${event.items[2]}", nil),
    ("${event.items[-1]}", nil),
    ("${event.items['name']}", nil),
    ("${event.user[0]}", nil),
    ("${event.n.x}", nil),
    ("${event.missing.deeper.still}", nil),
    ("${event.user.name.first}", nil),
    ("${(event.user).name}", "Ann"),
  ] as [(String, Value)])
  func membersAndIndexes(text: String, expected: Value) throws {
    #expect(try value(text) == expected)
  }

  // MARK: - Root names

  @Test func evaluateAsksResolveForEachRootName() throws {
    var asked: [String] = []
    let template = try Template.parse("${user.id}-${clock}-${user.name}")
    let result = try template.evaluate { name in
      asked.append(name)
      return name == "user" ? ["id": 1, "name": "Bo"] : "now"
    }
    #expect(result == "1-now-Bo")
    #expect(asked == ["user", "clock", "user"])
  }

  @Test func rootNamesAreCollectedRecursively() throws {
    #expect(try Template.parse("${event.a + user.b} at ${clock}").rootNames == ["event", "user", "clock"])
    #expect(try Template.parse("${items[i + offset]}").rootNames == ["items", "i", "offset"])
    #expect(try Template.parse("${-x % (y * 2)}").rootNames == ["x", "y"])
    #expect(try Template.parse("${true} ${null} ${'s'} ${1}").rootNames.isEmpty)
    #expect(try Template.parse("plain").rootNames.isEmpty)
    let nested = try Template.from(["a": "${event.a}", "b": ["${user.b}", 1, ["c": "${clock}"]], "d": "$${literal}"])
    #expect(nested.rootNames == ["event", "user", "clock"])
  }

  // MARK: - Templates from values

  @Test func fromParsesEveryStringButNotMapKeys() throws {
    let template = try Template.from([
      "${key}": "${event.n}",
      "list": ["x ${event.user.name}", 3, nil, true],
      "plain": "text",
      "number": 1.5,
    ])
    let expected: Value = [
      "${key}": 7,
      "list": ["x Ann", 3, nil, true],
      "plain": "text",
      "number": 1.5,
    ]
    #expect(try template.evaluate { Self.roots[$0] } == expected)
    guard case .map(let fields) = template else {
      Issue.record("expected a map template, got \(template)")
      return
    }
    #expect(Array(fields.keys) == ["${key}", "list", "plain", "number"])
    #expect(fields["plain"] == .literal("text"))
    #expect(fields["number"] == .literal(1.5))
  }

  @Test func fromScalarsAreLiterals() throws {
    #expect(try Template.from(5) == .literal(5))
    #expect(try Template.from(nil) == .literal(nil))
    #expect(try Template.from(["a", "b"]) == .list([.literal("a"), .literal("b")]))
  }

  @Test func fromKeepsTheOffsetWithinTheNestedString() {
    #expect(throws: ExpressionError(offset: 5, message: "expected '}' to close '${' opened at offset 2, found end of text")) {
      try Template.from(["outer": ["inner": ["x ${a"]]])
    }
  }

  @Test func textKeepsItsSource() throws {
    guard case .text(let text) = try Template.parse("hi ${user}") else {
      Issue.record("expected a text template")
      return
    }
    #expect(text.source == "hi ${user}")
    #expect(text.description == "hi ${user}")
  }

  // MARK: - Errors

  @Test(arguments: [
    ("${", 2, "expected an expression after '${', found end of text"),
    ("${}", 2, "expected an expression after '${', found '}'"),
    ("${ }", 3, "expected an expression after '${', found '}'"),
    ("${a", 3, "expected '}' to close '${' opened at offset 0, found end of text"),
    ("x ${a b}", 6, "expected '}' to close '${' opened at offset 2, found 'b'"),
    ("${a}${b", 7, "expected '}' to close '${' opened at offset 4, found end of text"),
    ("${(a}", 4, "expected ')' to close '(' opened at offset 2, found '}'"),
    ("${a[0}", 5, "expected ']' to close '[' opened at offset 3, found '}'"),
    ("${a[]}", 4, "expected an expression after '[', found ']'"),
    ("${a.}", 4, "expected a member name after '.', found '}'"),
    ("${a.0}", 4, "expected a member name after '.', found '0'; use [0] to index a list"),
    ("${1 +}", 5, "expected an expression after '+', found '}'"),
    ("${2 * / 3}", 6, "expected an expression after '*', found '/'"),
    ("${-}", 3, "expected an expression after '-', found '}'"),
    ("${a & b}", 4, "unexpected character '&'"),
    ("${a == b}", 4, "unexpected character '='"),
    ("${{a}}", 2, "unexpected character '{'"),
    ("${'abc}", 2, "unterminated string; expected a closing '"),
    ("${\"abc}", 2, "unterminated string; expected a closing \""),
    ("${'a\\qb'}", 4, "unknown escape '\\q' in a string; use \\\\, \\', \\\", \\n, \\t or \\r"),
    ("${99999999999999999999}", 2, "number '99999999999999999999' is too large"),
    ("\u{1F389} ${a b}", 6, "expected '}' to close '${' opened at offset 2, found 'b'"),  // offsets count characters
    ("cafe\u{301} ${a b}", 9, "expected '}' to close '${' opened at offset 5, found 'b'"),
  ])
  func rejectsMalformedTemplates(text: String, offset: Int, message: String) {
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try Template.parse(text)
    }
  }

  @Test(arguments: [
    ("${usr.id}", 2, "unknown name 'usr'"),
    ("id: ${event.n + usr}", 16, "unknown name 'usr'"),
    ("${event.a * 2}", 2, "event.a is null"),
    ("${2 * event.a}", 6, "event.a is null"),
    ("${event.items[5].n + 1}", 2, "event.items[5].n is null"),
    ("${nothing + 1}", 2, "nothing is null"),
    ("${-event.empty}", 3, "event.empty is null"),
    ("${event.items[event.a]}", 14, "event.a is null"),
    ("${null + 1}", 7, "cannot add null and a number"),
    ("${'id-' + event.n}", 8, "cannot add a string and a number; use interpolation"),
    ("${event.n + event.mail}", 10, "cannot add a number and a string; use interpolation"),
    ("${event.flag + 1}", 13, "cannot add a bool and a number"),
    ("${event.user + event.user}", 13, "cannot add a map and a map"),
    ("${'ab' * 3}", 7, "cannot multiply a string by a number"),
    ("${3 - 'a'}", 4, "cannot subtract a string from a number"),
    ("${event.flag / 2}", 13, "cannot divide a bool by a number"),
    ("${event.items % 2}", 14, "cannot take the remainder of a list divided by a number"),
    ("${-event.mail}", 2, "cannot negate a string"),
    ("${1 / 0}", 4, "division by zero"),
    ("${1.5 / 0.0}", 6, "division by zero"),
    ("${5 % 0}", 4, "division by zero"),
    ("${event.n / (event.n - 7)}", 10, "division by zero"),
    ("${event.items[1.5]}", 14, "an index must be a whole number or a string, not 1.5"),
    ("${event.items[true]}", 14, "an index must be a whole number or a string, not true"),
    ("${event.items[null]}", 14, "an index must be a whole number or a string, not null"),
  ])
  func rejectsBadValuesWhenEvaluating(text: String, offset: Int, message: String) throws {
    let template = try Template.parse(text)
    #expect(throws: ExpressionError(offset: offset, message: message)) {
      try template.evaluate { Self.roots[$0] }
    }
  }

  @Test func tooLargeResultsAreErrors() throws {
    let template = try Template.parse("${x * x}")
    #expect(throws: ExpressionError(offset: 4, message: "the result of '*' is too large")) {
      try template.evaluate { _ in .double(1e300) }
    }
  }
}
