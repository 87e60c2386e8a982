import RetryCore
import Testing
import Yams

@testable import RetryIO

/// Expression error offsets become the column of the offending character inside the scalar.
@Suite struct ScalarColumnsTests {
  /// The location of character `offset` of the value under `key` in `yaml`.
  func location(_ yaml: String, key: String = "key", offset: Int) throws -> String {
    let root = try #require(try Yams.compose(yaml: yaml))
    let value = try #require(root.mapping?[key])
    return ScalarColumns(yaml: yaml).location(ofOffset: offset, in: YAMLNode(node: value, file: "f")).description
  }

  @Test func plainScalar() throws {
    #expect(try location("key: attribute_not_exists(id", offset: 0) == "f:1:6")
    #expect(try location("key: attribute_not_exists(id", offset: 5) == "f:1:11")
    #expect(try location("a: 1\nkey: x + y\n", offset: 4) == "f:2:10")
  }

  @Test func singleQuotedScalar() throws {
    #expect(try location("key: 'it''s here'", offset: 0) == "f:1:7")
    #expect(try location("key: 'it''s here'", offset: 2) == "f:1:9")
    #expect(try location("key: 'it''s here'", offset: 3) == "f:1:11")
    #expect(try location("key: 'it''s here'", offset: 9) == "f:1:17")
  }

  @Test func doubleQuotedScalarWithEscapes() throws {
    let yaml = #"key: "a\tb\u00e9c""#
    #expect(try location(yaml, offset: 0) == "f:1:7")
    #expect(try location(yaml, offset: 1) == "f:1:8")
    #expect(try location(yaml, offset: 2) == "f:1:10")
    #expect(try location(yaml, offset: 3) == "f:1:11")
    #expect(try location(yaml, offset: 4) == "f:1:17")
    #expect(try location(yaml, offset: 5) == "f:1:18")
  }

  @Test func nonASCIICharactersCountOnce() throws {
    #expect(try location("key: \"é x\"", offset: 2) == "f:1:9")
    #expect(try location("key: é x", offset: 2) == "f:1:8")
  }

  @Test func offsetsPastTheEndPointAfterTheLastCharacter() throws {
    #expect(try location("key: abc", offset: 3) == "f:1:9")
    #expect(try location("key: abc", offset: 99) == "f:1:9")
  }

  @Test func blockAndMultiLineScalarsPointAtTheirStart() throws {
    #expect(try location("key: |\n  a = b\n", offset: 2) == "f:1:6")
    #expect(try location("key: >\n  a = b\n", offset: 2) == "f:1:6")
    #expect(try location("key: first\n  second\n", offset: 7) == "f:1:6")
    #expect(try location("key: \"first\n  second\"\n", offset: 7) == "f:1:6")
    #expect(try location("key: 'first\n  second'\n", offset: 7) == "f:1:6")
  }
}
