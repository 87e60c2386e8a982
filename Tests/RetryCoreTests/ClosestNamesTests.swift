import Testing

@testable import RetryCore

@Suite struct ClosestNamesTests {
  static let scenarios = ["create-user", "delete-user", "retry-storm", "poison-pill", "duplicate-delivery"]

  @Test func suggestsTheMisspeltScenario() {
    #expect(ClosestNames.suggest("crate-user", among: Self.scenarios) == ["create-user"])
    #expect(ClosestNames.suggest("retyr-storm", among: Self.scenarios) == ["retry-storm"])
  }

  @Test func countsAnAdjacentSwapAsOneEdit() {
    #expect(ClosestNames.distance("craete", "create") == 1)
    #expect(ClosestNames.distance("ab", "ba") == 1)
    // Optimal string alignment: the swapped pair cannot be edited again, so "ca" -> "abc" is 3, not 2.
    #expect(ClosestNames.distance("ca", "abc") == 3)
    #expect(ClosestNames.distance("kitten", "sitting") == 3)
    #expect(ClosestNames.distance("", "abc") == 3)
    #expect(ClosestNames.distance("abc", "") == 3)
    #expect(ClosestNames.distance("same", "same") == 0)
  }

  @Test func ignoresLetterCase() {
    #expect(ClosestNames.suggest("Create-User", among: Self.scenarios) == ["create-user"])
    #expect(ClosestNames.suggest("TIMEOUT", among: ["timeout", "Timeout2"]) == ["timeout", "Timeout2"])
  }

  @Test func closestFirstThenCandidateOrder() {
    let candidates = ["abcx", "abyy", "abcd", "xbcd"]
    // abcd: 0 edits; abcx and xbcd: 1 (in the candidates' order); abyy: 2.
    #expect(ClosestNames.suggest("abcd", among: candidates, limit: 10) == ["abcd", "abcx", "xbcd", "abyy"])
    #expect(ClosestNames.suggest("abcd", among: candidates) == ["abcd", "abcx", "xbcd"])
    #expect(ClosestNames.suggest("abcd", among: candidates, limit: 1) == ["abcd"])
  }

  @Test func thresholdGrowsWithTheNameLength() {
    // Short names allow 2 edits.
    #expect(ClosestNames.suggest("ab", among: ["xy", "xyz"]) == ["xy"])
    // 12 characters allow 4 edits, not 5.
    #expect(ClosestNames.suggest("abcdefghijkl", among: ["abcdefghWXYZ", "abcdefgVWXYZ"]) == ["abcdefghWXYZ"])
  }

  @Test func addsCandidatesThatContainTheNameAfterTheNearOnes() {
    let keys = ["user-created", "create-user", "users", "delete"]
    // "users" is 1 edit away; the others contain "user" but are far, and keep the candidates' order.
    #expect(ClosestNames.suggest("user", among: keys) == ["users", "user-created", "create-user"])
    #expect(ClosestNames.suggest("storm", among: Self.scenarios) == ["retry-storm"])
    #expect(ClosestNames.suggest("DELIVERY", among: Self.scenarios) == ["duplicate-delivery"])
  }

  @Test func nothingCloseGivesNothing() {
    #expect(ClosestNames.suggest("zzzzzzzz", among: Self.scenarios).isEmpty)
    #expect(ClosestNames.suggest("crate-user", among: []).isEmpty)
    #expect(ClosestNames.suggest("crate-user", among: Self.scenarios, limit: 0).isEmpty)
  }

  @Test func anEmptyNameOnlyMatchesShortCandidates() {
    // Without the containment rule every candidate would contain "".
    #expect(ClosestNames.suggest("", among: ["id", "name", "x"]) == ["x", "id"])
  }

  @Test func repeatedCandidatesAreSuggestedOnce() {
    #expect(ClosestNames.suggest("usr", among: ["user", "user", "users"]) == ["user", "users"])
  }
}
