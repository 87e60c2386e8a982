import OrderedCollections
import RetryCore

/// Reads one log message as Lambda and its runtimes write them (lambda-semantics.md §5) and tells
/// the collector what it says.
///
/// - Platform lines: `START`, `END`, `REPORT` (tab-separated fields, tabs turned into spaces by a
///   copy tolerated), `INIT_START`, `INIT_REPORT`, and their JSON log format twins
///   (`platform.start`, `platform.report`, `platform.runtimeDone`, `platform.initStart`,
///   `platform.initReport`, the older `platform.end`).
/// - Runtime lines: Node's `<time>\t<id>\t<LEVEL>\t<text>` (an `ERROR` `Invoke Error` is an
///   unhandled error), Python's `[LEVEL]\t<time>\t<id>\t<text>` and its unhandled `[ERROR] Type:
///   message`, the old `<time> <id> Task timed out after N seconds`, and `RequestId: <id> Error:
///   Runtime exited ...` / `Process exited before completing request`.
/// - JSON application lines (`requestId`; Powertools' `function_request_id`), which may carry an
///   `effect` object or the `--correlate` field.
///
/// Anything else is ordinary output and leaves no fact.
struct LambdaLineParser {
  /// The `--correlate` path, split at dots (`event.orderId` is `["event", "orderId"]`).
  let correlate: [String]?

  init(correlate: [String]?) {
    self.correlate = correlate
  }

  func read(_ message: LogMessage, stream: Int32, into collector: LogCollector) {
    let text = message.text
    guard !text.isEmpty else { return }
    let line = message.line
    let time = message.timestamp
    switch text[0] {
    case UInt8(ascii: "S") where ByteSearch.hasPrefix("START RequestId:", in: text):
      guard let (id, after) = requestId(text, at: 16) else { return malformed(collector, line) }
      let request = collector.intern(request: id)
      let detail = Self.field("Version:", in: text, from: after).map { collector.intern(version: $0) } ?? -1
      collector.add(.start, time: time, stream: stream, request: request, line: line, detail: detail)
    case UInt8(ascii: "E") where ByteSearch.hasPrefix("END RequestId:", in: text):
      guard let (id, _) = requestId(text, at: 14) else { return malformed(collector, line) }
      collector.add(.end, time: time, stream: stream, request: collector.intern(request: id), line: line)
    case UInt8(ascii: "R") where ByteSearch.hasPrefix("REPORT RequestId:", in: text):
      guard let (id, after) = requestId(text, at: 17), let report = Self.report(text, from: after) else {
        return malformed(collector, line)
      }
      collector.reports.append(report)
      collector.add(
        .report, time: time, stream: stream, request: collector.intern(request: id), line: line,
        detail: collector.reports.count - 1)
    case UInt8(ascii: "R") where ByteSearch.hasPrefix("RequestId: ", in: text):
      // `RequestId: <id> Error: Runtime exited with error: exit status 1` (a crash).
      guard let (id, after) = requestId(text, at: 11) else { return }
      let rest = restOfLine(text, from: after)
      guard rest.contains("Error") || rest.contains("exited") else { return }
      collector.errors.append(ParsedError(type: Self.exitErrorType(text), message: rest))
      collector.add(
        .crashed, time: time, stream: stream, request: collector.intern(request: id), line: line,
        detail: collector.errors.count - 1)
    case UInt8(ascii: "I") where ByteSearch.hasPrefix("INIT_START", in: text):
      collector.add(.initStart, time: time, stream: stream, request: -1, line: line)
    case UInt8(ascii: "I") where ByteSearch.hasPrefix("INIT_REPORT", in: text):
      var error = ParsedError()
      error.initDurationMs = number(after: "Init Duration:", in: text)
      error.phase = Self.field("Phase:", in: text, from: 11)
      error.status = Self.field("Status:", in: text, from: 11)
      error.type = Self.field("Error Type:", in: text, from: 11)
      collector.errors.append(error)
      collector.add(.initReport, time: time, stream: stream, request: -1, line: line, detail: collector.errors.count - 1)
    case UInt8(ascii: "{"):
      readJSON(text, time: time, stream: stream, line: line, into: collector)
    case UInt8(ascii: "["):
      readPython(text, time: time, stream: stream, line: line, into: collector)
    case UInt8(ascii: "0")...UInt8(ascii: "9"):
      let stamp = TimestampParser.parse(text)
      if let stamp, let rest = Self.lineAfterPrefix(text, timestampLength: stamp.length) {
        let millis = stamp.millis
        // `2025-11-23 00:37:28.259000+00:00: START RequestId: ...` (a console copy): the line
        // after the prefix, at the prefix's time.
        let inner = LogMessage(
          text: UnsafeBufferPointer(rebasing: text[rest...]), timestamp: time ?? millis, stream: message.stream, line: line)
        return read(inner, stream: stream, into: collector)
      }
      readTimestamped(text, stamp: stamp, time: time, stream: stream, line: line, into: collector)
    default:
      unread(text, time: time, stream: stream, line: line, into: collector)
    }
  }

