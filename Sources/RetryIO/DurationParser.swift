import RetryCore

/// Durations as scenario files write them, turned into integer milliseconds.
///
/// A bare number is seconds (`3`, `0.5`); a string joins number-unit parts from the largest unit to
/// the smallest (`250ms`, `1.5s`, `1m30s`, `2h`). A range is two durations joined by `-`
/// (`60s-70s`). Integer milliseconds keep the simulation exact, so a value that falls between two
/// milliseconds (`0.0005s`) is an error rather than silently rounded.
enum DurationParser {
  enum Problem: Error, Equatable {
    /// Not a duration at all.
    case syntax
    /// Starts with `-`.
    case negative
    /// Falls between two milliseconds.
    case fractionalMilliseconds
    /// Units repeat or go from small to large (`30s1m`).
    case unitOrder
    /// More than `maximum`.
    case tooLarge
    /// A range whose lower bound is above its upper bound (`70s-60s`).
    case backwards
  }

  /// The longest duration: 10 years (87660h). Simulated times are sums of a few such
  /// durations, so they stay far below `Int.max` (`at: 2562047788015h` had trapped the
  /// simulator) and, in any ordinary run, within the 100 years a trace file may hold
  /// (`TraceJSON.timeRange`).
  static let maximum: Milliseconds = 315_576_000_000

  /// The units, largest first, with their length in milliseconds.
  private static let units: [(name: String, millis: Int)] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)]

  /// One duration.
  static func parse(_ text: String) -> Result<Milliseconds, Problem> {
    let text = text.trimmingSpaces
    if text.hasPrefix("-") {
      if case .success = parse(String(text.dropFirst())) { return .failure(.negative) }
      return .failure(.syntax)
    }
    var rest = Substring(text)
    guard !rest.isEmpty else { return .failure(.syntax) }
    var total = 0
    var lastUnit = -1
    while !rest.isEmpty {
      let digits = rest.prefix(while: \.isASCIIDigit)
      guard !digits.isEmpty else { return .failure(.syntax) }
      rest = rest.dropFirst(digits.count)
      var fraction = Substring("")
      if rest.first == "." {
        fraction = rest.dropFirst().prefix(while: \.isASCIIDigit)
        guard !fraction.isEmpty else { return .failure(.syntax) }
        rest = rest.dropFirst(1 + fraction.count)
      }
      let unitIndex: Int
      if rest.hasPrefix("ms") {
        unitIndex = 3
      } else if let index = units.firstIndex(where: { $0.name.count == 1 && rest.hasPrefix($0.name) }) {
        unitIndex = index
      } else if rest.isEmpty, lastUnit == -1 {
        unitIndex = 2  // a bare number: seconds
      } else {
        return .failure(.syntax)
      }
      guard unitIndex > lastUnit else { return .failure(.unitOrder) }
      lastUnit = unitIndex
      rest = rest.dropFirst(rest.isEmpty ? 0 : units[unitIndex].name.count)
      switch millis(whole: digits, fraction: fraction, unit: units[unitIndex].millis) {
      case .success(let part):
        let (sum, overflow) = total.addingReportingOverflow(part)
        guard !overflow, sum <= maximum else { return .failure(.tooLarge) }
        total = sum
      case .failure(let problem):
        return .failure(problem)
      }
    }
    return .success(total)
  }

  /// A range `lower-upper`, or one duration `d` meaning exactly `d`.
  static func parseRange(_ text: String) -> Result<DelayRange, Problem> {
    let text = text.trimmingSpaces
    // The separator is a `-` after the first character; a leading `-` is a (rejected) sign.
    guard let dash = text.dropFirst().firstIndex(of: "-") else {
      return parse(text).map { DelayRange.exactly($0) }
    }
    let lower: Milliseconds
    let upper: Milliseconds
    switch parse(String(text[..<dash])) {
    case .success(let value): lower = value
    case .failure(let problem): return .failure(problem)
    }
    switch parse(String(text[text.index(after: dash)...])) {
    case .success(let value): upper = value
    case .failure(let problem): return .failure(problem)
    }
    guard lower <= upper else { return .failure(.backwards) }
    return .success(DelayRange(lower, upper))
  }

  /// `whole.fraction` units in milliseconds, exactly.
  private static func millis(whole: Substring, fraction: Substring, unit: Int) -> Result<Int, Problem> {
    guard whole.count <= 15, fraction.count <= 15, let wholeValue = Int(whole) else { return .failure(.tooLarge) }
    let (wholeMillis, overflow) = wholeValue.multipliedReportingOverflow(by: unit)
    guard !overflow else { return .failure(.tooLarge) }
    guard !fraction.isEmpty, let fractionValue = Int(fraction) else { return .success(wholeMillis) }
    var scale = 1
    for _ in 0..<fraction.count { scale *= 10 }
    let (scaled, fractionOverflow) = fractionValue.multipliedReportingOverflow(by: unit)
    guard !fractionOverflow else { return .failure(.tooLarge) }
    guard scaled % scale == 0 else { return .failure(.fractionalMilliseconds) }
    return .success(wholeMillis + scaled / scale)
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
  /// Without leading and trailing spaces and tabs (Foundation-free, for the parsers here).
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(self[first...last])
  }
}
