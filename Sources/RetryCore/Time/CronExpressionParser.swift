/// Reads the six fields of an EventBridge cron expression (the rules are listed on
/// `CronExpression`).
///
/// Works on the whole schedule text as an array of characters, so that every error offset is a
/// character offset into what the user wrote, and quotes the token as written (names are matched
/// in any letter case, but messages do not shout back in upper case).
struct CronExpressionParser {
  /// The whole text the offsets count in.
  let source: [Character]

  private static let dayOfMonth = 2
  private static let month = 3
  private static let dayOfWeek = 4

  /// Parses `source[from..<to]`, the text between `cron(` and `)`.
  func parse(from: Int, to: Int) throws(ExpressionError) -> CronExpression {
    var tokens: [Range<Int>] = []
    var index = from
    while index < to {
      if source[index].isWhitespace {
        index += 1
        continue
      }
      let begin = index
      while index < to, !source[index].isWhitespace { index += 1 }
      tokens.append(begin..<index)
    }
    guard tokens.count == 6 else {
      throw ExpressionError(
        offset: tokens.count > 6 ? tokens[6].lowerBound : to,
        message: "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got \(tokens.count)")
    }

    var fields: [Field] = []
    for (position, token) in tokens.enumerated() {
      fields.append(try field(position, token))
    }

    let dayOfWeekOffset = tokens[Self.dayOfWeek].lowerBound
    let days: DayRule
    switch (fields[Self.dayOfMonth], fields[Self.dayOfWeek]) {
    case (.any, .any):
      throw ExpressionError(offset: dayOfWeekOffset, message: "day-of-month and day-of-week cannot both be '?'")
    case (.any, .rule(let rule)), (.rule(let rule), .any):
      days = rule
    case (.rule, .rule):
      throw ExpressionError(
        offset: dayOfWeekOffset,
        message: "one of day-of-month and day-of-week must be '?' (AWS allows neither two values nor '*' in both)")
    default:
      preconditionFailure("the day fields parse to '?' or a rule")
    }

    func values(_ position: Int) -> CronField {
      guard case .values(let values) = fields[position] else { preconditionFailure("not a day field") }
      return values
    }
    return CronExpression(
      written: tokens.map { String(source[$0]) }, minutes: values(0), hours: values(1), months: values(3),
      years: values(5), days: days)
  }

  private enum Field {
    case any  // `?`
    case values(CronField)
    case rule(DayRule)
  }

  /// The text at `range`, as written.
  private func written(_ range: Range<Int>) -> String { String(source[range]) }

  /// The text at `range` in ASCII upper case (each character stays one character).
  private func upper(_ range: Range<Int>) -> String {
    String(source[range].map { $0.isASCII ? Character($0.uppercased()) : $0 })
  }

  /// The offset of the first `character` in `range`, letters matched in either case.
  private func find(_ character: Character, in range: Range<Int>) -> Int? {
    range.first { source[$0] == character || (source[$0].isASCII && Character(source[$0].uppercased()) == character) }
  }

