/// Simulated time: integer milliseconds from the trace origin.
///
/// Integers, not `Double` or `Duration`, so that arithmetic is exact and every machine orders
/// events the same way.
public typealias Milliseconds = Int

/// Readable durations for captions and the text timeline.
public enum DurationText {
  /// `350ms`, `1.2s`, `59s`, `1m05s`, `2h03m`.
  public static func short(_ ms: Milliseconds) -> String {
    let sign = ms < 0 ? "-" : ""
    let ms = abs(ms)
    if ms < 1_000 { return "\(sign)\(ms)ms" }
    if ms < 10_000 {
      let tenths = ms / 100
      return tenths % 10 == 0 ? "\(sign)\(tenths / 10)s" : "\(sign)\(tenths / 10).\(tenths % 10)s"
    }
    let seconds = ms / 1_000
    if seconds < 60 { return "\(sign)\(seconds)s" }
    if seconds < 3_600 { return "\(sign)\(seconds / 60)m" + pad2(seconds % 60) + "s" }
    return "\(sign)\(seconds / 3_600)h" + pad2((seconds % 3_600) / 60) + "m"
  }

  /// A clock-like offset for timeline columns: `0.000s`, `65.412s`, `3m05.120s`.
  public static func offset(_ ms: Milliseconds) -> String {
    let sign = ms < 0 ? "-" : ""
    let ms = abs(ms)
    let millis = ms % 1_000
    let seconds = ms / 1_000
    let fraction = "." + String(repeating: "0", count: 3 - String(millis).count) + String(millis)
    if seconds < 60 { return "\(sign)\(seconds)\(fraction)s" }
    return "\(sign)\(seconds / 60)m" + pad2(seconds % 60) + fraction + "s"
  }

  static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
