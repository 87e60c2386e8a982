import RetryCore

/// Files a trace's effects for `StateLedger`: one pass over the effects in the order they happen,
/// then one over the rows. Kept apart from the ledger so that the ledger holds only what a frame
/// reads.
struct StateLedgerBuilder {
  /// A target while its effects are being filed.
  struct Draft {
    var name: String
    var kind: StateLedger.TargetKind
    var url: String?
    var keyAttributes: [String]
    var rowsByKey: [String: Int32] = [:]
    /// Rows with a value before the first event, in the order the effects reveal them.
    var initialRows: [Int32] = []
    /// Rows (a table) or effects (an endpoint's requests) that appear during the trace, in order.
    var laterLines: [Int32] = []
    var appearance: [Int32] = []
    /// When the number of items or POSTs changes, and by how much (+1, -1).
    var changeEvents: [Int32] = []
    var changes: [Int32] = []
    /// When a repeated effect happens, and its row id (a table) or request position (an endpoint).
    var duplicateEvents: [Int32] = []
    var duplicateOwners: [Int32] = []
  }

  let trace: Trace
  let eventOfEffect: [Int32]
  /// Effect indexes in the order their events happen.
  let order: [Int]
  var drafts: [Draft] = []
  var draftIndex: [String: Int] = [:]
  var rows: [StateLedger.Row] = []
  var rowExists: [Bool] = []
  var entryCounts: [Int32] = []
  var rowOfEffect: [Int32]
  var effectTarget: [Int32]
  var effectLine: [Int32]
  var repeats: [Int32: [Int32]] = [:]

  init(trace: Trace) {
    self.trace = trace
    let effects = trace.effects
    var eventOf = [Int32](repeating: -1, count: effects.count)
    for (position, event) in trace.events.enumerated() {
      if let effect = event.effect, effect < effects.count, eventOf[effect] < 0 { eventOf[effect] = Int32(position) }
    }
    // An effect no event points to (a trace from elsewhere) happens with the last event before it.
    for effect in eventOf.indices where eventOf[effect] < 0 {
      eventOf[effect] = Int32(Self.lastEvent(atOrBefore: effects[effect].time, in: trace.events))
    }
    eventOfEffect = eventOf
    var order = Array(effects.indices)
    if zip(eventOf, eventOf.dropFirst()).contains(where: { $0 > $1 }) {
      order.sort { (eventOf[$0], $0) < (eventOf[$1], $1) }
    }
    self.order = order
    rowOfEffect = [Int32](repeating: -1, count: effects.count)
    effectTarget = rowOfEffect
    effectLine = rowOfEffect
    for table in trace.world.tables {
      addDraft(Draft(name: table.name, kind: .table, url: nil, keyAttributes: table.keyAttributes))
    }
    for endpoint in trace.world.endpoints {
      addDraft(Draft(name: endpoint.name, kind: .endpoint, url: endpoint.url, keyAttributes: []))
    }
  }

  mutating func fileEffects() {
    for effect in order { file(effect) }
  }

  private mutating func addDraft(_ draft: Draft) {
    guard draftIndex[draft.name] == nil else { return }
    draftIndex[draft.name] = drafts.count
    drafts.append(draft)
  }

  private mutating func file(_ e: Int) {
    let effect = trace.effects[e]
    guard effect.kind != .log else { return }
    let shown = effect.kind != .read
    if let first = effect.duplicateOf { repeats[Int32(first), default: []].append(Int32(e)) }
    if draftIndex[effect.target] == nil {
      guard shown else { return }
      let endpoint = effect.isRequest
      addDraft(Draft(name: effect.target, kind: !endpoint ? .table : effect.isQueueMessage ? .queue : .endpoint, url: nil, keyAttributes: []))
    }
    let t = draftIndex[effect.target]!
    if drafts[t].kind != .table {
      if shown { fileRequest(e, effect, target: t) }
    } else {
      fileWrite(e, effect, target: t, shown: shown)
    }
  }

  private mutating func fileRequest(_ e: Int, _ effect: TraceEffect, target t: Int) {
    let event = eventOfEffect[e]
    let position = Int32(drafts[t].laterLines.count)
    drafts[t].laterLines.append(Int32(e))
    drafts[t].appearance.append(event)
    if effect.kind == .post || effect.kind == .send {
      drafts[t].changeEvents.append(event)
      drafts[t].changes.append(1)
    }
    if effect.duplicateOf != nil {
      drafts[t].duplicateEvents.append(event)
      drafts[t].duplicateOwners.append(position)
    }
    effectTarget[e] = Int32(t)
    effectLine[e] = position
  }

  private mutating func fileWrite(_ e: Int, _ effect: TraceEffect, target t: Int, shown: Bool) {
    let event = eventOfEffect[e]
    var row = drafts[t].rowsByKey[effect.key]
    if row == nil {
      // The first effect on an item that was already there tells its value before the trace.
      if let before = effect.before {
        row = addRow(key: effect.key, initial: before, version: Self.versionBefore(effect))
        drafts[t].initialRows.append(row!)
      } else if shown {
        row = addRow(key: effect.key, initial: nil, version: 0)
        drafts[t].laterLines.append(row!)
        drafts[t].appearance.append(event)
      } else {
        return  // a read that found nothing
      }
      drafts[t].rowsByKey[effect.key] = row
    }
    guard shown, let row else { return }
    let r = Int(row)
    rowOfEffect[e] = row
    entryCounts[r] += 1
    effectTarget[e] = Int32(t)
    var change: Int32 = 0
    switch effect.kind {
    case .insert, .update: if !rowExists[r] { change = 1 }
    case .delete: if rowExists[r] { change = -1 }
    default: break
    }
    if change != 0 {
      rowExists[r] = change > 0
      drafts[t].changeEvents.append(event)
      drafts[t].changes.append(change)
    }
    if effect.duplicateOf != nil {
      drafts[t].duplicateEvents.append(event)
      drafts[t].duplicateOwners.append(row)
    }
  }

