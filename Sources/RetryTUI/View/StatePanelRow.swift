import RetryCore

/// The columns of one line of the state panel, as of the playhead: a table item (key, version, the
/// attempt that made its value, the write that did not change it, its value) or an endpoint
/// request (number, sender, rejection, body).
struct StatePanelRow {
  var atPlayhead: Bool
  var key: String
  var version: String
  /// Who made the value: `A#1`, or `x2 A#1+A#2` when it repeats an earlier execution's write.
  var by: [PanelSpan]
  /// The last write since that left the value as it was (`A#2 skipped`), if any.
  var mark: PanelSpan?
  var value: PanelSpan

  init(ledger: StateLedger, target t: Int, line: Int, playhead: Int, glyphs: Glyphs) {
    let target = ledger.targets[t]
    let effects = ledger.trace.effects
    let atPlayhead = ledger.effect(at: playhead).map {
      ledger.effectTarget[$0] == t && ledger.effectLine[$0] == line
    }
    self.atPlayhead = atPlayhead ?? false
    mark = nil
    if target.kind != .table {
      let e = Int(target.lines[line])
      let effect = effects[e]
      key = "#\(effect.version ?? line + 1)"
      version = ""
      by = Self.by(e, ledger: ledger, glyphs: glyphs)
      if effect.kind == .rejected {
        mark = PanelSpan(effect.detail.map { "rejected: \($0)" } ?? "rejected", .skipped)
      } else if effect.kind == .deduplicated {
        // SQS accepted it and delivered nothing: a FIFO queue's deduplication.
        mark = PanelSpan("deduplicated: not delivered", .skipped)
      } else if effect.kind == .send {
        mark = nil  // its detail is the message id: nothing went wrong
      } else if let detail = effect.detail, detail != "HTTP 200" {
        mark = PanelSpan(detail, .skipped)
      }
      value = PanelSpan(effect.after.map(JSONText.compact) ?? "", .normal)
      return
    }
    let row = target.lines[line]
    let item = ledger.rows[Int(row)]
    let state = ledger.rowState(row, asOf: playhead)
    key = item.key
    if let v = state.valueEffect {
      let effect = effects[v]
      version = effect.version.map { "v\($0)" } ?? ""
      by = Self.by(v, ledger: ledger, glyphs: glyphs)
      value =
        effect.kind == .delete
        ? PanelSpan("deleted", .skipped)
        : PanelSpan(Self.itemText(effect.after, without: target.keyAttributes), .normal)
    } else if let initial = item.initial {
      version = "v\(item.initialVersion)"
      by = [PanelSpan("initial", .dim)]
      value = PanelSpan(Self.itemText(initial, without: target.keyAttributes), .normal)
    } else {
      version = ""
      by = []
      value = PanelSpan("no item", .dim)
    }
    if let m = state.markEffect {
      mark = PanelSpan("\(effects[m].actor) \(Self.word(effects[m].kind))", .skipped)
    }
  }

  /// The actor of effect `e`, or for a repeat `x2 A#1+A#2`: how many times the same event did
  /// it and which executions (`x5 A#1+…+A#5` for long chains).
  static func by(_ e: Int, ledger: StateLedger, glyphs: Glyphs) -> [PanelSpan] {
    let chain = ledger.duplicateChain(of: e)
    guard chain.count > 1 else { return [PanelSpan(ledger.trace.effects[e].actor, .actor)] }
    let actors = chain.map { ledger.trace.effects[$0].actor }
    let names =
      actors.count <= 3
      ? actors.joined(separator: "+")
      : "\(actors[0])+\(PanelLineWriter.ellipsis(glyphs))+\(actors[actors.count - 1])"
    return [PanelSpan("x\(chain.count)", .duplicate), PanelSpan(" " + names, .actor)]
  }

  /// What a write that changed nothing did.
  static func word(_ kind: EffectKind) -> String {
    switch kind {
    case .skip: "skipped"
    case .unchanged: "unchanged"
    case .rejected: "rejected"
    case .deduplicated: "deduplicated (dropped)"
    default: kind.rawValue
    }
  }

  /// The indented line under the row written at the playhead when that write changed nothing:
  /// why (`↳ A#2 skipped: condition failed (attribute_not_exists(id))`).
  static func detail(_ effect: TraceEffect, glyphs: Glyphs) -> String {
    let arrow = PanelLineWriter.asciiOnly(glyphs) ? "->" : "↳"
    var reason = effect.detail ?? ""
    let failed = "condition failed: "
    if reason.hasPrefix(failed) { reason = "condition failed (\(reason.dropFirst(failed.count)))" }
    if reason.isEmpty && effect.kind == .unchanged { reason = "wrote the value it already had" }
    let head = "\(arrow) \(effect.actor) \(word(effect.kind))"
    return reason.isEmpty ? head : "\(head): \(reason)"
  }

  /// An item's attributes other than its key, as compact JSON: the key is already on the line.
  static func itemText(_ value: Value?, without keys: [String]) -> String {
    guard let value else { return "" }
    guard case .map(let fields) = value, !keys.isEmpty else { return JSONText.compact(value) }
    var text = "{"
    var first = true
    for (name, field) in fields where !keys.contains(name) {
      if !first { text += "," }
      first = false
      JSONText.writeString(name, into: &text)
      text += ":"
      JSONText.write(field, into: &text)
    }
    return text + "}"
  }

  /// Whether the effect at the playhead gets a line of its own under its row: a table write
  /// that changed nothing, whose reason does not fit on the row.
  static func hasDetail(_ effect: TraceEffect, in target: StateLedger.Target) -> Bool {
    target.kind == .table && [.skip, .unchanged, .rejected].contains(effect.kind)
  }
}

extension StatePanelRow {
  /// Column widths shared by the rows of one target, fitted to the panel's width: the key gets
  /// what is left once the other columns and a short value fit, the version goes first on narrow
  /// panels.
  struct Columns {
    var key = 0, version = 0, by = 0, mark = 0

    init(_ rows: [StatePanelRow], width: Int) {
      guard !rows.isEmpty else { return }
      let widest = { (text: (StatePanelRow) -> String) in rows.map { DisplayText.width(text($0)) }.max() ?? 0 }
      version = width >= 60 ? widest { $0.version } : 0
      by = min(widest { $0.by.map(\.text).joined() }, max(3, (width - 2) / 3))
      mark = min(widest { $0.mark?.text ?? "" }, max(18, (width - 2) / 4))
      let natural = widest { $0.key }
      let others = [version, by, mark].filter { $0 > 0 }.reduce(0) { $0 + $1 + 2 }
      let room = width - 2 - 2 - others
      let wantedValue = min(widest { $0.value.text }, 12)
      key = min(natural, max(min(natural, 12), room - wantedValue))
    }
  }
}