  /// A line that says nothing this parser knows: ordinary output, unless a platform line hides
  /// behind a prefix it cannot read (then it is counted, so that the summary and the error say
  /// so rather than that there was none).
  private func unread(
    _ text: UnsafeBufferPointer<UInt8>, time: Milliseconds?, stream: Int32, line: Int, into collector: LogCollector
  ) {
    if Self.hasPlatformLineAfterPrefix(text) {
      collector.skip(.unknownPrefix, line: line)
    } else if let time {
      collector.observe(time: time, stream: stream, line: line)
    }
  }

  /// Whether one of Lambda's platform lines starts after some prefix in the first bytes.
  static func hasPlatformLineAfterPrefix(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    let head = UnsafeBufferPointer(rebasing: text[0..<min(text.count, 112)])
    return ByteSearch.find("START RequestId:", in: head, from: 1) != nil || ByteSearch.find("END RequestId:", in: head, from: 1) != nil
      || ByteSearch.find("REPORT RequestId:", in: head, from: 1) != nil || ByteSearch.find("INIT_START ", in: head, from: 1) != nil
      || ByteSearch.find("INIT_REPORT ", in: head, from: 1) != nil
  }

  /// A prefix someone's copy put before Lambda's line: a timestamp then a colon and blanks
  /// (`2025-11-23 00:37:28.259000+00:00: ...`, whatever follows), or a timestamp and blanks
  /// before a platform line. Its time and where the line starts.
  static func lineAfterPrefix(_ text: UnsafeBufferPointer<UInt8>, timestampLength length: Int) -> Int? {
    guard length < text.count, text[length] != 0x09 else { return nil }
    var index = length
    let colon = text[index] == UInt8(ascii: ":")
    if colon { index += 1 }
    let blanks = index
    while index < text.count, text[index] == 0x20 || text[index] == 0x09 { index += 1 }
    guard index > blanks, index < text.count else { return nil }
    let rest = UnsafeBufferPointer(rebasing: text[index...])
    return colon || TextLogReader.startsLambdaLine(rest) ? index : nil
  }

  private func malformed(_ collector: LogCollector, _ line: Int) {
    collector.skip(.malformedPlatformLine, line: line)
  }

  // MARK: - Runtime lines

