import RetryCore

/// The candidates closest to a misspelt key or name, for "did you mean" hints in scenario files.
///
/// Distance is `RetryCore.ClosestNames.distance` (optimal string alignment), compared without case
/// so that `event` finds `Event`. Stricter than `ClosestNames.suggest`, which also offers names that
/// merely contain the typo: a YAML key is a whole word, so only near misses are offered. A candidate
/// qualifies within a third of the name's length (at least 1, at most 3 edits); every candidate at
/// the smallest distance is returned, in the order given.
func closestNames(to name: String, among candidates: some Sequence<String>) -> [String] {
  let target = name.lowercased()
  let limit = max(1, min(3, target.count / 3))
  var best: [String] = []
  var bestDistance = Int.max
  for candidate in candidates where candidate != name {
    let distance = ClosestNames.distance(target, candidate.lowercased())
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
