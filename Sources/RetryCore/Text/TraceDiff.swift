/// Two runs compared: their effect ledgers row by row, their summaries, and the first step where
/// they part. `retryscope diff` prints it and the terminal UI's diff view (`d`) draws it; either
/// side may be a simulation or a trace imported from logs (which has effects but no item values).
///
/// Rows are aligned per target (table or endpoint): table rows by item key; endpoint requests by
/// body (or by request key when a side's logs carry no body). Rows whose keys are made up at run
/// time (a uuid) cannot meet by key, so the rows left over on both sides are then paired by who
/// first wrote them: the same invocation, the same handler step, the n-th such row. Such a pair
/// is one row with verdict `differentKey`.
public struct TraceDiff: Sendable {
  public enum Verdict: String, Sendable, Hashable, CaseIterable {
    case same
    case onlyA = "only-a"
    case onlyB = "only-b"
    case differentValue = "different-value"
    case differentKey = "different-key"
    case moreWritesA = "more-writes-a"
    case moreWritesB = "more-writes-b"

    public var isDifference: Bool { self != .same }

    /// The few letters a narrow ledger line ends with (`only a`, `more in b`); empty for `same`.
    public var short: String {
      switch self {
      case .same: ""
      case .onlyA: "only a"
      case .onlyB: "only b"
      case .differentValue: "value"
      case .differentKey: "key"
      case .moreWritesA: "more in a"
      case .moreWritesB: "more in b"
      }
    }

    /// A word or two for a ledger line (`only in a`, `x2 in a`).
    public var phrase: String {
      switch self {
      case .same: "same"
      case .onlyA: "only in a"
      case .onlyB: "only in b"
      case .differentValue: "value differs"
      case .differentKey: "key differs"
      case .moreWritesA: "more writes in a"
      case .moreWritesB: "more writes in b"
      }
    }
  }

  /// One side's view of a row: its final value as of the comparison, how often it was written
  /// (or POSTed) and by which executions.
  public struct Cell: Sendable, Hashable {
    public var key: String
    /// Compact JSON of the last value (a table item without its key attributes, a POST body);
    /// nil when the trace does not know it (imported logs) or the row was never given one.
    public var value: String?
    public var version: Int?
    public var deleted: Bool
    /// Changes made to the row: inserts, updates, deletes, POSTs.
    public var writes: Int
    /// Who made them, in order (`A#1`, `A#2`).
    public var actors: [String]
    /// Writes that changed nothing (skipped by a condition, unchanged, rejected), by whom.
    public var unchanged: [String]
    /// When the last write repeats an earlier execution's (`duplicateOf`, possibly on another
    /// key, as a made-up id does): who did it, first to last (`A#1`, `A#2`); else empty.
    public var repeatedBy: [String] = []

    /// How many times the same event did this row's last change: its writes here, or the chain
    /// of repeats it belongs to, whichever is longer.
    public var times: Int { max(actors.count, repeatedBy.count) }

    /// `A#1`, or `x2 A#1+A#2` for a repeated write, `initial` for an item nobody touched.
    public var byText: String {
      if actors.isEmpty { return unchanged.isEmpty ? "initial" : "- (\(unchanged.joined(separator: "+")) skipped)" }
      let actors = repeatedBy.count > self.actors.count ? repeatedBy : self.actors
      let names = actors.count <= 3 ? actors.joined(separator: "+") : "\(actors[0])+...+\(actors[actors.count - 1])"
      return actors.count > 1 ? "x\(actors.count) \(names)" : names
    }

    /// What the row holds: `deleted`, the value, or `?` when unknown.
    public var valueText: String { deleted ? "deleted" : value ?? "?" }

    /// One side of a ledger line: `v1 x2 A#1+A#2 {"mail":"y"}`.
    public var ledgerText: String {
      (version.map { "v\($0) " } ?? "") + byText + " " + valueText
    }
  }

