#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import RetryCore
import RetryIO
import RetryLogs
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// Hostile trace files never trap: trace files of built-in scenarios and of an import, mutated
/// field by field (extreme integers, deleted and duplicated elements and ids, swapped fields), are
/// either refused in one line with `file:line:column`, or read into a trace that every consumer
/// draws: the text report, the captions, the trace written again, and frames of the terminal UI
/// at the start, middle and end, folded and linear, at two sizes, after stepping and zooming.
/// A trap anywhere ends the test process: the assertion is that we get back.
///
/// Seeded: a failure replays. A longer campaign:
/// `FUZZ_ITERATIONS=3000 FUZZ_SEED=7 swift test --skip-build --filter TraceFileFuzzTests` (27,000 files);
/// `FUZZ_DEBUG=/tmp/trace-fuzz` writes each case to `/tmp/trace-fuzz.json` before it runs (the
/// one a trap leaves there is the one that trapped).
@Suite struct TraceFileFuzzTests {
  static let scenarios = [
    "create-user", "sync-timeout-retry", "async-retries-dlq", "cron-clock", "sqs-redrive-partial", "status-kinesis",
    "async-duplicate-delivery", "newsletter-post",
  ]

  /// The seed traces as JSON values: simulated ones and one rebuilt from logs.
  static let seeds: [(name: String, value: Value)] = {
    var seeds: [(String, Value)] = []
    for name in scenarios {
      let trace = Simulator(scenario: try! BuiltinScenarios.load(named: name), seed: nil).run()
      seeds.append((name, try! JSONParser.parse(TraceJSON.encode(trace))))
    }
    let importer = LogImporter(options: .init(correlate: "event.userId"))
    let log = try! Data(contentsOf: URL(fileURLWithPath: ImportedFrameTests.fixtures + "raw-async-retries.log"))
    try! importer.read(MemoryByteSource([UInt8](log)), name: "raw-async-retries.log")
    seeds.append(("import", try! JSONParser.parse(TraceJSON.encode(importer.finish().0))))
    return seeds
  }()

  static let sections = ["invocations", "attempts", "waits", "effects", "outcomes", "events", "tables", "endpoints"]

  /// Integers that break arithmetic: the ends of Int64 and Int32, around them, and negatives.
  static let extremes: [Value] = [
    .int(Int.min), .int(Int.max), .int(Int.min + 1), .int(Int.max - 1), .int(-1), .int(0), .int(Int(Int32.max)),
    .int(Int(Int32.max) + 1), .int(Int(Int32.min)), .int(1 << 53), .int(-(1 << 53)), .int(3_155_760_000_000),
    .int(3_155_760_000_001), .double(1e300), .double(-1e300), .double(-0.0), .double(0.5), .string("1"), .null,
  ]

