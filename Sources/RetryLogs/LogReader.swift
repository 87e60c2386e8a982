/// A window onto a `ByteSource`: the bytes from the start of the record being read to what has
/// been read so far, refilled a chunk at a time.
///
/// The window only ever holds the record in hand plus one chunk, so a 1 GB file imports in the
/// memory of its longest record, and a record is at most `maximumRecordLength` (1 MiB): a reader
/// skips and counts a longer one (`SkipReason.overlongRecord`) rather than growing the window, so
/// a gzip bomb of one endless line costs two windows, not its size. Readers work on raw pointers
/// into the window: `window[start..<end]` are valid bytes, and `keep` marks the first byte that
/// must survive the next refill.
final class LogReader {
  private var source: any ByteSource
  private(set) var storage: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Valid bytes are `storage[0..<end]`; everything before `keep` may be dropped on refill.
  private(set) var end = 0
  var keep = 0
  /// The position readers are at (an index into `storage`).
  var position = 0
  private(set) var atEndOfSource = false
  /// Bytes dropped from the front of the window so far: absolute offset = dropped + index.
  private(set) var dropped = 0
  static let chunkSize = 1 << 20
  /// The longest record kept: 1 MiB, four times CloudWatch's own limit for one log event
  /// (256 KiB, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html).
  static let maximumRecordLength = 1 << 20
  let maximumRecordLength: Int

  init(source: any ByteSource, chunkSize: Int = LogReader.chunkSize, maximumRecordLength: Int = LogReader.maximumRecordLength) {
    self.source = source
    capacity = max(chunkSize, 16)
    storage = .allocate(capacity: capacity)
    self.maximumRecordLength = max(maximumRecordLength, 1)
  }

  /// Whether the bytes from window index `start` to what has been read are more than a record
  /// may hold: the reader then skips the record instead of asking for more room.
  func isOverlong(from start: Int) -> Bool { end - start > maximumRecordLength }

  deinit { storage.deallocate() }

  /// Reads more bytes into the window, dropping those before `keep` (and moving `position` and
  /// `keep` with them). Returns false when the source is exhausted and nothing was added.
  func refill() throws(ByteSourceError) -> Bool {
    if atEndOfSource { return false }
    if keep > 0 {
      let kept = end - keep
      if kept > 0 { (storage).update(from: storage + keep, count: kept) }
      position -= keep
      dropped += keep
      end = kept
      keep = 0
    }
    if end == capacity {
      // Readers skip a record longer than `maximumRecordLength` before they ask for more, so the
      // window grows at most to twice that; past it, a reader has a bug, and the import stops.
      guard end <= maximumRecordLength else {
        throw ByteSourceError("a record longer than \(maximumRecordLength) bytes was kept in memory (a bug in the reader)")
      }
      // One record longer than the window: grow it.
      let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
      larger.update(from: storage, count: end)
      storage.deallocate()
      storage = larger
      capacity *= 2
    }
    let count = try source.read(into: UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end))
    if count == 0 {
      atEndOfSource = true
      return false
    }
    end += count
    return true
  }

  /// The byte at `position`, refilling as needed; nil at the end of the source.
  @inline(__always)
  func peek() throws(ByteSourceError) -> UInt8? {
    if position < end { return storage[position] }
    guard try refill(), position < end else { return nil }
    return storage[position]
  }

  /// The bytes `storage[from..<to]` as a buffer (valid until the next refill).
  @inline(__always)
  func bytes(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: storage + from, count: to - from)
  }

  /// The first bytes of the source, for format detection, without consuming them.
  func prefix(_ count: Int) throws(ByteSourceError) -> UnsafeBufferPointer<UInt8> {
    // Never more than a record: the window does not grow past it.
    let count = min(count, maximumRecordLength)
    while end - position < count, try refill() {}
    return bytes(position, min(end, position + count))
  }
}
