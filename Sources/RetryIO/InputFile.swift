import Glibc

/// Every file a user names (a scenario, a trace, logs) is opened here, under one rule: it must be
/// a regular file. A device (`/dev/zero`, `/dev/urandom`), a named pipe or a socket never ends,
/// or blocks, and would be read whole into memory; a directory cannot be read. Standard input
/// (`-`, where the command takes it) is the one way to pipe bytes in.
///
/// Callers put the refusal in their own words (`x.yaml: cannot read file: ...`,
/// `app.log: is a directory`); the reasons are the same everywhere.
enum InputFile {
  /// Why a path cannot be opened for reading.
  enum Refusal: Error, Equatable {
    /// open(2) or fstat(2) failed with this errno (ENOENT, EACCES, EISDIR, ...).
    case system(Int32)
    /// Something that is not a regular file: `a character device`, `a FIFO (named pipe)`, ...
    case notARegularFile(String)
  }

  /// Opens `path` read-only and checks that it is a regular file: the descriptor (the caller
  /// closes it) and the file's size.
  static func open(_ path: String) -> Result<(descriptor: Int32, size: Int), Refusal> {
    let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return .failure(.system(errno)) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      close(descriptor)
      return .failure(.system(code))
    }
    if let kind = kind(status.st_mode) {
      close(descriptor)
      // Linux opens a directory for reading without complaint; only read(2) then fails.
      return .failure(kind == "a directory" ? .system(EISDIR) : .notARegularFile(kind))
    }
    // O_NONBLOCK only so that opening a FIFO with no writer cannot hang before the check; a
    // regular file reads the same either way, but reads go back to blocking for clarity.
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return .success((descriptor, Int(status.st_size)))
  }

  /// What a file of mode `mode` is, when it is not a regular file.
  static func kind(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFDIR: "a directory"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }

  /// The refusal as the end of a one-line message: `is a character device, not a regular file`.
  static func words(_ kind: String) -> String { "is \(kind), not a regular file" }

  /// Reads `descriptor` to its end, but never more than `limit` bytes: nil when there are more
  /// (the caller says how large a file may be), or the errno of a failed read.
  static func readAll(_ descriptor: Int32, limit: Int) -> Result<[UInt8]?, Refusal> {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return .failure(.system(errno))
      }
      if count == 0 { return .success(bytes) }
      if bytes.count + count > limit { return .success(nil) }
      bytes.append(contentsOf: buffer[0..<count])
    }
  }

  /// `1 MiB`, `512 KiB`, `100 bytes`: a limit in messages.
  static func byteSize(_ bytes: Int) -> String {
    if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
    if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
    return "\(bytes) bytes"
  }
}
