import RetryCore

/// Maps simulated time to timeline columns, with long idle gaps folded or on a linear axis.
///
/// A retry story is milliseconds of work separated by minutes of waiting: on a linear axis of
/// 70 columns a 2 ms execution is a few thousandths of a cell. Folded (the default), every stretch
/// where nothing runs for at least `foldThreshold` takes a fixed width and is labelled with its
/// length (`┄ 1m05s ┄`), short gaps take a few columns by the logarithm of their length, and every
/// execution is at least wide enough for its label. `z` switches to linear time, where columns are
/// equal lengths of time and the shapes show real proportions.
public struct TimeAxis: Sendable {
  public enum Mode: String, Sendable, CaseIterable {
    case folded, linear
  }

  /// A folded gap: columns that stand for a long idle stretch.
  public struct Fold: Hashable, Sendable {
    public var from: Milliseconds
    public var to: Milliseconds
    public var column: Int
    public var width: Int
  }

  /// Idle stretches at least this long are folded.
  public static let foldThreshold: Milliseconds = 1_000

  public let mode: Mode
  /// Key times (every time something happens), ascending, and the column of each.
  let times: [Milliseconds]
  let columns: [Int]
  /// Columns from the first to the last key time, inclusive.
  public let width: Int
  public let folds: [Fold]

  /// - Parameters:
  ///   - scale: 1 is the default zoom; `+` and `-` multiply it by 1.5.
  ///   - available: the columns the timeline has; the linear axis fits the trace into them at
  ///     scale 1.
  public init(trace: Trace, mode: Mode, scale: Double, available: Int) {
    self.mode = mode
    var keyTimes: [Milliseconds] = [0]
    keyTimes.reserveCapacity(trace.events.count + trace.attempts.count * 2)
    for event in trace.events { keyTimes.append(event.time) }
    for attempt in trace.attempts {
      keyTimes.append(attempt.start)
      keyTimes.append(attempt.end)
    }
    for wait in trace.waits {
      keyTimes.append(wait.from)
      keyTimes.append(wait.to)
    }
    keyTimes.sort()
    var unique: [Milliseconds] = []
    unique.reserveCapacity(keyTimes.count)
    for time in keyTimes where unique.last != time { unique.append(time) }
    times = unique
    switch mode {
    case .linear:
      // In Double: the span of a trace read from a file (a time at -9e18, another at +9e18)
      // does not fit an Int.
      let span = max(1, Double(unique.last ?? 0) - Double(unique.first ?? 0))
      let columnsPerMs = Double(max(1, available - 1)) * scale / span
      columns = unique.map { Int(((Double($0) - Double(unique[0])) * columnsPerMs).rounded()) }
      folds = []
    case .folded:
      (columns, folds) = Self.foldedColumns(trace: trace, times: unique, scale: scale)
    }
    width = (columns.last ?? 0) + 1
  }

  /// The column of time `t`: interpolated between the key times around it.
  public func column(of t: Milliseconds) -> Int {
    guard let first = times.first, t > first else { return 0 }
    guard t < times[times.count - 1] else { return columns[columns.count - 1] }
    let low = times.partitioningIndex { $0 > t } - 1  // the last key time <= t
    if times[low] == t { return columns[low] }
    let span = Double(times[low + 1]) - Double(times[low])
    let columnSpan = columns[low + 1] - columns[low]
    return columns[low] + Int(((Double(t) - Double(times[low])) / span * Double(columnSpan)).rounded(.down))
  }

  /// The earliest time drawn at `column` or right of it (the last key time for columns beyond
  /// the end): what a viewport starting at `column` can show.
  public func time(atColumn column: Int) -> Milliseconds {
    guard let firstColumn = columns.first, column > firstColumn else { return times.first ?? 0 }
    guard column < columns[columns.count - 1] else { return times[times.count - 1] }
    let low = columns.partitioningIndex { $0 > column } - 1  // the last key column <= column
    if columns[low] == column || low + 1 >= columns.count { return times[low] }
    let span = max(1, columns[low + 1] - columns[low])
    let (timeSpan, spanOverflow) = times[low + 1].subtractingReportingOverflow(times[low])
    let (product, productOverflow) = timeSpan.multipliedReportingOverflow(by: column - columns[low])
    if !spanOverflow && !productOverflow { return times[low] + product / span }
    // A span of years on a zoomed linear axis: the product does not fit an Int; the time does.
    let offset = (Double(times[low + 1]) - Double(times[low])) * Double(column - columns[low]) / Double(span)
    let (time, overflow) = times[low].addingReportingOverflow(Milliseconds(min(offset.rounded(.down), 9.2e18)))
    return overflow ? times[low + 1] : min(time, times[low + 1])
  }

