import RetryLogs

/// A source that moves a progress bar after every read, by what `consumed` says has been read of
/// the file (for gzip, the compressed bytes: the file size is the only total known up front).
///
/// Clears the bar at the end of the input and when a read fails, so that whatever is printed
/// next (the summary, the error) starts on a clean line.
public struct ProgressReportingSource<Source: ByteSource>: ByteSource {
  public private(set) var source: Source
  public let bar: ProgressBar
  private let consumed: (Source) -> Int

  public init(_ source: Source, bar: ProgressBar, consumed: @escaping (Source) -> Int) {
    self.source = source
    self.bar = bar
    self.consumed = consumed
  }

  public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    let count: Int
    do {
      count = try source.read(into: buffer)
    } catch {
      bar.finish()
      throw error
    }
    if count == 0 {
      bar.finish()
    } else {
      bar.update(consumed(source))
    }
    return count
  }
}
