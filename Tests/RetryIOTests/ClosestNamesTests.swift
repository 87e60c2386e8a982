import Testing

@testable import RetryIO

@Suite struct ClosestNamesTests {
  @Test func oneEdit() {
    #expect(closestNames(to: "nme", among: ["name", "title"]) == ["name"])
    #expect(closestNames(to: "maximumRetryAttempt", among: ["maximumRetryAttempts", "maximumEventAgeInSeconds"]) == ["maximumRetryAttempts"])
  }

  @Test func transpositionCountsAsOneEdit() {
    #expect(closestNames(to: "tabel", among: ["table", "key"]) == ["table"])
  }

  @Test func caseIsIgnored() {
    #expect(closestNames(to: "event", among: ["RequestResponse", "Event"]) == ["Event"])
    #expect(closestNames(to: "requestresponse", among: ["RequestResponse", "Event"]) == ["RequestResponse"])
  }

  @Test func allClosestInGivenOrder() {
    #expect(closestNames(to: "cat", among: ["bat", "dog", "car"]) == ["bat", "car"])
  }

  @Test func unrelatedNamesGetNoSuggestion() {
    #expect(closestNames(to: "xyz", among: ["echo", "square"]) == [])
    #expect(closestNames(to: "colour", among: ["name", "title", "lesson"]) == [])
  }

  @Test func longerNamesAllowMoreEdits() {
    #expect(closestNames(to: "crate-usr", among: ["create-user", "echo"]) == ["create-user"])
    #expect(closestNames(to: "ab", among: ["abc"]) == ["abc"])
  }
}