  public struct Row: Sendable, Hashable {
    public var a: Cell?
    public var b: Cell?
    public var verdict: Verdict
    /// The key the row is shown by (a's when both have it).
    public var key: String { a?.key ?? b?.key ?? "" }
  }

  public enum TargetKind: String, Sendable, Hashable {
    /// An SQS queue: its messages compared like an endpoint's requests.
    case table, endpoint, queue
  }

  public struct Target: Sendable, Hashable {
    public var name: String
    public var kind: TargetKind
    public var rows: [Row]
    public var differences: Int { rows.filter(\.verdict.isDifference).count }
  }

  /// The counts a header shows for one side.
  public struct Summary: Sendable, Hashable {
    public var label: String
    public var invocations: Int
    public var executions: Int
    /// Changes to the outside world (inserts, updates, deletes, POSTs).
    public var changes: Int
    public var duplicates: Int
    /// Outcome kinds and how many of each (`succeeded: 1`, `dlq: 1`), in a fixed order.
    public var outcomes: [(kind: String, count: Int)]

    public static func == (lhs: Summary, rhs: Summary) -> Bool {
      lhs.label == rhs.label && lhs.invocations == rhs.invocations && lhs.executions == rhs.executions
        && lhs.changes == rhs.changes && lhs.duplicates == rhs.duplicates
        && lhs.outcomes.map(\.kind) == rhs.outcomes.map(\.kind) && lhs.outcomes.map(\.count) == rhs.outcomes.map(\.count)
    }

    public func hash(into hasher: inout Hasher) {
      hasher.combine(label)
      hasher.combine(executions)
    }

    /// `succeeded 1, dlq 1` (or `none`).
    public var outcomeText: String {
      outcomes.isEmpty ? "none" : outcomes.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")
    }
  }

  /// Where the runs part: the first event index at which they differ (the same in both traces,
  /// since everything before it is alike), and that event on each side (nil past a side's end).
  public struct Divergence: Sendable, Hashable {
    public var step: Int
    public var eventA: Int?
    public var eventB: Int?
    public var timeA: Milliseconds?
    public var timeB: Milliseconds?
  }

  public var a: Summary
  public var b: Summary
  public var targets: [Target]
  public var divergence: Divergence?

  /// Whether the ledgers match row by row.
  public var ledgersEqual: Bool { targets.allSatisfy { $0.differences == 0 } }
  public var differences: Int { targets.reduce(0) { $0 + $1.differences } }

  /// Compares `a` and `b` as of event indexes `asOfA` and `asOfB` (nil: the whole trace).
  public init(_ a: Trace, label labelA: String, _ b: Trace, label labelB: String, asOfA: Int? = nil, asOfB: Int? = nil) {
    self.a = Self.summary(a, label: labelA)
    self.b = Self.summary(b, label: labelB)
    let withWorld = !a.world.tables.isEmpty && !b.world.tables.isEmpty
    let ledgerA = Ledger(a, asOf: asOfA, withWorld: withWorld)
    let ledgerB = Ledger(b, asOf: asOfB, withWorld: withWorld)
    var names: [String] = []
    for name in ledgerA.order + ledgerB.order where !names.contains(name) { names.append(name) }
    targets = names.map { name in
      let sideA = ledgerA.targets[name], sideB = ledgerB.targets[name]
      let kind = sideA?.kind ?? sideB?.kind ?? .table
      return Target(name: name, kind: kind, rows: Self.align(sideA, sideB, kind: kind))
    }
    divergence = Self.firstDivergence(a, b)
  }

  // MARK: summary

