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

    public init(format: LogFormat? = nil, correlate: String? = nil, lanes: ImportLanes = .invocations) {
      self.format = format
      self.correlate = correlate
      self.lanes = lanes
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
  private var sizeRead = 0
  private var finished: (Trace, ImportSummary)?

  public init(options: Options = Options()) {
    self.options = options
    let path = options.correlate.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    collector = LogCollector(correlate: path)
  }

  /// Reads one input to its end. Throws when the source cannot be read, or when it holds no
  /// Lambda log line at all (binary data, another kind of file): then nothing of it is kept.
  public func read(_ source: some ByteSource, name: String) throws(ImportError) {
    precondition(finished == nil, "LogImporter.read after finish")
    let reader = LogReader(source: source)
    let format: LogFormat
    do {
      let prefix = try reader.prefix(64 * 1024)
      if let forced = options.format {
        format = forced
      } else if let detected = LogFormat.detect(prefix) {
        format = detected
      } else {
        throw ImportError.notALog("\(name): not a Lambda log (binary data); expected Lambda log text, aws logs tail output, CloudWatch Logs JSON or a Logs Insights export")
      }
      let factsBefore = collector.facts.count
      let messagesBefore = collector.messages
      switch format {
      case .text, .tail: try TextLogReader(format: format).run(reader, into: collector)
      case .events, .insightsJSON: try JSONEventsReader().run(reader, into: collector)
      case .insightsCSV: try InsightsCSVReader().run(reader, into: collector)
      }
      sizeRead += reader.dropped + reader.end
      let lambdaLines = collector.facts[factsBefore...].contains {
        $0.kind == .start || $0.kind == .report || $0.kind == .end || $0.kind == .initStart
      }
      guard lambdaLines else {
        collector.facts.removeSubrange(factsBefore...)
        let messages = collector.messages - messagesBefore
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

  /// The trace of everything read so far, and the summary of the import.
  ///
  /// The importer's tables are consumed on the way (a large import peaks here): later calls
  /// return the same result, and `read` may not be called after it.
  public func finish() -> (Trace, ImportSummary) {
    if let finished { return finished }
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
    let summary = ImportSummary(
      trace: trace, inputs: inputs.map { ImportSummary.Input(name: $0.name, format: $0.format) },
      messages: collector.messages, bytes: sizeRead, skipped: collector.skipped.map {
        ImportSummary.Skip(reason: $0.key, count: $0.value.count, firstLines: $0.value.lines)
      }.sorted { $0.reason < $1.reason }, hasTimestamps: reconstructor.hasTimestamps,
      correlate: options.correlate, correlatedRequests: reconstructor.correlatedRequests)
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
