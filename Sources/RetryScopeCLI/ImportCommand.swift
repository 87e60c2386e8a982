import ArgumentParser
import RetryCore
import RetryIO
import RetryLogs

/// `retryscope import <files...>`: rebuilds a trace from Lambda logs, prints what it found and,
/// with `--out`, writes the trace for `retryscope tui trace.json`.
struct ImportCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Rebuild a trace from Lambda logs and print a summary (invocations, retries, duplicate effects, timeouts, skipped lines).",
    discussion: """
      Reads Lambda log text, 'aws logs tail' output, 'aws logs get-log-events' / 'filter-log-events' JSON, \
      CloudWatch Logs Insights exports (JSON, CSV) and the JSON log format, plain or gzip; the format is detected. \
      Several files are one import: a log event found in more than one counts once, an empty file is skipped. \
      Open the result with 'retryscope tui <files>' or 'retryscope tui trace.json'. \
      Effects come from JSON log lines with an "effect" object: see docs/tracing-your-handler.md.
      """)

  @Argument(help: "Log files of one function (- reads standard input).")
  var files: [String] = []

  @Option(help: "Force the input format: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
  var format: LogFormat?

  @Option(help: "A field of a logged JSON line naming the logical event (event.orderId): request ids with the same value become one invocation.")
  var correlate: String?

  @Option(help: "invocations: a lane per logical event; streams: a lane per log stream (execution environment).")
  var lanes: ImportLanes = .invocations

  @Option(help: "Write the trace as JSON to this file (docs/trace-format.md).")
  var out: String?

  @Flag(help: "Plain ASCII in the summary and the progress bar instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String {
    guard !files.isEmpty else { throw CLIError("import needs at least one log file: retryscope import app.log") }
    try ImportCommand.validate(correlate: correlate)
    // Before the import (which can take a while): a refused --out is refused at once.
    if let out {
      do throws(FileWriteError) { try TextFileWriter.checkTarget(out, inputs: files) } catch { throw CLIError(error) }
    }
    let loaded: TraceLoader.Loaded
    do {
      loaded = try TraceLoader.load(files, options: .init(format: format, correlate: correlate, lanes: lanes), ascii: ascii)
    } catch {
      throw CLIError(error.description)
    }
    guard let summary = loaded.summary else {
      throw CLIError("\(files[0]): is already a RetryScope trace; open it with '\(ShellQuoting.command(["retryscope", "tui", files[0]]))'")
    }
    var text = summary.text
    if let out {
      do throws(FileWriteError) {
        let writer = try TextFileWriter(path: out, inputs: files)
        TraceJSON.write(loaded.trace) { writer.write($0) }
        try writer.commit()
        text += "wrote \(out) (\(ImportCommand.size(writer.bytesWritten)))\n"
      } catch {
        throw CLIError(error)
      }
    }
    let options = LogOpenOptions(format: format, correlate: correlate, lanes: lanes).arguments
    let reopen = out.map { [$0] } ?? files + options
    text += "open it: \(ShellQuoting.command(["retryscope", "tui"] + reopen))\n"
    // File names, keys and error messages from the logs may hold any Unicode.
    return ascii ? ASCIIText.fold(text) : text
  }

  /// `event.orderId`: dot-separated names, none empty.
  static func validate(correlate: String?) throws(CLIError) {
    guard let correlate else { return }
    if correlate.isEmpty || correlate.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
      throw CLIError("--correlate: expected a field path such as event.orderId, got '\(correlate)'")
    }
  }

  static func size(_ bytes: Int) -> String {
    if bytes < 10_000 { return "\(bytes) bytes" }
    if bytes < 10_000_000 { return "\(bytes / 1_000) kB" }
    return "\(bytes / 1_000_000) MB"
  }
}

extension LogFormat: ExpressibleByArgument {}
extension ImportLanes: ExpressibleByArgument {}
