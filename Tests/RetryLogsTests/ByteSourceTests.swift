import Testing

@testable import RetryLogs

@Suite struct ByteSourceTests {
  @Test func memorySourceHandsOutChunksUpToItsLimitThenZero() throws {
    var source = MemoryByteSource("abcdefg", chunkLimit: 3)
    var buffer = [UInt8](repeating: 0, count: 5)
    var seen: [Int] = []
    while true {
      let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
      seen.append(count)
      if count == 0 { break }
    }
    #expect(seen == [3, 3, 1, 0])
  }
}
