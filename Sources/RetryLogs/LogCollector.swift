import RetryCore

/// Receives every message of an import, has `LambdaLineParser` read it, and keeps the facts and
/// the counts the summary reports. Streams and request ids are interned: facts hold numbers.
final class LogCollector: LogMessageSink {
  var facts: [LogFact] = []
  var reports: [ParsedReport] = []
  var effects: [ParsedEffect] = []
  var errors: [ParsedError] = []
  /// Correlation keys (`orderId=o-1`), interned: requests with the same text share an index.
  private(set) var keys: [String] = []
  private var keyIndex: [String: Int] = [:]
  /// `START ... Version: $LATEST`: a handful of distinct values, interned.
  private(set) var versions: [String] = []
  private var versionIndex: [String: Int] = [:]
  private(set) var streamNames: [String] = []
  private var streamIndex: [String: Int32] = [:]
  private var lastStreamBytes: [UInt8] = []
  private var lastStream: Int32 = -1
  private(set) var requestIds: [String] = []
  private var lastRequestBytes: [UInt8] = []
  private var lastRequest: Int32 = -1
  private var requestIndex: [String: Int32] = [:]
  /// Requests whose correlation key is known: no more JSON parsing for them.
  private var correlated: Set<Int32> = []
  /// The last time seen in each stream (index `stream + 1`; 0 is "no stream").
  private var streamClock: [Milliseconds?] = [nil]
  /// The request running in each stream as the lines arrive (index `stream + 1`), for lines
  /// without a request id. Final attribution happens after sorting; this only decides whether a
  /// line is worth parsing for a correlation key.
  private var openRequest: [Int32] = [-1]
  /// A START without a time of its own, per stream (index `stream + 1`): it takes the time of
  /// the next line of its stream that has one (bare text where only runtime lines are stamped).
  private var untimedStart: [Int] = [-1]

  private(set) var messages = 0
  /// Messages received (never taken back, unlike `messages`): which one a skip belongs to.
  private var received = 0
  /// The message last skipped for its time, so that a line is counted once.
  private var rejectedMessage = -1
  /// The span of the times accepted so far (nil: none yet). Put back when a file turns out not
  /// to be a log.
  var timeSpan: TimeSpan?
  /// Skipped lines by reason (and, for lines in another format, the format they were not in).
  private(set) var skipped: [SkipKey: (count: Int, lines: [Int])] = [:]
  let parser: LambdaLineParser
  /// The container of the file being read: what a line in another format was not.
  var format: LogFormat = .text
  /// Set for a multi-file import: log events read twice are left out.
  var deduplicator: LogDeduplicator?
  /// While a message is parsed for the deduplicator: its skips, counted only if it is no repeat.
  private var capturedSkips: [(SkipReason, Int)]?
  /// The time the message being parsed carried (its container's or its line's), if any.
  private var messageTime: Milliseconds?
  /// Inside a message that holds messages (a page of API events pasted into a text log).
  private var nesting = 0

  struct SkipKey: Hashable {
    var reason: SkipReason
    var format: LogFormat?
  }

  init(correlate: [String]?) {
    parser = LambdaLineParser(correlate: correlate)
  }

  func receive(_ message: LogMessage) {
    messages += 1
    received += 1
    // A NUL byte is binary data, not log text: the line goes, the file stays (LogFormat.isBinary).
    if ByteSearch.containsNUL(message.text) {
      skip(.binaryLine, line: message.line)
      return
    }
    let stream = intern(stream: message.stream)
    guard let deduplicator, nesting == 0 else {
      parser.read(message, stream: stream, into: self)
      return
    }
    let factStart = facts.count
    if let id = message.eventId, !id.isEmpty {
      guard deduplicator.isDuplicate(eventId: id, time: message.timestamp, text: message.text) else { return parser.read(message, stream: stream, into: self) }
      // Read all the same, its facts left out: a file of nothing but repeats is still a log.
      capturedSkips = []
      nesting += 1
      parser.read(message, stream: stream, into: self)
      nesting -= 1
      capturedSkips = nil
      for index in factStart..<facts.count { facts[index].dropped = true }
      messages -= 1
      return
    }
    let messagesBefore = messages - 1
    capturedSkips = []
    messageTime = nil
    nesting += 1
    parser.read(message, stream: stream, into: self)
    nesting -= 1
    let entry = LogDeduplicator.Pending(
      textHash: LogDeduplicator.hash(message.text), stream: stream, facts: factStart..<facts.count,
      messages: messages - messagesBefore, skips: capturedSkips ?? [])
    capturedSkips = nil
    if let time = message.timestamp ?? messageTime {
      for held in deduplicator.release(stream: stream) { settle(held, time: time) }
      deduplicator.note(time: time, stream: stream)
      settle(entry, time: time)
    } else if let anchor = deduplicator.anchor(stream: stream) {
      settle(entry, time: anchor)
    } else {
      deduplicator.hold(entry)
    }
  }

