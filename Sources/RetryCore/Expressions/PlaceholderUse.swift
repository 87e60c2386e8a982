/// One occurrence of a `#name` or `:value` placeholder in an expression.
struct PlaceholderUse: Hashable, Sendable {
  /// Including its `#` or `:`.
  var placeholder: String
  var offset: Int

  /// The distinct placeholders starting with `prefix` (`#` or `:`), in order of first appearance.
  static func distinct(_ uses: [PlaceholderUse], prefix: String) -> [String] {
    var seen: Set<String> = []
    var result: [String] = []
    for use in uses where use.placeholder.hasPrefix(prefix) && seen.insert(use.placeholder).inserted {
      result.append(use.placeholder)
    }
    return result
  }
}