  @Test(arguments: seeds.indices)
  func mutatedTraceFilesAreRefusedOrDrawn(_ seedIndex: Int) throws {
    let (name, original) = Self.seeds[seedIndex]
    var generator = SplitMix64(seed: FuzzSettings.seed, stream: "trace-" + name)
    var read = 0
    var refused = 0
    let iterations = FuzzSettings.iterations(default: 100)
    for _ in 0..<iterations {
      var value = original
      for _ in 0..<(1 + Int(generator.next() % 3)) { Self.mutate(&value, &generator) }
      let text = Self.traceText(value)
      FuzzSettings.dump(text, suffix: ".json")
      do {
        let trace = try TraceJSONDecoder.decode(text, file: "fuzz.json")
        Self.consume(trace, &generator)
        read += 1
      } catch {
        // One line that places the problem, never a trap.
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix("fuzz.json:"))
        refused += 1
      }
    }
    #expect(read + refused == iterations)
    // The mutations must leave many files readable, or the consumers are not exercised.
    #expect(read * 5 >= iterations, "\(name): \(read) read, \(refused) refused")
    if FuzzSettings.requestedIterations != nil { print("trace fuzz \(name): \(read) read, \(refused) refused") }
  }

  /// Everything that reads a trace, as the commands and the terminal UI read it.
  static func consume(_ trace: Trace, _ generator: inout SplitMix64) {
    _ = TraceJSON.encode(trace)
    _ = TraceTextReport(trace: trace).render()
    let narrator = Narrator(trace: trace)
    for index in trace.events.indices { _ = narrator.caption(at: index) }
    guard !trace.events.isEmpty else { return }
    let session = TraceSession(scenario: nil, trace: trace)
    for size in [Size(width: 80, height: 24), Size(width: 60, height: 16)] {
      var state = AppState(tour: [], tourPosition: nil, scenarioName: "fuzz", session: session, theme: .mono, size: size)
      for playhead in [0, trace.events.count / 2, trace.events.count - 1] {
        state.playhead = playhead
        state.timeMode = playhead % 2 == 0 ? .folded : .linear
        _ = Fixtures.frame(state)
      }
      let keys: [Key] = [.right, .character("]"), .character("}"), .character("+"), .character("z"), .character("-"), .left, .character("G")]
      for _ in 0..<3 {
        AppReducer.reduce(&state, .key(keys[Int(generator.next() % UInt64(keys.count))]), Fixtures.environment)
      }
      _ = Fixtures.frame(state)
    }
  }

  // MARK: - Mutations

  /// One mutation of the trace's JSON: an element's field set to an extreme or another element's
  /// value, deleted, or swapped with another field; an element deleted, duplicated or moved.
  static func mutate(_ value: inout Value, _ generator: inout SplitMix64) {
    guard case .map(var top) = value else { return }
    let choice = generator.next() % 10
    if choice == 9 {
      // meta: its origin, the focus, the timeout.
      guard case .map(var meta)? = top["meta"] else { return }
      let keys = ["originMillis", "functionTimeout", "focus", "origin", "seed"]
      let key = keys[Int(generator.next() % UInt64(keys.count))]
      meta[key] = generator.next() % 4 == 0 ? nil : extremes[Int(generator.next() % UInt64(extremes.count))]
      top["meta"] = .map(meta)
      value = .map(top)
      return
    }
    let section = sections[Int(generator.next() % UInt64(sections.count))]
    guard case .list(var items)? = top[section], !items.isEmpty else { return }
    let at = Int(generator.next() % UInt64(items.count))
    switch choice {
    case 0:  // an element deleted: what pointed at it dangles, indexes after it shift
      items.remove(at: at)
    case 1:  // an element duplicated: ids twice
      items.insert(items[at], at: Int(generator.next() % UInt64(items.count + 1)))
    case 2:  // two elements swapped
      items.swapAt(at, Int(generator.next() % UInt64(items.count)))
    default:
      guard case .map(var fields) = items[at], !fields.isEmpty else { return }
      let keys = Array(fields.keys)
      let key = keys[Int(generator.next() % UInt64(keys.count))]
      switch choice {
      case 3, 4:  // an extreme number
        fields[key] = extremes[Int(generator.next() % UInt64(extremes.count))]
      case 5:  // deleted
        fields[key] = nil
      case 6:  // swapped with another field of the element (start and end, invocation and key)
        let other = keys[Int(generator.next() % UInt64(keys.count))]
        let saved = fields[key]
        fields[key] = fields[other]
        fields[other] = saved
      case 7:  // the same field of another element (an id, a reference, a time)
        let source = items[Int(generator.next() % UInt64(items.count))]
        if case .map(let other) = source, let taken = other[key] { fields[key] = taken }
      default:  // a name nobody declares, or an empty one
        fields[key] = .string(generator.next() % 2 == 0 ? "" : "Z\(generator.next() % 10)")
      }
      items[at] = .map(fields)
    }
    top[section] = .list(items)
    value = .map(top)
  }

  /// The trace's JSON laid out as the writer lays it out: one key, one element per line.
  static func traceText(_ value: Value) -> String {
    guard case .map(let top) = value else { return JSONText.compact(value) }
    var lines: [String] = []
    for (key, item) in top {
      let name = JSONText.compact(.string(key))
      if case .list(let items) = item, sections.contains(key) {
        lines.append("  \(name): [\n" + items.map { "    " + JSONText.compact($0) }.joined(separator: ",\n") + "\n  ]")
      } else {
        lines.append("  \(name): " + JSONText.compact(item))
      }
    }
    return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
  }
}

/// The knobs of the fuzz suites: `FUZZ_ITERATIONS` (per seed file; by default a few hundred
/// cases a suite, a few seconds), `FUZZ_SEED`, `FUZZ_DEBUG` (a path prefix each case is written
/// to before it runs).
enum FuzzSettings {
  static let debugPath: String? = getenv("FUZZ_DEBUG").map { String(cString: $0) }
  static let requestedIterations = getenv("FUZZ_ITERATIONS").flatMap { Int(String(cString: $0)) }
  static func iterations(default count: Int) -> Int { requestedIterations ?? count }
  static let seed = getenv("FUZZ_SEED").flatMap { UInt64(String(cString: $0)) } ?? 2026

  static func dump(_ text: String, suffix: String) {
    guard let debugPath else { return }
    let file = fopen(debugPath + suffix, "w")
    fputs(text, file)
    fclose(file)
  }
}
