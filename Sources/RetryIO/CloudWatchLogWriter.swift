import HeapModule
import RetryCore

/// Renders a simulated trace as the CloudWatch logs the function would have written: what
/// `retryscope run <scenario> --format logs` prints, what the log importer's round-trip tests read
/// back, and what the import benchmark generates by the hundreds of megabytes.
///
/// **What each execution writes** (throttled attempts never ran and write nothing), in its
/// environment's log stream (`ExecutionEnvironments` says which):
/// 1. on a cold start, `INIT_START Runtime Version: nodejs:20.v13\tRuntime Version ARN: ...`,
///    `Init Duration` before the start;
/// 2. `START RequestId: <id> Version: $LATEST` at the start;
/// 3. at the start, the event, as an application line: `{"event":<payload>,"invocation":"A"}`
///    (the invocation is the simulated lane, so that a round trip can tie the request ids of one
///    logical event together);
/// 4. each effect of the attempt, at its time, as an application line:
///    `{"effect":{"kind":"insert","target":"users","key":"mail=y","step":"insert-user"}}` with
///    `detail` when the effect has one and `record` (the message or stream record) for event
///    sources; a `log` effect is its `detail` as plain text. External writes are not logged;
/// 5. for an error, the runtime's error line; for a crash,
///    `RequestId: <id> Error: Runtime exited with error: exit status 1\nRuntime.ExitError`;
/// 6. `END RequestId: <id>` and `REPORT RequestId: <id>\tDuration: 1500.00 ms\t...` at the end
///    (tab-separated, with a trailing tab); with `TimeoutStyle.taskTimedOutLine`, a timeout adds
///    `<ts> <id> Task timed out after 3.00 seconds` after the REPORT line.
///
/// Application lines are `<ts>\t<id>\tINFO\t<text>` (Node.js) or `[INFO]\t<ts>\t<id>\t<text>`
/// (Python). In the JSON log format (`Format.jsonLines`) the same events are the platform records
/// `platform.initStart`, `platform.start`, `platform.runtimeDone` (for END) and
/// `platform.report`, and application records `{"timestamp","level","requestId","message"}`
/// whose `message` is the event or effect object itself (a string for `log` effects); an error is
/// `{"timestamp",...,"level":"ERROR","requestId",...,"message":{"errorType","errorMessage",
/// "stackTrace":[...]}}`, the Node.js runtime's shape; crashes and timeouts show only in the
/// `status` (`success`, `error`, `timeout`) and `errorType` of `platform.runtimeDone` and
/// `platform.report`.
///
/// **Order.** All streams are merged by time: by timestamp, then by stream creation order, then by
/// the order the stream wrote them. Within a stream no line is dated before the one before it.
///
/// **Streaming.** `write(to:)` hands the output to its sink in chunks of about
/// `Options.chunkSize` bytes and never holds the whole text: memory grows with the trace, not
/// with the output. The bytes are the same on every run and every machine.
public struct CloudWatchLogWriter: Sendable {
  /// How the log events are framed.
  public enum Format: String, Sendable, Hashable, CaseIterable {
    /// The bare messages, one per line (multi-line messages stay multi-line), as a copy from the
    /// console reads.
    case raw
    /// `aws logs tail` (AWS CLI v2, `--format detailed`): `<timestamp> <logStreamName> <message>`,
    /// the timestamp as `2019-09-20T09:00:00.339000+00:00`; continuation lines bare. Like the
    /// CLI, trailing whitespace of each message is stripped (REPORT's trailing tab).
    case tail
    /// `aws logs filter-log-events` JSON pages (see `EventPages`).
    case events
    /// Lambda's JSON log format (`LoggingConfig.LogFormat = JSON`), one record per line.
    case jsonLines = "json-lines"
  }

  /// How a timeout shows in text logs.
  public enum TimeoutStyle: String, Sendable, Hashable, CaseIterable {
    /// Since 2025: the REPORT line ends with `Status: timeout\t` (and `Status: error\tError Type:
    /// Runtime.ExitError\t` after a crash; an exception the handler throws adds no status); no
    /// separate timeout line.
    case statusField = "status"
    /// Older runtimes: no status fields; `<ts> <id> Task timed out after 3.00 seconds` after the
    /// REPORT line, with END's timestamp.
    case taskTimedOutLine = "task-timed-out"
  }

  /// Whose application log lines the handler writes.
  public enum Runtime: String, Sendable, Hashable, CaseIterable {
    case node
    case python

    /// The runtime version `INIT_START` and `platform.initStart` name.
    var version: String {
      switch self {
      case .node: "nodejs:20.v13"
      case .python: "python:3.13.v31"
      }
    }
  }

  public struct Options: Sendable, Hashable {
    public var format: Format
    public var timeoutStyle: TimeoutStyle
    public var runtime: Runtime
    /// Events per `filter-log-events` page (the API's maximum is 10,000).
    public var pageSize: Int
    /// `Format.events`: one line per page instead of the CLI's indented output.
    public var compact: Bool
    /// About how many bytes the sink receives at a time.
    public var chunkSize: Int

