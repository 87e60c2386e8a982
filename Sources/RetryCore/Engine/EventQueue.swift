import DequeModule
import HeapModule

/// The simulator's pending events, handed out in (time, sequence) order: the order of one heap.
///
/// Why not just a heap: nearly every event is scheduled a fixed delay after `now` (the invoke
/// overhead, half and all of a table call's latency, the function timeout), and events scheduled
/// with the same delay come out of the simulator already in (time, sequence) order, because `now`
/// never goes back and sequences only grow. Each such delay gets a first-in-first-out lane, whose
/// push and pop cost next to nothing; only events with other delays (random queue and retry
/// delays, say) go through the heap. A pop takes the least (time, sequence) among the lanes'
/// heads and the heap's minimum; sequences are unique, so this is the very order a single heap
/// gives, ties included.
struct EventQueue {
  private var heap = Heap<ScheduledEvent>()
  /// The fixed delays that have a lane, and the lanes, by the same index.
  private let laneDelays: [Milliseconds]
  private var lanes: [Deque<ScheduledEvent>]

  /// - Parameter fixedDelays: delays the caller schedules often; duplicates and negatives are ignored.
  init(fixedDelays: [Milliseconds]) {
    var delays: [Milliseconds] = []
    for delay in fixedDelays where delay >= 0 && !delays.contains(delay) { delays.append(delay) }
    laneDelays = delays
    lanes = Array(repeating: Deque(), count: delays.count)
  }

  /// Adds an event that `now` schedules (`event.time >= now`).
  mutating func insert(_ event: ScheduledEvent, now: Milliseconds) {
    let delay = event.time - now
    for lane in laneDelays.indices where laneDelays[lane] == delay {
      // Later than or tied with (and scheduled after) everything already in the lane.
      lanes[lane].append(event)
      return
    }
    heap.insert(event)
  }

  /// The time of the next event, without taking it.
  var minTime: Milliseconds? {
    var best = heap.min?.time
    for lane in lanes.indices {
      if let head = lanes[lane].first, best == nil || head.time < best! { best = head.time }
    }
    return best
  }

  /// Removes and returns the next event, the least (time, sequence), if there is one and its
  /// time is before `limit` (nil: no limit). One scan of the lanes both finds and takes it.
  mutating func popMin(before limit: Milliseconds? = nil) -> ScheduledEvent? {
    var best = heap.min
    var bestLane = -1
    for lane in lanes.indices {
      if let head = lanes[lane].first, best == nil || head < best! {
        best = head
        bestLane = lane
      }
    }
    guard let best, limit == nil || best.time < limit! else { return nil }
    if bestLane >= 0 { return lanes[bestLane].removeFirst() }
    return heap.popMin()
  }
}
