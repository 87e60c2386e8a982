import CZlib
import RetryLogs

/// The inflated bytes of a gzip stream read from another source.
///
/// CloudWatch exports and `aws logs` pipelines hand over `.gz` files; this inflates them chunk by
/// chunk with zlib, straight into the caller's buffer, so that memory stays at one input buffer
/// and zlib's 32 KiB window whatever the size of the file. Handles the concatenated members that
/// `cat a.gz b.gz` makes (valid gzip, and what rotated logs look like) and zlib streams (the
/// header is detected). A class: it owns zlib's state, freed in deinit, and that state must not
/// be copied (zlib keeps a pointer back to its `z_stream`).
public final class GzipByteSource<Source: ByteSource>: ByteSource {
  /// How many compressed bytes are read from the source at a time.
  public static var inputBufferSize: Int { 64 * 1024 }

  /// What error messages call the stream (its file name).
  public let name: String
  private var source: Source
  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeMutableRawBufferPointer
  /// Inside a gzip member: the end of the input here means it was cut short.
  private var memberOpen = false
  /// Whether any member has begun: an empty input is not a gzip stream either.
  private var anyMember = false
  /// Zero bytes after the last member (a tape or disk image pads so; gzip(1) ignores them with
  /// a warning): how many, for the caller's note.
  public private(set) var trailingZeroBytes = 0
  /// Past the last member, in its zero padding: nothing more is inflated.
  private var inPadding = false

  public init(_ source: Source, name: String) throws(ByteSourceError) {
    stream = .allocate(capacity: 1)
    // zalloc, zfree and opaque all nil: zlib's own allocator.
    stream.initialize(to: z_stream())
    let status = rs_inflate_init_auto(stream)
    guard status == Z_OK else {
      stream.deallocate()
      throw ByteSourceError("\(name): cannot start gzip decompression (zlib status \(status))")
    }
    self.source = source
    self.name = name
    input = .allocate(byteCount: Self.inputBufferSize, alignment: 16)
  }

  deinit {
    inflateEnd(stream)
    stream.deinitialize(count: 1)
    stream.deallocate()
    input.deallocate()
  }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    guard let output = buffer.baseAddress, buffer.count > 0 else { return 0 }
    stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
    stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
    var produced = 0
    while true {
      if stream.pointee.avail_in == 0 {
        // Hand out what is there before waiting on the source (a pipe may take its time).
        if produced > 0 { return produced }
        let count = try source.read(into: input)
        if count == 0 {
          if memberOpen || !anyMember { throw ByteSourceError("\(name): truncated gzip data") }
          return 0
        }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(count)
      }
      if anyMember, !memberOpen, inPadding || stream.pointee.next_in[0] == 0 {
        // After a complete member a gzip header starts with 1f; a zero byte starts padding,
        // which must run to the end.
        inPadding = true
        let count = Int(stream.pointee.avail_in)
        for offset in 0..<count where stream.pointee.next_in[offset] != 0 {
          throw ByteSourceError("\(name): corrupt gzip data (a byte other than zero in the padding after the last member)")
        }
        trailingZeroBytes += count
        stream.pointee.next_in += count
        stream.pointee.avail_in = 0
        continue
      }
      // Input after the end of a member is the header of the next one.
      memberOpen = true
      anyMember = true
      let room = stream.pointee.avail_out
      let status = inflate(stream, Z_NO_FLUSH)
      produced += Int(room - stream.pointee.avail_out)
      switch status {
      case Z_OK, Z_BUF_ERROR:
        // Z_BUF_ERROR: no progress possible, for want of input (read more) or of room.
        if stream.pointee.avail_out == 0 { return produced }
      case Z_STREAM_END:
        memberOpen = false
        inflateReset(stream)
        if stream.pointee.avail_out == 0 { return produced }
      case Z_MEM_ERROR:
        throw ByteSourceError("\(name): out of memory while decompressing gzip data")
      default:
        // Z_DATA_ERROR (a bad header, a bad checksum, a broken block), Z_NEED_DICT (a zlib stream
        // made with a preset dictionary, which a log file never is).
        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        throw ByteSourceError("\(name): corrupt gzip data (\(reason))")
      }
    }
  }
}
