import RetryCore

/// The timeline's lanes and, for every record, the step at which it appears: built once per
/// trace, so that each frame only looks things up.
///
/// The screen shows the story *as of the playhead* (an index into `trace.events`): an attempt
/// appears when its start event has been played and gets its outcome glyph at its end event.
/// Times alone cannot decide this (an effect and the end of its attempt often share a
/// millisecond), so every record is tied to the index of the event that reveals it.
public struct TimelineModel: Sendable {
  /// One row group of the timeline.
  public enum LaneKind: Hashable, Sendable {
    /// Who invokes: invoke marks and the answers the caller gets.
    case caller
    /// One logical event's executions, waits and fate.
    case invocation(String)
    /// Lambda's async queue: where Event invocations sit before and between attempts.
    case queue
    /// The dead letter queue, or an on-failure or on-success destination.
    case destination(TraceOutcome.Kind)
  }

  public struct Lane: Hashable, Sendable {
    public var kind: LaneKind
    /// The gutter text (`A Event`, `caller`, `queue`, `DLQ`).
    public var label: String
    /// Rows the lane needs: overlapping executions (a client's retry while the first execution
    /// runs on) or overlapping queue stays get a row each.
    public var rows: Int
  }

  /// An attempt with the rows and steps that place it.
  public struct PlacedAttempt: Hashable, Sendable {
    public var attempt: TraceAttempt
    public var row: Int
    /// Index of the event where it starts, and where it ends (nil: ends with the start, as a
    /// throttled request does).
    public var startEvent: Int
    public var endEvent: Int?
    /// Whether one of its effects duplicates an earlier one: marked on the bar.
    public var madeDuplicate: Bool
    /// An event source batch: its record ids for the bar (`r1 r2 r3`, shortened for big
    /// batches), built once here rather than every frame. nil for other attempts.
    public var recordsLabel: String? = nil
  }

  public struct PlacedWait: Hashable, Sendable {
    public var wait: TraceWait
    public var row: Int
    /// The `retry-scheduled` (or `accepted`) event that announces it.
    public var event: Int
    /// Its row in the queue lane, for waits spent in Lambda's async queue.
    public var queueRow: Int?
  }

  public struct PlacedOutcome: Hashable, Sendable {
    public var outcome: TraceOutcome
    public var event: Int
  }


  /// A one-point mark on a shared lane (caller, destination): what and when, and the step that
  /// reveals it.
  public struct Mark: Hashable, Sendable {
    public enum Symbol: Hashable, Sendable {
      case invoke, response, failedResponse, deadLetter, destination
      /// The client stopped waiting (its read timeout); the execution runs on.
      case clientTimeout
    }
    public var time: Milliseconds
    public var event: Int
    public var symbol: Symbol
    /// The invocation id, or the HTTP status of an answer (nil: none, such as a read timeout).
    public var label: String?
    public var role: Theme.Role
    /// Event sources: the records a destination mark stands for (the first few) and how many.
    public var records: [String] = []
    public var count: Int? = nil
  }

  /// A stay in Lambda's async queue, for the queue lane.
  public struct QueueSpan: Hashable, Sendable {
    public var from: Milliseconds
    public var to: Milliseconds
    public var invocation: String
    public var row: Int
    public var event: Int
  }

  public let lanes: [Lane]
  public let attempts: [String: [PlacedAttempt]]
  public let waits: [String: [PlacedWait]]
  public let outcomes: [String: [PlacedOutcome]]
  /// Index of the first lane of each invocation in `lanes`.
  public let laneOfInvocation: [String: Int]
  /// The total number of rows of all lanes.
  public let totalRows: Int
  /// The caller lane's marks (invokes and answers), by time.
  public let callerMarks: [Mark]
  /// The destination lanes' marks, by time.
  public let destinationMarks: [TraceOutcome.Kind: [Mark]]
  /// Queue stays, by start time; `longestQueueSpan` bounds how far back one can reach into view.
  public let queueSpans: [QueueSpan]
  public let longestQueueSpan: Milliseconds
  /// For the invocation lanes (`lanes[1...]` up to the queue): the first row of each, counted
  /// from the first invocation lane, plus the total at the end. Frames of a 10,000-invocation
  /// trace find their visible rows by binary search instead of listing every row.
  public let invocationRowStarts: [Int]
  /// The lane index of the first invocation: 1 below the caller lane, 0 when there is none (an
  /// imported trace).
  public let firstInvocationLane: Int
  /// `Event`, `RequestResponse`, or `RR+Event`.
  public let invocationTypes: String
  /// The widest lane label, in cells (the gutter is sized from it every frame).
  public let widestLabel: Int

