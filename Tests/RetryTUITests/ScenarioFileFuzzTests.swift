import Foundation
import RetryCore
import RetryIO
import Testing

@testable import RetryScopeCLI
@testable import RetryTUI

/// Hostile scenario files never trap: the built-in scenarios, mutated line by line (extreme
/// numbers and durations, lines deleted, repeated and swapped, ids renamed, bytes flipped), are
/// either refused in one line with `file:line:column` (or `file:` for the whole file), or load,
/// run, and their trace is read back and drawn by every consumer (`TraceFileFuzzTests.consume`).
///
/// Seeded: a failure replays. A longer campaign:
/// `FUZZ_ITERATIONS=3000 FUZZ_SEED=7 swift test --skip-build --filter ScenarioFileFuzzTests`;
/// `FUZZ_DEBUG=/tmp/scenario-fuzz` writes each case to `/tmp/scenario-fuzz.yaml` before it runs.
@Suite struct ScenarioFileFuzzTests {
  static let scenarios = [
    "create-user", "sync-timeout-retry", "async-retries-dlq", "cron-clock", "sqs-redrive-partial", "status-kinesis",
    "slack-at-least-once", "condition-expression",
  ]

  /// What a mutation puts where a value was: numbers at and past every range, durations that
  /// overflow milliseconds, odd YAML.
  static let extremes = [
    "-9223372036854775808", "9223372036854775807", "18446744073709551616", "-1", "0", "1e300", "-0", ".nan", "2147483648",
    "9999999999999999h", "106751991167d", "2562047788015215h", "2562047788015h", "876600h", "876601h", "9899-12-31T23:59:59Z", "0.0005s", "1m60s", "-5s", "99999h", "1e300ms",
    "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "cron(0/1 * * * ? *)", "rate(0 minutes)", "~", "[]", "{}", "\"\"",
    "*a", "&a x", "!!binary AAAA", "${event.a * event.a * event.a}", "'",
  ]

  @Test(arguments: scenarios)
  func mutatedScenariosAreRefusedOrRunAndDrawn(_ name: String) throws {
    let original = try #require(BuiltinScenarios.yaml(named: name))
    var generator = SplitMix64(seed: FuzzSettings.seed, stream: "scenario-" + name)
    var ran = 0
    var refused = 0
    let iterations = FuzzSettings.iterations(default: 300)
    for _ in 0..<iterations {
      var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      for _ in 0..<(1 + Int(generator.next() % 2)) { Self.mutate(&lines, &generator) }
      let yaml = lines.joined(separator: "\n")
      FuzzSettings.dump(yaml, suffix: ".yaml")
      let scenario: Scenario
      do {
        scenario = try ScenarioLoader.load(yaml: yaml, file: "fuzz.yaml")
      } catch {
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix("fuzz.yaml"))
        refused += 1
        continue
      }
      let trace = Simulator(scenario: scenario, seed: generator.next() % 4).run()
      // What the simulator writes, the trace reader reads back.
      let text = TraceJSON.encode(trace)
      do {
        _ = try TraceJSONDecoder.decode(text, file: "fuzz.json")
      } catch {
        Issue.record("the trace of a loaded scenario does not read back: \(error)")
        FuzzSettings.dump(yaml, suffix: ".unreadable.yaml")
      }
      TraceFileFuzzTests.consume(trace, &generator)
      ran += 1
    }
    #expect(ran + refused == iterations)
    #expect(ran * 20 >= iterations, "\(name): \(ran) ran, \(refused) refused")
    if FuzzSettings.requestedIterations != nil { print("scenario fuzz \(name): \(ran) ran, \(refused) refused") }
  }

  /// One mutation of the file's lines.
  static func mutate(_ lines: inout [String], _ generator: inout SplitMix64) {
    guard !lines.isEmpty else { return }
    let at = Int(generator.next() % UInt64(lines.count))
    switch generator.next() % 8 {
    case 0, 1, 2:  // a value replaced by an extreme: the text after the last ': ' or '- '
      let line = lines[at]
      let extreme = extremes[Int(generator.next() % UInt64(extremes.count))]
      if let colon = line.range(of: ": ", options: .backwards) {
        lines[at] = String(line[..<colon.upperBound]) + extreme
      } else if let dash = line.range(of: "- ") {
        lines[at] = String(line[..<dash.upperBound]) + extreme
      }
    case 3:  // deleted
      lines.remove(at: at)
    case 4:  // repeated: a duplicate key, a duplicate list item
      lines.insert(lines[at], at: at)
    case 5:  // two lines swapped
      lines.swapAt(at, Int(generator.next() % UInt64(lines.count)))
    case 6:  // an id or name renamed: one word swapped for another line's
      let words = lines[Int(generator.next() % UInt64(lines.count))].split(separator: " ")
      if let word = words.last, let old = lines[at].split(separator: " ").last {
        lines[at] = lines[at].replacingOccurrences(of: old, with: word)
      }
    default:  // a byte flipped
      var bytes = Array(lines[at].utf8)
      if !bytes.isEmpty {
        bytes[Int(generator.next() % UInt64(bytes.count))] = [UInt8(ascii: ":"), UInt8(ascii: "{"), UInt8(ascii: "-"), 0x09, 0xFF, UInt8(ascii: "#")][Int(generator.next() % 6)]
        lines[at] = String(decoding: bytes, as: UTF8.self)
      }
    }
  }
}
