import RetryCore
import Testing

@testable import RetryLogs

/// Bad input: what is not a log is refused in one line; a bad line inside a log is skipped and
/// counted, never fatal.
@Suite struct ImportRobustnessTests {
  @Test func proseIsNotALog() {
    #expect(throws: ImportError.notALog(
      "not-a-log.txt: not a Lambda log (3 messages read as Lambda log text, but no START, END, REPORT or platform record among them)"
    )) {
      _ = try ImportFixture.load(["not-a-log.txt"])
    }
  }

  @Test func binaryDataIsNotALog() {
    #expect(throws: ImportError.notALog(
      "not-a-log.bin: not a Lambda log (binary data); expected Lambda log text, aws logs tail output, CloudWatch Logs JSON or a Logs Insights export"
    )) {
      _ = try ImportFixture.load(["not-a-log.bin"])
    }
  }

  /// An empty file alone is nothing to import (among others it is skipped: ImportInputQuirksTests).
  @Test func anEmptyFileAloneIsNothingToImport() {
    #expect(throws: ImportError.notALog("empty.log: empty file, nothing to import")) {
      _ = try ImportFixture.load(text: "", name: "empty.log")
    }
  }

  @Test func brokenPlatformLinesAreSkippedWithTheirLineNumbers() throws {
    let id = "0c1d2e3f-aaaa-4bbb-8ccc-123456789abc"
    let text = """
      START RequestId: \(id) Version: $LATEST
      START RequestId: short
      REPORT RequestId: \(id)\tDuration: lots\tBilled Duration: 2 ms\t
      END RequestId: \(id)
      REPORT RequestId: \(id)\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t
      END RequestId: ffffffff-ffff-4fff-8fff-ffffffffffff
      2024-01-01T00:00:00.000Z\t\(id)\tINFO\t{"effect":{"kind":"teleport","target":"t","key":"k"}}
      2024-01-01T00:00:00.000Z\t\(id)\tINFO\t{"effect":{"kind":"insert","target":"t"}}
      2024-01-01T00:00:00.000Z\t\(id)\tINFO\t{"effect":{"kind":"insert",
      {"effect":{"kind":"insert","target":"t","key":"k"}}
      """
    let (trace, summary) = try ImportFixture.load(text: text)
    #expect(trace.attempts.count == 1)
    #expect(trace.attempts[0].outcome == .success)
    #expect(trace.attempts[0].duration == 2)
    let skips = Dictionary(uniqueKeysWithValues: summary.skipped.map { ($0.reason, $0.firstLines) })
    #expect(skips[.malformedPlatformLine] == [2, 3])
    #expect(skips[.orphanEnd] == [6])
    #expect(skips[.badEffect] == [7, 8])
    #expect(skips[.malformedJSON] == [9])
    // After END, a bare effect line belongs to no execution.
    #expect(skips[.unattributed] == [10])
    #expect(summary.skippedLines == 7)
    #expect(summary.text.contains("skipped lines: 7"))
    #expect(summary.text.contains("2 a START, END, REPORT or INIT line that does not parse (lines 2, 3)"))
  }

  @Test func aRunningExecutionIsKeptWhenTheLogEndsBeforeItsEnd() throws {
    let id = "0c1d2e3f-aaaa-4bbb-8ccc-123456789abc"
    let (trace, summary) = try ImportFixture.load(text: "INIT_START Runtime Version: nodejs:20.v13\n" + "START RequestId: \(id) Version: $LATEST\n")
    #expect(trace.attempts.map(\.outcome) == [.running])
    #expect(summary.text.contains("1 unfinished"))
  }

  @Test func theSkipListNamesAtMostFiveLines() throws {
    let id = "0c1d2e3f-aaaa-4bbb-8ccc-123456789abc"
    var text = "START RequestId: \(id) Version: $LATEST\n"
    for _ in 0..<8 { text += "REPORT RequestId: \(id)\tDuration: ?\n" }
    let (_, summary) = try ImportFixture.load(text: text)
    #expect(summary.skipped.map(\.count) == [8])
    #expect(summary.skipped[0].firstLines == [2, 3, 4, 5, 6])
    #expect(summary.text.contains("(lines 2, 3, 4, 5, 6, ...)"))
  }

  @Test func formatsAreDetectedFromTheFirstBytes() {
    func detect(_ text: String) -> LogFormat? {
      var copy = text
      return copy.withUTF8 { LogFormat.detect($0) }
    }
    #expect(detect("START RequestId: x Version: 1\n") == .text)
    #expect(detect("{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"platform.start\"}\n") == .text)
    #expect(detect("{\n    \"events\": [\n") == .events)
    #expect(detect("{\"nextForwardToken\":\"f/1\",\"events\":[]}") == .events)
    #expect(detect("{\"logStreamName\":\"s\",\"timestamp\":1,\"message\":\"START\"}\n") == .text)
    #expect(detect("[{\"timestamp\":1,\"message\":\"m\"}]") == .events)
    #expect(detect("[\n  {\"@timestamp\": \"2024-03-01 12:00:00.000\", \"@message\": \"m\"}]") == .insightsJSON)
    #expect(detect("{\"results\": [], \"status\": \"Complete\"}") == .insightsJSON)
    #expect(detect("@timestamp,@message\n") == .insightsCSV)
    #expect(detect("2024-06-11T08:30:00.000000+00:00 2024/06/11/[$LATEST]abc START RequestId: x\n") == .tail)
    #expect(detect("2024-06-11T08:30:00 START RequestId: x\n") == .tail)
    #expect(detect("2024-06-11T08:30:00.000Z\tid\tINFO\thello\n") == .text)
    #expect(detect("\u{FEFF}START RequestId: x\n") == .text)
    #expect(detect("\u{7F}ELF\u{2}\u{1}\u{1}\u{0}\u{0}\u{0}\u{0}\u{3}\u{0}>\u{0}\u{1}") == nil)
    #expect(detect("\u{0}\u{0}\u{0}\u{0}") == nil)
    // A NUL in a line of text is that line's problem, not the file's (the line is skipped).
    #expect(detect("garbage\u{0}\u{0}\nSTART RequestId: x\n") == .text)
    #expect(detect("\u{0}\u{0}\n{\"events\": []}") == .events)
    // Python's runtime line is text, not a JSON array.
    #expect(detect("[INFO]\t2025-11-23T00:37:28.259Z\tid\thello\n") == .text)
    #expect(detect("[ERROR] KeyError: 'x'\n") == .text)
    #expect(detect("[]") == .events)
  }

  @Test func aForcedFormatIsUsedAsIs() throws {
    let line = "2024-06-11T08:30:00.000Z START RequestId: 0c1d2e3f-aaaa-4bbb-8ccc-123456789abc Version: $LATEST\n"
    // Read as API JSON, the text line is not in the format: nothing to import.
    #expect(throws: ImportError.notALog(
      "input.log: not a Lambda log (0 messages read as CloudWatch Logs API JSON (get-log-events / filter-log-events), but no START, END, REPORT or platform record among them)"
    )) { _ = try ImportFixture.load(text: line, options: .init(format: .events)) }
    let (trace, _) = try ImportFixture.load(text: line, options: .init(format: .tail))
    #expect(trace.attempts.count == 1)
    // As text, the timestamp before START is its time (a console copy).
    let (text, _) = try ImportFixture.load(text: line)
    #expect(text.attempts == trace.attempts)
  }
}
