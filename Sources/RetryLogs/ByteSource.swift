/// Where an importer's bytes come from: a file, a gzip stream, memory.
///
/// Imports are streamed: a 1 GB export is read in chunks of a fixed size and never held whole,
/// so the reader asks its source for the next chunk rather than being handed the file.
public protocol ByteSource {
  /// Fills `buffer` from its start with up to `buffer.count` bytes and returns how many; 0 means
  /// the end. A short read does not mean the end.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int
}

/// A source that could not be read (an I/O error, a corrupt gzip stream), in one line.
public struct ByteSourceError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Bytes already in memory: tests and small inputs.
public struct MemoryByteSource: ByteSource {
  private let bytes: [UInt8]
  private var position = 0
  /// At most this many bytes per read, so that tests can cut input at every possible place.
  private let chunkLimit: Int

  public init(_ bytes: [UInt8], chunkLimit: Int = .max) {
    self.bytes = bytes
    self.chunkLimit = max(1, chunkLimit)
  }

  public init(_ text: String, chunkLimit: Int = .max) {
    self.init(Array(text.utf8), chunkLimit: chunkLimit)
  }

  public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    let count = min(buffer.count, bytes.count - position, chunkLimit)
    guard count > 0 else { return 0 }
    bytes.withUnsafeBytes { source in
      buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
    }
    position += count
    return count
  }
}