  /// The round times between `first` and `last` (inclusive) where a linear ruler puts its labels:
  /// at most `maxTicks` + 1 of them, whatever the span. The step is the first round length
  /// (10ms, 50ms, ..., 1h, 2h, 6h, 12h, 24h, then 2, 5, 10, 20, 50... days) that fits, so that a
  /// trace of a few seconds and one whose last event is years later (a bogus log timestamp, an
  /// `at: 99999999999h`) both get a handful of labels: the loop never walks the span itself.
  public static func ticks(from first: Milliseconds, to last: Milliseconds, maxTicks: Int) -> [Milliseconds] {
    guard last >= first else { return [] }
    let step = tickStep(span: max(1, last.subtractingSaturated(first)), maxTicks: max(1, maxTicks))
    var ticks: [Milliseconds] = []
    // The first multiple of the step at or after `first`.
    var time = first / step * step
    if time < first { time = time.addingSaturated(step) }
    while time <= last, ticks.count <= maxTicks {
      ticks.append(time)
      let (next, overflow) = time.addingReportingOverflow(step)
      if overflow { break }
      time = next
    }
    return ticks
  }

  /// The smallest round step that cuts `span` into at most `maxTicks` pieces.
  static func tickStep(span: Milliseconds, maxTicks: Int) -> Milliseconds {
    let steps: [Milliseconds] = [
      10, 50, 100, 500, 1_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
      7_200_000, 21_600_000, 43_200_000, 86_400_000,
    ]
    if let step = steps.first(where: { span / $0 <= maxTicks }) { return step }
    // Days by 2, 5, 10, 20, 50...: ends, since the step grows past span / maxTicks (or saturates).
    var decade: Milliseconds = 86_400_000
    while true {
      for factor in [2, 5, 10] {
        let step = decade.multipliedSaturated(by: factor)
        if span / step <= maxTicks || step == .max { return step }
      }
      decade = decade.multipliedSaturated(by: 10)
    }
  }

  private static func foldedColumns(trace: Trace, times: [Milliseconds], scale: Double) -> ([Int], [Fold]) {
    guard times.count > 1 else { return ([0], []) }
    // How many executions run during each interval between key times.
    var delta = [Int](repeating: 0, count: times.count)
    func position(_ t: Milliseconds) -> Int { times.partitioningIndex { $0 >= t } }
    var attemptSpans: [(Int, Int, Int)] = []  // (start position, end position, label width)
    for attempt in trace.attempts where attempt.outcome != .throttled && attempt.end > attempt.start {
      let start = position(attempt.start)
      let end = position(attempt.end)
      delta[start] += 1
      delta[end] -= 1
      // `[#2 ✗]`: the lane already names the invocation. With room to spare (zoomed in, a wide
      // screen), the whole `[A#2 ✗‼ error]`.
      var shortWidth = String(attempt.number).count + 5
      // An event source batch names its records (`[#2 ✗ r1 r2 r3]`) or counts them (`3 rec`).
      if !attempt.records.isEmpty {
        let names = attempt.records.joined(separator: " ")
        shortWidth += 1 + (attempt.records.count <= 3 && names.count <= 14 ? names.count : "\(attempt.records.count) rec".count)
      }
      let short = Int((Double(shortWidth) * max(1, scale)).rounded())
      let full = attempt.label.count + attempt.outcome.rawValue.count + 6
      attemptSpans.append((start, end, scale >= 2 ? max(short, full) : short))
    }
    // A blocked shard and hidden messages get room for `┄ blocked 1s ┄` (event sources only).
    for wait in trace.waits where wait.reason == .shardBlocked || wait.reason == .visibilityTimeout {
      let word = wait.reason == .shardBlocked ? "blocked" : "hidden"
      let label = " \(word) \(DurationText.short(wait.length)) ".count + 4
      attemptSpans.append((position(wait.from), position(wait.to), Int((Double(label) * max(1, scale)).rounded())))
    }
    var widths = [Int](repeating: 1, count: times.count - 1)
    var isFold = [Bool](repeating: false, count: times.count - 1)
    var running = 0
    for interval in 0..<(times.count - 1) {
      running += delta[interval]
      let length = times[interval + 1] - times[interval]
      if running == 0 && length >= foldThreshold {
        isFold[interval] = true
        // Room for `┄ 1m05s ┄` between the bars on either side; squeezed to fit a busy trace
        // on a small screen (the ruler still gives the times).
        // Zoomed in (or grown into a wide screen), folds widen with the rest, so the picture
        // keeps its shape.
        let base = DurationText.short(length).count + (scale < 0.5 ? 2 : 6)
        widths[interval] = Int((Double(base) * max(1, scale)).rounded())
      } else {
        let logarithmic = 1 + 1.5 * log10Approximation(Double(max(length, 1)) / 10)
        widths[interval] = max(1, Int((scale * logarithmic).rounded()))
      }
    }
    // Every execution gets room for its label: the shortfall goes to its last interval. A
    // Fenwick tree keeps the running sums current in O(log n) per change (10,000 invocations).
    attemptSpans.sort { $0.1 < $1.1 }
    var sums = FenwickTree(widths)
    for (start, end, label) in attemptSpans {
      let have = sums.prefix(end) - sums.prefix(start)
      let want = label
      if have < want {
        widths[end - 1] += want - have
        sums.add(want - have, at: end - 1)
      }
    }
    let prefix = prefixSums(widths)
    var folds: [Fold] = []
    for interval in 0..<(times.count - 1) where isFold[interval] {
      folds.append(Fold(from: times[interval], to: times[interval + 1], column: prefix[interval], width: widths[interval]))
    }
    return (prefix, folds)
  }

