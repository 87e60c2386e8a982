import RetryCore
import RetryLogs

/// Opens what `retryscope import`, `tui` and `run` accept besides scenarios: a trace file written
/// by `--format json` or `import --out` (told by its `"format": "retryscope-trace"`), or Lambda
/// logs in any format `LogImporter` reads, plain or gzip.
public enum TraceLoader {
  /// A trace and, for logs, what the import found.
  public struct Loaded {
    public var trace: Trace
    /// Nil for a trace file.
    public var summary: ImportSummary?
  }

  /// Loads `paths` (several log files are one import; a trace file must come alone). A progress
  /// bar is drawn on standard error while logs are read, when it is a terminal: in plain ASCII
  /// when `ascii` (`--ascii`, a locale without UTF-8).
  public static func load(_ paths: [String], options: LogImporter.Options = .init(), ascii: Bool = false) throws(ImportError)
    -> Loaded
  {
    var options = options
    // Several files may hold the same log events (the same file twice, overlapping exports).
    options.deduplicate = paths.count > 1
    let importer = LogImporter(options: options)
    for path in paths {
      let input: LogInput
      do {
        input = try LogInput.open(path: path)
      } catch {
        throw ImportError.unreadable(error.message)
      }
      let bar = ProgressBar(title: "importing \(input.name)", total: input.fileSize, ascii: ascii)
      defer { bar.finish() }
      var source = PeekingByteSource(input.reportingProgress(to: bar))
      var head: [UInt8]
      do {
        head = try source.peek(512)
        // A UTF-8 byte order mark (an editor on Windows) is no part of a trace or a log.
        if head.starts(with: [0xEF, 0xBB, 0xBF]) {
          try source.skip(3)
          head.removeFirst(3)
        }
      } catch {
        throw ImportError.unreadable(error.message)
      }
      if isTraceFile(head) {
        guard paths.count == 1 else {
          throw ImportError.unreadable("\(input.name): a RetryScope trace opens on its own, not with other files")
        }
        return Loaded(trace: try decodeTrace(&source, name: input.name), summary: nil)
      }
      try importer.read(source, name: input.name)
      if input.trailingZeroBytes > 0 {
        importer.note("\(input.name): \(input.trailingZeroBytes) zero bytes after the gzip data, ignored")
      }
    }
    let (trace, summary) = try importer.finish()
    return Loaded(trace: trace, summary: summary)
  }

  /// Whether the first bytes are those `TraceJSON` writes.
  static func isTraceFile(_ head: [UInt8]) -> Bool {
    let text = String(decoding: head, as: UTF8.self).drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    return text.hasPrefix("{") && text.contains("\"format\": \"\(TraceJSON.formatName)\"")
  }

  private static func decodeTrace(_ source: inout some ByteSource, name: String) throws(ImportError) -> Trace {
    do {
      return try TraceJSONDecoder.decode(&source, file: name)
    } catch {
      throw ImportError.unreadable(error.description)
    }
  }

  /// Whether `name` names a file to load here rather than a scenario: not a built-in name, not
  /// YAML, and a file that exists (or `-`).
  public static func isTraceOrLog(_ name: String) -> Bool {
    if name == "-" { return true }
    if BuiltinScenarios.yaml(named: name) != nil { return false }
    if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return false }
    return FileByteSource.exists(name)
  }
}
