import HeapModule
import RetryCore

/// The execution environments a trace's executions ran in, as the log writer models them: one
/// log stream each, reused while free, initialized again after a timeout or a crash.
///
/// The simulator does not model environments (nothing in the retry semantics depends on them),
/// but Lambda's logs are organized by them: "a log stream for each instance of your function",
/// and `Init Duration` on the first request of each instance (lambda-semantics.md §5.1). The rule:
/// executions are placed in order of start time (trace order among equal starts); each takes the
/// **first environment, in creation order, that is free** (its last execution ended at or before
/// this start), else a new one. A new environment is a cold start. After a timeout or a crash the
/// environment is reset and "Lambda initializes the runtime and extensions as part of the next
/// invocation" (§4): its next execution is a cold start again, in the same stream.
/// Throttled and still-running attempts never ran to an end, so they have no place.
struct ExecutionEnvironments {
  struct Placement {
    /// Index in `Trace.attempts`.
    var attempt: Int
    /// The environment's creation index: its log stream.
    var environment: Int
    /// `Init Duration` in hundredths of a millisecond on a cold start, 0 on a warm one.
    var initHundredths: Int
    /// When `INIT_START` is written (trace time): `initHundredths` before the start, but never
    /// before the end of the environment's previous execution.
    var initStart: Milliseconds
    /// `Max Memory Used`, in MB.
    var maxMemoryUsedMB: Int

    var isColdStart: Bool { initHundredths > 0 }
  }

  /// Every execution that ran, in start order.
  private(set) var placements: [Placement] = []
  /// For each environment, the positions in `placements` of its executions, in order.
  private(set) var streams: [[Int]] = []
  /// For each environment, the trace time of its first log line (its stream's date).
  private(set) var firstUse: [Milliseconds] = []

  /// The bounds of `Init Duration`, in hundredths of a millisecond (120.00 to 400.00 ms).
  static let initDurationRange = 12_000...40_000
  /// The bounds of `Max Memory Used`, in MB.
  static let maxMemoryRange = 60...90

  init(trace: Trace) {
    let attempts = trace.attempts
    var order: [Int] = []
    order.reserveCapacity(attempts.count)
    for index in attempts.indices where attempts[index].outcome != .throttled && attempts[index].outcome != .running {
      order.append(index)
    }
    // Traces list attempts as they start, so this is usually sorted already; stable by index.
    if !Self.isSortedByStart(order, attempts) {
      order.sort { attempts[$0].start != attempts[$1].start ? attempts[$0].start < attempts[$1].start : $0 < $1 }
    }

    let name = trace.meta.functionName
    let initSeed = Self.seed(stream: "init-duration \(name)")
    let memorySeed = Self.seed(stream: "max-memory \(name)")
    var busy = Heap<TimedIndex>()
    var free = Heap<Int>()
    var busyUntil: [Milliseconds] = []
    var needsInit: [Bool] = []
    var coldStarts: [Int] = []
    placements.reserveCapacity(order.count)

    for index in order {
      let attempt = attempts[index]
      while let next = busy.min, next.time <= attempt.start {
        _ = busy.popMin()
        free.insert(next.index)
      }
      let environment: Int
      var previousEnd: Milliseconds?
      if let reused = free.popMin() {
        environment = reused
        previousEnd = busyUntil[reused]
      } else {
        environment = streams.count
        streams.append([])
        busyUntil.append(attempt.end)
        needsInit.append(true)
        coldStarts.append(0)
        firstUse.append(attempt.start)
      }

      var initHundredths = 0
      var initStart = attempt.start
      // A real handler's run (`retryscope exec`) measured each execution: its REPORT says whether
      // it started a new process and how long the init took. Imported traces keep the model.
      let measured = trace.meta.source == "scenario" ? trace.attemptReports[index] : nil
      if let measured { needsInit[environment] = measured.initDurationMs != nil }
      if needsInit[environment] {
        var draw = SplitMix64(seed: initSeed ^ UInt64(environment) << 20 ^ UInt64(coldStarts[environment]))
        initHundredths = draw.int(in: Self.initDurationRange)
        if let measured = measured?.initDurationMs { initHundredths = max(1, Int((measured * 100).rounded())) }
        coldStarts[environment] += 1
        initStart = attempt.start - (initHundredths + 99) / 100
        if let previousEnd { initStart = max(initStart, previousEnd) }
        if streams[environment].isEmpty { firstUse[environment] = initStart }
      }
      needsInit[environment] = attempt.outcome == .timeout || attempt.outcome == .crash
      busyUntil[environment] = attempt.end
      busy.insert(TimedIndex(time: attempt.end, index: environment))

      let memory = Self.maxMemoryRange.lowerBound
        + Int(Self.mix(memorySeed ^ UInt64(index)) % UInt64(Self.maxMemoryRange.count))
      streams[environment].append(placements.count)
      placements.append(
        Placement(
          attempt: index, environment: environment, initHundredths: initHundredths, initStart: initStart,
          maxMemoryUsedMB: memory))
    }
  }

  /// `YYYY/MM/DD/[$LATEST]<32 hex>`, dated by the environment's first use; the hex digits come
  /// from the function's name and the environment's index, the same on every machine.
  func streamName(of environment: Int, origin: Milliseconds, functionName: String) -> [UInt8] {
    var buffer = LogBuffer(capacity: 64)
    var clock = LogTimestamp()
    clock.appendStreamDate(origin + firstUse[environment], to: &buffer)
    buffer.append("/[$LATEST]")
    var generator = SplitMix64(seed: UInt64(environment), stream: "log-stream \(functionName)")
    buffer.append(hex: generator.next())
    buffer.append(hex: generator.next())
    return Array(buffer.bytes)
  }

  /// A 64-bit seed derived from a name (FNV-1a through SplitMix64), stable across processes.
  static func seed(stream: String) -> UInt64 {
    var generator = SplitMix64(seed: 0, stream: stream)
    return generator.next()
  }

  /// SplitMix64's finalizer: a cheap, well-mixed hash of one number.
  static func mix(_ value: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: value)
    return generator.next()
  }

  private static func isSortedByStart(_ order: [Int], _ attempts: [TraceAttempt]) -> Bool {
    var previous = Int.min
    for index in order {
      if attempts[index].start < previous { return false }
      previous = attempts[index].start
    }
    return true
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
