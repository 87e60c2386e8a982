import RetryLogs

/// A log file to import, as bytes: plain or gzip, told apart by its first two bytes rather than
/// by its name (CloudWatch exports are gzip whatever they are called, and `-` has no name).
///
/// ```swift
/// let input = try LogInput.open(path: "app.log.gz")
/// let bar = ProgressBar(title: "importing app.log.gz", total: input.fileSize)
/// var source = input.reportingProgress(to: bar)   // reads decompressed bytes, draws the bar
/// ```
public final class LogInput: ByteSource {
  /// gzip's magic number (RFC 1952): `1f 8b`.
  static let gzipMagic: [UInt8] = [0x1F, 0x8B]

  /// The path as given (`-` is standard input).
  public var path: String { file.path }
  /// What messages call it: the path, or `stdin`.
  public var name: String { file.name }
  /// Whether the bytes are gzip and are inflated on the way.
  public let isCompressed: Bool
  /// The size of the file on disk (compressed, for gzip); nil for a pipe.
  public var fileSize: Int? { file.fileSize }
  /// How many bytes of the file (compressed bytes, for gzip) have been read: with `fileSize`, the
  /// fraction a progress bar shows.
  public var rawBytesRead: Int { file.bytesRead }

  private let file: FileByteSource
  private var plain: PeekingByteSource<FileByteSource>?
  private let gzip: GzipByteSource<PeekingByteSource<FileByteSource>>?

  private init(file: FileByteSource, plain: PeekingByteSource<FileByteSource>?, gzip: GzipByteSource<PeekingByteSource<FileByteSource>>?) {
    self.file = file
    self.plain = plain
    self.gzip = gzip
    isCompressed = gzip != nil
  }

  /// Opens `path` (`-`: standard input) and looks at its first two bytes, which later reads
  /// still return. Errors are one line: `app.log: no such file`.
  public static func open(path: String) throws(ByteSourceError) -> LogInput {
    let file = try FileByteSource(path: path)
    var peeking = PeekingByteSource(file)
    if try peeking.peek(gzipMagic.count) == gzipMagic {
      return LogInput(file: file, plain: nil, gzip: try GzipByteSource(peeking, name: file.name))
    }
    return LogInput(file: file, plain: peeking, gzip: nil)
  }

  /// Zero bytes after the last gzip member, ignored (0 for a plain file).
  public var trailingZeroBytes: Int { gzip?.trailingZeroBytes ?? 0 }

  /// The file's bytes, inflated when it is gzip.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    if let gzip { return try gzip.read(into: buffer) }
    return try plain!.read(into: buffer)
  }

  /// This input wrapped so that every read moves `bar` to the compressed bytes read so far.
  public func reportingProgress(to bar: ProgressBar) -> ProgressReportingSource<LogInput> {
    ProgressReportingSource(self, bar: bar) { $0.rawBytesRead }
  }
}
