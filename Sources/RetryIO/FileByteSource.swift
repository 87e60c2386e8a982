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
  /// The size in bytes of a regular file (from fstat); nil for standard input when it is a pipe
  /// or a terminal, whose size is not known before the end.
  public let fileSize: Int?
  /// How many bytes have been read so far.
  public private(set) var bytesRead = 0
  private let descriptor: Int32
  private let ownsDescriptor: Bool

  /// Opens `path` for reading (`-`: standard input, which is not closed at the end). A named
  /// path must be a regular file (`InputFile`): `/dev/zero: is a character device, not a regular
  /// file`; standard input may be a pipe.
  public init(path: String) throws(ByteSourceError) {
    self.path = path
    if path == "-" {
      name = "stdin"
      descriptor = STDIN_FILENO
      ownsDescriptor = false
      var status = stat()
      guard fstat(descriptor, &status) == 0 else { throw Self.error(name, errno: errno) }
      let type = status.st_mode & S_IFMT
      if type == S_IFDIR { throw Self.error(name, errno: EISDIR) }
      fileSize = type == S_IFREG ? Int(status.st_size) : nil
      return
    }
    name = path
    switch InputFile.open(path) {
    case .success(let opened):
      descriptor = opened.descriptor
      fileSize = opened.size
      ownsDescriptor = true
    case .failure(.system(let code)): throw Self.error(name, errno: code)
    case .failure(.notARegularFile(let kind)):
      // A pipe is read from standard input, where the command says `-`.
      let hint = kind.hasPrefix("a FIFO") ? "; to read a pipe, give '-' and pipe it in" : ""
      throw ByteSourceError("\(name): \(InputFile.words(kind))\(hint)")
    }
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
