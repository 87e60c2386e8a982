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
  /// bytes look like no log at all (binary data).
  public static func detect(_ prefix: UnsafeBufferPointer<UInt8>) -> LogFormat? {
    var index = 0
    // A UTF-8 byte order mark.
    if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { index = 3 }
    while index < prefix.count, isBlank(prefix[index]) { index += 1 }
    guard index < prefix.count else { return .text }
    if prefix[index..<prefix.count].contains(0) { return nil }
    let first = prefix[index]
    if first == UInt8(ascii: "[") {
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
