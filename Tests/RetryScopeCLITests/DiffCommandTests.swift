import Foundation
import RetryCore
import Testing

@testable import RetryScopeCLI

/// `retryscope diff`: text, JSON, exit codes 0 (equal), 1 (different) and 2 (bad input).
@Suite struct DiffCommandTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("RetryLogsTests/Fixtures/raw-async-retries.log").path

  @Test func theSameRunTwiceIsEqualAndExitsZero() {
    let result = RetryScope.execute(["diff", "create-user", "create-user"])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("a: create-user seed 1 · Store data"))
    #expect(result.stdout.contains("\nb: create-user seed 1 · "))
    #expect(result.stdout.contains("users (table) · 2 rows · equal"))
    #expect(result.stdout.contains("no divergence: both runs take the same steps"))
    #expect(result.stdout.hasSuffix("the ledgers are equal\n"))
    #expect(!result.stdout.contains("\n! "))
  }

  @Test func aBuggyAndAFixedHandlerDifferAndExitOne() {
    // create-user and its fix: the same event and crash, a made-up id against the client's token.
    let result = RetryScope.execute(["diff", "create-user", "client-token"])
    #expect(result.exitCode == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
    #expect(lines.contains { $0.hasPrefix("! duplicates    1") && $0.hasSuffix("| 0") })
    #expect(lines.filter { $0.hasPrefix("! id=") && $0.hasSuffix("only a") }.count == 2)
    #expect(lines.contains { $0.hasPrefix("! id=5f0c6e1e-2b7a-") && $0.hasSuffix("only b") })
    #expect(result.stdout.contains("first divergence at step 4 (a t=0.348s, b t=0.347s):\n  a: A#1 inserts users["))
    #expect(result.stdout.contains("\n  b: A#1 inserts users[id=5f0c6e1e-2b7a-4e43-9d1c-3a8e2f6b9c01]."))
    #expect(result.stdout.hasSuffix("the ledgers differ: 3 rows (marked !)\n"))
  }

  @Test func twoSeedsCompare() {
    let result = RetryScope.execute(["diff", "create-user", "create-user", "--seed-b", "7"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.contains("b: create-user seed 7 · "))
    #expect(result.stdout.contains("key\n    ↳ b: id="))
    let both = RetryScope.execute(["diff", "async-interleave", "async-interleave", "--seed", "3", "--seed-b", "4"])
    #expect(both.exitCode == 0)
    #expect(both.stdout.contains("a: async-interleave seed 3"))
    #expect(both.stdout.contains("b: async-interleave seed 4"))
  }

  @Test func asciiUsesNoUnicode() {
    let result = RetryScope.execute(["diff", "create-user", "create-user", "--seed-b", "7", "--ascii"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.unicodeScalars.allSatisfy { $0.isASCII })
  }

  @Test func jsonForMachines() throws {
    let result = RetryScope.execute(["diff", "create-user", "condition-expression", "--format", "json"])
    #expect(result.exitCode == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["equal"] as? Bool == false)
    #expect(object["differences"] as? Int == 4)
    let a = try #require(object["a"] as? [String: Any])
    #expect(a["label"] as? String == "create-user seed 1")
    #expect(a["duplicates"] as? Int == 1)
    let targets = try #require(object["targets"] as? [[String: Any]])
    #expect(targets.map { $0["name"] as? String } == ["users", "orders", "labels"])
    let divergence = try #require(object["divergence"] as? [String: Any])
    #expect(divergence["step"] as? Int == 4)
    let equal = RetryScope.execute(["diff", "echo", "echo", "--format", "json"])
    #expect(equal.exitCode == 0)
    #expect(equal.stdout.contains("\"divergence\":null"))
  }

  @Test func logsAgainstTheirOwnTraceAreEqual() {
    let result = RetryScope.execute(["diff", Self.fixture, Self.fixture])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("orders (table)"))
    #expect(result.stdout.contains("x3 A#1+A#2+A#3"))
  }

  @Test func badInputIsOneLineAndExitTwo() {
    let unknown = RetryScope.execute(["diff", "create-usr", "echo"])
    #expect(unknown.exitCode == 2)
    #expect(unknown.stdout.isEmpty)
    #expect(unknown.stderr.hasPrefix("error: "))
    #expect(unknown.stderr.contains("create-user"))
    #expect(unknown.stderr.split(separator: "\n").count == 1)
    let reseedLogs = RetryScope.execute(["diff", Self.fixture, "echo", "--seed-a", "3"])
    #expect(reseedLogs.exitCode == 2)
    #expect(reseedLogs.stderr.hasPrefix("error: --seed-a: "))
    #expect(reseedLogs.stderr.hasSuffix("is a recorded trace, not a scenario: there is nothing to reseed\n"))
    let missing = RetryScope.execute(["diff", "echo"])
    #expect(missing.exitCode == 2)
    let format = RetryScope.execute(["diff", "echo", "echo", "--format", "yaml"])
    #expect(format.exitCode == 2)
  }
}