  /// `<time>\t<id>\t<LEVEL>\t<text>` (Node), `<time> <id> Task timed out after 3.07 seconds`.
  private func readTimestamped(
    _ text: UnsafeBufferPointer<UInt8>, stamp: (millis: Milliseconds, length: Int)?, time container: Milliseconds?,
    stream: Int32, line: Int, into collector: LogCollector
  ) {
    guard let (millis, length) = stamp, length < text.count, isBlank(text[length]) else {
      return unread(text, time: container, stream: stream, line: line, into: collector)
    }
    let time = container ?? millis
    guard let (id, after) = requestId(text, at: length + 1) else {
      return unread(text, time: time, stream: stream, line: line, into: collector)
    }
    let request = collector.intern(request: id)
    var rest = after
    while rest < text.count, isBlank(text[rest]) { rest += 1 }
    if ByteSearch.hasPrefix("Task timed out after", in: text, at: rest) {
      collector.errors.append(ParsedError(type: "Sandbox.Timedout", message: restOfLine(text, from: rest)))
      collector.add(.timedOut, time: time, stream: stream, request: request, line: line, detail: collector.errors.count - 1)
      return
    }
    let level = self.level(text, at: rest)
    if let level { rest += level.count + 1 }
    while rest < text.count, isBlank(text[rest]) { rest += 1 }
    if level == "ERROR", ByteSearch.hasPrefix("Invoke Error", in: text, at: rest) {
      var error = ParsedError(type: nil, message: nil)
      if let brace = text[rest...].firstIndex(of: UInt8(ascii: "{")),
        let value = try? JSONParser.parse(UnsafeBufferPointer(rebasing: text[brace...]))
      {
        error.type = value["errorType"]?.displayText
        error.message = value["errorMessage"]?.displayText
      } else {
        error.type = jsonishField("errorType", in: text)
        error.message = jsonishField("errorMessage", in: text)
      }
      collector.errors.append(error)
      collector.add(.failed, time: time, stream: stream, request: request, line: line, detail: collector.errors.count - 1)
      return
    }
    let body = UnsafeBufferPointer(rebasing: text[rest...])
    if level == "ERROR" {
      collector.errors.append(ParsedError(type: nil, message: firstLine(body)))
      collector.add(.errorLog, time: time, stream: stream, request: request, line: line, detail: collector.errors.count - 1)
    }
    readApplicationText(body, time: time, stream: stream, request: request, line: line, into: collector)
  }

  /// `[INFO]\t<time>\t<id>\t<text>` (Python's logging) or `[ERROR] KeyError: 'x'` followed by a
  /// traceback (Python's unhandled exception, with neither time nor request id).
  private func readPython(
    _ text: UnsafeBufferPointer<UInt8>, time container: Milliseconds?, stream: Int32, line: Int,
    into collector: LogCollector
  ) {
    guard let close = text.firstIndex(of: UInt8(ascii: "]")), close > 1, close < 10, close + 1 < text.count else {
      return readApplicationText(text, time: container, stream: stream, request: -1, line: line, into: collector)
    }
    let level = String(decoding: UnsafeBufferPointer(rebasing: text[1..<close]), as: UTF8.self)
    guard level.allSatisfy({ $0.isUppercase }) else {
      return readApplicationText(text, time: container, stream: stream, request: -1, line: line, into: collector)
    }
    if text[close + 1] == 0x09 {
      var index = close + 2
      guard let (millis, length) = TimestampParser.parse(text, at: index) else { return }
      let time = container ?? millis
      index += length
      while index < text.count, isBlank(text[index]) { index += 1 }
      guard let (id, after) = requestId(text, at: index) else {
        collector.observe(time: time, stream: stream, line: line)
        return
      }
      let request = collector.intern(request: id)
      var rest = after
      while rest < text.count, isBlank(text[rest]) { rest += 1 }
      let body = UnsafeBufferPointer(rebasing: text[rest...])
      if level == "ERROR" {
        collector.errors.append(ParsedError(type: nil, message: firstLine(body)))
        collector.add(.errorLog, time: time, stream: stream, request: request, line: line, detail: collector.errors.count - 1)
      }
      readApplicationText(body, time: time, stream: stream, request: request, line: line, into: collector)
      return
    }
    guard level == "ERROR" else { return }
    // `[ERROR] Exception: uh oh` then `Traceback (most recent call last):`.
    let first = restOfLine(text, from: close + 1).trimmingBlanks()
    var error = ParsedError(type: nil, message: first)
    if let colon = first.firstIndex(of: ":") {
      let type = String(first[..<colon])
      if !type.isEmpty, !type.contains(" ") {
        error.type = type
        error.message = String(first[first.index(after: colon)...]).trimmingBlanks()
      }
    }
    collector.errors.append(error)
    collector.add(.failed, time: container, stream: stream, request: -1, line: line, detail: collector.errors.count - 1)
  }

