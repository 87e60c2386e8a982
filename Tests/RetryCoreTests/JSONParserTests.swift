import Testing

@testable import RetryCore

/// RFC 8259 over bytes: every kind of value, every escape, the numbers at the edges, and errors
/// that say where (line and column, counted in characters) and what.
@Suite struct JSONParserTests {
  /// `text` parsed, or the error's `line:column: message`.
  static func parse(_ text: String) -> Result<Value, JSONParseError> {
    do throws(JSONParseError) {
      return .success(try JSONParser.parse(text))
    } catch {
      return .failure(error)
    }
  }

  static func value(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Value? {
    switch parse(text) {
    case .success(let value): return value
    case .failure(let error):
      Issue.record("\(text): \(error)", sourceLocation: sourceLocation)
      return nil
    }
  }

  static func error(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
    switch parse(text) {
    case .success(let value):
      Issue.record("\(text) parsed as \(value)", sourceLocation: sourceLocation)
      return nil
    case .failure(let error): return error.description
    }
  }

  // MARK: - Values

  @Test func literals() {
    #expect(Self.value("true") == .bool(true))
    #expect(Self.value("false") == .bool(false))
    #expect(Self.value(" \t\r\n null \n") == .null)
    #expect(Self.error("tru") == "1:1: expected true")
    #expect(Self.error("nul") == "1:1: expected null")
    #expect(Self.error("True") == "1:1: expected a value (object, array, string, number, true, false or null)")
    #expect(Self.error("truex") == "1:5: unexpected text after the JSON value")
  }

  @Test func integers() {
    #expect(Self.value("0") == .int(0))
    #expect(Self.value("-0") == .int(0))
    #expect(Self.value("42") == .int(42))
    #expect(Self.value("-17") == .int(-17))
    #expect(Self.value("999999999999999999") == .int(999_999_999_999_999_999))
    #expect(Self.value("9223372036854775807") == .int(Int.max))
    #expect(Self.value("-9223372036854775808") == .int(Int.min))
  }

  @Test func integersTooBigForIntAreDoubles() {
    #expect(Self.value("9223372036854775808") == .double(9_223_372_036_854_775_808))
    #expect(Self.value("-9223372036854775809") == .double(-9.223372036854775808e18))
    #expect(Self.value("123456789012345678901234567890") == .double(1.2345678901234568e29))
  }

  @Test func fractionsAndExponents() {
    #expect(Self.value("0.5") == .double(0.5))
    #expect(Self.value("-26.73") == .double(-26.73))
    #expect(Self.value("1e3") == .double(1_000))
    #expect(Self.value("1E+3") == .double(1_000))
    #expect(Self.value("2.5e-3") == .double(0.0025))
    #expect(Self.value("1.0") == .double(1), "a fraction makes a double, even .0")
    #expect(Self.value("1e400") == .double(Double.infinity), "out of range: infinity (written back as null)")
  }

  @Test func malformedNumbers() {
    #expect(Self.error("-") == "1:2: expected a digit")
    #expect(Self.error("-x") == "1:2: expected a digit")
    #expect(Self.error("1.") == "1:3: expected a digit after '.'")
    #expect(Self.error("1.e3") == "1:3: expected a digit after '.'")
    #expect(Self.error("1e") == "1:3: expected a digit in the exponent")
    #expect(Self.error("1e+") == "1:4: expected a digit in the exponent")
    #expect(Self.error(".5") == "1:1: expected a value (object, array, string, number, true, false or null)")
    #expect(Self.error("+1") == "1:1: expected a value (object, array, string, number, true, false or null)")
    // RFC 8259: no leading zeros. `0` is a number; the `1` after it is not part of it.
    #expect(Self.error("01") == "1:2: unexpected text after the JSON value")
    #expect(Self.error("-01") == "1:3: unexpected text after the JSON value")
    #expect(Self.error("[01]") == "1:3: expected ',' or ']' in an array")
  }

  @Test func stringsWithEveryEscape() {
    #expect(Self.value(#""plain""#) == .string("plain"))
    #expect(Self.value(#""""#) == .string(""))
    #expect(Self.value(#""\" \\ \/ \b \f \n \r \t""#) == .string("\" \\ / \u{08} \u{0C} \n \r \t"))
    #expect(Self.value(#""\u0041\u00e9\u20AC\u0000""#) == .string("Aé€\u{0}"))
    #expect(Self.value(#""before \n after""#) == .string("before \n after"))
    #expect(Self.value("\"héllo wörld ✓\"") == .string("héllo wörld ✓"))
  }

  @Test func surrogatePairsAndLoneSurrogates() {
    #expect(Self.value(#""\uD83D\uDE00""#) == .string("😀"))
    #expect(Self.value(#""\ud83d\ude00!""#) == .string("😀!"))
    #expect(Self.value(#""\uD83D""#) == .string("\u{FFFD}"), "a high half at the end")
    #expect(Self.value(#""\uD83Dx""#) == .string("\u{FFFD}x"), "a high half before text")
    #expect(Self.value(#""\uDE00""#) == .string("\u{FFFD}"), "a low half alone")
    #expect(Self.value(#""\uD83D\u0041""#) == .string("\u{FFFD}A"), "the escape after a lone high half is kept")
    #expect(Self.value(#""\uD83D\uD83D\uDE00""#) == .string("\u{FFFD}😀"), "two high halves, then a low one")
    #expect(Self.value(#""\uD83D\n""#) == .string("\u{FFFD}\n"))
  }

  @Test func malformedStrings() {
    #expect(Self.error("\"abc") == "1:5: the text ends inside a string")
    #expect(Self.error("\"ab\\") == "1:5: the text ends inside a string")
    #expect(Self.error("\"a\\nb") == "1:6: the text ends inside a string")
    #expect(Self.error("\"a\u{01}b\"") == "1:3: a control character inside a string (escape it)")
    #expect(Self.error("\"a\nb\"") == "1:3: a control character inside a string (escape it)")
    #expect(Self.error("\"\\n\tb\"") == "1:4: a control character inside a string (escape it)")
    #expect(Self.error(#""\x41""#) == "1:3: unknown escape '\\x' in a string")
    #expect(Self.error(#""\u00G0""#) == "1:6: expected 4 hex digits after \\u", "at the first byte that is not one")
    #expect(Self.error(#""\u00"#) == "1:4: expected 4 hex digits after \\u")
  }

  @Test func containers() {
    #expect(Self.value("[]") == .list([]))
    #expect(Self.value("{}") == .map([:]))
    #expect(Self.value(" [ 1 , \"two\" , [ null ] , { } ] ") == .list([1, "two", [nil], .map([:])]))
    let nested: Value = ["a": ["b": [true, false]]]
    #expect(Self.value(#"{"a":{"b":[true,false]}}"#) == nested)
  }

  @Test func mapsKeepTheirKeyOrder() throws {
    let value = try #require(Self.value(#"{"z":1,"a":2,"m":3}"#))
    guard case .map(let fields) = value else { Issue.record("not a map"); return }
    #expect(Array(fields.keys) == ["z", "a", "m"])
    #expect(JSONText.compact(value) == #"{"z":1,"a":2,"m":3}"#)
  }

  @Test func duplicateKeysTheLastOneWins() throws {
    let value = try #require(Self.value(#"{"a":1,"b":2,"a":3}"#))
    #expect(value["a"] == .int(3))
    #expect(JSONText.compact(value) == #"{"a":3,"b":2}"#, "at the first key's place")
  }

  @Test func malformedContainers() {
    #expect(Self.error("[1,]") == "1:4: expected a value (object, array, string, number, true, false or null)")
    #expect(Self.error("[1 2]") == "1:4: expected ',' or ']' in an array")
    #expect(Self.error("[1,") == "1:4: the text ends where a value should be")
    #expect(Self.error("[") == "1:2: the text ends where a value should be")
    #expect(Self.error("[1") == "1:3: the text ends inside an array")
    #expect(Self.error("{") == "1:2: the text ends inside an object")
    #expect(Self.error("{\"a\"") == "1:5: expected ':' after a key")
    #expect(Self.error("{\"a\":") == "1:6: the text ends where a value should be")
    #expect(Self.error("{\"a\":1") == "1:7: the text ends inside an object")
    #expect(Self.error("{\"a\":1,}") == "1:8: expected a string key")
    #expect(Self.error("{a:1}") == "1:2: expected a string key")
    #expect(Self.error("{\"a\" 1}") == "1:6: expected ':' after a key")
    #expect(Self.error("{\"a\":1 \"b\":2}") == "1:8: expected ',' or '}' in an object")
    #expect(Self.error("[1]]") == "1:4: unexpected text after the JSON value")
    #expect(Self.error("") == "1:1: the text ends where a value should be")
    #expect(Self.error("   ") == "1:4: the text ends where a value should be")
  }

  @Test func nestingIsLimited() {
    let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    #expect(Self.value(deepest) != nil)
    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(Self.error(tooDeep) == "1:513: nested more than 512 levels deep")
    let objects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
    #expect(Self.error(objects) == "1:2561: nested more than 512 levels deep")
    // Far deeper than the limit: refused, not a stack overflow.
    #expect(Self.error(String(repeating: "[", count: 100_000)) == "1:513: nested more than 512 levels deep")
  }

  // MARK: - Positions

  @Test func errorsCountLinesAndColumnsInCharacters() {
    #expect(Self.error("{\n  \"a\": 1,\n  \"b\" 2\n}") == "3:7: expected ':' after a key")
    #expect(Self.error("[\r\n1,\r\n x]") == "3:2: expected a value (object, array, string, number, true, false or null)")
    // Multi-byte characters count one column each: é (2 bytes), € (3), 😀 (4).
    #expect(Self.error("[\"é€😀\", x]") == "1:9: expected a value (object, array, string, number, true, false or null)")
    #expect(Self.error("\n\n  \"😀😀\" 1") == "3:8: unexpected text after the JSON value")
  }

  @Test func errorsKnowTheirByteOffset() {
    guard case .failure(let error) = Self.parse("[\"é\", x]") else { Issue.record("parsed"); return }
    #expect(error.offset == 7)
    #expect(error.line == 1 && error.column == 7)
  }

  @Test func anErrorCanBePlacedAtAnyOffset() {
    var text = "ab\n😀 cd"
    text.withUTF8 { bytes in
      let error = JSONParseError(offset: 8, in: bytes, message: "here")
      #expect(error.description == "2:3: here")
      #expect(JSONParseError(offset: 0, in: bytes, message: "start").description == "1:1: start")
      #expect(JSONParseError(offset: 99, in: bytes, message: "past").offset == bytes.count)
    }
  }

  // MARK: - Several values

  @Test func parsePrefixReadsConcatenatedDocuments() throws {
    var text = #"{"a":1} {"b":[2]}"# + "\n[3]\n\"s\"  7"
    let values: [Value] = try text.withUTF8 { (bytes) throws(JSONParseError) -> [Value] in
      var offset = 0
      var values: [Value] = []
      while true {
        var end = offset
        while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x0A { end += 1 }
        if end == bytes.count { break }
        let (value, next) = try JSONParser.parsePrefix(bytes, from: offset)
        values.append(value)
        offset = next
      }
      return values
    }
    #expect(values == [["a": 1], ["b": [2]], [3], "s", 7])
  }

  @Test func parsePrefixStopsRightAfterTheValue() throws {
    var text = "  [1, 2]xyz"
    let end = try text.withUTF8 { (bytes) throws(JSONParseError) -> Int in try JSONParser.parsePrefix(bytes, from: 0).1 }
    #expect(end == 8)
  }

  @Test func looksLikeObject() {
    var samples: [(String, Bool)] = [(" {\"a\":1} \n", true), ("{}", true), ("[]", false), ("{", false), ("x{}", false), ("", false)]
    for index in samples.indices {
      let expected = samples[index].1
      let result = samples[index].0.withUTF8 { JSONParser.looksLikeObject($0) }
      #expect(result == expected, "\(samples[index].0)")
    }
  }
}
