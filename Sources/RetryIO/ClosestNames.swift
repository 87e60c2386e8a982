/// The candidates closest to a misspelt name, for "did you mean" hints.
///
/// Distance is the optimal-string-alignment variant of Damerau-Levenshtein (insert, delete,
/// substitute, swap two neighbours), compared without case so that `event` finds `Event`. A
/// candidate qualifies within a third of the name's length (at least 1, at most 3 edits), so short
/// typos get a hint and unrelated words get none. Returns every candidate at the smallest
/// distance, in the order given.
///
/// TODO(merge): use ClosestNames.suggest
func closestNames(to name: String, among candidates: some Sequence<String>) -> [String] {
  let target = Array(name.lowercased())
  let limit = max(1, min(3, target.count / 3))
  var best: [String] = []
  var bestDistance = Int.max
  for candidate in candidates where candidate != name {
    let distance = editDistance(target, Array(candidate.lowercased()))
    guard distance <= limit else { continue }
    if distance < bestDistance {
      bestDistance = distance
      best = [candidate]
    } else if distance == bestDistance, !best.contains(candidate) {
      best.append(candidate)
    }
  }
  return best
}

/// Optimal string alignment distance between two character arrays.
private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previousPrevious = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        value = min(value, previousPrevious[j - 2] + 1)
      }
      current[j] = value
    }
    (previousPrevious, previous, current) = (previous, current, previousPrevious)
  }
  return previous[b.count]
}
