import RetryCore
import RetryIO
import RetryTestSupport
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// Frames of key moments, as text files in `Snapshots/`: what the audience sees at 80x24 (a
/// projector) and 120x40 (a laptop). After an intended change, re-record with
/// `RECORD_SNAPSHOTS=1 swift test --filter FrameSnapshotTests` and review the diff.
@Suite struct FrameSnapshotTests {
  static let directory = Snapshot.directory(besides: #filePath)
  static let small = Size(width: 80, height: 24)
  static let large = Size(width: 120, height: 40)

  func check(_ state: AppState, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try Snapshot.check(Fixtures.frame(state), named: "\(name).frame.txt", in: Self.directory, sourceLocation: sourceLocation)
  }

  func state(_ scenario: String, size: Size = small, at target: GotoTarget = .end) throws -> AppState {
    var state = try Fixtures.state(scenario, size: size)
    state.playhead = try target.eventIndex(in: state.trace).get()
    return state
  }

  @Test func asyncRetriesToTheDeadLetterQueue() throws {
    try check(try state("async-retries-dlq", at: .start), "async-retries-dlq-80x24-start")
    try check(try state("async-retries-dlq", at: .attempt(invocation: "A", number: 2)), "async-retries-dlq-80x24-A2")
    try check(try state("async-retries-dlq"), "async-retries-dlq-80x24-end")
    try check(try state("async-retries-dlq", size: Self.large), "async-retries-dlq-120x40-end")
  }

  @Test func createUserDuplicateRow() throws {
    let trace = try state("create-user").trace
    let duplicate = GotoTarget.step(trace.events.firstIndex { event in
      event.effect.map { trace.effects[$0].duplicateOf != nil } ?? false
    }! + 1)
    try check(try state("create-user", at: duplicate), "create-user-80x24-duplicate")
    try check(try state("create-user", size: Self.large, at: duplicate), "create-user-120x40-duplicate")
  }

  @Test func syncTimeoutRetryOverlaps() throws {
    try check(try state("sync-timeout-retry", at: .attempt(invocation: "A", number: 3)), "sync-timeout-retry-80x24-A3")
    try check(try state("sync-timeout-retry", size: Self.large), "sync-timeout-retry-120x40-end")
  }

  @Test func asyncInterleave() throws {
    try check(try state("async-interleave", at: .step(12)), "async-interleave-80x24-step12")
    try check(try state("async-interleave", size: Self.large), "async-interleave-120x40-end")
    var linear = try state("async-interleave")
    linear.timeMode = .linear
    try check(linear, "async-interleave-80x24-linear")
  }

  @Test func conditionExpressionSkip() throws {
    let skip = try state("condition-expression").trace.events.firstIndex { $0.kind == .effect && $0.note == nil && $0.attempt == 2 }!
    try check(try state("condition-expression", at: .step(skip + 1)), "condition-expression-80x24-skip")
  }

  @Test func newsletterPostAndSlack() throws {
    try check(try state("newsletter-post"), "newsletter-post-80x24-end")
    try check(try state("slack-at-most-once", size: Self.large), "slack-at-most-once-120x40-end")
    try check(try state("cron-clock"), "cron-clock-80x24-end")
  }

  // MARK: event sources (scenarios written here: the built-in ones are added elsewhere)

  static let kinesisYAML = """
    name: kinesis-blocked
    title: A poison record blocks its shard
    tables: [{name: orders, partitionKey: id}]
    eventSource: {type: kinesis, shards: 2, maximumRetryAttempts: 2, onFailure: {type: sqs, target: stream-failures}}
    records:
      - {id: r1, at: 0s, partitionKey: alice}
      - {id: r2, at: 100ms, partitionKey: alice}
      - {id: r3, at: 200ms, partitionKey: alice}
      - {id: b1, at: 300ms, partitionKey: bob}
      - {id: r4, at: 1500ms, partitionKey: alice}
    handler:
      - {name: write, put: {table: orders, item: {id: "${record.kinesis.partitionKey}-${record.kinesis.sequenceNumber}"}}}
    faults:
      - {invocation: r2, before: write}
    """

  static let sqsYAML = """
    name: sqs-redrive
    title: A poison message goes to the queue's DLQ
    tables: [{name: orders, partitionKey: id}]
    eventSource: {type: sqs, queue: {name: orders, visibilityTimeout: 30s, maxReceiveCount: 2, deadLetterQueue: orders-dlq}}
    records:
      - {id: m1}
      - {id: m2}
      - {id: m3, at: 2s}
    handler:
      - {name: write, put: {table: orders, item: {id: "${record.messageId}", by: "${requestId}"}}}
    faults:
      - {invocation: m2, before: write}
    """

  func eventSourceState(_ yaml: String, name: String, at target: GotoTarget = .end) throws -> AppState {
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "\(name).yaml")
    var state = TUISetup.state(named: name, scenario, seed: nil, theme: .dark, ascii: false, size: Self.small)
    state.playhead = try target.eventIndex(in: state.trace).get()
    return state
  }

