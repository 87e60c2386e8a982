/// The container a log file comes in. The messages inside are Lambda's own lines whatever the
/// container; `LambdaLineParser` reads those.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
  /// Bare messages, one per line: a console copy, a downloaded stream, the JSON log format.
  case text
  /// `aws logs tail`: `<timestamp> <log stream> <message>`, continuation lines bare.
  case tail
  /// `aws logs get-log-events` / `filter-log-events` JSON: `{"events": [...]}` pages, one after
  /// another; also a bare JSON array of such events.
  case events
  /// CloudWatch Logs Insights results as JSON: an array of `{"@timestamp", "@message", ...}`
  /// objects, or `aws logs get-query-results` (`{"results": [[{"field", "value"}]]}`).
  case insightsJSON = "insights-json"
  /// CloudWatch Logs Insights results as CSV with `@timestamp` and `@message` columns.
  case insightsCSV = "insights-csv"

  /// What the summary calls it.
  public var displayName: String {
    switch self {
    case .text: "Lambda log text"
    case .tail: "aws logs tail output"
    case .events: "CloudWatch Logs API JSON (get-log-events / filter-log-events)"
    case .insightsJSON: "CloudWatch Logs Insights JSON"
    case .insightsCSV: "CloudWatch Logs Insights CSV"
    }
  }

  /// Guesses the container from the first bytes of a file (already decompressed). Nil when the
  /// bytes are clearly not text at all (`isBinary`).
  ///
  /// A line holding a NUL byte says nothing about the container: it is passed over here, and the
  /// readers skip it (`SkipReason.binaryLine`) wherever in the file it is.
  public static func detect(_ prefix: UnsafeBufferPointer<UInt8>) -> LogFormat? {
    if isBinary(prefix) { return nil }
    var index = byteOrderMarkLength(prefix)
    while true {
      while index < prefix.count, isBlank(prefix[index]) { index += 1 }
      guard index < prefix.count else { return .text }
      let line = firstLine(prefix, from: index)
      guard line.contains(0) else { break }
      index += line.count
    }
    let first = prefix[index]
    if first == UInt8(ascii: "[") {
      // `[INFO]\t2025-...` is a line of Python's runtime, not a JSON array: an array of records
      // opens with `{`, `[` (a `get-query-results` row) or is empty.
      var next = index + 1
      while next < prefix.count, isBlank(prefix[next]) { next += 1 }
      if next < prefix.count, prefix[next] != UInt8(ascii: "{"), prefix[next] != UInt8(ascii: "["), prefix[next] != UInt8(ascii: "]") {
        return .text
      }
      // A JSON array of objects: Insights rows carry `@message`, API events `message`.
      return contains(prefix, "\"@message\"") || contains(prefix, "\"@timestamp\"") ? .insightsJSON : .events
    }
    if first == UInt8(ascii: "{") {
      // One document with `events` (API pages) or `results` (an Insights query); a line of the
      // JSON log format is an object too, but with neither key up front.
      let head = firstJSONKey(prefix, from: index)
      if head == "events" || head == "nextForwardToken" || head == "nextBackwardToken" || head == "searchedLogStreams" {
        return .events
      }
      if head == "results" || head == "statistics" || head == "status" { return .insightsJSON }
      if contains(prefix, "\"events\"") && !contains(prefix, "\"type\"") { return .events }
      return .text
    }
    let line = firstLine(prefix, from: index)
    if line.contains(UInt8(ascii: ",")) && (contains(line, "@message") || contains(line, "@timestamp")) {
      return .insightsCSV
    }
    if TimestampParser.tailPrefix(line) != nil { return .tail }
    return .text
  }

  /// 3 when the bytes open with a UTF-8 byte order mark (`EF BB BF`), else 0. Editors on Windows
  /// write one; it is no part of the log and is dropped before anything looks at the bytes.
  public static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
  }

  /// Whether the first bytes of a file are clearly not text: nothing but NUL bytes, or more than
  /// a tenth of the other bytes control bytes (a tab, a line end, a form feed and the escape of a
  /// colour code aside) or bytes that are not UTF-8. An executable, an image, random bytes are
  /// far above that. NUL bytes themselves are not counted: a log whose writer crashed has blocks
  /// of them and is still a log, whose lines with a NUL are skipped.
  public static func isBinary(_ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
    var other = 0
    var bad = 0
    var index = 0
    while index < prefix.count {
      let byte = prefix[index]
      index += 1
      if byte == 0 { continue }
      other += 1
      if byte < 0x20 || byte == 0x7F {
        if byte != 0x09 && byte != 0x0A && byte != 0x0C && byte != 0x0D && byte != 0x1B { bad += 1 }
        continue
      }
      guard byte >= 0x80 else { continue }
      let length = byte >= 0xC2 && byte <= 0xDF ? 2 : byte >= 0xE0 && byte <= 0xEF ? 3 : byte >= 0xF0 && byte <= 0xF4 ? 4 : 0
      guard length > 0 else {
        bad += 1
        continue
      }
      // A sequence cut by the end of the sample is given the benefit of the doubt.
      let end = min(prefix.count, index - 1 + length)
      var continuation = index
      while continuation < end, prefix[continuation] & 0xC0 == 0x80 { continuation += 1 }
      if continuation == end {
        other += end - index
        index = end
      } else {
        bad += 1
      }
    }
    return prefix.count > 0 && (other == 0 || bad * 10 > other)
  }

  private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

  private static func firstLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UnsafeBufferPointer<UInt8> {
    var end = start
    while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  /// The first key of the JSON object at `start`, if it is a plain string.
  private static func firstJSONKey(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
    var index = start + 1
    while index < bytes.count, isBlank(bytes[index]) { index += 1 }
    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
    let keyStart = index + 1
    var keyEnd = keyStart
    while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\""), bytes[keyEnd] != UInt8(ascii: "\\") { keyEnd += 1 }
    guard keyEnd < bytes.count else { return nil }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]), as: UTF8.self)
  }

  static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
    ByteSearch.find(needle, in: bytes, from: 0) != nil
  }
}

/// Substring search over bytes, without building Strings.
enum ByteSearch {
  /// The index of the first occurrence of `needle` in `bytes[from...]`.
  @inline(__always)
  static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    let count = needle.utf8CodeUnitCount
    guard count > 0, bytes.count - from >= count else { return nil }
    let pattern = needle.utf8Start
    let first = pattern[0]
    var index = from
    let last = bytes.count - count
    while index <= last {
      if bytes[index] == first {
        var matched = 1
        while matched < count, bytes[index + matched] == pattern[matched] { matched += 1 }
        if matched == count { return index }
      }
      index += 1
    }
    return nil
  }

  /// Whether `bytes` hold a NUL byte: eight bytes at a time (every message of an import is
  /// checked).
  static func containsNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let raw = UnsafeRawBufferPointer(bytes)
    var index = 0
    while index + 8 <= raw.count {
      let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      // A zero byte is the only one whose (byte - 1) & ~byte has its high bit set.
      if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { return true }
      index += 8
    }
    while index < raw.count {
      if raw[index] == 0 { return true }
      index += 1
    }
    return false
  }

  /// Whether `bytes[at...]` starts with `prefix`.
  @inline(__always)
  static func hasPrefix(_ prefix: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at: Int = 0) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard bytes.count - at >= count else { return false }
    let pattern = prefix.utf8Start
    for offset in 0..<count where bytes[at + offset] != pattern[offset] { return false }
    return true
  }
}
