import RetryCore

/// Turns Lambda logs into a trace: detects the container, reads every message, rebuilds the
/// executions and their logical events.
///
/// One importer takes one or more inputs (several files of one function: pages, streams, days);
/// their facts are merged before the trace is built, so a retry in another file still joins its
/// request id.
public final class LogImporter {
  public struct Options: Sendable {
    /// Force a container instead of detecting it.
    public var format: LogFormat?
    /// `event.orderId`: the field of a logged JSON line that names the logical event.
    public var correlate: String?
    public var lanes: ImportLanes
    /// Leave out log events read twice (`LogDeduplicator`): on for an import of several files,
    /// where the same file twice or overlapping exports would count every retry twice. One file
    /// is read as it is (and pays no memory for it).
    public var deduplicate: Bool

    public init(format: LogFormat? = nil, correlate: String? = nil, lanes: ImportLanes = .invocations, deduplicate: Bool = false) {
      self.format = format
      self.correlate = correlate
      self.lanes = lanes
      self.deduplicate = deduplicate
    }
  }

  /// An input that is not a log, in one line (the CLI exits 2).
  public struct NotALog: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  public let options: Options
  private let collector: LogCollector
  private var inputs: [(name: String, format: LogFormat)] = []
  /// Files with nothing in them: skipped, and named in the summary.
  private var emptyInputs: [String] = []
  private var notes: [String] = []
  private var sizeRead = 0
  private var finished: (Trace, ImportSummary)?

  public init(options: Options = Options()) {
    self.options = options
    let path = options.correlate.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    collector = LogCollector(correlate: path)
    if options.deduplicate { collector.deduplicator = LogDeduplicator() }
  }

  /// A line for the summary about an input (`app.log.gz: 512 zero bytes after the gzip data,
  /// ignored`).
  public func note(_ text: String) {
    notes.append(text)
  }