  private static func prefixSums(_ widths: [Int]) -> [Int] {
    var sums = [0]
    sums.reserveCapacity(widths.count + 1)
    for width in widths { sums.append(sums[sums.count - 1] + width) }
    return sums
  }

  /// log10 without Foundation: the gaps it measures need only a rough logarithm.
  static func log10Approximation(_ value: Double) -> Double {
    guard value > 0 else { return 0 }
    var exponent = 0.0
    var mantissa = value
    while mantissa >= 10 { mantissa /= 10; exponent += 1 }
    while mantissa < 1 { mantissa *= 10; exponent -= 1 }
    // Down to [1, √10) so the series below converges fast: log10(m) = 0.5 + log10(m / √10).
    if mantissa >= 3.1622776601683795 {
      mantissa /= 3.1622776601683795
      exponent += 0.5
    }
    // The natural logarithm through the series of (m-1)/(m+1) (own code, no libm: the same
    // columns on every machine).
    let y = (mantissa - 1) / (mantissa + 1)
    let y2 = y * y
    let ln = 2 * y * (1 + y2 / 3 + y2 * y2 / 5 + y2 * y2 * y2 / 7 + y2 * y2 * y2 * y2 / 9)
    return exponent + ln / 2.302585092994046
  }
}

/// Prefix sums that stay current while single values change.
struct FenwickTree {
  private var tree: [Int]

  init(_ values: [Int]) {
    tree = [Int](repeating: 0, count: values.count + 1)
    for (position, value) in values.enumerated() { add(value, at: position) }
  }

  mutating func add(_ value: Int, at position: Int) {
    var i = position + 1
    while i < tree.count {
      tree[i] += value
      i += i & -i
    }
  }

  /// The sum of the first `count` values.
  func prefix(_ count: Int) -> Int {
    var i = count
    var sum = 0
    while i > 0 {
      sum += tree[i]
      i -= i & -i
    }
    return sum
  }
}

extension Milliseconds {
  /// `self + other`, held at `Int.max` / `Int.min` instead of trapping.
  func addingSaturated(_ other: Milliseconds) -> Milliseconds {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other > 0 ? .max : .min) : sum
  }

  func subtractingSaturated(_ other: Milliseconds) -> Milliseconds {
    let (difference, overflow) = subtractingReportingOverflow(other)
    return overflow ? (other < 0 ? .max : .min) : difference
  }

  func multipliedSaturated(by factor: Int) -> Milliseconds {
    let (product, overflow) = multipliedReportingOverflow(by: factor)
    return overflow ? .max : product
  }
}