  static func summary(_ trace: Trace, label: String) -> Summary {
    var counts: [String: Int] = [:]
    for outcome in trace.outcomes { counts[outcome.kind.rawValue, default: 0] += 1 }
    let order = TraceOutcome.Kind.allCases.map(\.rawValue)
    return Summary(
      label: label, invocations: trace.invocations.count,
      executions: trace.attempts.filter { $0.outcome != .throttled }.count,
      changes: trace.effects.filter { $0.kind.mutates }.count,
      duplicates: trace.effects.filter { $0.duplicateOf != nil }.count,
      outcomes: order.compactMap { kind in counts[kind].map { (kind, $0) } })
  }

  // MARK: divergence

  /// The first event whose kind, invocation, attempt or effect (kind, target, key) differs.
  static func firstDivergence(_ a: Trace, _ b: Trace) -> Divergence? {
    let common = min(a.events.count, b.events.count)
    var index = 0
    while index < common, sameEvent(a, a.events[index], b, b.events[index]) { index += 1 }
    if index == common && a.events.count == b.events.count { return nil }
    let eventA = index < a.events.count ? index : nil
    let eventB = index < b.events.count ? index : nil
    return Divergence(
      step: index, eventA: eventA, eventB: eventB, timeA: eventA.map { a.events[$0].time },
      timeB: eventB.map { b.events[$0].time })
  }

  static func sameEvent(_ a: Trace, _ x: TraceEvent, _ b: Trace, _ y: TraceEvent) -> Bool {
    guard x.kind == y.kind, x.invocation == y.invocation, x.attempt == y.attempt else { return false }
    switch (x.effect, y.effect) {
    case (nil, nil): return true
    case (let e?, let f?):
      guard e < a.effects.count, f < b.effects.count else { return e == f }
      let p = a.effects[e], q = b.effects[f]
      return p.kind == q.kind && p.target == q.target && p.key == q.key
    default: return false
    }
  }

  // MARK: alignment

  /// A side's rows of one target, in the order they first appear.
  struct Side {
    var kind: TargetKind
    var cells: [Cell] = []
    /// Who first wrote each cell: `invocation/step/n`, for pairing rows whose keys differ.
    var origins: [String?] = []
    /// Endpoint requests: the body of each cell, or nil when the logs did not carry it.
    var bodies: [String?] = []
  }

  static func align(_ a: Side?, _ b: Side?, kind: TargetKind) -> [Row] {
    let empty = Side(kind: kind)
    var a = a ?? empty, b = b ?? empty
    if kind != .table {
      // Requests meet by body when both sides know every body, else by their request key.
      let byBody = (a.bodies + b.bodies).allSatisfy { $0 != nil }
      a = merged(a, byBody: byBody)
      b = merged(b, byBody: byBody)
    }
    var rows: [Row] = []
    var indexOfB: [String: Int] = [:]
    for (i, cell) in b.cells.enumerated() where indexOfB[cell.key] == nil { indexOfB[cell.key] = i }
    var usedB = Set<Int>()
    var leftA: [Int] = []
    var rowOfA: [Int: Int] = [:]
    for (i, cell) in a.cells.enumerated() {
      if let j = indexOfB[cell.key], !usedB.contains(j) {
        usedB.insert(j)
        rows.append(Row(a: cell, b: b.cells[j], verdict: verdict(cell, b.cells[j])))
      } else {
        leftA.append(i)
        rowOfA[i] = rows.count
        rows.append(Row(a: cell, b: nil, verdict: .onlyA))
      }
    }
    // Keys made up at run time: pair the leftovers by who first wrote them.
    var leftBByOrigin: [String: Int] = [:]
    for j in b.cells.indices where !usedB.contains(j) {
      if let origin = b.origins[j], leftBByOrigin[origin] == nil { leftBByOrigin[origin] = j }
    }
    for i in leftA {
      guard let origin = a.origins[i], let j = leftBByOrigin[origin], !usedB.contains(j) else { continue }
      usedB.insert(j)
      var verdict = verdict(a.cells[i], b.cells[j])
      if verdict == .same || verdict == .differentValue { verdict = .differentKey }
      rows[rowOfA[i]!] = Row(a: a.cells[i], b: b.cells[j], verdict: verdict)
    }
    for j in b.cells.indices where !usedB.contains(j) {
      rows.append(Row(a: nil, b: b.cells[j], verdict: .onlyB))
    }
    return rows
  }

