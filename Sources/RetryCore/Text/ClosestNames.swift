/// "Did you mean" suggestions for a misspelt name (a scenario, a YAML key, a handler step).
///
/// Uses the optimal string alignment form of Damerau-Levenshtein distance, so a swapped pair of
/// letters (`craete`) costs 1, like one wrong letter: transpositions are the commonest typo.
public enum ClosestNames {
  /// Up to `limit` candidates, case-insensitively: first those within
  /// `max(2, name.count / 3)` edits, closest first (ties in the candidates' order), then those that
  /// start with or contain `name` (in the candidates' order), so that `user` finds
  /// `create-user` although the whole names are far apart.
  public static func suggest(_ name: String, among candidates: [String], limit: Int = 3) -> [String] {
    guard limit > 0 else { return [] }
    let target = Array(name.lowercased())
    let threshold = max(2, name.count / 3)
    var seen = Set<String>()
    var near: [(distance: Int, candidate: String)] = []
    var containing: [String] = []
    for candidate in candidates where seen.insert(candidate).inserted {
      let lowered = candidate.lowercased()
      let distance = distance(target, Array(lowered), atMost: threshold)
      if distance <= threshold {
        near.append((distance, candidate))
      } else if !target.isEmpty, lowered.contains(String(target)) {
        containing.append(candidate)
      }
    }
    // Swift's sort is not guaranteed stable; the index keeps ties in the candidates' order.
    let ordered = near.enumerated().sorted { ($0.element.distance, $0.offset) < ($1.element.distance, $1.offset) }
    return Array((ordered.map(\.element.candidate) + containing).prefix(limit))
  }

  /// The optimal string alignment distance between `a` and `b`: insertions, deletions,
  /// substitutions and swaps of adjacent characters, each costing 1 (no substring is edited twice).
  public static func distance(_ a: String, _ b: String) -> Int {
    distance(Array(a), Array(b), atMost: Int.max)
  }

  /// As `distance`, but any result above `bound` may be reported as `bound + 1`: a length
  /// difference beyond it settles the answer without filling the table.
  static func distance(_ a: [Character], _ b: [Character], atMost bound: Int) -> Int {
    if abs(a.count - b.count) > bound { return bound == Int.max ? abs(a.count - b.count) : bound + 1 }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // Three rolling rows: the previous two, for the transposition case, and the current one.
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          best = min(best, beforePrevious[j - 2] + 1)
        }
        current[j] = best
      }
      (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[b.count]
  }
}
