#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a file the user named (`import --out`, `check --save`) so that it is whole or untouched.
///
/// The output goes to a temporary file beside the target (`.trace.json.1f3a9c07.tmp`, in the same
/// folder, so that the rename below never crosses file systems); `commit()` syncs it to disk,
/// renames it over the target in one step and syncs the folder. Until then the target keeps its old
/// content: a full disk, an error or `kill -9` in the middle leaves the old trace as it was (after
/// `kill -9` the temporary stays behind; every other failure removes it).
///
/// Before anything is written the target is checked (`checkTarget`): a symbolic link is refused
/// (writing through it would replace a file elsewhere: name the file itself), so is anything but a
/// regular file (`/dev/null`, a folder), and so is a target that is one of the command's inputs
/// (compared by device and inode, so `./app.log`, `logs/../app.log` and a link to it are all
/// the same file). docs/DECISIONS.md "Writing files".
///
/// The text arrives in pieces, for output too large to build as one string (`import --out` of a
/// million executions). Errors are one line: `trace.json: permission denied`.
public final class TextFileWriter {
  public let path: String
  public private(set) var bytesWritten = 0
  private let temporaryPath: String
  private var handle: UnsafeMutablePointer<FILE>?
  /// The errno of the first failed write.
  private var failed: Int32 = 0
  /// The target's permissions to keep, when it exists.
  private let keptMode: mode_t?

  /// Checks the target and creates the temporary file.
  /// - Parameter inputs: files the command reads (`-` is standard input): the target may not be one.
  public init(path: String, inputs: [String] = []) throws(FileWriteError) {
    keptMode = try Self.checkTarget(path, inputs: inputs)
    self.path = path
    let (folder, name) = Self.split(path)
    var generator = SystemRandomNumberGenerator()
    var descriptor: Int32 = -1
    var candidate = ""
    for _ in 0..<16 {
      let tag = String(generator.next() as UInt32, radix: 16)
      candidate = folder + "." + name + "." + tag + ".tmp"
      descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor >= 0 || errno != EEXIST { break }
    }
    guard descriptor >= 0 else { throw FileWriteError(Self.message(path, errno)) }
    temporaryPath = candidate
    guard let handle = fdopen(descriptor, "wb") else {
      let code = errno
      close(descriptor)
      unlink(candidate)
      throw FileWriteError(Self.message(path, code))
    }
    self.handle = handle
  }

  /// Without `commit()` (an error on the way), the temporary file goes and the target stays.
  deinit { discard() }

  public func write(_ text: String) {
    var text = text
    text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }

  public func write(_ bytes: UnsafeRawBufferPointer) {
    guard failed == 0, let handle, let base = bytes.baseAddress, !bytes.isEmpty else { return }
    if fwrite(base, 1, bytes.count, handle) != bytes.count { failed = errno == 0 ? EIO : errno }
    bytesWritten += bytes.count
  }

  /// Puts the file in place: flushes, syncs, renames over the target, syncs the folder. Throws
  /// (and removes the temporary file) if any write failed (a full disk): the target is then as it
  /// was.
  public func commit() throws(FileWriteError) {
    guard let handle else { throw FileWriteError(Self.message(path, EBADF), ioFailure: true) }
    if failed == 0 && fflush(handle) != 0 { failed = errno }
    if failed == 0, let keptMode, fchmod(fileno(handle), keptMode) != 0 { failed = errno }
    if failed == 0 && fsync(fileno(handle)) != 0 { failed = errno }
    self.handle = nil
    if fclose(handle) != 0 && failed == 0 { failed = errno }
    if failed == 0 && rename(temporaryPath, path) != 0 { failed = errno }
    guard failed == 0 else {
      unlink(temporaryPath)
      throw FileWriteError(Self.message(path, failed), ioFailure: true)
    }
    // The rename is durable once the folder's entry is on disk too.
    let folder = open(Self.split(path).folder.isEmpty ? "." : Self.split(path).folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder >= 0 {
      _ = fsync(folder)
      close(folder)
    }
  }

  /// Drops what was written: the temporary file is removed, the target untouched.
  public func discard() {
    guard let handle else { return }
    self.handle = nil
    fclose(handle)
    unlink(temporaryPath)
  }

  /// Whether `path` may be written by a command reading `inputs`; the target's permissions when
  /// it exists (the new file keeps them). One-line errors: a link, not a regular file, an input.
  @discardableResult
  public static func checkTarget(_ path: String, inputs: [String]) throws(FileWriteError) -> mode_t? {
    guard !path.isEmpty else { throw FileWriteError("an output file needs a name") }
    var link = stat()
    guard lstat(path, &link) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { return nil }
      throw FileWriteError(message(path, errno))
    }
    if (link.st_mode & S_IFMT) == S_IFLNK {
      throw FileWriteError("\(path): is a symbolic link; RetryScope does not write through links: give the file's own path")
    }
    if (link.st_mode & S_IFMT) == S_IFDIR { throw FileWriteError("\(path): is a folder; give a file name") }
    if (link.st_mode & S_IFMT) != S_IFREG { throw FileWriteError("\(path): is not a regular file; give a file name") }
    // Renaming over a read-only file would succeed (the folder is what is written): respect it.
    if access(path, W_OK) != 0 { throw FileWriteError(message(path, errno)) }
    for input in inputs {
      var status = stat()
      let found = input == "-" ? fstat(STDIN_FILENO, &status) == 0 : stat(input, &status) == 0
      if found && status.st_dev == link.st_dev && status.st_ino == link.st_ino {
        let what = input == path ? "also an input of this command" : "the same file as \(input == "-" ? "standard input" : "the input " + input)"
        throw FileWriteError("\(path): is \(what); write the output to another file")
      }
    }
    return link.st_mode & 0o7777
  }

  /// `logs/trace.json` → (`logs/`, `trace.json`); `trace.json` → (``, `trace.json`).
  static func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    return (String(path[...slash]), String(path[path.index(after: slash)...]))
  }

  static func message(_ path: String, _ code: Int32) -> String {
    "\(path): \(FileWriteError.reason(code))"
  }
}

/// A file that could not be written, in one line.
public struct FileWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  /// The disk failed the write (full, an I/O error), as opposed to a target refused or not
  /// creatable: the CLI's exit code 74 rather than 2.
  public var ioFailure: Bool

  public init(_ message: String, ioFailure: Bool = false) {
    self.message = message
    self.ioFailure = ioFailure
  }

  public var description: String { message }

  /// strerror's text, lowercased: `no space left on device`.
  public static func reason(_ code: Int32) -> String {
    var text = String(cString: strerror(code))
    if let first = text.first { text = first.lowercased() + text.dropFirst() }
    return text
  }
}
