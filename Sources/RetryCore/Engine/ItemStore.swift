/// A table's items with their versions, in the order their keys were first written, found by the
/// key's canonical text (`mail=y`).
///
/// It behaves as `OrderedDictionary<String, (item: Item, version: Int)>` did here (a new key goes
/// last, an overwrite keeps its place, a removal closes the gap) and exists for speed: a
/// million-invocation run keeps a million items, and that dictionary's hash table, which stores no
/// hashes, compared the key of every bucket it probed (a cache miss into the keys each time) and
/// rehashed every key whenever it grew; it took a fifth of the run. Here each bucket holds the
/// key's hash beside the item's position, so a probe reads one small array, and growing the table
/// never hashes a string again. Items are only ever read in the order of `keys` and `items`, so
/// the hash function cannot reach any output.
struct ItemStore {
  typealias Entry = (item: Item, version: Int)

  /// The keys, items and versions, by position. Items and versions are kept apart so that the
  /// world's final snapshot shares the items array as it is, rather than copying each item out.
  private(set) var keys: [String] = []
  private(set) var items: [Item] = []
  private(set) var versions: [Int] = []
  /// Open addressing with linear probing; the count is a power of two (or zero). 0 is an empty
  /// bucket; otherwise the upper 32 bits are the upper 32 bits of the key's hash and the lower 32
  /// bits its position + 1. A key's first bucket is the top bits of its hash, so the stored half
  /// is enough to move it when the table grows.
  private var buckets: [UInt64] = []
  /// log2 of `buckets.count`.
  private var scale = 0

  init() {}

  var count: Int { keys.count }

  /// The position of `key`, if the store holds it.
  func index(forKey key: String) -> Int? {
    guard !buckets.isEmpty else { return nil }
    let hash = Self.hash(key)
    let mask = buckets.count - 1
    var bucket = home(hash)
    while true {
      let entry = buckets[bucket]
      if entry == 0 { return nil }
      if entry >> 32 == hash {
        let position = Int(entry & 0xffff_ffff) - 1
        if keys[position] == key { return position }
      }
      bucket = (bucket + 1) & mask
    }
  }

  subscript(key: String) -> Entry? {
    index(forKey: key).map { entry(at: $0) }
  }

  func entry(at position: Int) -> Entry {
    (items[position], versions[position])
  }

  /// Replaces the entry at `position` (its key stays where it is).
  mutating func setValue(_ entry: Entry, at position: Int) {
    items[position] = entry.item
    versions[position] = entry.version
  }

  /// Overwrites `key`'s entry in place, or appends it as the last item.
  mutating func updateValue(_ entry: Entry, forKey key: String) {
    if let position = index(forKey: key) {
      setValue(entry, at: position)
      return
    }
    append(entry, forNewKey: key)
  }

  /// Appends an entry for a key the store does not hold (the caller has just looked): one probe
  /// instead of two.
  mutating func append(_ entry: Entry, forNewKey key: String) {
    assert(index(forKey: key) == nil, "append(_:forNewKey:) with a key already present")
    precondition(keys.count < Int(UInt32.max), "too many items for a table")
    if (keys.count + 1) * 4 > buckets.count * 3 { grow() }
    keys.append(key)
    items.append(entry.item)
    versions.append(entry.version)
    insertIntoTable(hash: Self.hash(key), position: keys.count - 1)
  }

  /// Removes `key` and its entry; later items move up one place. O(n), like the dictionary it
  /// replaces: deletes are rare.
  mutating func removeValue(forKey key: String) {
    guard let position = index(forKey: key) else { return }
    keys.remove(at: position)
    items.remove(at: position)
    versions.remove(at: position)
    rebuildTable(scale: scale)
  }

  // MARK: - The hash table

  /// FNV-1a over the key's UTF-8, then MurmurHash3's finalizer so that every bit depends on every
  /// byte; the upper 32 bits. Keys are short (`id=123456`), and this costs a fraction of
  /// `Hasher`'s SipHash. Deterministic, though nothing depends on it.
  static func hash(_ key: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    hash ^= hash >> 33
    hash &*= 0xff51_afd7_ed55_8ccd
    hash ^= hash >> 33
    hash &*= 0xc4ce_b9fe_1a85_ec53
    hash ^= hash >> 33
    return hash >> 32
  }

  /// The first bucket to probe for a (32-bit) hash: its top `scale` bits.
  private func home(_ hash: UInt64) -> Int {
    Int(truncatingIfNeeded: (hash << 32) >> (64 - scale))
  }

  private mutating func insertIntoTable(hash: UInt64, position: Int) {
    let mask = buckets.count - 1
    var bucket = home(hash)
    while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
    buckets[bucket] = hash << 32 | UInt64(position + 1)
  }

  /// Doubles the table (at most three quarters full), moving entries by their stored hashes.
  private mutating func grow() {
    let old = buckets
    scale = max(scale + 1, 3)
    buckets = Array(repeating: 0, count: 1 << scale)
    for entry in old where entry != 0 {
      insertIntoTable(hash: entry >> 32, position: Int(entry & 0xffff_ffff) - 1)
    }
  }

  /// Refills a table of `2^scale` buckets from the keys (after a removal moved positions).
  private mutating func rebuildTable(scale: Int) {
    self.scale = scale
    buckets = Array(repeating: 0, count: 1 << scale)
    for (position, key) in keys.enumerated() { insertIntoTable(hash: Self.hash(key), position: position) }
  }
}
