import Foundation
import RetryLogs
import Testing

@testable import RetryIO

/// Log files as bytes: plain and gzip (told by their magic number), concatenated gzip members,
/// the one-line errors of broken and missing files, and memory that stays bounded however large
/// the file. gzip files are made with /usr/bin/gzip, as a user would make them.
@Suite struct LogInputTests {
  /// A fresh directory for one test, removed when `body` returns.
  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = NSTemporaryDirectory() + "retryscope-loginput-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  static func contents(of path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Runs a shell command line (gzip, cat, head), failing the test when it fails.
  static func shell(_ command: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "\(command) failed")
  }

  /// `path` compressed with gzip into `path.gz` (the original is kept).
  static func gzip(_ path: String, level: Int = 6) throws -> String {
    try shell("/usr/bin/gzip -\(level) -k -f -n '\(path)'")
    return path + ".gz"
  }

  /// Everything `source` hands out, read `chunk` bytes at a time.
  static func readAll(_ source: inout some ByteSource, chunk: Int = 65_536) throws(ByteSourceError) -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    while true {
      let count = try source.read(into: buffer)
      if count == 0 { return out }
      out.append(contentsOf: buffer[0..<count])
    }
  }

  /// The one-line message opening and reading all of `path` fails with, or nil.
  static func failure(_ path: String) -> String? {
    do {
      var input = try LogInput.open(path: path)
      _ = try readAll(&input)
      return nil
    } catch {
      return error.message
    }
  }

  static let text = Array(
    (1...2_000).map { "2019-09-20T09:00:00.\($0 % 1000)Z\tline \($0) of the log\n" }.joined().utf8)

  // MARK: - Plain and gzip

  @Test func plainFileIsReadAsIs() throws {
    try Self.withDirectory { directory in
      let path = directory + "/app.log"
      try Self.write(Self.text, to: path)
      var input = try LogInput.open(path: path)
      #expect(!input.isCompressed)
      #expect(input.fileSize == Self.text.count)
      #expect(try Self.readAll(&input, chunk: 1_000) == Self.text)
      #expect(input.rawBytesRead == Self.text.count)
    }
  }

  @Test func shortAndEmptyFilesArePlain() throws {
    try Self.withDirectory { directory in
      for bytes: [UInt8] in [[], [0x1F], [0x1F, 0x8C], Array("{}".utf8)] {
        let path = directory + "/short"
        try Self.write(bytes, to: path)
        var input = try LogInput.open(path: path)
        #expect(!input.isCompressed)
        #expect(try Self.readAll(&input, chunk: 1) == bytes)
      }
    }
  }

  @Test func gzipFileIsInflated() throws {
    try Self.withDirectory { directory in
      let path = directory + "/app.log"
      try Self.write(Self.text, to: path)
      let compressed = try Self.gzip(path)
      let size = try Self.contents(of: compressed).count
      var input = try LogInput.open(path: compressed)
      #expect(input.isCompressed)
      #expect(input.fileSize == size)
      #expect(size < Self.text.count / 3)
      #expect(try Self.readAll(&input, chunk: 4_096) == Self.text)
      #expect(input.rawBytesRead == size, "progress counts compressed bytes")
    }
  }

  @Test func gzipIsToldByItsMagicNotItsName() throws {
    try Self.withDirectory { directory in
      let path = directory + "/export"
      try Self.write(Self.text, to: path)
      let compressed = try Self.gzip(path)
      try Self.shell("mv '\(compressed)' '\(directory)/export.json'")
      var input = try LogInput.open(path: directory + "/export.json")
      #expect(input.isCompressed)
      #expect(try Self.readAll(&input) == Self.text)
    }
  }

  @Test func concatenatedGzipMembersAreOneStream() throws {
    try Self.withDirectory { directory in
      let first = Array(Self.text.prefix(30_000))
      let second = Array("and then the rotated part\n".utf8)
      try Self.write(first, to: directory + "/a")
      try Self.write(second, to: directory + "/b")
      try Self.write([], to: directory + "/empty")
      let a = try Self.gzip(directory + "/a")
      let b = try Self.gzip(directory + "/b")
      let empty = try Self.gzip(directory + "/empty")
      try Self.shell("cat '\(a)' '\(empty)' '\(b)' '\(a)' > '\(directory)/all.gz'")
      var input = try LogInput.open(path: directory + "/all.gz")
      #expect(try Self.readAll(&input, chunk: 777) == first + second + first)
    }
  }

  @Test func gzipSurvivesEveryCutOfItsInputAndOutput() throws {
    try Self.withDirectory { directory in
      let bytes = Array(Self.text.prefix(5_000))
      try Self.write(bytes, to: directory + "/a")
      let compressed = try Self.contents(of: try Self.gzip(directory + "/a"))
      for (inputChunk, outputChunk) in [(1, 1), (1, 65_536), (7, 3), (100_000, 1)] {
        var source = try GzipByteSource(MemoryByteSource(compressed + compressed, chunkLimit: inputChunk), name: "m")
        #expect(try Self.readAll(&source, chunk: outputChunk) == bytes + bytes)
      }
    }
  }

  /// Zero bytes after the last member (a tape or disk image's padding) are what gzip(1) accepts
  /// with a warning: read past and counted, after one member or several.
  @Test func zeroPaddingAfterTheLastMemberIsIgnoredAndCounted() throws {
    try Self.withDirectory { directory in
      let bytes = Array(Self.text.prefix(20_000))
      try Self.write(bytes, to: directory + "/a")
      let member = try Self.contents(of: try Self.gzip(directory + "/a"))
      for (members, zeros) in [(1, 1), (1, 100_000), (2, 512)] {
        let path = directory + "/padded.gz"
        try Self.write(Array([[UInt8]](repeating: member, count: members).joined()) + [UInt8](repeating: 0, count: zeros), to: path)
        var input = try LogInput.open(path: path)
        #expect(try Self.readAll(&input, chunk: 777) == Array([[UInt8]](repeating: bytes, count: members).joined()))
        #expect(input.trailingZeroBytes == zeros)
        // Cut anywhere in the input, the same.
        var source = try GzipByteSource(MemoryByteSource(try Self.contents(of: path), chunkLimit: 7), name: "m")
        #expect(try Self.readAll(&source, chunk: 5).count == bytes.count * members)
        #expect(source.trailingZeroBytes == zeros)
      }
      // Padding that is not only zeros is garbage, as before.
      try Self.write(member + [0, 0, 0, 7], to: directory + "/bad.gz")
      #expect(
        Self.failure(directory + "/bad.gz")
          == "\(directory)/bad.gz: corrupt gzip data (a byte other than zero in the padding after the last member)")
    }
  }

  // MARK: - Broken gzip

  @Test func corruptGzipSaysWhatZlibSaw() throws {
    try Self.withDirectory { directory in
      let path = directory + "/app.log"
      try Self.write(Self.text, to: path)
      let good = try Self.contents(of: try Self.gzip(path))

      var badChecksum = good
      badChecksum[good.count - 8] ^= 0xFF  // the CRC-32 in the trailer
      try Self.write(badChecksum, to: directory + "/crc.gz")
      #expect(Self.failure(directory + "/crc.gz") == "\(directory)/crc.gz: corrupt gzip data (incorrect data check)")

      var badMethod = good
      badMethod[2] = 7  // compression method: only 8 (deflate) exists
      try Self.write(badMethod, to: directory + "/method.gz")
      #expect(Self.failure(directory + "/method.gz") == "\(directory)/method.gz: corrupt gzip data (unknown compression method)")

      // Garbage after a complete member is read as the header of a next one.
      try Self.write(good + Array("not gzip".utf8), to: directory + "/tail.gz")
      #expect(Self.failure(directory + "/tail.gz") == "\(directory)/tail.gz: corrupt gzip data (incorrect header check)")
    }
  }

  @Test func truncatedGzipSaysSo() throws {
    try Self.withDirectory { directory in
      let path = directory + "/app.log"
      try Self.write(Self.text, to: path)
      let good = try Self.contents(of: try Self.gzip(path))
      for length in [2, 10, good.count / 2, good.count - 1] {
        try Self.write(Array(good.prefix(length)), to: directory + "/cut.gz")
        #expect(Self.failure(directory + "/cut.gz") == "\(directory)/cut.gz: truncated gzip data", "cut at \(length)")
      }
    }
  }

  // MARK: - Files that cannot be read

  @Test func missingFileAndDirectoryAreOneLine() throws {
    try Self.withDirectory { directory in
      #expect(Self.failure(directory + "/nothing.log") == "\(directory)/nothing.log: no such file")
      #expect(Self.failure(directory) == "\(directory): is a directory")
      try Self.write([1], to: directory + "/file")
      #expect(Self.failure(directory + "/file/below") == "\(directory)/file/below: not a directory")
    }
  }

  /// root reads any file: there the check says nothing.
  @Test(.enabled(if: getuid() != 0)) func unreadableFileIsPermissionDenied() throws {
    try Self.withDirectory { directory in
      let path = directory + "/secret.log"
      try Self.write(Self.text, to: path)
      #expect(chmod(path, 0) == 0)
      #expect(Self.failure(path) == "\(path): permission denied")
    }
  }

  @Test func dashIsStandardInput() throws {
    let source = try FileByteSource(path: "-")
    #expect(source.name == "stdin")
    #expect(source.path == "-")
  }

  // MARK: - Peeking

  @Test func peekedBytesAreReadAgain() throws {
    var source = PeekingByteSource(MemoryByteSource("abcdef", chunkLimit: 1))
    #expect(try source.peek(3) == Array("abc".utf8))
    #expect(try source.peek(2) == Array("ab".utf8))
    #expect(try source.peek(10) == Array("abcdef".utf8))
    #expect(try Self.readAll(&source, chunk: 4) == Array("abcdef".utf8))
  }

  // MARK: - Memory

  /// The resident set of this process in bytes (`VmRSS` in /proc/self/status).
  static func residentBytes() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
    let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    return kilobytes * 1_024
  }

  /// A 50 MB gzip file goes through in 64 KiB chunks without the process growing by 45 MB: the
  /// bytes are streamed, never held (holding them would take 50 MB at least; the margin is for
  /// the other suites that run in the same process meanwhile). Random bytes, so that the file is as large
  /// inflated as compressed (what would be held by mistake is 50 MB either way). The resident
  /// set is sampled during the read rather than its high-water mark compared: other suites run
  /// in the same process at the same time, and only growth while this read runs is counted.
  @Test func aLargeGzipFileStreamsInBoundedMemory() throws {
    try Self.withDirectory { directory in
      let plain = directory + "/random"
      try Self.shell("head -c 50000000 /dev/urandom > '\(plain)'")
      let compressed = try Self.gzip(plain, level: 1)
      var input = try LogInput.open(path: compressed)
      var original = try FileByteSource(path: plain)
      #expect(input.isCompressed)

      let chunk = 65_536
      let inflated = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
      let expected = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
      defer {
        inflated.deallocate()
        expected.deallocate()
      }
      let baseline = try Self.residentBytes()
      var peak = baseline
      var total = 0
      var reads = 0
      while true {
        let count = try Self.fill(inflated, from: &input)
        let expectedCount = try Self.fill(expected, from: &original)
        try #require(count == expectedCount, "at byte \(total)")
        if count == 0 { break }
        try #require(memcmp(inflated.baseAddress!, expected.baseAddress!, count) == 0, "at byte \(total)")
        total += count
        reads += 1
        if reads % 32 == 0 { peak = max(peak, try Self.residentBytes()) }
      }
      #expect(total == 50_000_000)
      #expect(input.rawBytesRead == input.fileSize)
      #expect(peak - baseline < 45_000_000, "grew by \(peak - baseline) bytes")
    }
  }

  /// Reads until `buffer` is full or the end: two sources compared chunk by chunk.
  static func fill(_ buffer: UnsafeMutableRawBufferPointer, from source: inout some ByteSource) throws(ByteSourceError) -> Int {
    var filled = 0
    while filled < buffer.count {
      let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
      if count == 0 { break }
      filled += count
    }
    return filled
  }
}