  private mutating func addRow(key: String, initial: Value?, version: Int) -> Int32 {
    rows.append(StateLedger.Row(key: key, initial: initial, initialVersion: version))
    rowExists.append(initial != nil)
    entryCounts.append(0)
    return Int32(rows.count - 1)
  }

  /// The targets in display order. Adds the world's items no effect touched (they were there from
  /// the start and never changed) and numbers every row's line.
  mutating func finishTargets() -> [StateLedger.Target] {
    var rowLine = [Int32](repeating: -1, count: rows.count)
    var targets: [StateLedger.Target] = []
    for t in drafts.indices {
      let draft = drafts[t]
      var lines: [Int32]
      let initialLines: Int
      if draft.kind == .table {
        let initial = orderedInitialRows(t)
        initialLines = initial.count
        lines = initial + draft.laterLines
        if rowLine.count < rows.count { rowLine += [Int32](repeating: -1, count: rows.count - rowLine.count) }
        for (line, row) in lines.enumerated() { rowLine[Int(row)] = Int32(line) }
      } else {
        lines = draft.laterLines
        initialLines = 0
      }
      var counts: [Int32] = []
      counts.reserveCapacity(draft.changes.count)
      var count = Int32(initialLines)
      for change in draft.changes {
        count += change
        counts.append(count)
      }
      let duplicateLines = draft.kind == .table ? draft.duplicateOwners.map { rowLine[Int($0)] } : draft.duplicateOwners
      targets.append(
        StateLedger.Target(
          name: draft.name, kind: draft.kind, url: draft.url, keyAttributes: draft.keyAttributes, lines: lines,
          initialLines: initialLines, appearance: draft.appearance, countEvents: draft.changeEvents, counts: counts,
          initialCount: initialLines, duplicateEvents: draft.duplicateEvents, duplicateLines: duplicateLines))
    }
    for e in rowOfEffect.indices where rowOfEffect[e] >= 0 { effectLine[e] = rowLine[Int(rowOfEffect[e])] }
    return targets
  }

  /// A table's initial rows: in the order the world lists them at the end, then the ones deleted
  /// on the way, in the order the effects revealed them. Adds the rows no effect touched.
  private mutating func orderedInitialRows(_ t: Int) -> [Int32] {
    guard t < trace.world.tables.count, trace.world.tables[t].name == drafts[t].name else {
      return drafts[t].initialRows
    }
    let table = trace.world.tables[t]
    var ordered: [Int32] = []
    var placed = Set<Int32>()
    for item in table.items {
      guard let key = WorldSnapshot.Table.keyText(of: .map(item), keyAttributes: table.keyAttributes) else { continue }
      if let row = drafts[t].rowsByKey[key] {
        if rows[Int(row)].initial != nil, placed.insert(row).inserted { ordered.append(row) }
      } else {
        let row = addRow(key: key, initial: .map(item), version: 1)
        drafts[t].rowsByKey[key] = row
        ordered.append(row)
        placed.insert(row)
      }
    }
    for row in drafts[t].initialRows where !placed.contains(row) { ordered.append(row) }
    return ordered
  }

  /// Each row's entries, in event order: (start per row, effect, event, last value entry).
  func entries() -> ([Int32], [Int32], [Int32], [Int32]) {
    var start = [Int32](repeating: 0, count: rows.count + 1)
    for r in rows.indices { start[r + 1] = start[r] + entryCounts[r] }
    var cursor = Array(start.dropLast())
    let total = Int(start[rows.count])
    var effects = [Int32](repeating: 0, count: total)
    var events = [Int32](repeating: 0, count: total)
    for e in order where rowOfEffect[e] >= 0 {
      let r = Int(rowOfEffect[e])
      effects[Int(cursor[r])] = Int32(e)
      events[Int(cursor[r])] = eventOfEffect[e]
      cursor[r] += 1
    }
    var values = [Int32](repeating: -1, count: total)
    for r in rows.indices {
      var last: Int32 = -1
      for slot in Int(start[r])..<Int(start[r + 1]) {
        switch trace.effects[Int(effects[slot])].kind {
        case .insert, .update, .delete: last = Int32(slot)
        default: break
        }
        values[slot] = last
      }
    }
    return (start, effects, events, values)
  }

  /// The version an item had before `effect`, its first effect (an update adds one).
  static func versionBefore(_ effect: TraceEffect) -> Int {
    effect.kind == .update ? max(1, (effect.version ?? 2) - 1) : (effect.version ?? 1)
  }

  /// The last event at or before `time` (0 when there is none).
  static func lastEvent(atOrBefore time: Milliseconds, in events: [TraceEvent]) -> Int {
    max(0, events.partitioningIndex { $0.time > time } - 1)
  }
}
