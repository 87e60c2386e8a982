/// Why a conditional write failed. "Already applied" is true only when an earlier execution of
/// the same event (the same invocation, and for event sources the same record) wrote the item:
/// a write by another event is a conflict, which a retry did not cause and a condition that
/// skips it may lose.
extension Narrator {
  /// The end of the caption of the skipped write `trace.effects[position]`.
  func skipReason(_ position: Int) -> String {
    let effect = trace.effects[position]
    let place = "\(effect.target)[\(effect.key)]"
    guard let writer = lastWriters[position] else {
      return effect.before == nil
        ? "\(place) does not exist"
        : "\(place) was already there before the run: not a write of this event"
    }
    let last = trace.effects[writer]
    let verb = last.kind == .delete ? "deleted" : "last written"
    guard let invocation = last.invocation else {
      return "\(place) was \(verb) by \(last.actor), outside the function: a conflicting write, not a retry"
    }
    let sameEvent = invocation == effect.invocation && trace.record(ofEffect: writer) == trace.record(ofEffect: position)
    guard sameEvent else {
      return "\(place) was \(verb) by \(last.actor): a conflicting write, not a retry"
    }
    if last.attempt == effect.attempt {
      return "\(place) was \(verb) earlier in this same execution"
    }
    return "already applied (\(last.actor), an earlier execution of the same event, \(last.kind == .delete ? "deleted" : "wrote") it)"
  }

  /// For each skip, the position of the last effect before it that wrote the same item (an
  /// external write included). One pass, and none at all for a trace without skips.
  static func lastWriters(of effects: [TraceEffect]) -> [Int: Int] {
    struct Item: Hashable {
      var target: String
      var key: String
    }
    let skipped = Set(effects.lazy.filter { $0.kind == .skip }.map { Item(target: $0.target, key: $0.key) })
    guard !skipped.isEmpty else { return [:] }
    var last: [Item: Int] = [:]
    var writers: [Int: Int] = [:]
    for (position, effect) in effects.enumerated() where effect.kind == .skip || writes(effect) {
      let item = Item(target: effect.target, key: effect.key)
      guard skipped.contains(item) else { continue }
      if effect.kind == .skip {
        writers[position] = last[item]
      } else {
        last[item] = position
      }
    }
    return writers
  }

  /// Whether an effect wrote the item: a change, or a write that found the same values (it
  /// still wrote them). A delete of nothing wrote nothing.
  private static func writes(_ effect: TraceEffect) -> Bool {
    switch effect.kind {
    case .insert, .update, .delete: true
    case .unchanged: effect.detail != TraceEffect.noSuchItem
    case .read, .skip, .rejected, .post, .send, .deduplicated, .log: false
    }
  }
}
