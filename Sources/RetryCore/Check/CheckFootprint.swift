/// Which parts of a run can be changed without touching each other: the lanes (invocations, or
/// an event source's shards and queues) grouped by the table items and endpoints they touch.
///
/// Two lanes in different groups share nothing the check judges: a fault or a duplicate on one
/// cannot change what the other leaves behind. A schedule that combines a change on one group
/// with changes on another therefore ends in the union of what each change does alone, and
/// each of those has already been judged, with a smaller counterexample. The search skips such
/// combinations (docs/DECISIONS.md, "The idempotence checker"), which is what keeps a stream with
/// several shards, or status updates of several users, within the bound.
struct CheckFootprint: Sendable {
  /// Lane → its group. A lane that touched nothing has a group of its own.
  private var groupOfLane: [String: Int] = [:]
  /// A schedule's unit (an invocation, or a record) → the lane it ran on.
  private var laneOfUnit: [String: String] = [:]
  /// False when someone else wrote to a table (`externalWrites`): that ties every lane to the
  /// time line, so nothing is taken to be independent.
  private(set) var isolated = true

  init(trace: Trace) {
    for attempt in trace.attempts {
      laneOfUnit[attempt.invocation] = attempt.invocation
      for record in attempt.records where laneOfUnit[record] == nil { laneOfUnit[record] = attempt.invocation }
    }
    // Union-find over lanes, joined by every table item or endpoint two of them touched.
    var parent: [String: String] = [:]
    func root(_ lane: String) -> String {
      var current = lane
      while let next = parent[current], next != current { current = next }
      return current
    }
    var ownerOfResource: [String: String] = [:]
    let endpoints = Set(trace.world.endpoints.map(\.name))
    for effect in trace.effects where effect.kind != .log {
      guard let lane = effect.invocation else {
        isolated = false
        continue
      }
      if parent[lane] == nil { parent[lane] = lane }
      // An endpoint is one resource: its requests are judged as one multiset.
      let resource = endpoints.contains(effect.target) ? "endpoint \(effect.target)" : "table \(effect.target)[\(effect.key)]"
      if let owner = ownerOfResource[resource] {
        let a = root(owner), b = root(lane)
        if a != b { parent[b] = a }
      } else {
        ownerOfResource[resource] = lane
      }
    }
    var groups: [String: Int] = [:]
    for lane in Set(laneOfUnit.values).sorted() {
      let group = root(lane)
      if groups[group] == nil { groups[group] = groups.count }
      groupOfLane[lane] = groups[group]
    }
  }

  /// The group of the lane `unit` ran on, or nil when the unit did not run.
  func group(ofUnit unit: String) -> Int? {
    laneOfUnit[unit].flatMap { groupOfLane[$0] }
  }

  /// Whether a change on `unit` shares no group with changes on `others`, in this run.
  func isApart(_ unit: String, from others: [String]) -> Bool {
    guard isolated, let group = group(ofUnit: unit) else { return false }
    return others.allSatisfy { other in self.group(ofUnit: other).map { $0 != group } ?? false }
  }
}
