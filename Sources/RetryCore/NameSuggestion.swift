/// "Did you mean ...?" for misspelled function names.
enum NameSuggestion {
  /// The candidate closest to `name` (same letters in another case, or at most two edits away), if any.
  static func closest(to name: String, in candidates: [String]) -> String? {
    if let sameIgnoringCase = candidates.first(where: { $0.lowercased() == name.lowercased() }) {
      return sameIgnoringCase
    }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(Array(name), Array(candidate))
      if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    return best?.candidate
  }

  /// Levenshtein distance (insertions, deletions, substitutions).
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// `unknown function 'x'`, with a suggestion when one is close.
  static func unknownFunctionMessage(_ name: String, candidates: [String]) -> String {
    if let suggestion = closest(to: name, in: candidates) {
      return "unknown function '\(name)'; did you mean '\(suggestion)'?"
    }
    return "unknown function '\(name)'"
  }
}
