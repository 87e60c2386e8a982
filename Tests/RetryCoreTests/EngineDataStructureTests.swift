import HeapModule
import OrderedCollections
import Testing

@testable import RetryCore

/// The engine's own data structures behave exactly like the standard ones they replace.
@Suite struct EngineDataStructureTests {
  /// Events come out of the lanes-plus-heap queue in the very (time, sequence) order of one heap,
  /// ties included, whatever mix of fixed and random delays is scheduled.
  @Test(arguments: UInt64(1)...20)
  func eventQueueMatchesASingleHeap(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    var queue = EventQueue(fixedDelays: [0, 2, 6, 12, 3_000])
    var reference = Heap<ScheduledEvent>()
    var now: Milliseconds = 0
    var sequence = 0
    var popped: [Int] = []
    var expected: [Int] = []
    for _ in 0..<3_000 {
      if rng.chance(0.55) || reference.isEmpty {
        let delay = rng.chance(0.7) ? [0, 2, 6, 12, 3_000][rng.int(in: 0...4)] : rng.int(in: 0...5_000)
        sequence += 1
        let event = ScheduledEvent(time: now + delay, sequence: sequence, event: .continueExecution(sequence))
        queue.insert(event, now: now)
        reference.insert(event)
      } else {
        let limit: Milliseconds? = rng.chance(0.3) ? now + rng.int(in: 0...50) : nil
        let mine = queue.popMin(before: limit)
        var theirs: ScheduledEvent?
        if let head = reference.min, limit == nil || head.time < limit! { theirs = reference.popMin() }
        #expect(mine?.sequence == theirs?.sequence)
        if let event = mine {
          now = event.time
          popped.append(event.sequence)
        }
        if let event = theirs { expected.append(event.sequence) }
      }
    }
    while let event = reference.popMin() {
      expected.append(event.sequence)
      popped.append(queue.popMin()?.sequence ?? -1)
    }
    #expect(popped == expected)
    #expect(queue.popMin() == nil)
  }

  /// Inserts, overwrites and removals in the item store keep the order and contents an
  /// `OrderedDictionary` would.
  @Test(arguments: UInt64(1)...10)
  func itemStoreMatchesAnOrderedDictionary(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    var store = ItemStore()
    var reference = OrderedDictionary<String, (item: Item, version: Int)>()
    for step in 0..<4_000 {
      let key = "id=\(rng.int(in: 0...600))"
      let entry: (item: Item, version: Int) = (["id": .string(key), "step": .int(step)], step)
      switch rng.int(in: 0...9) {
      case 0:
        store.removeValue(forKey: key)
        reference.removeValue(forKey: key)
      case 1...2:
        if store.index(forKey: key) == nil {
          store.append(entry, forNewKey: key)
          reference[key] = entry
        }
      default:
        store.updateValue(entry, forKey: key)
        reference[key] = entry
      }
      #expect(store.index(forKey: key) == reference.index(forKey: key))
    }
    #expect(store.keys == Array(reference.keys))
    #expect(store.items == reference.values.map(\.item))
    #expect(store.versions == reference.values.map(\.version))
    #expect(store.count == reference.count)
    for key in reference.keys.prefix(50) {
      #expect(store[key]?.version == reference[key]?.version)
    }
    #expect(store["id=absent"] == nil)
  }

  @Test func smallListKeepsOrderAcrossItsInlineElement() {
    var list = SmallList<Int>()
    #expect(list.isEmpty)
    for value in 1...5 { list.append(value) }
    #expect(Array(list) == [1, 2, 3, 4, 5])
    list[0] = 10
    list[3] = 40
    #expect(Array(list) == [10, 2, 3, 40, 5])
    for _ in 0..<4 { list.removeLast() }
    #expect(Array(list) == [10])
    list.removeLast()
    #expect(list.isEmpty)
    #expect(Array(SmallList(7)) == [7])
  }
}
