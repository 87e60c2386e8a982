import RetryLogs

/// A source that can look at its first bytes and still hand them out: to tell a gzip file by its
/// magic number, or a log format by its first line, before reading it from the start.
public struct PeekingByteSource<Source: ByteSource>: ByteSource {
  public private(set) var source: Source
  private var peeked: [UInt8] = []
  private var position = 0

  public init(_ source: Source) {
    self.source = source
  }

  /// Up to the next `count` bytes (fewer only at the end), which later reads return again.
  public mutating func peek(_ count: Int) throws(ByteSourceError) -> [UInt8] {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 4_096, alignment: 1)
    defer { chunk.deallocate() }
    // A pipe may deliver fewer bytes than asked for: read until there are enough or the end.
    while peeked.count - position < count {
      let wanted = min(chunk.count, count - (peeked.count - position))
      let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[0..<wanted]))
      if got == 0 { break }
      peeked.append(contentsOf: chunk[0..<got])
    }
    return Array(peeked[position..<min(peeked.count, position + count)])
  }

  /// Passes over the next `count` bytes (already peeked at).
  public mutating func skip(_ count: Int) throws(ByteSourceError) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
    defer { buffer.deallocate() }
    var left = count
    while left > 0 {
      let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<left]))
      if got == 0 { return }
      left -= got
    }
  }

  public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    guard position < peeked.count else { return try source.read(into: buffer) }
    let count = min(buffer.count, peeked.count - position)
    peeked.withUnsafeBytes { bytes in
      buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + position, byteCount: count)
    }
    position += count
    if position == peeked.count {
      peeked = []
      position = 0
    }
    return count
  }
}
