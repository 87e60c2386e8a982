import RetryCore

/// The tables and endpoints of a trace as of any playhead, filed once per trace.
///
/// The state panel redraws at every step and every frame of playback. Replaying the effects up to
/// the playhead each time would make a frame of a 10,000-invocation trace cost as much as the whole
/// trace, so the ledger files every effect once, in linear time, under its target and its item,
/// with the event index at which it happens. A frame then costs a binary search per line it draws.
///
/// The playhead `k` is an index into `trace.events`: the state after events `0...k` (-1: before
/// the first event).
public struct StateLedger: Sendable {
  public enum TargetKind: String, Sendable, Hashable {
    /// An SQS queue: its messages listed like an endpoint's requests.
    case table, endpoint, queue
  }

  /// A table or an endpoint, with its lines: a table's items (the ones there from the start first,
  /// then the others in the order they appear) or an endpoint's requests, in order.
  public struct Target: Sendable {
    public let name: String
    public let kind: TargetKind
    /// The endpoint's URL; nil for a table.
    public let url: String?
    /// The table's key attributes, which a row shows as its key rather than in its value; empty
    /// when the trace's world does not list the target.
    public let keyAttributes: [String]
    /// Row ids (a table) or effect indexes (an endpoint), in display order.
    let lines: [Int32]
    /// How many of `lines` exist before the first event (a table's initial items).
    let initialLines: Int
    /// The event at which `lines[initialLines + i]` appears.
    let appearance: [Int32]
    /// Events at which the number of existing items (a table) or of applied POSTs (an endpoint)
    /// changes, with the number after each.
    let countEvents: [Int32]
    let counts: [Int32]
    let initialCount: Int
    /// The effects of this target that repeat an earlier one: when they happen and their line.
    let duplicateEvents: [Int32]
    let duplicateLines: [Int32]

    init(
      name: String, kind: TargetKind, url: String?, keyAttributes: [String], lines: [Int32], initialLines: Int,
      appearance: [Int32], countEvents: [Int32], counts: [Int32], initialCount: Int, duplicateEvents: [Int32],
      duplicateLines: [Int32]
    ) {
      self.name = name
      self.kind = kind
      self.url = url
      self.keyAttributes = keyAttributes
      self.lines = lines
      self.initialLines = initialLines
      self.appearance = appearance
      self.countEvents = countEvents
      self.counts = counts
      self.initialCount = initialCount
      self.duplicateEvents = duplicateEvents
      self.duplicateLines = duplicateLines
    }
  }

  /// One table item: its key, and its value before the first event if it had one.
  struct Row: Sendable {
    var key: String
    var initial: Value?
    var initialVersion: Int
  }

  /// What a table row looks like as of a playhead.
  struct RowState: Equatable {
    /// The last insert, update or delete so far; nil: the initial value (or no item at all).
    var valueEffect: Int?
    /// The last skip, unchanged or rejected write after `valueEffect`: what did not change it.
    var markEffect: Int?
  }

  public let trace: Trace
  /// Tables and endpoints in the order the trace's world lists them, then other targets in the
  /// order they are first written.
  public let targets: [Target]
  let rows: [Row]
  /// Row `r`'s entries are `entryStart[r]..<entryStart[r + 1]`, in event order.
  let entryStart: [Int32]
  let entryEffect: [Int32]
  let entryEvent: [Int32]
  /// The entry of the last insert, update or delete at or before each entry, or -1.
  let entryValue: [Int32]
  let eventOfEffect: [Int32]
  /// Each effect's target and line, -1 for the effects the panel does not show (reads, logs).
  let effectTarget: [Int32]
  let effectLine: [Int32]
  /// The repeats of each repeated effect, in order (keyed by the first effect's index).
  let repeats: [Int32: [Int32]]

  public init(trace: Trace) {
    var builder = StateLedgerBuilder(trace: trace)
    builder.fileEffects()
    self.trace = trace
    targets = builder.finishTargets()
    rows = builder.rows
    (entryStart, entryEffect, entryEvent, entryValue) = builder.entries()
    eventOfEffect = builder.eventOfEffect
    effectTarget = builder.effectTarget
    effectLine = builder.effectLine
    repeats = builder.repeats
  }

  /// The event index at which effect `effect` happens.
  public func event(ofEffect effect: Int) -> Int {
    Int(eventOfEffect[effect])
  }

  /// The effect the panel shows that happens at event `playhead` (reads and logs are not state).
  public func effect(at playhead: Int) -> Int? {
    guard trace.events.indices.contains(playhead), let effect = trace.events[playhead].effect,
      effectTarget.indices.contains(effect), effectTarget[effect] >= 0, eventOfEffect[effect] == playhead
    else { return nil }
    return effect
  }

  /// How many lines target `t` has as of the playhead: rows written or there from the start (a
  /// table), requests received (an endpoint).
  public func lineCount(_ t: Int, asOf playhead: Int) -> Int {
    let target = targets[t]
    return target.initialLines + Self.countAtOrBefore(playhead, in: target.appearance[...])
  }

  /// How many items exist (a table) or POSTs were applied (an endpoint) as of the playhead.
  public func itemCount(_ t: Int, asOf playhead: Int) -> Int {
    let target = targets[t]
    let changes = Self.countAtOrBefore(playhead, in: target.countEvents[...])
    return changes == 0 ? target.initialCount : Int(target.counts[changes - 1])
  }

  /// The state of table row `row` as of the playhead.
  func rowState(_ row: Int32, asOf playhead: Int) -> RowState {
    let start = Int(entryStart[Int(row)]), end = Int(entryStart[Int(row) + 1])
    let seen = Self.countAtOrBefore(playhead, in: entryEvent[start..<end])
    guard seen > 0 else { return RowState() }
    let last = start + seen - 1
    let value = Int(entryValue[last])
    return RowState(
      valueEffect: value >= 0 ? Int(entryEffect[value]) : nil,
      markEffect: value == last ? nil : Int(entryEffect[last]))
  }

  /// The lines of target `t` that hold a repeated effect as of the playhead, latest first, at most
  /// `limit` of them. Stops after a bounded walk, so that a trace of a million repeats costs a frame
  /// no more than a small one.
  func latestDuplicateLines(_ t: Int, asOf playhead: Int, limit: Int) -> [Int] {
    let target = targets[t]
    var found: [Int] = []
    var position = Self.countAtOrBefore(playhead, in: target.duplicateEvents[...]) - 1
    var steps = 0
    while position >= 0, found.count < limit, steps < 16 + 4 * limit {
      let line = Int(target.duplicateLines[position])
      if !found.contains(line) { found.append(line) }
      position -= 1
      steps += 1
    }
    return found
  }

  /// The chain a repeated effect belongs to, up to and including it: the first effect, then its
  /// repeats in order. Just `[effect]` for an effect that repeats nothing.
  func duplicateChain(of effect: Int) -> [Int] {
    guard let first = trace.effects[effect].duplicateOf, let later = repeats[Int32(first)] else { return [effect] }
    var chain = [first]
    for repeated in later {
      chain.append(Int(repeated))
      if Int(repeated) == effect { break }
    }
    return chain
  }

  /// How many of `events` (sorted) are at or before `playhead`.
  static func countAtOrBefore(_ playhead: Int, in events: ArraySlice<Int32>) -> Int {
    events.partitioningIndex { Int($0) > playhead } - events.startIndex
  }
}
