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
    var bytes: [UInt8] = []
    do throws(ByteSourceError) {
      let input = try LogInput.open(path: path)
      if let size = input.fileSize, !input.isCompressed { bytes.reserveCapacity(size) }
      let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
      defer { chunk.deallocate() }
      while true {
        let count = try input.read(into: chunk)
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
      }
    } catch {
      // The source's messages start with the name already (`trace.json: no such file`).
      let prefix = (path == "-" ? "stdin" : path) + ": "
      let message = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
      throw TraceJSONError(file: path, message: message)
    }
    return try decode(bytes, file: path)
  }
}
