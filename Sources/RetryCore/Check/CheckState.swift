/// What a run leaves behind that idempotence is judged on: the tables' items, the multiset of
/// requests each endpoint received, and the answer each event finally got (the response of its
/// last successful execution). The talk's definition: running the function 1..N times with the
/// same event must eventually lead to the same result.
public struct CheckState: Hashable, Sendable {
  /// `table` → item key → the item.
  public var tables: [String: [String: Value]]
  /// `endpoint` → request body (compact JSON) → how many times it arrived.
  public var requests: [String: [String: Int]]
  /// invocation → the response of its last successful execution (nil: none succeeded).
  public private(set) var results: [String: Value?]
  /// A digest of all of it, computed once: stable across processes and wide enough to stand for
  /// the state, it is what the search keeps of each run (`CheckDigest`), and the hash (hashing
  /// nested values again on every resize of a set was a fifth of a search's time).
  public private(set) var digest = CheckDigest()

  public static func == (lhs: CheckState, rhs: CheckState) -> Bool {
    lhs.digest == rhs.digest && lhs.tables == rhs.tables && lhs.requests == rhs.requests && lhs.results == rhs.results
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

  /// - Parameters:
  ///   - includeResults: false for event sources, whose batches' answers depend on which
  ///     records they held: those are judged on the world alone.
  ///   - eventAnswersDelivered: whether an Event invocation's answer reaches anyone. Lambda
  ///     answers an asynchronous caller 202 at once and discards the function's response, unless
  ///     an on-success destination receives it in its record's `responsePayload`
  ///     (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). An
  ///     answer nobody receives is no result of the run: a retry that answers otherwise (an
  ///     "already applied" instead of an "ok") changes nothing out there.
  public init(trace: Trace, includeResults: Bool = true, eventAnswersDelivered: Bool = true) {
    var tables: [String: [String: Value]] = [:]
    for table in trace.world.tables {
      var items: [String: Value] = [:]
      for item in table.items {
        let key = WorldSnapshot.Table.keyText(of: .map(item), keyAttributes: table.keyAttributes) ?? JSONText.compact(.map(item))
        items[key] = .map(item)
      }
      tables[table.name] = items
    }
    self.tables = tables
    var requests: [String: [String: Int]] = [:]
    for endpoint in trace.world.endpoints {
      var counts: [String: Int] = [:]
      // Only the requests the endpoint took: a rejected POST did not happen out there.
      for request in endpoint.requests where (200..<300).contains(request.statusCode) {
        counts[JSONText.compact(request.body), default: 0] += 1
      }
      requests[endpoint.name] = counts
    }
    self.requests = requests
    var results: [String: Value?] = [:]
    var answered: Set<String> = []
    for invocation in trace.invocations where eventAnswersDelivered || invocation.type != .event {
      results[invocation.id] = .some(nil)
      answered.insert(invocation.id)
    }
    for attempt in trace.attempts where attempt.outcome == .success && answered.contains(attempt.invocation) {
      results[attempt.invocation] = .some(attempt.response ?? .null)
    }
    self.results = includeResults ? results : [:]
    // Sorted: the dictionaries' own order is not part of the state.
    var digest = CheckDigest()
    Self.add(self.tables, to: &digest) { $0.add($1) }
    digest.add(byte: 0xFF)
    Self.add(self.requests, to: &digest) { $0.add($1) }
    digest.add(byte: 0xFF)
    for invocation in self.results.keys.sorted() {
      digest.add(invocation)
      if let result = self.results[invocation]! {
        digest.add(byte: 1)
        digest.add(result)
      } else {
        digest.add(byte: 0)
      }
    }
    self.digest = digest
  }

  /// A two-level map (table → key → item, endpoint → body → count) into `digest`, both levels
  /// in sorted key order, with each inner map's size: the dictionaries' own order is not part
  /// of the state.
  private static func add<Element>(
    _ groups: [String: [String: Element]], to digest: inout CheckDigest, _ element: (inout CheckDigest, Element) -> Void
  ) {
    for name in groups.keys.sorted() {
      digest.add(name)
      let members = groups[name]!
      digest.add(members.count)
      for key in members.keys.sorted() {
        digest.add(key)
        element(&digest, members[key]!)
      }
    }
  }

  /// How this state differs from a reference state: each property that fails.
  ///
  /// Counted per table and per endpoint: more rows or requests than exactly-once gives is a
  /// duplicate, fewer a loss; as many, but with other keys, bodies or values (a uuid made anew, a
  /// clock read again), a divergent state. An event's final answer that differs diverges too.
  public func differences(from reference: CheckState) -> Set<CheckProperty> {
    var found: Set<CheckProperty> = []
    func compare(count: Int, expected: Int, same: Bool) {
      if count > expected { found.insert(.duplicateEffects) }
      if count < expected { found.insert(.lostEffects) }
      if count == expected && !same { found.insert(.divergentState) }
    }
    for name in Set(requests.keys).union(reference.requests.keys) {
      let counts = requests[name] ?? [:]
      let expected = reference.requests[name] ?? [:]
      compare(count: counts.values.reduce(0, +), expected: expected.values.reduce(0, +), same: counts == expected)
      // As many requests in all, but one body more often and another less: still a duplicate.
      if counts.values.reduce(0, +) == expected.values.reduce(0, +), counts != expected,
        counts.contains(where: { $0.value > 1 && $0.value > (expected[$0.key] ?? 0) })
      {
        found.insert(.duplicateEffects)
      }
    }
    for name in Set(tables.keys).union(reference.tables.keys) {
      let items = tables[name] ?? [:]
      let expected = reference.tables[name] ?? [:]
      compare(count: items.count, expected: expected.count, same: items == expected)
    }
    for (invocation, result) in results {
      guard let expected = reference.results[invocation], let result, let expected else { continue }
      if result != expected { found.insert(.divergentState) }
    }
    return found
  }
}

/// A property of idempotence a run can break.
public enum CheckProperty: String, Sendable, Hashable, CaseIterable, Comparable {
  /// At-least-once: an external request or a row appears more often than exactly-once gives.
  case duplicateEffects = "duplicate-effects"
  /// At-most-once: something the exactly-once run did never happened.
  case lostEffects = "lost-effects"
  /// The same effects, different final values or answers (a clock, a uuid, a read that flips).
  case divergentState = "divergent-state"

  public var title: String {
    switch self {
    case .duplicateEffects: "duplicate effects"
    case .lostEffects: "lost effects"
    case .divergentState: "divergent state"
    }
  }

  public static func < (lhs: CheckProperty, rhs: CheckProperty) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