  public init(trace: Trace) {
    self.init(index: TraceIndex(trace))
  }

  /// With the index the session's narrator already built: one grouping pass per trace.
  public init(index: TraceIndex) {
    let trace = index.trace
    // The event that reveals each record.
    var startEvent: [String: Int] = [:]
    var endEvent: [String: Int] = [:]
    var waitEvent: [Int: Int] = [:]
    var outcomeEvent: [Int: Int] = [:]
    var invokeEvent: [String: Int] = [:]
    for (position, event) in trace.events.enumerated() {
      let key = event.attempt.map { "\(event.invocation ?? "")#\($0)" }
      switch event.kind {
      case .attemptStart:
        if let key, startEvent[key] == nil { startEvent[key] = position }
      case .attemptEnd:
        if let key { endEvent[key] = position }
      case .throttled:
        if let key, startEvent[key] == nil { startEvent[key] = position }
      case .retryScheduled, .accepted:
        if let wait = event.wait, waitEvent[wait] == nil { waitEvent[wait] = position }
      case .outcome:
        if let outcome = event.outcome { outcomeEvent[outcome] = position }
      case .invoke:
        if let id = event.invocation, invokeEvent[id] == nil { invokeEvent[id] = position }
      default:
        break
      }
    }
    var duplicateAttempts: Set<String> = []
    for effect in trace.effects where effect.duplicateOf != nil {
      if let invocation = effect.invocation, let attempt = effect.attempt { duplicateAttempts.insert("\(invocation)#\(attempt)") }
    }

    var attempts: [String: [PlacedAttempt]] = [:]
    var waits: [String: [PlacedWait]] = [:]
    var outcomes: [String: [PlacedOutcome]] = [:]
    // With an event source nobody invokes: the top lane shows the records arriving instead.
    let recordArrivals = trace.events.indices.filter { trace.events[$0].kind == .recordArrived }
    // Logs do not show the caller (an imported trace has no invoke, response or client timeout):
    // no lane for it, rather than an empty one.
    let hasCaller = !recordArrivals.isEmpty
      || trace.events.contains { $0.kind == .invoke || $0.kind == .response || $0.kind == .clientTimeout }
    var lanes: [Lane] = hasCaller ? [Lane(kind: .caller, label: recordArrivals.isEmpty ? "caller" : "records", rows: 1)] : []
    var laneOfInvocation: [String: Int] = [:]
    var queueRows = RowPacker()
    var destinations: [TraceOutcome.Kind] = []
    var destinationNames: [TraceOutcome.Kind: String] = [:]
    let lastEvent = max(0, trace.events.count - 1)

    for invocation in trace.invocations {
      let id = invocation.id
      var rows = RowPacker()
      let invocationWaits = index.waits(of: id)
      var placedWaits: [PlacedWait] = []
      var placedAttempts: [PlacedAttempt] = []
      for attempt in index.attempts(of: id) {
        let key = attempt.label
        // The wait that leads to this attempt travels in its row.
        let leadingWait = invocationWaits.firstIndex { $0.beforeAttempt == attempt.number }
        let from = leadingWait.map { min(invocationWaits[$0].from, attempt.start) } ?? attempt.start
        let row = attempt.outcome == .throttled && leadingWait == nil ? 0 : rows.place(from: from, to: attempt.end)
        placedAttempts.append(
          PlacedAttempt(
            attempt: attempt, row: row, startEvent: startEvent[key] ?? lastEvent,
            endEvent: attempt.outcome == .throttled ? nil : endEvent[key],
            madeDuplicate: duplicateAttempts.contains(key),
            recordsLabel: attempt.records.isEmpty ? nil : RecordList.text(attempt.records, limit: 8)))
        if let leadingWait {
          let wait = invocationWaits[leadingWait]
          let position = index.waitPositions(of: id)[leadingWait]
          let queued = invocation.type == .event && wait.reason != .clientBackoff
          placedWaits.append(
            PlacedWait(
              wait: wait, row: row, event: waitEvent[position] ?? startEvent[key] ?? lastEvent,
              queueRow: queued ? queueRows.place(from: wait.from, to: wait.to, limit: 3) : nil))
        }
      }
      if invocation.eventSource != nil {
        // Event sources: a wait is not tied to the lane's next attempt (other batches of a queue
        // run while a failed one's messages are hidden; the last wait may lead nowhere), so
        // waits and batches are packed into rows together, in time order.
        (placedAttempts, placedWaits) = Self.packEventSource(
          placedAttempts, waits: invocationWaits, positions: index.waitPositions(of: id),
          event: { waitEvent[$0] }, fallback: lastEvent)
      }
      attempts[id] = placedAttempts
      waits[id] = placedWaits
      let lanesRows = placedAttempts.map(\.row).max().map { $0 + 1 } ?? 1
      if invocation.eventSource != nil { rows = RowPacker(count: max(lanesRows, (placedWaits.map(\.row).max() ?? 0) + 1)) }
      let placedOutcomes = index.outcomePositions(of: id).map {
        PlacedOutcome(outcome: trace.outcomes[$0], event: outcomeEvent[$0] ?? lastEvent)
      }
      outcomes[id] = placedOutcomes
      for outcome in placedOutcomes {
        switch outcome.outcome.kind {
        case .deadLetterQueue, .onFailure, .onSuccess:
          if !destinations.contains(outcome.outcome.kind) { destinations.append(outcome.outcome.kind) }
        default: break
        }
      }
      laneOfInvocation[id] = lanes.count
      lanes.append(Lane(kind: .invocation(id), label: Self.invocationLabel(invocation, imported: trace.meta.source == "import"), rows: max(1, rows.count)))
      // Event sources: the source queue's DLQ lane is named after that queue.
      for outcome in placedOutcomes where outcome.outcome.kind == .deadLetterQueue && !outcome.outcome.records.isEmpty {
        if let target = outcome.outcome.target, destinationNames[.deadLetterQueue] == nil { destinationNames[.deadLetterQueue] = target }
      }
    }
    if queueRows.count > 0 { lanes.append(Lane(kind: .queue, label: "queue", rows: queueRows.count)) }
    for kind in [TraceOutcome.Kind.deadLetterQueue, .onFailure, .onSuccess] where destinations.contains(kind) {
      let label = destinationNames[kind].map { DisplayText.width($0) <= Self.longestLabel ? $0 : Self.destinationLabel(kind) }
      lanes.append(Lane(kind: .destination(kind), label: label ?? Self.destinationLabel(kind), rows: 1))
    }
    var callerMarks: [Mark] = []
    for (position, event) in trace.events.enumerated() where event.kind == .clientTimeout {
      callerMarks.append(Mark(time: event.time, event: position, symbol: .clientTimeout, label: nil, role: .timeout))
    }
    var destinationMarks: [TraceOutcome.Kind: [Mark]] = [:]
    var queueSpans: [QueueSpan] = []
    for position in recordArrivals {
      let event = trace.events[position]
      callerMarks.append(Mark(time: event.time, event: position, symbol: .invoke, label: event.note, role: .caller))
    }
    for invocation in trace.invocations {
      let id = invocation.id
      if invokeEvent[id] != nil {
        callerMarks.append(Mark(time: invocation.at, event: invokeEvent[id] ?? 0, symbol: .invoke, label: id, role: .caller))
      }
      for (position, placed) in (outcomes[id] ?? []).enumerated() {
        let outcome = placed.outcome
        if !outcome.records.isEmpty {
          // Event sources: the mark names the records (`☠m2`); messages moved together share one.
          switch outcome.kind {
          case .deadLetterQueue, .onFailure, .onSuccess:
            let previous = position > 0 ? outcomes[id]?[position - 1].outcome : nil
            if let previous, previous.kind == outcome.kind, previous.time == outcome.time, !previous.records.isEmpty,
              var marks = destinationMarks[outcome.kind], let last = marks.popLast()
            {
              var records = last.records + outcome.records
              if records.count > 4 { records = Array(records.prefix(4)) }
              marks.append(
                Self.recordMark(
                  outcome.kind, time: last.time, event: max(last.event, placed.event), records: records,
                  count: (last.count ?? 0) + outcome.records.count))
              destinationMarks[outcome.kind] = marks
            } else {
              destinationMarks[outcome.kind, default: []].append(
                Self.recordMark(
                  outcome.kind, time: outcome.time, event: placed.event, records: Array(outcome.records.prefix(4)),
                  count: outcome.records.count))
            }
          default: break
          }
          continue
        }
        switch outcome.kind {
        case .response, .clientError:
          callerMarks.append(
            Mark(
              time: outcome.time, event: placed.event, symbol: outcome.isFailure ? .failedResponse : .response,
              label: outcome.statusCode.map(String.init), role: outcome.isFailure ? .error : .ok))
        case .deadLetterQueue, .onFailure, .onSuccess:
          let (symbol, role) = Self.destinationLook(outcome.kind)
          destinationMarks[outcome.kind, default: []].append(
            Mark(time: outcome.time, event: placed.event, symbol: symbol, label: id, role: role))
        case .succeeded, .dropped:
          break
        }
      }
      for placed in waits[id] ?? [] {
        guard let row = placed.queueRow else { continue }
        queueSpans.append(QueueSpan(from: placed.wait.from, to: placed.wait.to, invocation: id, row: row, event: placed.event))
      }
    }
    // Stable sorts: marks at the same time keep invocation order, so overlaps draw the same way
    // every time.
    self.callerMarks = callerMarks.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    self.destinationMarks = destinationMarks.mapValues { marks in
      marks.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
    self.queueSpans = queueSpans.enumerated().sorted { ($0.element.from, $0.offset) < ($1.element.from, $1.offset) }.map(\.element)
    longestQueueSpan = queueSpans.map { $0.to - $0.from }.max() ?? 0
    firstInvocationLane = hasCaller ? 1 : 0
    var starts = [0]
    for lane in lanes { if case .invocation = lane.kind { starts.append(starts[starts.count - 1] + lane.rows) } }
    invocationRowStarts = starts
    let types = Set(trace.invocations.map(\.type))
    let sources = Set(trace.invocations.map(\.eventSource))
    if sources.count == 1, let source = sources.first ?? nil {
      // An event source scenario: its source says more than `RequestResponse`.
      invocationTypes = source.rawValue
    } else {
      let known = types.subtracting([.unknown])
      invocationTypes =
        known.count > 1 ? "RR+Event" : known.first == .requestResponse ? "RequestResponse" : known.first == .event ? "Event" : "imported"
    }
    widestLabel = lanes.map { DisplayText.width($0.label) }.max() ?? 0
    self.lanes = lanes
    self.attempts = attempts
    self.waits = waits
    self.outcomes = outcomes
    self.laneOfInvocation = laneOfInvocation
    totalRows = lanes.reduce(0) { $0 + $1.rows }
  }

  /// Packs an event source lane: batches and waits by start time into the first free row.
  static func packEventSource(
    _ attempts: [PlacedAttempt], waits: [TraceWait], positions: [Int], event: (Int) -> Int?, fallback: Int
  ) -> ([PlacedAttempt], [PlacedWait]) {
    enum Item { case attempt(Int), wait(Int) }
    var items: [(Milliseconds, Int, Item)] = []
    for (position, placed) in attempts.enumerated() { items.append((placed.attempt.start, 1, .attempt(position))) }
    for (position, wait) in waits.enumerated() { items.append((wait.from, 0, .wait(position))) }
    items.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    var rows = RowPacker()
    var placedAttempts = attempts
    var placedWaits: [PlacedWait] = []
    for (_, _, item) in items {
      switch item {
      case .attempt(let position):
        let attempt = attempts[position].attempt
        placedAttempts[position].row = rows.place(from: attempt.start, to: attempt.end)
      case .wait(let position):
        let wait = waits[position]
        // The wait starts where its failed batch ended: it goes in that batch's row when free.
        let before = placedAttempts.last { $0.attempt.end == wait.from && $0.attempt.start <= wait.from }
        let row = rows.place(from: wait.from, to: wait.to, preferring: before?.row)
        let announced = event(positions[position]) ?? before?.endEvent ?? fallback
        placedWaits.append(PlacedWait(wait: wait, row: row, event: announced, queueRow: nil))
      }
    }
    return (placedAttempts, placedWaits)
  }

  /// The longest gutter label shown whole (`TimelineView.gutterWidth` is at most 16).
  static let longestLabel = 15

  /// `A Event`, `B RR`; event source lanes by their source: `shard-1 Kinesis`, `orders SQS`,
  /// `group g1 FIFO` (just the id when that would not fit the gutter). An invocation with a
  /// scenario `label:` is named by it (`A first status…`): the label is what the author wrote to
  /// tell the lanes apart, and the type is in the status line and the invoke's caption. (An
  /// import's label is the key it correlated by: it names only lanes of unknown type.)
  static func invocationLabel(_ invocation: TraceInvocation, imported: Bool = false) -> String {
    let id = invocation.id
    if let source = invocation.eventSource {
      let label = "\(id) \(source.short)"
      return DisplayText.width(label) <= longestLabel ? label : id
    }
    // A schedule's firings are labelled by their rule (`rate(5 minutes) firing 2`): their id
    // already says which firing, and the type says more than the rule cut short.
    if !imported, invocation.type != .unknown, !invocation.caller.hasPrefix("EventBridge"), let label = invocation.label,
      !label.isEmpty
    {
      return DisplayText.truncated("\(id) \(label)", to: longestLabel)
    }
    switch invocation.type {
    case .event: return "\(id) Event"
    case .requestResponse: return "\(id) RR"
    case .unknown:
      // Imported: the type is not in the logs; the label says which request, key or stream.
      guard let label = invocation.label else { return id }
      let text = "\(id) \(label)"
      return DisplayText.width(text) <= longestLabel ? text : id
    }
  }

  /// A destination mark for records: `m2`, `m1 m2`, or `5 rec` when more than three.
  static func recordMark(_ kind: TraceOutcome.Kind, time: Milliseconds, event: Int, records: [String], count: Int) -> Mark {
    let label = count <= 3 ? records.prefix(3).joined(separator: " ") : "\(count) rec"
    let (symbol, role) = destinationLook(kind)
    return Mark(time: time, event: event, symbol: symbol, label: label, role: role, records: records, count: count)
  }

  /// A dead letter queue's mark is `☠` (the event was given up on); a destination's is `✉`
  /// (an invocation record was sent), in the role of what it reports: an on-success record is
  /// a success.
  static func destinationLook(_ kind: TraceOutcome.Kind) -> (Mark.Symbol, Theme.Role) {
    switch kind {
    case .onSuccess: (.destination, .ok)
    case .onFailure: (.destination, .error)
    default: (.deadLetter, .deadLetter)
    }
  }

  static func destinationLabel(_ kind: TraceOutcome.Kind) -> String {
    switch kind {
    case .deadLetterQueue: "DLQ"
    case .onFailure: "onFailure"
    case .onSuccess: "onSuccess"
    default: kind.rawValue
    }
  }
}

/// Puts time spans into the first row where they do not overlap what is already there.
struct RowPacker {
  private var rowEnds: [Milliseconds] = []

  var count: Int { rowEnds.count }

  init() {}

  /// A packer that reports `count` rows (for a lane packed elsewhere).
  init(count: Int) { rowEnds = Array(repeating: 0, count: count) }

  /// The row for [from, to], `preferring` a row when it is free at `from`.
  mutating func place(from: Milliseconds, to: Milliseconds, preferring row: Int?) -> Int {
    if let row, row < rowEnds.count, rowEnds[row] <= from {
      rowEnds[row] = max(rowEnds[row], to)
      return row
    }
    return place(from: from, to: to)
  }

  /// The row for [from, to]; with a `limit`, spans that fit nowhere share the last row.
  mutating func place(from: Milliseconds, to: Milliseconds, limit: Int = .max) -> Int {
    // A span may start where the previous one ended: a retry follows its wait in one row.
    if let row = rowEnds.firstIndex(where: { $0 <= from }) {
      rowEnds[row] = max(rowEnds[row], to)
      return row
    }
    if rowEnds.count < limit {
      rowEnds.append(to)
      return rowEnds.count - 1
    }
    rowEnds[rowEnds.count - 1] = max(rowEnds[rowEnds.count - 1], to)
    return rowEnds.count - 1
  }
}
