/// "Did you mean ...?" for misspelled function names in DynamoDB expressions.
enum NameSuggestion {
  /// `unknown function 'x'`, with the nearest function name when it is at most two edits away
  /// (`ClosestNames.distance`, case-insensitive). Unlike scenario names, a fragment such as `f`
  /// suggests nothing: function names are short and a containment match would mislead.
  static func unknownFunctionMessage(_ name: String, candidates: [String]) -> String {
    let scored = candidates.map { (candidate: $0, distance: ClosestNames.distance(name.lowercased(), $0.lowercased())) }
    if let best = scored.filter({ $0.distance <= 2 }).min(by: { $0.distance < $1.distance }) {
      return "unknown function '\(name)'; did you mean '\(best.candidate)'?"
    }
    return "unknown function '\(name)'"
  }
}
