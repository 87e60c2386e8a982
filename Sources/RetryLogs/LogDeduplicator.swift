import RetryCore

/// Tells which log events of a multi-file import were already read from another file (the same
/// file given twice, overlapping exports, a day downloaded twice), so that no execution, effect
/// or retry is counted twice.
///
/// The rule (docs/tracing-your-handler.md, "The same log event in two files"):
/// - A record with the container's own id (an API event's `eventId`, an Insights row's `@ptr`) is
///   a duplicate when that id was read before (with the same timestamp and text), in any file,
///   the same file included (a page appended twice).
/// - Any other message is a duplicate when an earlier file held the same message: the same text,
///   in the same log stream (when the container names one), at the same time. The time is the
///   message's own (its container's, or its line's), else the last one its stream had in this
///   file, else the next one (a bare `START` takes the time of the line after it). Counted, not
///   just seen: the n-th occurrence in a file is a duplicate only when an earlier file held it n
///   times, so the same line twice within one file (possible in one stream) is kept.
///
/// Keys are 128-bit hashes of those fields, computed the same on every run: memory is about 40
/// bytes per message, and only multi-file imports pay it.
final class LogDeduplicator {
  struct Key: Hashable {
    var high: UInt64
    var low: UInt64
  }

  /// A message whose time is not known yet: held until its stream's next stamped line (or the
  /// end of the file) gives it one.
  struct Pending {
    var textHash: Key
    var stream: Int32
    var facts: Range<Int>
    /// How many messages it counted for (a page of events inside a text log is several).
    var messages: Int
    var skips: [(SkipReason, Int)]
  }

  /// Ids read so far, every file.
  private var eventIds: Set<Key> = []
  /// How many times each message key occurred in the file that held it most often, earlier files.
  private var earlier: [Key: UInt32] = [:]
  /// The same, in the file being read.
  private var current: [Key: UInt32] = [:]
  /// The last time each stream had in this file.
  private var anchors: [Int32: Milliseconds] = [:]
  /// Held messages, per stream.
  private var pending: [Int32: [Pending]] = [:]
  private(set) var dropped = 0

  /// Whether a record with this container id was read before, and notes it. The time and text
  /// go with the id, so that an export with placeholder ids (`"@ptr": "..."` in every row) is
  /// not taken for one event.
  func isDuplicate(eventId: UnsafeBufferPointer<UInt8>, time: Milliseconds?, text: UnsafeBufferPointer<UInt8>) -> Bool {
    var key = Self.hash(eventId, seed: 0x6576_656E_7449_6400)
    Self.mix(&key, time.map { UInt64(bitPattern: Int64($0)) } ?? 0xFFFF_FFFF_FFFF_FFFF)
    let textKey = Self.hash(text)
    Self.mix(&key, textKey.high)
    Self.mix(&key, textKey.low)
    let (inserted, _) = eventIds.insert(key)
    if !inserted { dropped += 1 }
    return !inserted
  }

  /// The time a message without one of its own is placed at in its stream, if this file had
  /// one there before it.
  func anchor(stream: Int32) -> Milliseconds? { anchors[stream] }

  func note(time: Milliseconds, stream: Int32) { anchors[stream] = time }

  /// Whether a message of `stream` with this text at `time` (nil: none in its stream in this
  /// file) is the repeat of one an earlier file held (and counts it).
  func isDuplicate(textHash: Key, stream: Int32, time: Milliseconds?) -> Bool {
    var key = textHash
    Self.mix(&key, UInt64(bitPattern: Int64(stream)))
    Self.mix(&key, time.map { UInt64(bitPattern: Int64($0)) } ?? 0xFFFF_FFFF_FFFF_FFFF)
    let count = (current[key] ?? 0) + 1
    current[key] = count
    let duplicate = count <= (earlier[key] ?? 0)
    if duplicate { dropped += 1 }
    return duplicate
  }

  func hold(_ entry: Pending) { pending[entry.stream, default: []].append(entry) }

  /// The held messages of `stream` (all of them for nil), to be decided now; they leave the list.
  func release(stream: Int32?) -> [Pending] {
    guard !pending.isEmpty else { return [] }
    guard let stream else {
      defer { pending = [:] }
      return pending.keys.sorted().flatMap { pending[$0]! }
    }
    return pending.removeValue(forKey: stream) ?? []
  }

  /// The file is read: its counts join the earlier files'.
  func endFile() {
    for (key, count) in current where count > (earlier[key] ?? 0) { earlier[key] = count }
    current = [:]
    anchors = [:]
  }

  // MARK: - Hashing

  /// 128 bits of `bytes`, the same on every run (Swift's `Hasher` is seeded per process).
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0) -> Key {
    var key = Key(high: 0x9E37_79B9_7F4A_7C15 ^ seed, low: 0xC2B2_AE3D_27D4_EB4F &+ seed)
    var index = 0
    let raw = UnsafeRawBufferPointer(bytes)
    while index + 8 <= bytes.count {
      mix(&key, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
      index += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while index < bytes.count {
      tail |= UInt64(bytes[index]) << shift
      shift += 8
      index += 1
    }
    mix(&key, tail)
    mix(&key, UInt64(bytes.count))
    return Key(high: fmix(key.high), low: fmix(key.low ^ key.high))
  }

  @inline(__always)
  static func mix(_ key: inout Key, _ value: UInt64) {
    key.high = ((key.high ^ value) &* 0x87C3_7B91_1142_53D5).rotated(31)
    key.low = ((key.low ^ value.rotated(17)) &* 0x4CF5_AD43_2745_937F).rotated(29) &+ key.high
  }

  @inline(__always)
  static func fmix(_ value: UInt64) -> UInt64 {
    var x = value
    x ^= x >> 33
    x &*= 0xFF51_AFD7_ED55_8CCD
    x ^= x >> 33
    x &*= 0xC4CE_B9FE_1A85_EC53
    x ^= x >> 33
    return x
  }
}

extension UInt64 {
  @inline(__always)
  fileprivate func rotated(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