  @Test func kinesisShardBlockedByAPoisonRecord() throws {
    // The second try of the failed batch: the shard visibly blocked, r4 waiting behind it.
    let trace = try eventSourceState(Self.kinesisYAML, name: "kinesis-blocked").trace
    let secondFailure = trace.events.firstIndex { $0.kind == .attemptEnd && $0.invocation == "shard-2" && $0.attempt == 2 }!
    try check(
      try eventSourceState(Self.kinesisYAML, name: "kinesis-blocked", at: .step(secondFailure + 2)),
      "kinesis-blocked-80x24-shard-2-2")
    try check(try eventSourceState(Self.kinesisYAML, name: "kinesis-blocked"), "kinesis-blocked-80x24-end")
  }

  @Test func sqsRedriveToTheQueuesDeadLetterQueue() throws {
    try check(try eventSourceState(Self.sqsYAML, name: "sqs-redrive"), "sqs-redrive-80x24-end")
  }

  @Test func helpOverlay() throws {
    var help = try state("async-retries-dlq", at: .start)
    help.mode = .help(scroll: 0)
    try check(help, "help-80x24")
    help.size = Self.large
    try check(help, "help-120x40")
  }

  @Test func tooSmall() throws {
    try check(try state("async-retries-dlq", size: Size(width: 50, height: 14)), "too-small-50x14")
  }

  @Test func pickerSearchAndCommandLine() throws {
    let start = try state("create-user", at: .start)
    try check(Fixtures.after([.character("o"), .character("s"), .character("t")], from: start), "picker-80x24-filtered")
    try check(Fixtures.after("/insert".map { Key.character($0) } + [.enter], from: start), "search-80x24-insert")
    try check(Fixtures.after(":goto A#".map { Key.character($0) }, from: start), "command-line-80x24")
  }

  @Test func asciiFrameIsPlainASCII() throws {
    var state = try state("create-user")
    state.ascii = true
    try check(state, "create-user-80x24-ascii")
    let text = Fixtures.frame(state)
    #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
  }

  @Test func everyScenarioDrawsAtEverySizeWithoutLosingTheFrame() throws {
    for name in Fixtures.environment.catalog.map(\.name) {
      for size in [Size(width: 60, height: 16), Self.small, Self.large, Size(width: 200, height: 60)] {
        var state = try Fixtures.state(name, size: size)
        for playhead in [0, state.session.lastEvent / 2, state.session.lastEvent] {
          state.playhead = playhead
          let lines = Fixtures.frame(state).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
          #expect(lines.count == size.height, "\(name) \(size)")
          #expect(lines.allSatisfy { DisplayText.width(String($0)) <= size.width }, "\(name) \(size)")
          #expect(lines[0].contains(name), "\(name) \(size): status line")
        }
      }
    }
  }
}

/// Colour is never the only signal, and mono means no colour at all.
@Suite struct ThemeTests {
  @Test func monoUsesNoColour() {
    for style in Theme(.mono).allStyles {
      #expect(style.foreground == nil && style.background == nil)
    }
  }

  /// The light theme is for light backgrounds, where dark blue text reads well; the dark one
  /// must never use it on the (black) default background.
  @Test func darkNeverPutsDarkBlueOnBlack() {
    for style in Theme(.dark).allStyles {
      #expect(!(style.foreground == .blue && (style.background == nil || style.background == .black)))
    }
  }

  @Test func outcomesDifferInGlyphAsWellAsColour() {
    for glyphs in [Glyphs.unicode, .ascii] {
      let symbols = AttemptOutcome.allCases.map(glyphs.outcome)
      #expect(Set(symbols).count == symbols.count)
    }
  }

  @Test func duplicatesStandOutInTheFrame() throws {
    var state = try Fixtures.state("create-user")
    state.playhead = state.session.lastEvent
    let grid = FrameRenderer.render(state, environment: Fixtures.environment)
    let row = try #require((0..<grid.size.height).first { grid.line($0).contains("x2 A#1+A#2") })
    let x = grid.line(row).distance(from: grid.line(row).startIndex, to: grid.line(row).range(of: "x2")!.lowerBound)
    #expect(grid[x, row].style == Theme(.dark).style(.duplicate))
  }
}