  /// The handler's own text: an effect line, the correlation field, or nothing to note.
  private func readApplicationText(
    _ body: UnsafeBufferPointer<UInt8>, time: Milliseconds?, stream: Int32, request: Int32, line: Int,
    into collector: LogCollector
  ) {
    var start = 0
    while start < body.count, isBlank(body[start]) { start += 1 }
    let hasEffect = ByteSearch.find("\"effect\"", in: body, from: start) != nil
    let startsJSON = start < body.count && body[start] == UInt8(ascii: "{")
    let wantsKey = startsJSON && collector.wantsCorrelation(request: request, stream: stream)
    guard hasEffect || wantsKey else {
      if let time { collector.observe(time: time, stream: stream, line: line) }
      return
    }
    let jsonStart = startsJSON ? start : (body[start...].firstIndex(of: UInt8(ascii: "{")) ?? start)
    guard let value = try? JSONParser.parse(UnsafeBufferPointer(rebasing: body[jsonStart...])) else {
      if hasEffect {
        collector.skip(.malformedJSON, line: line)
      } else if let time {
        collector.observe(time: time, stream: stream, line: line)
      }
      return
    }
    noteApplication(value, time: time, stream: stream, request: request, line: line, into: collector)
  }

  // MARK: - JSON lines

  private func readJSON(
    _ text: UnsafeBufferPointer<UInt8>, time container: Milliseconds?, stream: Int32, line: Int,
    into collector: LogCollector
  ) {
    let value: Value
    do {
      value = try JSONParser.parse(text)
    } catch {
      collector.skip(.malformedJSON, line: line)
      return
    }
    guard case .map(let fields) = value else { return }
    if case .list(let events)? = fields["events"] {
      // A page of `get-log-events` / `filter-log-events` pasted into a text log: its events.
      return readPage(events, stream: stream, line: line, into: collector)
    }
    let time = container ?? Self.time(fields["time"] ?? fields["timestamp"])
    if case .string(let type)? = fields["type"], type.hasPrefix("platform.") {
      readPlatform(type, fields["record"] ?? .null, time: time, stream: stream, line: line, into: collector)
      return
    }
    var request: Int32 = -1
    for name in ["requestId", "function_request_id", "AWSRequestId", "awsRequestId", "aws_request_id"] {
      if case .string(let id)? = fields[name], !id.isEmpty {
        request = collector.intern(request: id)
        break
      }
    }
    let level = fields["level"]?.displayText.uppercased()
    if level == "ERROR" {
      // Node's runtime writes an unhandled error as `"message": {"errorType", "errorMessage",
      // "stackTrace"}`; other runtimes put those fields beside `message`.
      let source = fields["message"]?["errorType"] != nil ? fields["message"]! : value
      var error = ParsedError(type: source["errorType"]?.displayText, message: source["errorMessage"]?.displayText)
      let unhandled = error.type != nil && (source["stackTrace"] != nil || fields["message"]?.displayText == "Invoke Error")
      if error.message == nil { error.message = fields["message"].map(Self.messageText) }
      collector.errors.append(error)
      collector.add(
        unhandled ? .failed : .errorLog, time: time, stream: stream, request: request, line: line,
        detail: collector.errors.count - 1)
    }
    noteApplication(value, time: time, stream: stream, request: request, line: line, into: collector)
  }

  /// The events of an API page found inside another container, each read as the message it holds.
  private func readPage(_ events: [Value], stream: Int32, line: Int, into collector: LogCollector) {
    for event in events {
      guard case .string(let text)? = event["message"] else {
        collector.skip(.malformedRecord, line: line)
        continue
      }
      let timestamp = Self.time(event["timestamp"])
      var body = Array(text.utf8)
      while let last = body.last, last == 0x0A || last == 0x0D { body.removeLast() }
      let streamName: [UInt8]? = event["logStreamName"].map { Array($0.displayText.utf8) }
      body.withUnsafeBufferPointer { bodyBytes in
        if let streamName {
          streamName.withUnsafeBufferPointer { nameBytes in
            collector.receiveNested(LogMessage(text: bodyBytes, timestamp: timestamp, stream: nameBytes, line: line))
          }
        } else {
          collector.receiveNested(LogMessage(text: bodyBytes, timestamp: timestamp, stream: nil, line: line))
        }
      }
    }
  }