  /// An endpoint's requests grouped by what identifies them: a body POSTed twice is one row
  /// written twice.
  static func merged(_ side: Side, byBody: Bool) -> Side {
    var result = Side(kind: side.kind)
    var position: [String: Int] = [:]
    for (i, cell) in side.cells.enumerated() {
      let key = byBody ? (side.bodies[i] ?? cell.key) : cell.key
      if let p = position[key] {
        result.cells[p].writes += cell.writes
        result.cells[p].actors += cell.actors
        result.cells[p].unchanged += cell.unchanged
        result.cells[p].version = cell.version ?? result.cells[p].version
      } else {
        position[key] = result.cells.count
        var cell = cell
        cell.key = key
        if !byBody { cell.value = nil }
        result.cells.append(cell)
        result.origins.append(side.origins[i])
        result.bodies.append(side.bodies[i])
      }
    }
    return result
  }

  static func verdict(_ a: Cell, _ b: Cell) -> Verdict {
    if a.writes > b.writes || a.writes == b.writes && a.times > b.times { return .moreWritesA }
    if b.writes > a.writes || a.writes == b.writes && b.times > a.times { return .moreWritesB }
    if a.deleted != b.deleted { return .differentValue }
    if let x = a.value, let y = b.value, x != y { return .differentValue }
    return .same
  }

  // MARK: one side's ledger

  /// A trace's effects filed by target and row, as of an event.
  struct Ledger {
    var order: [String] = []
    var targets: [String: Side] = [:]
    private var rowOf: [String: [String: Int]] = [:]
    private var originCount: [String: Int] = [:]
    /// The actors of each repeated effect's chain so far, keyed by the first effect.
    private var chains: [Int: [String]] = [:]

    init(_ trace: Trace, asOf limit: Int?, withWorld: Bool) {
      for table in trace.world.tables { addTarget(table.name, .table) }
      for endpoint in trace.world.endpoints { addTarget(endpoint.name, .endpoint) }
      let keyAttributes = Dictionary(trace.world.tables.map { ($0.name, $0.keyAttributes) }, uniquingKeysWith: { a, _ in a })
      let included = Self.includedEffects(trace, asOf: limit)
      for index in trace.effects.indices where included[index] {
        let effect = trace.effects[index]
        guard effect.kind != .log, effect.kind != .read else { continue }
        let isEndpoint =
          targets[effect.target].map { $0.kind != .table } ?? effect.isRequest
        addTarget(effect.target, !isEndpoint ? .table : effect.isQueueMessage ? .queue : .endpoint)
        if isEndpoint {
          let body = effect.after.map(JSONText.compact)
          var cell = Cell(key: effect.key, value: body, version: effect.version, deleted: false, writes: 0, actors: [], unchanged: [])
          if effect.kind == .post || effect.kind == .send {
            cell.writes = 1
            cell.actors = [effect.actor]
          } else {
            cell.unchanged = [effect.actor]
          }
          targets[effect.target]!.cells.append(cell)
          targets[effect.target]!.origins.append(origin(effect))
          targets[effect.target]!.bodies.append(body)
          continue
        }
        var repeatedBy: [String] = []
        if let first = effect.duplicateOf, first < trace.effects.count {
          repeatedBy = (chains[first] ?? [trace.effects[first].actor]) + [effect.actor]
          chains[first] = repeatedBy
        }
        write(effect, keys: keyAttributes[effect.target] ?? [], repeatedBy: repeatedBy)
      }
      guard withWorld else { return }
      // Items there from the start that no effect touched (the world is the final one: an item an
      // effect touched has its row from its effects, as of the limit).
      var touched = Set<String>()
      for effect in trace.effects { touched.insert(effect.target + "\u{0}" + effect.key) }
      for table in trace.world.tables {
        for item in table.items {
          guard let key = WorldSnapshot.Table.keyText(of: .map(item), keyAttributes: table.keyAttributes), rowOf[table.name]?[key] == nil,
            !touched.contains(table.name + "\u{0}" + key)
          else { continue }
          rowOf[table.name, default: [:]][key] = targets[table.name]!.cells.count
          targets[table.name]!.cells.append(
            Cell(
              key: key, value: Self.itemText(.map(item), without: table.keyAttributes), version: nil, deleted: false,
              writes: 0, actors: [], unchanged: []))
          targets[table.name]!.origins.append(nil)
          targets[table.name]!.bodies.append(nil)
        }
      }
    }

