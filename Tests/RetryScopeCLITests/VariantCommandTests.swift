import Foundation
import RetryCore
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// Handler variants on the command line: `--variant NAME` on run, tui and check, `NAME@VARIANT`
/// wherever a scenario is named (diff's sides, :diff), list and validate naming them.
@Suite struct VariantCommandTests {
  static let unknown = "error: unknown variant 'mark-frist' of slack-at-least-once; did you mean: mark-first?\n"

  @Test func runWithAVariantRunsItsHandlerAndEndsWithItsLesson() {
    let result = RetryScope.execute(["run", "slack-at-least-once", "--variant", "mark-first"])
    #expect(result.exitCode == 0)
    #expect(result.stdout.hasPrefix("slack-at-least-once@mark-first · seed 1 · "))
    #expect(result.stdout.contains("A#1 inserts dedup[id=msg-1]."))
    #expect(result.stdout.contains("0 duplicates."))
    #expect(result.stdout.hasSuffix("a crash between the mark and the post would lose it.\n"))
    // NAME@VARIANT is the same run.
    #expect(RetryScope.execute(["run", "slack-at-least-once@mark-first"]).stdout == result.stdout)
    // Without it, the scenario's own handler: the duplicate POST.
    #expect(RetryScope.execute(["run", "slack-at-least-once"]).stdout.contains("1 duplicate."))
  }

  @Test func runFramesAndTracesCarryTheVariantsName() {
    let frame = RetryScope.execute(["run", "slack-at-most-once", "--variant", "post-first", "--format", "frame", "--at", "A#2"])
    #expect(frame.exitCode == 0)
    #expect(frame.stdout.hasPrefix(" ❚❚ pause  slack-at-most-once@post-first · Event · seed 1"))
    let json = RetryScope.execute(["run", "slack-at-most-once@post-first", "--format", "json"])
    #expect(json.stdout.contains(#""scenario":"slack-at-most-once@post-first""#))
  }

  @Test func anUnknownVariantIsOneLineWithTheClosestNamesAndExitTwo() {
    for arguments in [
      ["run", "slack-at-least-once", "--variant", "mark-frist"], ["run", "slack-at-least-once@mark-frist"],
      ["check", "slack-at-least-once", "--variant", "mark-frist"], ["tui", "slack-at-least-once", "--variant", "mark-frist"],
      ["diff", "slack-at-least-once", "slack-at-least-once@mark-frist"],
    ] {
      let result = RetryScope.execute(arguments)
      #expect(result.exitCode == 2, "\(arguments)")
      #expect(result.stdout.isEmpty, "\(arguments)")
      #expect(result.stderr == Self.unknown, "\(arguments)")
    }
    let none = RetryScope.execute(["run", "create-user", "--variant", "fixed"])
    #expect(none.exitCode == 2)
    #expect(none.stderr == "error: unknown variant 'fixed' of create-user: it has no handler variants\n")
    let both = RetryScope.execute(["run", "slack-at-least-once@mark-first", "--variant", "mark-first"])
    #expect(both.exitCode == 2)
    #expect(both.stderr == "error: 'slack-at-least-once@mark-first' already names a variant; give --variant or NAME@VARIANT, not both\n")
  }

  @Test func aRecordedTraceHasNoVariant() throws {
    let fixture = DiffCommandTests.fixture
    let result = RetryScope.execute(["run", fixture, "--variant", "mark-first"])
    #expect(result.exitCode == 2)
    #expect(result.stderr == "error: --variant: \(fixture) is a recorded trace, not a scenario: it has no handler to switch\n")
    #expect(throws: CLIError.self) {
      try TUISetup.initialState(
        scenario: fixture, seed: nil, variant: "mark-first", theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    }
  }

  /// The checker checks the variant's handler: marking first trades the duplicate for a loss.
  @Test func checkChecksTheVariantsHandler() {
    let own = RetryScope.execute(["check", "slack-at-least-once", "--max-faults", "1", "--max-duplicates", "0"])
    #expect(own.exitCode == 1)
    #expect(own.stdout.hasPrefix("check slack-at-least-once: not idempotent: duplicate effects"))
    let variant = RetryScope.execute(["check", "slack-at-least-once", "--variant", "mark-first", "--max-faults", "1", "--max-duplicates", "0"])
    #expect(variant.exitCode == 1)
    #expect(variant.stdout.hasPrefix("check slack-at-least-once@mark-first: not idempotent: lost effects"))
    #expect(!variant.stdout.contains("duplicate effects"))
  }

  @Test func diffTakesASideWithAVariant() {
    let result = RetryScope.execute(["diff", "slack-at-least-once", "slack-at-least-once@mark-first"])
    #expect(result.exitCode == 1)
    #expect(result.stdout.hasPrefix("a: slack-at-least-once seed 1 · "))
    #expect(result.stdout.contains("\nb: slack-at-least-once@mark-first seed 1 · "))
    #expect(result.stdout.contains("! duplicates    1                               | 0"))
    #expect(result.stdout.contains("  b: A#1 inserts dedup[id=msg-1]."))
    let same = RetryScope.execute(["diff", "slack-at-least-once@mark-first", "slack-at-most-once"])
    #expect(same.stdout.contains("slack (endpoint)"))
  }

  @Test func tuiStartsOnTheVariantAndItsReplayCommandNamesIt() throws {
    let state = try TUISetup.initialState(
      scenario: "slack-at-least-once", seed: nil, variant: "mark-first", theme: .mono, ascii: false,
      size: Size(width: 80, height: 24))
    #expect(state.scenarioName == "slack-at-least-once@mark-first")
    #expect(state.session.scenario?.variant == "mark-first")
    // It keeps its scenario's place in the talk tour.
    #expect(state.tourPosition == state.tour.firstIndex(of: "slack-at-least-once"))
    #expect(state.tourPosition != nil)
    #expect(state.reproduceCommand == "retryscope tui slack-at-least-once@mark-first --seed 1")
    let written = try TUISetup.initialState(
      scenario: "slack-at-least-once@mark-first", seed: 3, theme: .mono, ascii: false, size: Size(width: 80, height: 24))
    #expect(written.reproduceCommand == "retryscope tui slack-at-least-once@mark-first --seed 3")
  }

  @Test func listAndValidateNameTheVariants() throws {
    let lines = RetryScope.execute(["list"]).stdout.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("slack-at-least-once ") && $0.hasSuffix("(demo 9)  (variant mark-first)") })
    #expect(lines.contains { $0.hasPrefix("slack-at-most-once ") && $0.hasSuffix("(demo 8)  (variant post-first)") })
    #expect(lines.contains { $0.hasPrefix("create-user ") && !$0.contains("variant") })
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retryscope-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("variants.yaml")
    let yaml = """
      name: variants
      handler: [{return: 1}]
      variants:
        - {name: two, handler: [{log: a}, {return: 2}]}
        - {name: three, handler: [{return: 3}]}
      invocations: [{id: A, type: Event}]
      """
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    let result = RetryScope.execute(["validate", file.path])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "\(file.path): ok: scenario 'variants', 1 invocation, 1 handler step, 2 handler variants (two, three)\n")
    let run = RetryScope.execute(["run", file.path + "@two"])
    #expect(run.exitCode == 0)
    #expect(run.stdout.hasPrefix("variants@two · seed 1"))
  }
}