  /// A `platform.*` record of the JSON log format (telemetry-schema-reference).
  private func readPlatform(
    _ type: String, _ record: Value, time: Milliseconds?, stream: Int32, line: Int, into collector: LogCollector
  ) {
    let id = record["requestId"]?.displayText
    let request = id.map { collector.intern(request: $0) } ?? -1
    switch type {
    case "platform.start":
      guard request >= 0 else { return malformed(collector, line) }
      var detail = -1
      if case .string(let version)? = record["version"] { detail = collector.intern(version: version) }
      collector.add(.start, time: time, stream: stream, request: request, line: line, detail: detail)
    case "platform.end":
      guard request >= 0 else { return malformed(collector, line) }
      collector.add(.end, time: time, stream: stream, request: request, line: line)
    case "platform.runtimeDone":
      guard request >= 0 else { return malformed(collector, line) }
      let status = record["status"]?.displayText
      collector.errors.append(ParsedError(type: record["errorType"]?.displayText, message: nil, status: status))
      collector.add(.runtimeDone, time: time, stream: stream, request: request, line: line, detail: collector.errors.count - 1)
    case "platform.report":
      guard request >= 0 else { return malformed(collector, line) }
      let metrics = record["metrics"] ?? .null
      var report = AttemptReport()
      report.durationMs = Self.double(metrics["durationMs"])
      report.billedDurationMs = Self.double(metrics["billedDurationMs"]).map { Int($0.rounded(.up)) }
      report.initDurationMs = Self.double(metrics["initDurationMs"])
      report.memorySizeMB = Self.megabytes(Self.double(metrics["memorySizeMB"]))
      report.maxMemoryUsedMB = Self.megabytes(Self.double(metrics["maxMemoryUsedMB"]))
      report.status = record["status"]?.displayText
      collector.reports.append(ParsedReport(report: report, errorType: record["errorType"]?.displayText))
      collector.add(.report, time: time, stream: stream, request: request, line: line, detail: collector.reports.count - 1)
    case "platform.initStart":
      collector.add(.initStart, time: time, stream: stream, request: -1, line: line)
    case "platform.initReport":
      var error = ParsedError()
      error.phase = record["phase"]?.displayText
      error.status = record["status"]?.displayText
      error.type = record["errorType"]?.displayText
      error.initDurationMs = Self.double(record["metrics"]?["durationMs"])
      collector.errors.append(error)
      collector.add(.initReport, time: time, stream: stream, request: -1, line: line, detail: collector.errors.count - 1)
    default:
      if let time { collector.observe(time: time, stream: stream, line: line) }
    }
  }

  /// An application JSON value: its `effect` and the correlation field, at the top level or
  /// inside `message` (an object, or a string that holds one).
  private func noteApplication(
    _ value: Value, time: Milliseconds?, stream: Int32, request: Int32, line: Int, into collector: LogCollector
  ) {
    var inner: Value?
    switch value["message"] {
    case .map(let fields)?: inner = .map(fields)
    case .string(let text)? where text.first == "{": inner = try? JSONParser.parse(text)
    default: break
    }
    if let effect = value["effect"] ?? inner?["effect"] {
      guard let parsed = Self.effect(effect) else {
        collector.skip(.badEffect, line: line)
        return
      }
      collector.effects.append(parsed)
      collector.add(.effect, time: time, stream: stream, request: request, line: line, detail: collector.effects.count - 1)
    }
    if let path = correlate, collector.wantsCorrelation(request: request, stream: stream),
      let key = value.value(at: path) ?? inner?.value(at: path), key != .null
    {
      let detail = collector.intern(key: "\(path.last ?? "key")=\(key.displayText)")
      collector.add(.correlation, time: time, stream: stream, request: request, line: line, detail: detail)
    } else if let time {
      collector.observe(time: time, stream: stream, line: line)
    }
  }

  static func effect(_ value: Value) -> ParsedEffect? {
    guard case .string(let kindName)? = value["kind"], let kind = EffectKind(rawValue: kindName), kind != .log,
      case .string(let target)? = value["target"], !target.isEmpty, let key = value["key"], key != .null
    else { return nil }
    return ParsedEffect(
      kind: kind, target: target, key: key.displayText, step: value["step"]?.displayText,
      detail: value["detail"]?.displayText)
  }

  // MARK: - Pieces

