import RetryCore

/// Where `:goto` (and `run --format frame --at`) can jump: a step number, an attempt, a time.
public enum GotoTarget: Equatable, Sendable {
  /// Step `n`, 1-based as the status line counts.
  case step(Int)
  /// The start of attempt `number` of `invocation` (`A#2`).
  case attempt(invocation: String, number: Int)
  /// The last step at or before a time from the trace origin (`90s`, `1m30s`, `250ms`).
  case time(Milliseconds)
  case start, end

  /// Why what the user typed names no target.
  public enum ParseFailure: Error, Equatable, Sendable {
    /// None of the forms.
    case unrecognized
    /// A time, but past anything a trace can hold (`99999999999999999999s`): times are `Int`
    /// milliseconds, about 292 million years.
    case noSuchTime(String)

    /// The one line to show, for `noSuchTime` (`unrecognized` says what the forms are, in the
    /// words of the place that asked).
    public var message: String? {
      guard case .noSuchTime(let text) = self else { return nil }
      return "no such time: \(text) is past the end of any trace"
    }
  }

  /// Parses what the user typed; nil when it is none of the forms or a time too large to hold.
  public init?(parsing text: String) {
    guard case .success(let target) = Self.parse(text) else { return nil }
    self = target
  }

  /// Parses what the user typed: a target, or why there is none.
  public static func parse(_ text: String) -> Result<GotoTarget, ParseFailure> {
    let text = text.trimmingSpaces()
    switch text {
    case "start", "begin", "first": return .success(.start)
    case "end", "last": return .success(.end)
    default: break
    }
    if let number = Int(text) { return .success(.step(number)) }
    if let hash = text.lastIndex(of: "#"), let number = Int(text[text.index(after: hash)...]), hash != text.startIndex {
      return .success(.attempt(invocation: String(text[..<hash]), number: number))
    }
    switch parseDuration(text) {
    case .some(.some(let time)): return .success(.time(time))
    case .some(.none): return .failure(.noSuchTime(text))
    case .none: return .failure(.unrecognized)
    }
  }

  /// The event index this target names in `trace`, or a one-line reason why there is none.
  public func eventIndex(in trace: Trace) -> Result<Int, GotoError> {
    let count = trace.events.count
    guard count > 0 else { return .failure(GotoError("the trace has no steps")) }
    switch self {
    case .start: return .success(0)
    case .end: return .success(count - 1)
    case .step(let number):
      guard number >= 1, number <= count else { return .failure(GotoError("no step \(number): there are steps 1-\(count)")) }
      return .success(number - 1)
    case .attempt(let invocation, let number):
      if let index = trace.events.firstIndex(where: {
        ($0.kind == .attemptStart || $0.kind == .throttled) && $0.invocation == invocation && $0.attempt == number
      }) {
        return .success(index)
      }
      let known = trace.attempts.filter { $0.invocation == invocation }.map(\.label)
      if known.isEmpty {
        let names = trace.invocations.map(\.id).joined(separator: ", ")
        return .failure(GotoError("no invocation \(invocation): this run has \(names)"))
      }
      return .failure(GotoError("no attempt \(invocation)#\(number): \(invocation) has \(known.joined(separator: ", "))"))
    case .time(let time):
      let index = trace.events.lastIndex { $0.time <= time } ?? 0
      return .success(index)
    }
  }

  /// `90s`, `1m30s`, `250ms`, `2h`, `1.5s`: nil when it is not a duration, `.some(nil)` when it
  /// is one too large for `Milliseconds` (converting it would trap).
  static func parseDuration(_ text: String) -> Milliseconds?? {
    var total = 0.0
    var number = ""
    var unit = ""
    var parts = 0
    func flush() -> Bool {
      guard let value = Double(number), !number.isEmpty else { return false }
      let factor: Double
      switch unit {
      case "ms": factor = 1
      case "s": factor = 1_000
      case "m", "min": factor = 60_000
      case "h": factor = 3_600_000
      default: return false
      }
      total += value * factor
      parts += 1
      number = ""
      unit = ""
      return true
    }
    for character in text {
      if character.isNumber || character == "." {
        if !unit.isEmpty, !flush() { return nil }
        number.append(character)
      } else if character.isLetter {
        guard !number.isEmpty else { return nil }
        unit.append(character)
      } else {
        return nil
      }
    }
    guard !number.isEmpty, flush(), parts > 0 else { return nil }
    let rounded = total.rounded()
    // Double(Int.max) is 2^63, one past Int.max: a value below it converts.
    guard rounded.isFinite, rounded < Double(Milliseconds.max) else { return .some(nil) }
    return Milliseconds(rounded)
  }
}

/// Why a `:goto` target is not in the trace.
public struct GotoError: Error, Equatable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}

extension String {
  func trimmingSpaces() -> String {
    var text = Substring(self)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
  }
}
