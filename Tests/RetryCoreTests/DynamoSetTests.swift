import RetryCore
import Testing

/// DynamoDB's set and binary types as `Value`'s tagged maps, and what conditions make of them.
@Suite struct DynamoSetTests {
  func holds(_ text: String, on item: Item, values: [String: Value] = [:]) throws -> Bool {
    try ConditionExpression.parse(text).evaluate(on: item, names: [:], values: values)
  }

  @Test func tagsRoundTripAndNameTheirDynamoType() {
    let set = Value.dynamoSet("NS", [1, 2.5])
    #expect(set == .map(["$NS": [1, 2.5]]))
    #expect(set.dynamoSet?.type == "NS")
    #expect(set.dynamoType == "NS")
    #expect(Value.dynamoBinary(base64: "AAE=").dynamoType == "B")
    #expect(Value.dynamoBinary(base64: "AAE=").dynamoBinary == "AAE=")
    #expect(Value.map(["$SS": 3]).isReservedTagMap)
    #expect(!Value.map(["$SS": 3, "other": 1]).isReservedTagMap)
    #expect(Value.map(["a": 1]).dynamoType == "M")
  }

  @Test func conditionsSeeSetsAsSets() throws {
    let item: Item = ["pk": "k", "tags": .dynamoSet("SS", ["a", "b"]), "raw": .dynamoBinary(base64: "AAEC")]
    #expect(try holds("contains(tags, :a)", on: item, values: [":a": "a"]))
    #expect(try !holds("contains(tags, :z)", on: item, values: [":z": "z"]))
    #expect(try holds("size(tags) = :two", on: item, values: [":two": 2]))
    #expect(try holds("size(raw) = :three", on: item, values: [":three": 3]))
    #expect(try holds("attribute_type(tags, :ss)", on: item, values: [":ss": "SS"]))
    #expect(try !holds("attribute_type(tags, :m)", on: item, values: [":m": "M"]))
  }
}

/// What a Query's KeyConditionExpression may say.
@Suite struct KeyConditionTests {
  @Test(arguments: [
    ("pk = :v", nil),
    ("pk = :v AND sk > :s", nil),
    ("begins_with(sk, :p) AND #p = :v", nil),
    ("pk = :v AND sk BETWEEN :a AND :b", nil),
    ("sk = :s", "Query condition missed key schema element: pk"),
    ("pk > :v", "Query key condition not supported"),
    ("pk = :v OR pk = :w", "Query key condition not supported"),
    ("pk = :v AND other = :w", "Query condition missed key schema element: sk"),
    ("pk = :v AND sk <> :w", "Query key condition not supported"),
    ("pk = :v AND pk = :w", "Query key condition not supported"),
  ] as [(String, String?)])
  func keyConditionShapes(_ text: String, _ problem: String?) throws {
    let condition = try ConditionExpression.parse(text)
    #expect(condition.keyConditionProblem(partitionKey: "pk", sortKey: "sk", names: ["#p": "pk"]) == problem)
  }
}