    public init(
      format: Format = .events, timeoutStyle: TimeoutStyle = .statusField, runtime: Runtime = .node,
      pageSize: Int = 10_000, compact: Bool = false, chunkSize: Int = 256 * 1024
    ) {
      self.format = format
      self.timeoutStyle = timeoutStyle
      self.runtime = runtime
      self.pageSize = pageSize
      self.compact = compact
      self.chunkSize = chunkSize
    }
  }

  public let trace: Trace
  public let options: Options

  public init(trace: Trace, options: Options = Options()) {
    self.trace = trace
    self.options = options
  }

  /// Writes the logs to `sink`, a chunk at a time. A chunk is only valid during the call.
  public func write(to sink: (UnsafeRawBufferPointer) -> Void) {
    var renderer = LogRenderer(trace: trace, options: options)
    let environments = renderer.environments
    let chunkSize = max(options.chunkSize, 1)
    var out = LogBuffer(capacity: chunkSize + 4_096)
    var message = LogBuffer(capacity: 4_096)
    var pages = EventPages(pageSize: options.pageSize, compact: options.compact, functionName: trace.meta.functionName)
    var clock = LogTimestamp()

    // One cursor per stream, holding the lines of its current execution; a heap of the streams
    // by their next line's (time, stream index) merges them.
    var cursors = environments.streams.map { _ in StreamCursor() }
    var heap = Heap<TimedIndex>()
    for stream in cursors.indices {
      if cursors[stream].load(stream, renderer) { heap.insert(TimedIndex(time: cursors[stream].time, index: stream)) }
    }

    while let top = heap.popMin() {
      let stream = top.index
      while true {
        let line = cursors[stream].current
        let lineStart = out.count
        switch options.format {
        case .raw, .jsonLines:
          renderer.render(line, into: &out)
          out.append(byte: UInt8(ascii: "\n"))
        case .tail:
          clock.appendTail(trace.meta.origin + line.time, to: &out)
          out.append(byte: UInt8(ascii: " "))
          out.append(renderer.streamNames[stream])
          out.append(byte: UInt8(ascii: " "))
          renderer.render(line, into: &out)
          // The CLI writes `line.rstrip() + "\n"`.
          while out.count > lineStart, Self.isWhitespace(out.byte(at: out.count - 1)) { out.removeLast(1) }
          out.append(byte: UInt8(ascii: "\n"))
        case .events:
          message.removeAll()
          renderer.render(line, into: &message)
          pages.append(
            stream: renderer.streamNames[stream], timestamp: trace.meta.origin + line.time, message: message, into: &out)
        }
        if out.count >= chunkSize {
          sink(out.bytes)
          out.removeAll()
        }
        guard cursors[stream].advance(stream, renderer) else { break }
        let next = TimedIndex(time: cursors[stream].time, index: stream)
        // Keep writing this stream while it is still first: one execution's lines come in a row.
        if let other = heap.min, other < next {
          heap.insert(next)
          break
        }
      }
    }
    if options.format == .events { pages.finish(into: &out) }
    if !out.isEmpty { sink(out.bytes) }
  }

  /// Writes the logs to `sink` as text, a chunk at a time. Chunks end at line ends, so that no
  /// chunk splits a character.
  public func writeText(to sink: (String) -> Void) {
    var pending: [UInt8] = []
    write { bytes in
      guard let cut = bytes.lastIndex(of: UInt8(ascii: "\n")) else {
        pending.append(contentsOf: bytes)
        return
      }
      pending.append(contentsOf: bytes[...cut])
      sink(String(decoding: pending, as: UTF8.self))
      pending.removeAll(keepingCapacity: true)
      pending.append(contentsOf: bytes[(cut + 1)...])
    }
    if !pending.isEmpty { sink(String(decoding: pending, as: UTF8.self)) }
  }

  /// The whole output as one string: for small traces (the command line, tests).
  public func text() -> String {
    var bytes: [UInt8] = []
    write { bytes.append(contentsOf: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// What Python's `str.rstrip()` strips (the ASCII part).
  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0d).contains(byte) || (0x1c...0x1f).contains(byte)
  }
}

/// A log stream's position: the lines of its current execution and which one is next.
struct StreamCursor {
  private var lines: [LogLine] = []
  private var line = 0
  /// The next execution, as a position in the stream's list of placements.
  private var nextPlacement = 0
  private var lastTime = Milliseconds.min

  var current: LogLine { lines[line] }
  var time: Milliseconds { lines[line].time }

  /// Loads the stream's next execution; false when there is none.
  mutating func load(_ stream: Int, _ renderer: LogRenderer) -> Bool {
    let placements = renderer.environments.streams[stream]
    guard nextPlacement < placements.count else { return false }
    lines.removeAll(keepingCapacity: true)
    line = 0
    renderer.appendLines(ofPlacement: placements[nextPlacement], lastTime: &lastTime, into: &lines)
    nextPlacement += 1
    return !lines.isEmpty
  }

  /// Moves to the next line; false when the stream has no more.
  mutating func advance(_ stream: Int, _ renderer: LogRenderer) -> Bool {
    line += 1
    if line < lines.count { return true }
    return load(stream, renderer)
  }
}