  /// Reads one input to its end. Throws when the source cannot be read, or when it holds no
  /// Lambda log line at all (binary data, another kind of file): then nothing of it is kept. An
  /// empty input (nothing but blanks) is skipped with a note; `finish` fails only when every
  /// input was.
  public func read(_ source: some ByteSource, name: String) throws(ImportError) {
    precondition(finished == nil, "LogImporter.read after finish")
    let reader = LogReader(source: source)
    let format: LogFormat
    do {
      var prefix = try reader.prefix(64 * 1024)
      let byteOrderMark = LogFormat.byteOrderMarkLength(prefix)
      if prefix[byteOrderMark...].allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
        if try prefix.count < 64 * 1024 || Self.isBlankToTheEnd(reader) {
          emptyInputs.append(name)
          return
        }
        // The window moved on: look again.
        prefix = try reader.prefix(64 * 1024)
      }
      if let forced = options.format {
        format = forced
      } else if let detected = LogFormat.detect(prefix) {
        format = detected
      } else {
        throw ImportError.notALog("\(name): not a Lambda log (binary data); expected Lambda log text, aws logs tail output, CloudWatch Logs JSON or a Logs Insights export")
      }
      // The mark is no part of the first line (or the first JSON document, or the CSV header).
      reader.position += byteOrderMark
      collector.format = format
      let factsBefore = collector.facts.count
      let messagesBefore = collector.messages
      let skippedBefore = collector.skipped
      let spanBefore = collector.timeSpan
      switch format {
      case .text, .tail: try TextLogReader(format: format).run(reader, into: collector)
      case .events, .insightsJSON: try JSONEventsReader().run(reader, into: collector)
      case .insightsCSV: try InsightsCSVReader().run(reader, into: collector)
      }
      collector.endFile()
      sizeRead += reader.dropped + reader.end
      let lambdaLines = collector.facts[factsBefore...].contains {
        $0.kind == .start || $0.kind == .report || $0.kind == .end || $0.kind == .initStart || $0.kind == .initReport
      }
      guard lambdaLines else {
        collector.dropFacts(from: factsBefore)
        collector.timeSpan = spanBefore
        let messages = collector.messages - messagesBefore
        let prefixed = (collector.skipped[.init(reason: .unknownPrefix)]?.count ?? 0) - (skippedBefore[.init(reason: .unknownPrefix)]?.count ?? 0)
        if prefixed > 0, let line = collector.skipped[.init(reason: .unknownPrefix)]?.lines.first {
          throw ImportError.notALog(
            "\(name):\(line): START, END, REPORT or INIT lines come after a prefix that is not a timestamp (\(prefixed) \(prefixed == 1 ? "line" : "lines")); "
              + "expected them at the start of a line, after a timestamp, or in aws logs tail output")
        }
        let rangeKey = LogCollector.SkipKey(reason: .timeOutOfRange)
        let outOfRange = (collector.skipped[rangeKey]?.count ?? 0) - (skippedBefore[rangeKey]?.count ?? 0)
        if outOfRange > 0 {
          // Lambda's lines may be there, each at a time no trace can hold: say that, not "no log".
          // (The first line numbers kept may be an earlier file's.)
          let lines = collector.skipped[rangeKey]?.lines ?? []
          let earlier = skippedBefore[rangeKey]?.lines.count ?? 0
          let place = lines.count > earlier ? "\(name):\(lines[earlier])" : name
          throw ImportError.notALog(
            "\(place): no START, END, REPORT or platform record at a time in range (\(outOfRange) \(outOfRange == 1 ? "line has" : "lines have") "
              + "a timestamp before the year 0000, after 9899, or more than 100 years from the lines before it)")
        }
        throw ImportError.notALog(
          "\(name): not a Lambda log (\(messages) \(messages == 1 ? "message" : "messages") read as \(format.displayName), but no START, END, REPORT or platform record among them)"
        )
      }
    } catch let error as ByteSourceError {
      throw ImportError.unreadable(error.message)
    } catch let error as ImportError {
      throw error
    } catch {
      throw ImportError.unreadable("\(name): \(error)")
    }
    inputs.append((name, format))
  }

  /// Whether everything after the window's first 64 KiB is blank too (a file of blank lines).
  private static func isBlankToTheEnd(_ reader: LogReader) throws(ByteSourceError) -> Bool {
    var index = reader.position
    while true {
      while index < reader.end {
        let byte = reader.storage[index]
        guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return false }
        index += 1
      }
      let before = reader.position
      guard try reader.refill() else { return true }
      index -= before - reader.position
    }
  }

  /// The trace of everything read so far, and the summary of the import.
  ///
  /// The importer's tables are consumed on the way (a large import peaks here): later calls
  /// return the same result, and `read` may not be called after it.
  public func finish() throws(ImportError) -> (Trace, ImportSummary) {
    if let finished { return finished }
    if inputs.isEmpty, !emptyInputs.isEmpty {
      throw ImportError.notALog(
        emptyInputs.count == 1
          ? "\(emptyInputs[0]): empty file, nothing to import"
          : "nothing to import: every file is empty (\(emptyInputs.joined(separator: ", ")))")
    }
    var reconstructor = TraceReconstructor(collector: collector, lanes: options.lanes)
    reconstructor.collectExecutions()
    let names = inputs.map(\.name)
    // The title shows file names, not where they happen to lie.
    let shortNames = names.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
    let title = shortNames.count == 1 ? "Imported from \(shortNames[0])" : "Imported from \(shortNames.joined(separator: ", "))"
    let timeouts = reconstructor.executions.indices.compactMap { index -> Double? in
      let view = reconstructor.view(index)
      return view.outcome == .timeout ? view.report.durationMs : nil
    }
    let meta = TraceMeta(
      source: "import", scenario: names.joined(separator: " "), title: title,
      lesson: "What the logs say happened: each START is an execution; the same request id again is Lambda retrying the async event.",
      functionName: "", functionTimeout: timeouts.min().map { Milliseconds(($0 / 1000).rounded(.down)) * 1000 })
    let trace = reconstructor.trace(meta: meta)
    var summary = ImportSummary(
      trace: trace, inputs: inputs.map { ImportSummary.Input(name: $0.name, format: $0.format) },
      messages: collector.messages, bytes: sizeRead, skipped: collector.skipped.map {
        ImportSummary.Skip(reason: $0.key.reason, count: $0.value.count, firstLines: $0.value.lines, format: $0.key.format)
      }.sorted { ($0.reason, $0.format?.rawValue ?? "") < ($1.reason, $1.format?.rawValue ?? "") },
      hasTimestamps: reconstructor.hasTimestamps, correlate: options.correlate,
      correlatedRequests: reconstructor.correlatedRequests)
    summary.duplicatesDropped = collector.duplicatesDropped
    summary.firstTimestampLine = collector.timeSpan?.firstLine
    summary.emptyInputs = emptyInputs
    summary.notes = notes
    summary.initFailures = reconstructor.initFailures(in: trace)
    finished = (trace, summary)
    return (trace, summary)
  }
}

/// Why an import stopped: the input is not a log, or could not be read.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
  case notALog(String)
  case unreadable(String)

  public var description: String {
    switch self {
    case .notALog(let message), .unreadable(let message): message
    }
  }
}