  private func field(_ position: Int, _ token: Range<Int>) throws(ExpressionError) -> Field {
    let name = CronExpression.fieldNames[position]
    let range = CronExpression.fieldRanges[position]
    let isDayField = position == Self.dayOfMonth || position == Self.dayOfWeek
    func fail(_ message: String, at offset: Int) -> ExpressionError {
      ExpressionError(offset: offset, message: "\(name) field: \(message)")
    }
    let whole = upper(token)
    let isList = whole.contains(",")

    // Characters that only some fields allow, reported with the reason.
    if let at = find("?", in: token) {
      guard isDayField else { throw fail("'?' is only allowed in day-of-month or day-of-week", at: at) }
      guard whole == "?" else { throw fail("'?' must be the only value in the field", at: at) }
      return .any
    }
    if position != Self.dayOfWeek, let at = find("#", in: token) {
      throw fail("'#' is only allowed in day-of-week", at: at)
    }
    if position == Self.dayOfWeek, let at = find("/", in: token) {
      throw fail("increments ('/') are not allowed in day-of-week", at: at)
    }
    if !isDayField, position != Self.month, let at = find("L", in: token) {  // month names have an L (JUL)
      throw fail("'L' is only allowed in day-of-month or day-of-week", at: at)
    }
    if position != Self.dayOfMonth, whole.last == "W", whole.dropLast().allSatisfy(\.isNumber) {
      throw fail("'W' is only allowed in day-of-month", at: token.upperBound - 1)
    }

    // `L`, `LW`, `15W`, `6L` and `3#2`, each alone in its field (in a list, reported below).
    let allButLast = token.lowerBound..<token.upperBound - 1
    let special: DayRule?
    switch position {
    case _ where isList: special = nil
    case Self.dayOfMonth where whole == "L": special = .lastDayOfMonth
    case Self.dayOfMonth where whole == "LW": special = .lastWeekdayOfMonth
    case Self.dayOfMonth where whole.hasSuffix("W"): special = .nearestWeekday(try value(position, allButLast))
    case Self.dayOfWeek where whole == "L":  // the week's last day, SAT
      special = .daysOfWeek(CronField(values: [7], range: range))
    case Self.dayOfWeek where whole.hasSuffix("L"): special = .lastInMonth(weekday: try value(position, allButLast))
    case Self.dayOfWeek where whole.contains("#"):
      let hash = find("#", in: token)!
      let weekday = try value(position, token.lowerBound..<hash)
      let week = hash + 1..<token.upperBound
      guard week.count == 1, let n = Int(written(week)), (1...5).contains(n) else {
        throw fail("'#' must be followed by a week of the month 1-5, got '\(written(week))'", at: hash + 1)
      }
      special = .nth(weekday: weekday, n)
    default: special = nil
    }
    if let special { return .rule(special) }

    // A list of values, ranges and increments.
    var selected = Set<Int>()
    var itemStart = token.lowerBound
    while itemStart <= token.upperBound {
      let itemEnd = find(",", in: itemStart..<token.upperBound) ?? token.upperBound
      defer { itemStart = itemEnd + 1 }
      let item = itemStart..<itemEnd
      guard !item.isEmpty else { throw fail("empty value in the list", at: itemStart) }
      let itemText = upper(item)
      let isSpecial =
        itemText.contains("L") || itemText.contains("#") || (position == Self.dayOfMonth && itemText.hasSuffix("W"))
      if isDayField, isList, isSpecial {
        throw fail("'\(written(item))' must be the only value in the field", at: itemStart)
      }
      let slash = find("/", in: item)
      let base = itemStart..<(slash ?? itemEnd)
      var step = 1
      if let slash {
        let stepText = written(slash + 1..<itemEnd)
        guard stepText.allSatisfy({ $0.isASCII && $0.isNumber }), let parsed = Int(stepText), parsed > 0 else {
          throw fail("increment must be a positive integer, got '\(stepText)'", at: slash + 1)
        }
        step = parsed
      }
      let low: Int
      let high: Int
      if written(base) == "*" {
        (low, high) = (range.lowerBound, range.upperBound)
      } else if let dash = find("-", in: base) {
        low = try value(position, base.lowerBound..<dash)
        high = try value(position, dash + 1..<base.upperBound)
        guard low <= high else { throw fail("range \(written(base)) goes backwards", at: base.lowerBound) }
      } else {
        low = try value(position, base)
        high = slash == nil ? low : range.upperBound  // `a/n`: from a to the end of the field's range
      }
      for selectedValue in stride(from: low, through: high, by: step) { selected.insert(selectedValue) }
    }
    let values = CronField(values: selected.sorted(), range: range)
    switch position {
    case Self.dayOfMonth: return .rule(whole == "*" ? .everyDay : .daysOfMonth(values))
    case Self.dayOfWeek: return .rule(whole == "*" ? .everyDay : .daysOfWeek(values))
    default: return .values(values)
    }
  }

  /// One number, or month or weekday name, within the field's range.
  private func value(_ position: Int, _ offsets: Range<Int>) throws(ExpressionError) -> Int {
    let name = CronExpression.fieldNames[position]
    let range = CronExpression.fieldRanges[position]
    let names =
      position == Self.month ? CronExpression.monthNames : position == Self.dayOfWeek ? CronExpression.weekdayNames : []
    let asWritten = written(offsets)
    if let index = names.firstIndex(of: asWritten.uppercased()) { return index + 1 }
    guard !offsets.isEmpty else {
      throw ExpressionError(offset: offsets.lowerBound, message: "\(name) field: missing a value")
    }
    guard asWritten.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      let expected = names.isEmpty ? "a number" : "a number or \(names[0])-\(names[names.count - 1])"
      throw ExpressionError(
        offset: offsets.lowerBound, message: "\(name) field: expected \(expected), got '\(asWritten)'")
    }
    guard let number = Int(asWritten), range.contains(number) else {
      let message = "\(name) field: \(asWritten) is outside \(range.lowerBound)-\(range.upperBound)"
      throw ExpressionError(offset: offsets.lowerBound, message: message)
    }
    return number
  }
}
