import RetryCore

/// Finds the steps a search names: in the caption, or in the effect the step made (table, key,
/// actor, values), case-insensitively.
public enum SearchIndex {
  public static func matches(of query: String, in session: TraceSession) -> [Int] {
    let needle = query.lowercased()
    let trace = session.trace
    var matches: [Int] = []
    for (position, event) in trace.events.enumerated() {
      if session.narrator.caption(for: event).lowercased().contains(needle) {
        matches.append(position)
        continue
      }
      if let effect = event.effect.map({ trace.effects[$0] }) {
        let text = [effect.actor, effect.target, effect.key, effect.after.map(JSONText.compact) ?? "", effect.detail ?? ""]
          .joined(separator: " ").lowercased()
        if text.contains(needle) { matches.append(position) }
      }
    }
    return matches
  }
}