  /// The request id at `start` (after blanks): letters, digits and dashes, 8 or more.
  private func requestId(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> (UnsafeBufferPointer<UInt8>, Int)? {
    var index = start
    while index < text.count, text[index] == 0x20 { index += 1 }
    let begin = index
    while index < text.count {
      let byte = text[index]
      let isIdByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
        || byte == 0x2D
      guard isIdByte else { break }
      index += 1
    }
    guard index - begin >= 8 else { return nil }
    guard index == text.count || isBlank(text[index]) else { return nil }
    return (UnsafeBufferPointer(rebasing: text[begin..<index]), index)
  }

  /// A level word (`INFO`, `ERROR`, ...) followed by a tab or space.
  private func level(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
    func word(_ name: StaticString, _ result: String) -> String? {
      let count = name.utf8CodeUnitCount
      guard start + count < text.count, ByteSearch.hasPrefix(name, in: text, at: start), isBlank(text[start + count]) else {
        return nil
      }
      return result
    }
    guard start < text.count else { return nil }
    switch text[start] {
    case UInt8(ascii: "I"): return word("INFO", "INFO")
    case UInt8(ascii: "E"): return word("ERROR", "ERROR")
    case UInt8(ascii: "W"): return word("WARN", "WARN")
    case UInt8(ascii: "D"): return word("DEBUG", "DEBUG")
    case UInt8(ascii: "T"): return word("TRACE", "TRACE")
    case UInt8(ascii: "F"): return word("FATAL", "FATAL")
    default: return nil
    }
  }

  /// The value after `label` (`Version: $LATEST`, `Status: timeout`) up to a tab or line end.
  static func field(_ label: StaticString, in text: UnsafeBufferPointer<UInt8>, from: Int) -> String? {
    guard let at = ByteSearch.find(label, in: text, from: from) else { return nil }
    var index = at + label.utf8CodeUnitCount
    while index < text.count, text[index] == 0x20 { index += 1 }
    let begin = index
    while index < text.count, text[index] != 0x09, text[index] != 0x0A, text[index] != 0x0D { index += 1 }
    var end = index
    while end > begin, text[end - 1] == 0x20 { end -= 1 }
    guard end > begin else { return nil }
    let bytes = UnsafeBufferPointer(rebasing: text[begin..<end])
    // Tabs turned into spaces (a copy from a web page): the value ends where the next field's
    // label begins. Only then does the value hold a colon.
    guard bytes.contains(UInt8(ascii: ":")) else { return String(decoding: bytes, as: UTF8.self) }
    let cut = Self.cutAtNextLabel(String(decoding: bytes, as: UTF8.self))
    return cut.isEmpty ? nil : cut
  }

  private static let labels = [
    " Duration:", " Billed Duration:", " Memory Size:", " Max Memory Used:", " Init Duration:", " Status:", " Error Type:",
    " Phase:", " XRAY TraceId:", " Restore Duration:", " Runtime Version ARN:",
  ]

  private static func cutAtNextLabel(_ value: String) -> String {
    var cut = value
    for label in labels {
      if let range = cut.firstRange(of: label) { cut = String(cut[..<range.lowerBound]) }
    }
    return cut.trimmingBlanks()
  }

  private func number(after label: StaticString, in text: UnsafeBufferPointer<UInt8>) -> Double? {
    Self.number(after: label, in: text, from: 0)
  }

  /// The number after `label` (`Duration: 26.73 ms`), skipping matches that are part of a longer
  /// label (`Billed Duration:`, `Init Duration:` are not `Duration:`).
  static func number(after label: StaticString, in text: UnsafeBufferPointer<UInt8>, from: Int) -> Double? {
    var searchFrom = from
    while let at = ByteSearch.find(label, in: text, from: searchFrom) {
      searchFrom = at + 1
      if at > 0 {
        // Only a field separator may come before the label.
        let before = text[at - 1]
        guard before == 0x09 || before == 0x20 else { continue }
        if before == 0x20, at >= 2, text[at - 2] != 0x09, text[at - 2] != 0x20, text[at - 2] != UInt8(ascii: ":") {
          // `Billed Duration:` seen from `Duration:`: a word, not a separator, precedes it.
          var wordStart = at - 1
          while wordStart > 0, text[wordStart - 1] != 0x09, text[wordStart - 1] != 0x20 { wordStart -= 1 }
          let word = String(decoding: UnsafeBufferPointer(rebasing: text[wordStart..<(at - 1)]), as: UTF8.self)
          if ["Billed", "Init", "Restore", "Used", "Max"].contains(word) { continue }
        }
      }
      var index = at + label.utf8CodeUnitCount
      while index < text.count, text[index] == 0x20 { index += 1 }
      let begin = index
      while index < text.count, (text[index] >= 0x30 && text[index] <= 0x39) || text[index] == UInt8(ascii: ".") {
        index += 1
      }
      guard index > begin else { return nil }
      return Self.plausible(Double(String(decoding: UnsafeBufferPointer(rebasing: text[begin..<index]), as: UTF8.self)))
    }
    return nil
  }

  /// A `REPORT` line's fields after the request id.
  static func report(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> ParsedReport? {
    var report = AttemptReport()
    report.durationMs = number(after: "Duration:", in: text, from: from)
    guard report.durationMs != nil else { return nil }
    report.billedDurationMs = number(after: "Billed Duration:", in: text, from: from).map { Int($0) }
    report.memorySizeMB = megabytes(number(after: "Memory Size:", in: text, from: from))
    report.maxMemoryUsedMB = megabytes(number(after: "Max Memory Used:", in: text, from: from))
    report.initDurationMs = number(after: "Init Duration:", in: text, from: from)
    report.status = Self.field("Status:", in: text, from: from)
    return ParsedReport(report: report, errorType: Self.field("Error Type:", in: text, from: from))
  }

  /// `"errorType": "Error"` in text that is not quite JSON (a copy with its tabs lost).
  private func jsonishField(_ name: String, in text: UnsafeBufferPointer<UInt8>) -> String? {
    let string = String(decoding: text, as: UTF8.self)
    guard let range = string.firstRange(of: "\"\(name)\"") else { return nil }
    let after = string[range.upperBound...].drop { $0 == " " || $0 == ":" || $0 == "\t" || $0 == "\n" }
    guard after.first == "\"" else { return nil }
    let value = after.dropFirst().prefix { $0 != "\"" }
    return String(value)
  }

  private static func exitErrorType(_ text: UnsafeBufferPointer<UInt8>) -> String {
    let string = String(decoding: text, as: UTF8.self)
    if let range = string.firstRange(of: "Runtime.") {
      let name = string[range.lowerBound...].prefix { !$0.isWhitespace }
      return String(name)
    }
    return "Runtime.ExitError"
  }

  private func restOfLine(_ text: UnsafeBufferPointer<UInt8>, from: Int) -> String {
    var end = from
    while end < text.count, text[end] != 0x0A, text[end] != 0x0D { end += 1 }
    return String(decoding: UnsafeBufferPointer(rebasing: text[from..<end]), as: UTF8.self).trimmingBlanks()
  }

  private func firstLine(_ text: UnsafeBufferPointer<UInt8>) -> String { restOfLine(text, from: 0) }

  @inline(__always)
  private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

  private static func messageText(_ value: Value) -> String {
    if case .string(let text) = value { return text }
    return JSONText.compact(value)
  }

  static func double(_ value: Value?) -> Double? {
    switch value {
    case .int(let number)?: plausible(Double(number))
    case .double(let number)?: plausible(number)
    case .string(let text)?: plausible(Double(text))
    default: nil
    }
  }

  /// A duration, size or count a log line can really hold: finite, not negative, below a
  /// billion seconds. Anything else (`9e999`, a garbled field) is no figure at all, and must not
  /// reach an integer conversion that would trap.
  static func plausible(_ value: Double?) -> Double? {
    guard let value, value.isFinite, value >= 0, value < 1e12 else { return nil }
    return value
  }

  /// A memory size a trace can hold (docs/trace-format.md, "Bounds": at most 2147483647 MB);
  /// a larger one is a garbled field, no figure.
  static func megabytes(_ value: Double?) -> Int? {
    guard let value, value <= Double(Int32.max) else { return nil }
    return Int(value)
  }

  /// A JSON record's time: ISO text or epoch milliseconds.
  static func time(_ value: Value?) -> Milliseconds? {
    switch value {
    case .string(var text)?: return text.withUTF8 { TimestampParser.parse($0)?.millis }
    case .int(let millis)?: return millis
    case .double(let millis)?: return millis.isFinite && abs(millis) < 1e15 ? Int(millis) : nil
    default: return nil
    }
  }
}
