#if canImport(Glibc)
  import Glibc
#endif
import RetryCore
import Testing

@testable import RetryLogs

/// Garbage never crashes an import: every fixture, cut and corrupted in many ways (bytes
/// flipped, dropped, repeated, lines shuffled), either imports with lines skipped or is refused
/// with one line. A trap here would end the test process: the assertion is that we get back.
/// The mutations come from a fixed seed, so a failure replays.
@Suite struct ImportFuzzTests {
  static let fixtures = [
    "raw-async-retries.log", "raw-old-timeout-crlf.log", "raw-new-timeout.log", "tail-client-retry.txt",
    "filter-log-events-pages.json", "get-log-events-pages.json", "json-log-format.log", "insights.csv", "insights.json",
    "insights-query-results.json",
  ]

  /// A mutation of `bytes` drawn from `generator`.
  static func mutate(_ bytes: [UInt8], _ generator: inout SplitMix64) -> [UInt8] {
    var bytes = bytes
    let rounds = 1 + Int(generator.next() % 6)
    for _ in 0..<rounds where !bytes.isEmpty {
      let at = Int(generator.next() % UInt64(bytes.count))
      switch generator.next() % 8 {
      case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
      case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 64)))
      case 2: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int(generator.next() % 200))], at: Int(generator.next() % UInt64(bytes.count)))
      case 3: bytes = Array(bytes[0..<at])
      case 4: bytes[at] = [UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x09, UInt8(ascii: "["), UInt8(ascii: ","), 0x00, 0xFF][Int(generator.next() % 10)]
      case 5:
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.count > 2 {
          let a = Int(generator.next() % UInt64(lines.count))
          let b = Int(generator.next() % UInt64(lines.count))
          lines.swapAt(a, b)
          bytes = Array(lines.joined(separator: [0x0A]))
        }
      case 6: bytes.insert(contentsOf: Array("START RequestId: \u{0}\u{1}x Version: \n REPORT RequestId: Duration: 9e999 ms\t".utf8), at: at)
      default: bytes.insert(contentsOf: Array("\u{FEFF}2024-13-45T99:99:99.9999999Z\tzz\tERROR\tInvoke Error {\"errorType\":".utf8), at: at)
      }
    }
    return bytes
  }

  /// A seed of its own: lines with extreme times that still parse (the years 0000 and 9999 at
  /// the widest zone offsets, 18-digit epoch milliseconds, the largest and smallest integers in
  /// JSON), among ordinary ones, in every container that carries a time of its own.
  static let extremeTimes: [(name: String, text: String)] = {
    let id = "ffffffff-0000-4000-8000-00000000000"
    let lines = [
      "2025-03-01T10:00:00.000Z START RequestId: \(id)1 Version: $LATEST",
      "9999-12-31T23:59:59.999-99:99\t\(id)1\tINFO\t{\"effect\": {\"kind\": \"insert\", \"target\": \"t\", \"key\": \"k\"}}",
      "0000-01-01T00:00:00.000+99:99 END RequestId: \(id)1",
      "2025-03-01T10:00:00.100Z REPORT RequestId: \(id)1\tDuration: 999999999999 ms\tMemory Size: 99999999999 MB",
      "{\"time\": 9223372036854775807, \"type\": \"platform.start\", \"record\": {\"requestId\": \"\(id)2\"}}",
      "{\"time\": -9223372036854775808, \"type\": \"platform.report\", \"record\": {\"requestId\": \"\(id)2\", \"metrics\": {\"durationMs\": 9.99e11}}}",
      "1900-01-01T00:00:00.000Z START RequestId: \(id)3 Version: $LATEST",
      "2125-03-01T10:00:00.000Z REPORT RequestId: \(id)3\tDuration: 5 ms",
      "START RequestId: \(id)4 Version: $LATEST",
      "REPORT RequestId: \(id)4\tDuration: 999999999999 ms",
    ]
    let events = lines.enumerated().map { index, line in
      let stamp = ["9223372036854775807", "-9223372036854775808", "999999999999999999", "253402300799999", "1740823200000"][index % 5]
      let message = line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\t", with: "\\t")
      return "{\"timestamp\": \(stamp), \"message\": \"\(message)\", \"logStreamName\": \"s\"}"
    }
    let rows = lines.enumerated().map { index, line in
      let stamp = ["999999999999999999", "0000-01-01 00:00:00.000", "9999-12-31 23:59:59.999", "2025-03-01 10:00:00.000"][index % 4]
      return stamp + ",\"" + line.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return [
      ("extreme-times.log", lines.joined(separator: "\n")),
      ("extreme-times.json", "{\"events\": [" + events.joined(separator: ",\n") + "]}"),
      ("extreme-times.csv", "@timestamp,@message\n" + rows.joined(separator: "\n")),
    ]
  }()

  /// Every time of an imported trace is one the trace reader accepts (docs/trace-format.md,
  /// "Bounds"): `import --out` never writes a trace that `tui` refuses.
  static func isWithinBounds(_ trace: Trace) -> Bool { ImportTimeBoundsTests.isWithinBounds(trace) }

  @Test(arguments: fixtures)
  func mutatedFixturesImportOrAreRefusedWithoutCrashing(_ name: String) throws {
    fuzz(ImportFixture.bytes(name), name: name)
  }

  @Test(arguments: extremeTimes.map(\.name))
  func extremeButParseableTimesNeverTrapAndStayInBounds(_ name: String) throws {
    let original = Array(Self.extremeTimes.first { $0.name == name }!.text.utf8)
    // The seed itself, then its mutations.
    let (trace, _) = try ImportFixture.load(text: String(decoding: original, as: UTF8.self), name: name)
    #expect(Self.isWithinBounds(trace))
    fuzz(original, name: name)
  }

  func fuzz(_ original: [UInt8], name: String) {
    var generator = SplitMix64(seed: ProcessInfoShim.seed, stream: name)
    var imported = 0
    var refused = 0
    let iterations = ProcessInfoShim.iterations
    for iteration in 0..<iterations {
      let bytes = Self.mutate(original, &generator)
      if let path = ProcessInfoShim.debugPath {
        let file = fopen(path, "a")
        fputs("\(name) \(iteration)\n", file)
        fclose(file)
        let dump = fopen(path + "." + name + ".bytes", "w")
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, dump) }
        fclose(dump)
      }
      let chunk = 1 + Int(generator.next() % 512)
      let importer = LogImporter(options: .init(correlate: generator.next() % 2 == 0 ? "event.userId" : nil))
      do {
        try importer.read(MemoryByteSource(bytes, chunkLimit: chunk), name: name)
        let (trace, summary) = try importer.finish()
        // What comes back is a trace the views can use: events in time order, indexes valid.
        #expect(zip(trace.events, trace.events.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(trace.events.allSatisfy { event in event.effect.map { $0 < trace.effects.count } ?? true })
        #expect(trace.effects.allSatisfy { effect in effect.duplicateOf.map { $0 < trace.effects.count } ?? true })
        #expect(summary.text.contains("skipped lines:"))
        #expect(Self.isWithinBounds(trace))
        imported += 1
      } catch {
        #expect(!error.description.contains("\n"))
        refused += 1
      }
    }
    #expect(imported + refused == iterations)
  }
}

/// A longer campaign: `FUZZ_ITERATIONS=20000 FUZZ_SEED=7 swift test --filter ImportFuzz`;
/// `FUZZ_DEBUG=/tmp/fuzz.log` logs each case and keeps its bytes (to replay a hang).
enum ProcessInfoShim {
  static let debugPath: String? = getenv("FUZZ_DEBUG").map { String(cString: $0) }
  static let iterations = getenv("FUZZ_ITERATIONS").flatMap { Int(String(cString: $0)) } ?? 300
  static let seed = getenv("FUZZ_SEED").flatMap { UInt64(String(cString: $0)) } ?? 2026
}
