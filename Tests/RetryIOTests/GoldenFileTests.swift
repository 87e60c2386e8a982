import Foundation
import RetryCore
import RetryTestSupport
import Testing

@testable import RetryIO

/// Byte-for-byte golden files of canonical scenarios: the trace JSON and the text report.
///
/// The same scenario and seed must give the same bytes on every machine; CI runs these on a fresh
/// one. After an intended change, re-record with `RECORD_SNAPSHOTS=1 swift test --filter GoldenFileTests`
/// and review the diff.
@Suite struct GoldenFileTests {
  static let directory = Snapshot.directory(besides: #filePath)

  static func check(_ actual: String, named name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try Snapshot.check(actual, named: name, in: directory, sourceLocation: sourceLocation)
  }

  static func trace(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  @Test(arguments: ["create-user", "sync-timeout-retry", "async-interleave", "status-previous-no", "cron-clock", "status-kinesis", "sqs-redrive"])
  func traceJSON(name: String) throws {
    try Self.check(TraceJSON.encode(try Self.trace(name)), named: "\(name).trace.json")
  }

  @Test(arguments: ["async-retries-dlq", "slack-at-least-once", "sync-error", "kinesis-serialize", "sqs-visibility-duplicate"])
  func textReport(name: String) throws {
    try Self.check(TraceTextReport(trace: try Self.trace(name)).render(), named: "\(name).txt")
  }

  @Test func asciiTextReport() throws {
    try Self.check(TraceTextReport(trace: try Self.trace("create-user"), ascii: true).render(), named: "create-user.ascii.txt")
  }

  @Test func anotherSeedGivesAnotherTrace() throws {
    let own = TraceJSON.encode(try Self.trace("async-interleave"))
    let other = TraceJSON.encode(try Self.trace("async-interleave", seed: 2))
    #expect(own != other, "seed 2 should draw other delays")
  }

  @Test func asciiReportHasNoNonASCIICharacters() throws {
    let text = TraceTextReport(trace: try Self.trace("sync-timeout-retry"), ascii: true).render()
    // Captions quote scenario text (which may be Unicode); the glyphs of the timeline are ASCII.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.hasPrefix("Timeline") })
    let timeline = lines[start...].prefix { !$0.isEmpty }.joined(separator: "\n")
    let allASCII = timeline.unicodeScalars.allSatisfy { $0.isASCII }
    #expect(allASCII, "\(timeline)")
    #expect(timeline.contains("[A#2 ok success 1m15s] (overlaps)"))
  }
}
