import Glibc

/// Writes a file in pieces, for output too large to build as one string (`import --out` of a
/// million executions). Errors are one line: `trace.json: permission denied`.
public final class TextFileWriter {
  private let handle: UnsafeMutablePointer<FILE>
  public let path: String
  public private(set) var bytesWritten = 0
  private var failed: Int32 = 0

  public init(path: String) throws(FileWriteError) {
    guard let handle = fopen(path, "wb") else { throw FileWriteError(Self.message(path, errno)) }
    self.handle = handle
    self.path = path
  }

  deinit { fclose(handle) }

  public func write(_ text: String) {
    guard failed == 0 else { return }
    var text = text
    text.withUTF8 { bytes in
      guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
      if fwrite(base, 1, bytes.count, handle) != bytes.count { failed = errno }
      bytesWritten += bytes.count
    }
  }

  /// Flushes and closes; throws if any write failed (a full disk).
  public func close() throws(FileWriteError) {
    if fflush(handle) != 0 && failed == 0 { failed = errno }
    if failed != 0 { throw FileWriteError(Self.message(path, failed)) }
  }

  static func message(_ path: String, _ code: Int32) -> String {
    var text = String(cString: strerror(code))
    if let first = text.first { text = first.lowercased() + text.dropFirst() }
    return "\(path): \(text)"
  }
}

/// A file that could not be written, in one line.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