    private mutating func addTarget(_ name: String, _ kind: TargetKind) {
      guard targets[name] == nil else { return }
      order.append(name)
      targets[name] = Side(kind: kind)
    }

    private mutating func origin(_ effect: TraceEffect) -> String? {
      guard let invocation = effect.invocation else { return nil }
      let base = "\(effect.target)/\(invocation)/\(effect.step ?? "")"
      let n = originCount[base, default: 0]
      originCount[base] = n + 1
      return "\(base)/\(n)"
    }

    private mutating func write(_ effect: TraceEffect, keys: [String], repeatedBy: [String]) {
      let name = effect.target
      var row = rowOf[name]?[effect.key]
      if row == nil {
        row = targets[name]!.cells.count
        rowOf[name, default: [:]][effect.key] = row
        let initial = effect.before.map { Self.itemText($0, without: keys) }
        targets[name]!.cells.append(
          Cell(key: effect.key, value: initial, version: nil, deleted: false, writes: 0, actors: [], unchanged: []))
        targets[name]!.origins.append(origin(effect))
        targets[name]!.bodies.append(nil)
      }
      let r = row!
      switch effect.kind {
      case .insert, .update:
        targets[name]!.cells[r].writes += 1
        targets[name]!.cells[r].actors.append(effect.actor)
        targets[name]!.cells[r].value = effect.after.map { Self.itemText($0, without: keys) }
        targets[name]!.cells[r].version = effect.version
        targets[name]!.cells[r].deleted = false
        targets[name]!.cells[r].repeatedBy = repeatedBy
      case .delete:
        targets[name]!.cells[r].writes += 1
        targets[name]!.cells[r].actors.append(effect.actor)
        targets[name]!.cells[r].deleted = true
        targets[name]!.cells[r].version = effect.version
        targets[name]!.cells[r].repeatedBy = repeatedBy
      default:
        targets[name]!.cells[r].unchanged.append(effect.actor)
      }
    }

    /// Which effects happen at or before event `limit`: those an event up to it points to, and
    /// those no event points to whose time is not later than its time.
    static func includedEffects(_ trace: Trace, asOf limit: Int?) -> [Bool] {
      guard let limit, limit < trace.events.count - 1 else { return [Bool](repeating: true, count: trace.effects.count) }
      var included = [Bool](repeating: false, count: trace.effects.count)
      var pointed = [Bool](repeating: false, count: trace.effects.count)
      for (position, event) in trace.events.enumerated() {
        guard let e = event.effect, e < trace.effects.count else { continue }
        pointed[e] = true
        if position <= limit { included[e] = true }
      }
      let time = limit >= 0 ? trace.events[limit].time : Int.min
      for e in trace.effects.indices where !pointed[e] { included[e] = trace.effects[e].time <= time }
      return included
    }

    /// An item without its key attributes, as compact JSON.
    static func itemText(_ value: Value, without keys: [String]) -> String {
      guard case .map(var fields) = value, !keys.isEmpty else { return JSONText.compact(value) }
      for key in keys { fields.removeValue(forKey: key) }
      return JSONText.compact(.map(fields))
    }
  }
}