  /// A message inside a message (an API event of a page found in a text log).
  func receiveNested(_ message: LogMessage) {
    nesting += 1
    defer { nesting -= 1 }
    receive(message)
  }

  /// Decides a message for the deduplicator: a repeat leaves no fact, no skip and no count.
  private func settle(_ entry: LogDeduplicator.Pending, time: Milliseconds?) {
    guard let deduplicator else { return }
    if deduplicator.isDuplicate(textHash: entry.textHash, stream: entry.stream, time: time) {
      for index in entry.facts { facts[index].dropped = true }
      messages -= entry.messages
    } else {
      for (reason, line) in entry.skips { skip(reason, line: line) }
    }
  }

  /// The end of a file: messages still without a time are decided without one.
  func endFile() {
    guard let deduplicator else { return }
    for held in deduplicator.release(stream: nil) { settle(held, time: nil) }
    deduplicator.endFile()
  }

  /// Log events left out as repeats of ones already read.
  var duplicatesDropped: Int { deduplicator?.dropped ?? 0 }

  func skip(_ reason: SkipReason, line: Int) {
    if capturedSkips != nil, nesting > 0 {
      capturedSkips!.append((reason, line))
      return
    }
    let key = SkipKey(reason: reason, format: reason == .notInFormat ? format : nil)
    var entry = skipped[key] ?? (0, [])
    entry.count += 1
    if entry.lines.count < 5 { entry.lines.append(line) }
    skipped[key] = entry
  }

  // MARK: - Interning

  private func intern(stream bytes: UnsafeBufferPointer<UInt8>?) -> Int32 {
    guard let bytes, !bytes.isEmpty else { return -1 }
    // Consecutive messages usually share their stream: compare bytes before hashing a String.
    if lastStream >= 0, bytes.elementsEqual(lastStreamBytes) { return lastStream }
    let name = String(decoding: bytes, as: UTF8.self)
    let index: Int32
    if let known = streamIndex[name] {
      index = known
    } else {
      index = Int32(streamNames.count)
      streamNames.append(name)
      streamIndex[name] = index
      streamClock.append(nil)
      openRequest.append(-1)
      untimedStart.append(-1)
    }
    lastStream = index
    lastStreamBytes.removeAll(keepingCapacity: true)
    lastStreamBytes.append(contentsOf: bytes)
    return index
  }

  /// A request id read off a line: consecutive lines usually name the same one, so the bytes
  /// are compared with the last before a String is made and hashed.
  func intern(request bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    if lastRequest >= 0, bytes.elementsEqual(lastRequestBytes) { return lastRequest }
    let index = intern(request: String(decoding: bytes, as: UTF8.self))
    lastRequest = index
    lastRequestBytes.removeAll(keepingCapacity: true)
    lastRequestBytes.append(contentsOf: bytes)
    return index
  }

  func intern(key: String) -> Int {
    if let known = keyIndex[key] { return known }
    keys.append(key)
    keyIndex[key] = keys.count - 1
    return keys.count - 1
  }

  func intern(version: String) -> Int {
    if let known = versionIndex[version] { return known }
    versions.append(version)
    versionIndex[version] = versions.count - 1
    return versions.count - 1
  }

  /// Drops the parsed reports, effects and errors once the trace holds them.
  func releaseTables() {
    reports = []
    effects = []
    errors = []
  }

