import Foundation
import RetryCore
import Testing

@testable import RetryLogs

/// A record longer than 1 MiB is skipped and counted, never held (issue 12): a gzip bomb of one
/// endless line had grown the reader's window to the line's size. The window stays within twice
/// the record limit whatever comes in; the lines around the long one are read as usual.
@Suite struct LongRecordTests {
  /// `head`, then `length` bytes of `x` with no line end, then `tail`: a 100 MB line without
  /// holding 100 MB.
  struct LongLineSource: ByteSource {
    let head: [UInt8]
    let length: Int
    let tail: [UInt8]
    private var position = 0

    init(head: String = "", length: Int, tail: String = "") {
      self.head = Array(head.utf8)
      self.length = length
      self.tail = Array(tail.utf8)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
      var written = 0
      while written < buffer.count {
        let room = buffer.count - written
        let target = buffer.baseAddress! + written
        if position < head.count {
          let count = min(room, head.count - position)
          head.withUnsafeBytes { target.copyMemory(from: $0.baseAddress! + position, byteCount: count) }
          position += count
          written += count
        } else if position < head.count + length {
          let count = min(room, head.count + length - position)
          target.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"), count: count)
          position += count
          written += count
        } else if position < head.count + length + tail.count {
          let offset = position - head.count - length
          let count = min(room, tail.count - offset)
          tail.withUnsafeBytes { target.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
          position += count
          written += count
        } else {
          break
        }
      }
      return written
    }
  }

  static let start = "START RequestId: 8f5e4a2c-1b3d-4e5f-9a7b-2c4d6e8f0a1b Version: $LATEST"

  @Test func aHundredMegabyteLineIsSkippedInTheMemoryOfTwoWindows() throws {
    let reader = LogReader(source: LongLineSource(head: "first line\n", length: 100_000_000, tail: "\n" + Self.start + "\n"))
    let collector = LogCollector(correlate: nil)
    try TextLogReader(format: .text).run(reader, into: collector)
    #expect(collector.skipped[.init(reason: .overlongRecord)]?.count == 1)
    #expect(collector.skipped[.init(reason: .overlongRecord)]?.lines == [2])
    // The line before and the START after it are read.
    #expect(collector.messages == 2)
    #expect(collector.facts.contains { $0.kind == .start })
    #expect(reader.capacity <= 2 * LogReader.maximumRecordLength)
  }

  @Test func aLineWithoutAnyEndIsSkippedToo() throws {
    let reader = LogReader(source: LongLineSource(head: Self.start + "\n", length: 5_000), chunkSize: 256, maximumRecordLength: 1_024)
    let collector = LogCollector(correlate: nil)
    try TextLogReader(format: .tail).run(reader, into: collector)
    #expect(collector.skipped[.init(reason: .overlongRecord)]?.lines == [2])
    #expect(collector.messages == 1)
    #expect(reader.capacity <= 2_048)
  }

  /// A message of many short lines (a traceback) that outgrows a record is cut at a line end
  /// rather than kept whole.
  @Test func aLongMessageOfShortLinesIsCutAtALineEnd() throws {
    let text = "Traceback (most recent call last)\n" + String(repeating: "  at frame\n", count: 500) + Self.start + "\n"
    let reader = LogReader(source: MemoryByteSource(text), chunkSize: 256, maximumRecordLength: 1_024)
    let collector = LogCollector(correlate: nil)
    try TextLogReader(format: .text).run(reader, into: collector)
    #expect(collector.skipped[.init(reason: .overlongRecord)] == nil)
    #expect(collector.messages > 2)
    #expect(collector.facts.contains { $0.kind == .start })
    #expect(reader.capacity <= 2_048)
  }

  @Test func aLongJSONEventIsSkippedAndTheNextOneRead() throws {
    let long = String(repeating: "x", count: 5_000)
    for document in [
      #"{"events":[{"timestamp":1714644000000,"message":"\#(long)"},{"timestamp":1714644000001,"message":"\#(Self.start)\n"}]}"#,
      #"{"timestamp":1714644000000,"message":"\#(long)"}"# + "\n" + #"{"timestamp":1714644000001,"message":"\#(Self.start)\n"}"#,
      #"{"\#(long)":1}"# + "\n" + #"{"timestamp":1714644000001,"message":"\#(Self.start)\n"}"#,
    ] {
      let reader = LogReader(source: MemoryByteSource(document), chunkSize: 256, maximumRecordLength: 1_024)
      let collector = LogCollector(correlate: nil)
      try JSONEventsReader().run(reader, into: collector)
      #expect(collector.skipped[.init(reason: .overlongRecord)]?.count == 1, "\(document.prefix(20))")
      #expect(collector.facts.contains { $0.kind == .start }, "\(document.prefix(20))")
      #expect(reader.capacity <= 2_048)
    }
  }

  @Test func aLongCSVRowIsSkippedAndTheNextOneRead() throws {
    let csv = "@timestamp,@message\n2024-05-02 10:00:00.000,\"" + String(repeating: "x", count: 5_000) + "\"\n"
      + "2024-05-02 10:00:00.001,\(Self.start)\n"
    let reader = LogReader(source: MemoryByteSource(csv), chunkSize: 256, maximumRecordLength: 1_024)
    let collector = LogCollector(correlate: nil)
    try InsightsCSVReader().run(reader, into: collector)
    #expect(collector.skipped[.init(reason: .overlongRecord)]?.lines == [2])
    #expect(collector.facts.contains { $0.kind == .start })
    #expect(reader.capacity <= 2_048)
  }

  /// What the person who ran the import reads: the long line named with its reason and number.
  @Test func theSummaryNamesTheLongLine() throws {
    let fixture = String(decoding: ImportFixture.bytes("raw-async-retries.log"), as: UTF8.self)
    let lines = fixture.split(separator: "\n", omittingEmptySubsequences: false)
    let head = lines[0..<8].joined(separator: "\n") + "\n"
    let tail = "\n" + lines[8...].joined(separator: "\n")
    let importer = LogImporter()
    try importer.read(LongLineSource(head: head, length: 100_000_000, tail: tail), name: "bomb.log")
    let (trace, summary) = try importer.finish()
    #expect(trace.attempts.count == 3)
    #expect(summary.text.contains("skipped lines: 1\n  1 a line or record longer than 1 MiB (CloudWatch's limit for one event is 256 KiB) (line 9)\n"))
  }
}
