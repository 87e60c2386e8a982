/// A binary min-heap: the log writer's free execution environments, busy ones by the time they
/// free up, and the log streams by their next line.
///
/// RetryIO does not link swift-collections' HeapModule, and these uses need only push and pop.
struct MinHeap<Element: Comparable> {
  private var items: [Element] = []

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }
  var min: Element? { items.first }

  mutating func push(_ element: Element) {
    items.append(element)
    var child = items.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard items[child] < items[parent] else { break }
      items.swapAt(child, parent)
      child = parent
    }
  }

  mutating func popMin() -> Element? {
    guard !items.isEmpty else { return nil }
    let last = items.count - 1
    items.swapAt(0, last)
    let smallest = items.removeLast()
    var parent = 0
    while true {
      let left = 2 * parent + 1
      guard left < items.count else { break }
      let right = left + 1
      let child = right < items.count && items[right] < items[left] ? right : left
      guard items[child] < items[parent] else { break }
      items.swapAt(child, parent)
      parent = child
    }
    return smallest
  }
}

/// A time and a tie-breaker (an environment's creation index), ordered by time first.
struct TimedIndex: Comparable {
  var time: Int
  var index: Int

  static func < (lhs: TimedIndex, rhs: TimedIndex) -> Bool {
    lhs.time != rhs.time ? lhs.time < rhs.time : lhs.index < rhs.index
  }
}
