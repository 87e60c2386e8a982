import OrderedCollections
import RetryCore
import RetryLogs

/// A trace file (what `retryscope run --format json` and `retryscope import --out` write) back
/// into a `Trace`: what `retryscope tui trace.json` opens.
///
/// Reads exactly what `TraceJSON.encode` writes (docs/trace-format.md), so that decoding and
/// encoding again gives the same bytes. The top-level object is walked here, one section element
/// at a time with `JSONParser.parsePrefix`, rather than parsed whole: a large imported trace is
/// never held twice (as JSON values and as the model), and every element's offset is known, so
/// that an error in `attempts[3]` names its line and column. Errors are one line:
/// `trace.json:12:5: attempts[3]: "outcome" must be one of success, error, ... (got "boom")`.
public enum TraceJSONDecoder {
  /// The trace in `text`; `file` names it in error messages.
  public static func decode(_ text: String, file: String) throws(TraceJSONError) -> Trace {
    var text = text
    let result: Result<Trace, TraceJSONError> = text.withUTF8 { bytes in
      do throws(TraceJSONError) {
        return .success(try decode(bytes, file: file))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The trace in `bytes` (UTF-8); `file` names it in error messages.
  public static func decode(_ bytes: [UInt8], file: String) throws(TraceJSONError) -> Trace {
    let result: Result<Trace, TraceJSONError> = bytes.withUnsafeBufferPointer { buffer in
      do throws(TraceJSONError) {
        return .success(try decode(buffer, file: file))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The trace in `bytes` (UTF-8); `file` names it in error messages.
  public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(TraceJSONError) -> Trace {
    var reader = TraceFileReader(bytes: bytes, file: file)
    return try reader.read()
  }

  /// Reads and decodes the trace file at `path` (`-`: standard input; gzip is inflated). Errors
  /// name `path`: `trace.json: no such file`.
  public static func load(path: String) throws(TraceJSONError) -> Trace {
    var input: LogInput
    do {
      input = try LogInput.open(path: path)
    } catch {
      throw TraceJSONError(file: path, message: Self.withoutName(error.message, path))
    }
    return try decode(&input, file: path)
  }

  /// The largest trace file read (after gzip is inflated): 1 GiB. The reader holds the file's
  /// bytes while it builds the model, so a gzip bomb or an endless pipe must stop somewhere; a
  /// larger import is opened from its logs, which are streamed.
  public static let maximumSize = 1 << 30

  /// Reads `source` to its end (at most `maximumSize` bytes) and decodes it; `file` names it in
  /// error messages.
  public static func decode(_ source: inout some ByteSource, file: String, maximumSize: Int = maximumSize) throws(TraceJSONError)
    -> Trace
  {
    var bytes: [UInt8] = []
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { chunk.deallocate() }
    var tooLarge = false
    do throws(ByteSourceError) {
      while true {
        let count = try source.read(into: chunk)
        if count == 0 { break }
        if bytes.count + count > maximumSize {
          tooLarge = true
          break
        }
        bytes.append(contentsOf: chunk[0..<count])
      }
    } catch {
      throw TraceJSONError(file: file, message: Self.withoutName(error.message, file))
    }
    if tooLarge {
      throw TraceJSONError(
        file: file,
        message: "larger than \(InputFile.byteSize(maximumSize)), the most a trace file may hold; open the logs it was imported from instead")
    }
    return try decode(bytes, file: file)
  }

  /// The sources' messages start with the name already (`trace.json: no such file`).
  private static func withoutName(_ message: String, _ path: String) -> String {
    let prefix = (path == "-" ? "stdin" : path) + ": "
    return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
  }
}
