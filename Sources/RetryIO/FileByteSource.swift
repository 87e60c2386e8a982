import Glibc
import RetryLogs

/// A file's bytes, read with `read(2)` straight into the caller's buffer.
///
/// Not Foundation's `Data(contentsOf:)`: an import of a 1 GB log must run in the memory of one
/// chunk, so nothing here holds more than the buffer it is handed. A class, because it owns a file
/// descriptor (closed in deinit) and because a progress bar reads `bytesRead` while a
/// decompressor above it drives the reads.
public final class FileByteSource: ByteSource {
  /// The path as given; `-` is standard input.
  public let path: String
  /// What error messages call it: the path, or `stdin`.
  public let name: String
  /// The size in bytes of a regular file (from fstat); nil for a pipe, a terminal or a device,
  /// whose size is not known before the end.
  public let fileSize: Int?
  /// How many bytes have been read so far.
  public private(set) var bytesRead = 0
  private let descriptor: Int32
  private let ownsDescriptor: Bool

  /// Opens `path` for reading (`-`: standard input, which is not closed at the end).
  public init(path: String) throws(ByteSourceError) {
    self.path = path
    if path == "-" {
      name = "stdin"
      descriptor = STDIN_FILENO
      ownsDescriptor = false
    } else {
      name = path
      let opened = open(path, O_RDONLY | O_CLOEXEC)
      guard opened >= 0 else { throw Self.error(name, errno: errno) }
      descriptor = opened
      ownsDescriptor = true
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      if ownsDescriptor { close(descriptor) }
      throw Self.error(name, errno: code)
    }
    // Linux opens a directory for reading without complaint; only read(2) then fails (EISDIR).
    // Say so at once, in the same words whatever the platform.
    let type = status.st_mode & S_IFMT
    if type == S_IFDIR {
      if ownsDescriptor { close(descriptor) }
      throw Self.error(name, errno: EISDIR)
    }
    fileSize = type == S_IFREG ? Int(status.st_size) : nil
  }

  deinit {
    if ownsDescriptor { close(descriptor) }
  }

  /// Whether something exists at `path` (a file, a directory, a device).
  public static func exists(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    while true {
      let count = Glibc.read(descriptor, base, buffer.count)
      if count >= 0 {
        bytesRead += count
        return count
      }
      // A signal (a terminal resize while reading a pipe) interrupts the read: try again.
      guard errno == EINTR else { throw Self.error(name, errno: errno) }
    }
  }

  /// `<name>: no such file` and the like: one line, in the words of the other messages for the
  /// common cases, strerror(3) for the rest.
  static func error(_ name: String, errno code: Int32) -> ByteSourceError {
    switch code {
    case ENOENT: return ByteSourceError("\(name): no such file")
    case EISDIR: return ByteSourceError("\(name): is a directory")
    case EACCES, EPERM: return ByteSourceError("\(name): permission denied")
    default:
      let text = String(cString: strerror(code))
      // strerror capitalizes ("Too many open files"); the other messages are lower case.
      return ByteSourceError("\(name): \(text.prefix(1).lowercased() + text.dropFirst())")
    }
  }
}