  /// Hands the facts over (without a copy) to be sorted and replayed.
  func takeFacts() -> [LogFact] {
    if deduplicator != nil { facts.removeAll { $0.dropped } }
    defer { facts = [] }
    return facts
  }

  func intern(request id: String) -> Int32 {
    if let known = requestIndex[id] { return known }
    let index = Int32(requestIds.count)
    requestIds.append(id)
    requestIndex[id] = index
    return index
  }

  // MARK: - Facts

  /// Adds a fact; a line without a time of its own takes the last one its stream had (none
  /// yet: `LogFact.timeless`, settled when the trace is built). A line whose time is out of
  /// range adds nothing (`accepts`).
  func add(_ kind: LogFact.Kind, time: Milliseconds?, stream: Int32, request: Int32, line: Int, detail: Int = -1) {
    if let time, !accepts(time, line: line) { return }
    let slot = Int(stream) + 1
    let known = time != nil
    let resolved = time ?? streamClock[slot] ?? LogFact.timeless
    if let time { advance(to: time, stream: stream) }
    switch kind {
    case .start:
      openRequest[slot] = request
      untimedStart[slot] = known ? -1 : facts.count
    case .end, .report:
      if openRequest[slot] == request { openRequest[slot] = -1 }
      untimedStart[slot] = -1
    default: break
    }
    facts.append(
      LogFact(
        kind: kind, time: resolved, timeKnown: known, sequence: facts.count, stream: stream, request: request,
        line: Int32(clamping: line), detail: Int32(clamping: detail)))
    if kind == .correlation, request >= 0 { correlated.insert(request) }
  }

  /// Notes the time of a line that leaves no fact, so that the next line without one inherits it.
  func observe(time: Milliseconds, stream: Int32, line: Int) {
    guard accepts(time, line: line) else { return }
    advance(to: time, stream: stream)
  }

  /// The times accepted so far: where the first was, and the lowest and highest.
  struct TimeSpan {
    var first: Milliseconds
    /// The line it was on (1-based), for the summary.
    var firstLine: Int
    var lowest: Milliseconds
    var highest: Milliseconds
  }

  /// Whether a line's time can be in the trace: in the years 0000 to 9899, and no more than 100
  /// years from any time accepted before it (the trace format's bounds, `ImportBounds`). A line
  /// that fails is skipped with `timeOutOfRange`, counted once however many facts it holds, and
  /// its time reaches nothing: not the stream's clock, not a START waiting for one, no sum or
  /// difference that could overflow. Streamed, first come first kept: a year 9999 goes wherever
  /// it is; a year 1900 among lines of 2025 goes when a line of 2025 came before it.
  private func accepts(_ time: Milliseconds, line: Int) -> Bool {
    if ImportBounds.origins.contains(time) {
      guard var span = timeSpan else {
        timeSpan = TimeSpan(first: time, firstLine: line, lowest: time, highest: time)
        return true
      }
      let lowest = min(span.lowest, time)
      let highest = max(span.highest, time)
      if highest - lowest <= ImportBounds.times.upperBound {
        span.lowest = lowest
        span.highest = highest
        timeSpan = span
        return true
      }
    }
    if rejectedMessage != received {
      rejectedMessage = received
      skip(.timeOutOfRange, line: line)
    }
    return false
  }

  /// A time accepted: the message's, and the clock of its stream.
  private func advance(to time: Milliseconds, stream: Int32) {
    messageTime = time
    let slot = Int(stream) + 1
    streamClock[slot] = time
    let start = untimedStart[slot]
    if start >= 0 {
      facts[start].time = time
      facts[start].timeKnown = true
      untimedStart[slot] = -1
    }
  }

  /// Whether a JSON line of `request` (or, without one, of the request open in `stream`) could
  /// still give a correlation key.
  func wantsCorrelation(request: Int32, stream: Int32) -> Bool {
    guard parser.correlate != nil else { return false }
    let owner = request >= 0 ? request : openRequest[Int(stream) + 1]
    return owner < 0 || !correlated.contains(owner)
  }

  var skippedCount: Int { skipped.values.reduce(0) { $0 + $1.count } }

  /// Forgets the facts of a file that turned out not to be a log.
  func dropFacts(from start: Int) {
    facts.removeSubrange(start...)
  }
}
