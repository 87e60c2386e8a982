/// The simulator's own seeded generator (SplitMix64, Steele, Lea and Flood 2014).
///
/// We do not use the standard library's `random(in:using:)`: its mapping from bits to ranges may
/// change between Swift versions (swiftlang/swift#18634), and the same seed must give the same
/// trace on every machine and toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// A generator for one purpose (delays, faults, ids, ...), derived from the run's seed and the
  /// purpose's name, so that a new consumer of randomness does not shift every other draw.
  public init(seed: UInt64, stream: String) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, stable across processes (unlike Hasher)
    for byte in stream.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    var mixer = SplitMix64(seed: seed ^ hash)
    state = mixer.next()
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// A uniform integer in `range`, by Lemire's multiply-and-reject method (no modulo bias).
  public mutating func int(in range: ClosedRange<Int>) -> Int {
    let span = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)) &+ 1
    if span == 0 { return Int(Int64(bitPattern: next())) }  // the full 64-bit range
    var product = next().multipliedFullWidth(by: span)
    if product.low < span {
      let threshold = (0 &- span) % span
      while product.low < threshold { product = next().multipliedFullWidth(by: span) }
    }
    return range.lowerBound &+ Int(Int64(bitPattern: product.high))
  }

  /// A uniform double in [0, 1) with 53 random bits.
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// True with probability `p` (0 never draws true, 1 always does).
  public mutating func chance(_ p: Double) -> Bool {
    if p <= 0 { return false }
    if p >= 1 { return true }
    return unit() < p
  }

  /// A version-4 UUID string built from two draws.
  public mutating func uuid() -> String {
    let high = (next() & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000
    let low = (next() & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000
    // Written byte by byte: this runs once per request id, and a million-invocation run makes a
    // million of them (String(radix:) and slicing cost ten times as much).
    return String(unsafeUninitializedCapacity: 36) { buffer in
      let digits: StaticString = "0123456789abcdef"
      var position = 0
      func put(_ value: UInt64, nibbles: Int, shift: Int) {
        for index in 0..<nibbles {
          let nibble = Int((value >> UInt64(shift - 4 * index - 4)) & 0xf)
          buffer[position] = digits.utf8Start[nibble]
          position += 1
        }
      }
      func dash() {
        buffer[position] = UInt8(ascii: "-")
        position += 1
      }
      put(high, nibbles: 8, shift: 64)
      dash()
      put(high, nibbles: 4, shift: 32)
      dash()
      put(high, nibbles: 4, shift: 16)
      dash()
      put(low, nibbles: 4, shift: 64)
      dash()
      put(low, nibbles: 12, shift: 48)
      return position
    }
  }
}

/// An inclusive range of milliseconds to draw a jittered delay from.
public struct DelayRange: Hashable, Sendable, CustomStringConvertible {
  public var lowerBound: Milliseconds
  public var upperBound: Milliseconds

  public init(_ lowerBound: Milliseconds, _ upperBound: Milliseconds) {
    self.lowerBound = min(lowerBound, upperBound)
    self.upperBound = max(lowerBound, upperBound)
  }

  public static func exactly(_ ms: Milliseconds) -> DelayRange { DelayRange(ms, ms) }

  public func draw(using rng: inout SplitMix64) -> Milliseconds {
    rng.int(in: lowerBound...upperBound)
  }

  public var description: String {
    lowerBound == upperBound
      ? DurationText.short(lowerBound) : "\(DurationText.short(lowerBound))-\(DurationText.short(upperBound))"
  }
}
