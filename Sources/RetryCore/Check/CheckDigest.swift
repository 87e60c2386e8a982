import OrderedCollections

/// A 128-bit FNV-1a digest of what a run left behind: what the search keeps of each run instead
/// of the run itself (`IdempotenceChecker`). Tens of thousands of final states, each with every
/// table row, made a 20x20 scenario's check hold gigabytes; their digests take 16 bytes each.
///
/// 128 bits rather than `Hasher`'s 64: a collision would make the search take a new run for one
/// already seen and not grow it, so it must be out of reach (about 10^-29 for 50,000 runs), and
/// the digest is the same in every process, like the rest of a check.
public struct CheckDigest: Hashable, Sendable {
  public private(set) var high: UInt64 = 0x6c62_272e_07bb_0142
  public private(set) var low: UInt64 = 0x62b8_2175_6295_c58d

  public init() {}

  /// FNV-1a: xor the byte in, multiply by the 128-bit FNV prime 2^88 + 0x13B (mod 2^128).
  @inline(__always)
  static func step(_ high: inout UInt64, _ low: inout UInt64, _ byte: UInt8) {
    low ^= UInt64(byte)
    let (carry, product) = low.multipliedFullWidth(by: 0x13B)
    high = carry &+ high &* 0x13B &+ (low << 24)
    low = product
  }

  mutating func add(byte: UInt8) { Self.step(&high, &low, byte) }

  mutating func add(_ value: UInt64) {
    var (high, low) = (self.high, self.low)
    var rest = value
    for _ in 0..<8 {
      Self.step(&high, &low, UInt8(truncatingIfNeeded: rest))
      rest >>= 8
    }
    (self.high, self.low) = (high, low)
  }

  mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }

  /// Its length first, so that two strings never read as one.
  mutating func add(_ text: String) {
    add(text.utf8.count)
    // Locals, written back once: a search digests every row of every run.
    var (high, low) = (self.high, self.low)
    for byte in text.utf8 { Self.step(&high, &low, byte) }
    (self.high, self.low) = (high, low)
  }

  /// A value with a tag per kind: `1` and `1.0`, or `"a"` and `["a"]`, digest apart, as they
  /// compare apart.
  mutating func add(_ value: Value) {
    switch value {
    case .null: add(byte: 0)
    case .bool(let flag):
      add(byte: 1)
      add(byte: flag ? 1 : 0)
    case .int(let number):
      add(byte: 2)
      add(number)
    case .double(let number):
      add(byte: 3)
      add(number.bitPattern)
    case .string(let text):
      add(byte: 4)
      add(text)
    case .list(let items):
      add(byte: 5)
      add(items.count)
      for item in items { add(item) }
    case .map(let fields):
      // In order: `Value`'s maps are ordered and compare in order.
      add(byte: 6)
      add(fields.count)
      for (key, field) in fields {
        add(key)
        add(field)
      }
    }
  }
}
