import Foundation
import RetryCore
import RetryIO
import RetryLogs
import RetryTestSupport
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// Frames of traces rebuilt from logs (the fixtures of RetryLogsTests): the same screen as a
/// simulation, with the captions of what the logs show. Re-record with
/// `RECORD_SNAPSHOTS=1 swift test --filter ImportedFrameTests` and review the diff.
@Suite struct ImportedFrameTests {
  static let directory = Snapshot.directory(besides: #filePath)
  static let fixtures: String = {
    let file = #filePath
    return String(file[..<file.range(of: "/RetryTUITests/")!.lowerBound]) + "/RetryLogsTests/Fixtures/"
  }()

  func state(_ name: String, _ options: LogOpenOptions = LogOpenOptions(), at target: GotoTarget) throws -> AppState {
    var state = try TUISetup.initialState(
      scenario: Self.fixtures + name, importOptions: options, seed: nil, theme: .mono, ascii: false,
      size: Size(width: 80, height: 24))
    state.scenarioName = name
    state.playhead = try target.eventIndex(in: state.trace).get()
    return state
  }

  func check(_ state: AppState, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try Snapshot.check(Fixtures.frame(state), named: "\(name).frame.txt", in: Self.directory, sourceLocation: sourceLocation)
  }

  @Test func lambdaRetriesOfOneRequestId() throws {
    try check(try state("raw-async-retries.log", at: .attempt(invocation: "A", number: 2)), "import-async-retries-80x24-A2")
    try check(try state("raw-async-retries.log", at: .end), "import-async-retries-80x24-end")
  }

  @Test func clientRetryTiedByTheCorrelationKeyAndStreamLanes() throws {
    var options = LogOpenOptions()
    options.correlate = "event.userId"
    try check(try state("tail-client-retry.txt", options, at: .attempt(invocation: "A", number: 2)), "import-client-retry-80x24-A2")
    options.lanes = .streams
    try check(try state("tail-client-retry.txt", options, at: .end), "import-client-retry-streams-80x24-end")
  }

  /// Every key works on an imported trace: step through it all and back, search, jump.
  @Test func stepsForwardAndBackThroughAnImport() throws {
    var state = try state("json-log-format.log", at: .start)
    let environment = try TUISetup.environment()
    let count = state.trace.events.count
    for _ in 0..<count { _ = AppReducer.reduce(&state, .key(.right), environment) }
    #expect(state.playhead == count - 1)
    for _ in 0..<count { _ = AppReducer.reduce(&state, .key(.left), environment) }
    #expect(state.playhead == 0)
    _ = AppReducer.reduce(&state, .key(.character("S")), environment)
    #expect(state.message == "an imported trace has no seed to change")
    #expect(state.reproduceCommand == "retryscope tui json-log-format.log")
  }
}

/// Whatever a broken log rebuilds into, the screen draws it: fixtures cut and corrupted, imported,
/// and drawn at the start, the middle and the end, at two sizes, with the folded and linear axes.
@Suite struct ImportedFrameFuzzTests {
  @Test(arguments: ["raw-async-retries.log", "tail-client-retry.txt", "filter-log-events-pages.json", "json-log-format.log", "insights.csv"])
  func corruptedImportsDraw(_ name: String) throws {
    let path = ImportedFrameTests.fixtures + name
    let original = try #require(FileManager.default.contents(atPath: path)).map { $0 }
    var generator = SplitMix64(seed: 99, stream: name)
    for _ in 0..<40 {
      var bytes = original
      for _ in 0..<(1 + Int(generator.next() % 4)) where !bytes.isEmpty {
        let at = Int(generator.next() % UInt64(bytes.count))
        switch generator.next() % 3 {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 80)))
        default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int(generator.next() % 120))], at: Int(generator.next() % UInt64(bytes.count)))
        }
      }
      let importer = LogImporter(options: .init(correlate: "event.userId", lanes: generator.next() % 2 == 0 ? .streams : .invocations))
      guard (try? importer.read(MemoryByteSource(bytes), name: name)) != nil else { continue }
      let (trace, _) = try importer.finish()
      guard !trace.events.isEmpty else { continue }
      let session = TraceSession(scenario: nil, trace: trace)
      for size in [Size(width: 80, height: 24), Size(width: 60, height: 16)] {
        var state = AppState(tour: [], tourPosition: nil, scenarioName: name, session: session, theme: .mono, size: size)
        for playhead in [0, trace.events.count / 2, trace.events.count - 1] {
          state.playhead = playhead
          state.timeMode = playhead % 2 == 0 ? .folded : .linear
          let frame = Fixtures.frame(state)
          #expect(frame.split(separator: "\n", omittingEmptySubsequences: false).count <= size.height + 1)
        }
      }
    }
  }
}
