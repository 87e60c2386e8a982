/// An EventBridge schedule expression: `rate(5 minutes)` or `cron(0/5 * * * ? *)`.
///
/// Syntax and rules: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
/// Parsing is as strict as EventBridge (`rate(1 minutes)` is an error there too), so that a
/// scenario that simulates here would also deploy.
public struct ScheduleExpression: Sendable, Hashable, CustomStringConvertible {
  /// The expression as written.
  public var text: String
  /// What the text means. Set by `parse`; changing `text` afterwards does not re-parse it.
  public private(set) var kind: Kind

  public enum Kind: Sendable, Hashable {
    /// `rate(value unit)`: every `value` units, the first firing at the start.
    case rate(value: Int, unit: RateUnit)
    case cron(CronExpression)
  }

  public enum RateUnit: String, Sendable, Hashable, CaseIterable {
    case minute, hour, day

    public var milliseconds: Milliseconds {
      switch self {
      case .minute: 60_000
      case .hour: 3_600_000
      case .day: 86_400_000
      }
    }
  }

  /// Error offsets count characters from the start of `text`.
  public static func parse(_ text: String) throws(ExpressionError) -> ScheduleExpression {
    let characters = Array(text)
    var begin = 0
    while begin < characters.count, characters[begin].isWhitespace { begin += 1 }
    let head = String(characters[begin..<min(begin + 5, characters.count)])
    guard head == "rate(" || head == "cron(" else {
      throw ExpressionError(offset: begin, message: "expected 'rate(...)' or 'cron(...)'")
    }
    let open = begin + 5
    guard let close = characters[open...].firstIndex(of: ")") else {
      throw ExpressionError(offset: characters.count, message: "missing ')' at the end of the expression")
    }
    if let extra = characters[(close + 1)...].firstIndex(where: { !$0.isWhitespace }) {
      throw ExpressionError(offset: extra, message: "unexpected text after ')'")
    }
    let kind: Kind =
      head == "rate("
      ? try parseRate(characters, from: open, to: close)
      : .cron(try CronExpressionParser(source: characters).parse(from: open, to: close))
    return ScheduleExpression(text: text, kind: kind)
  }

  /// The interval between firings of a `rate` expression; nil for `cron`, whose gaps vary.
  public var period: Milliseconds? {
    guard case .rate(let value, let unit) = kind else { return nil }
    return value * unit.milliseconds
  }

  /// The first `count` fire times at or after `start` (Unix epoch milliseconds, UTC).
  ///
  /// A rate fires at `start`, `start + period`, ...: the simulation treats the start as the
  /// moment the rule was created, which is when EventBridge starts counting. A cron fires at the
  /// selected whole minutes (see `CronExpression.fireTimes`), and may return fewer than `count`
  /// times if its year field runs out.
  public func fireTimes(from start: Milliseconds, count: Int) -> [Milliseconds] {
    switch kind {
    case .rate(let value, let unit):
      let period = value * unit.milliseconds
      guard count > 0 else { return [] }
      var times: [Milliseconds] = []
      times.reserveCapacity(min(count, 1 << 16))
      var time = start
      for _ in 0..<count {
        times.append(time)
        let (next, overflow) = time.addingReportingOverflow(period)
        if overflow { break }
        time = next
      }
      return times
    case .cron(let cron):
      return cron.fireTimes(from: start, count: count)
    }
  }

  /// In words: `every 5 minutes`, `at 10:00 UTC, on MON-FRI`. (`text` keeps the expression.)
  public var description: String {
    switch kind {
    case .rate(let value, let unit): value == 1 ? "every \(unit.rawValue)" : "every \(value) \(unit.rawValue)s"
    case .cron(let cron): cron.description
    }
  }

  private static func parseRate(_ characters: [Character], from: Int, to: Int) throws(ExpressionError) -> Kind {
    var tokens: [(text: String, offset: Int)] = []
    var index = from
    while index < to {
      if characters[index].isWhitespace {
        index += 1
        continue
      }
      let begin = index
      while index < to, !characters[index].isWhitespace { index += 1 }
      tokens.append((String(characters[begin..<index]), begin))
    }
    guard tokens.count == 2 else {
      let offset = tokens.count > 2 ? tokens[2].offset : to
      throw ExpressionError(offset: offset, message: "rate needs a value and a unit, like rate(5 minutes)")
    }
    let (valueText, unitText) = (tokens[0], tokens[1])
    let isPositiveInteger =
      valueText.text.allSatisfy({ $0.isASCII && $0.isNumber }) && valueText.text.contains(where: { $0 != "0" })
    guard isPositiveInteger else {
      let message = "rate value must be a positive integer, got '\(valueText.text)'"
      throw ExpressionError(offset: valueText.offset, message: message)
    }
    let unitName = unitText.text.hasSuffix("s") ? String(unitText.text.dropLast()) : unitText.text
    guard let unit = RateUnit(rawValue: unitName) else {
      throw ExpressionError(
        offset: unitText.offset,
        message: "unknown rate unit '\(unitText.text)'; use minute(s), hour(s) or day(s)")
    }
    guard let value = Int(valueText.text), !value.multipliedReportingOverflow(by: unit.milliseconds).overflow else {
      throw ExpressionError(offset: valueText.offset, message: "rate value \(valueText.text) is too large")
    }
    let plural = unitText.text.hasSuffix("s")
    if value == 1, plural {
      throw ExpressionError(offset: unitText.offset, message: "use '\(unit.rawValue)' for a rate of 1")
    }
    if value > 1, !plural {
      throw ExpressionError(offset: unitText.offset, message: "use '\(unit.rawValue)s' for a rate above 1")
    }
    return .rate(value: value, unit: unit)
  }
}
