import OrderedCollections
import RetryCore

/// One JSON object of a trace being read, and the path error messages call it by
/// (`attempts[3]`, `attempts[3].report`): typed access to its fields, with one-line errors that
/// name the field, what it must be, and what it was.
///
/// `null` and an absent key are the same for optional fields of plain types (the writer writes
/// `"invocation": null` for an external write, and leaves `label` out). Optional fields that hold
/// any JSON value (`response`, `before`) are nil only when absent: `null` there is a value.
struct TraceJSONObject {
  let fields: OrderedDictionary<String, Value>
  let path: String

  init(_ value: Value, path: String) throws(TraceFieldError) {
    guard case .map(let fields) = value else { throw TraceFieldError(message: "\(path): must be an object (got \(Self.shown(value)))") }
    self.fields = fields
    self.path = path
  }

  func failure(_ key: String, _ what: String) -> TraceFieldError {
    TraceFieldError(message: "\(path): \"\(key)\" \(what)")
  }

  private func required(_ key: String) throws(TraceFieldError) -> Value {
    guard let value = fields[key] else { throw TraceFieldError(message: "\(path): missing \"\(key)\"") }
    return value
  }

  /// The field, nil when absent or null.
  private func present(_ key: String) -> Value? {
    guard let value = fields[key], value != .null else { return nil }
    return value
  }

  // MARK: - Strings and numbers

  func string(_ key: String) throws(TraceFieldError) -> String {
    let value = try required(key)
    guard case .string(let text) = value else { throw failure(key, "must be a string (got \(Self.shown(value)))") }
    return text
  }

  func optionalString(_ key: String) throws(TraceFieldError) -> String? {
    guard let value = present(key) else { return nil }
    guard case .string(let text) = value else { throw failure(key, "must be a string (got \(Self.shown(value)))") }
    return text
  }

  func int(_ key: String) throws(TraceFieldError) -> Int {
    let value = try required(key)
    guard case .int(let number) = value else { throw failure(key, "must be an integer (got \(Self.shown(value)))") }
    return number
  }

  func optionalInt(_ key: String) throws(TraceFieldError) -> Int? {
    guard let value = present(key) else { return nil }
    guard case .int(let number) = value else { throw failure(key, "must be an integer (got \(Self.shown(value)))") }
    return number
  }

  /// An index or a count the model keeps in 32 bits (`CompactIndex`): 0 to 2147483647. Checked
  /// here, because the model traps on anything else.
  func optionalIndex(_ key: String) throws(TraceFieldError) -> Int? {
    guard let number = try optionalInt(key) else { return nil }
    guard number >= 0, number <= Int(Int32.max) else { throw failure(key, "must be from 0 to \(Int32.max) (got \(number))") }
    return number
  }

  /// A time (`at`, `start`, `time`, ...): milliseconds from the origin, within
  /// `TraceJSON.timeRange`, so that no sum or difference of times overflows downstream.
  func time(_ key: String) throws(TraceFieldError) -> Int {
    try within(key, try int(key), TraceJSON.timeRange, "a time in milliseconds")
  }

  /// An attempt number (`number`, `beforeAttempt`): 1 to 2147483647.
  func attemptNumber(_ key: String) throws(TraceFieldError) -> Int {
    try within(key, try int(key), 1...Int(Int32.max), "an attempt number")
  }

  /// An HTTP status code: 100 to 599.
  func statusCode(_ key: String) throws(TraceFieldError) -> Int {
    try within(key, try int(key), 100...599, "an HTTP status code")
  }

  /// A count the model keeps in 32 bits (`attempts` of an outcome): 0 to 2147483647.
  func count(_ key: String) throws(TraceFieldError) -> Int {
    try within(key, try int(key), 0...Int(Int32.max), "a count")
  }

  /// An optional whole number within `range` (a timeout, a memory size).
  func optionalInt(_ key: String, in range: ClosedRange<Int>, _ what: String) throws(TraceFieldError) -> Int? {
    guard let number = try optionalInt(key) else { return nil }
    return try within(key, number, range, what)
  }

  /// An optional number with or without a fraction within `range` (a REPORT line's duration).
  func optionalDouble(_ key: String, in range: ClosedRange<Int>, _ what: String) throws(TraceFieldError) -> Double? {
    guard let number = try optionalDouble(key) else { return nil }
    guard number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
      throw failure(key, "must be \(what) from \(range.lowerBound) to \(range.upperBound) (got \(Self.shown(.double(number))))")
    }
    return number
  }

  private func within(_ key: String, _ number: Int, _ range: ClosedRange<Int>, _ what: String) throws(TraceFieldError) -> Int {
    guard range.contains(number) else {
      throw failure(key, "must be \(what) from \(range.lowerBound) to \(range.upperBound) (got \(number))")
    }
    return number
  }

  /// A number with or without a fraction (the writer prints `27.0` as `27`).
  func optionalDouble(_ key: String) throws(TraceFieldError) -> Double? {
    switch present(key) {
    case nil: return nil
    case .int(let number): return Double(number)
    case .double(let number): return number
    case let value?: throw failure(key, "must be a number (got \(Self.shown(value)))")
    }
  }

  // MARK: - Values, lists, objects

  /// Any JSON value, `null` included.
  func value(_ key: String) throws(TraceFieldError) -> Value { try required(key) }

  /// Any JSON value, `null` included; nil only when the key is absent.
  func optionalValue(_ key: String) -> Value? { fields[key] }

  /// A list of strings; absent or null is empty.
  func strings(_ key: String) throws(TraceFieldError) -> [String] {
    guard let value = present(key) else { return [] }
    guard case .list(let items) = value else { throw failure(key, "must be a list of strings (got \(Self.shown(value)))") }
    var strings: [String] = []
    strings.reserveCapacity(items.count)
    for item in items {
      guard case .string(let text) = item else { throw failure(key, "must be a list of strings (got \(Self.shown(item)) in it)") }
      strings.append(text)
    }
    return strings
  }

  /// A list, each of whose items the caller reads (absent or null is empty).
  func list(_ key: String) throws(TraceFieldError) -> [Value] {
    guard let value = present(key) else { return [] }
    guard case .list(let items) = value else { throw failure(key, "must be a list (got \(Self.shown(value)))") }
    return items
  }

  /// A nested object, nil when absent or null.
  func optionalObject(_ key: String) throws(TraceFieldError) -> TraceJSONObject? {
    guard let value = present(key) else { return nil }
    guard case .map = value else { throw failure(key, "must be an object (got \(Self.shown(value)))") }
    return try TraceJSONObject(value, path: "\(path).\(key)")
  }

  /// One of the raw values of `cases` (an enum written by its raw value).
  func choice<Choice: RawRepresentable<String>>(_ key: String, _ cases: [Choice]) throws(TraceFieldError) -> Choice {
    let value = try required(key)
    if case .string(let text) = value, let choice = Choice(rawValue: text) { return choice }
    throw failure(key, "must be one of \(cases.map(\.rawValue).joined(separator: ", ")) (got \(Self.shown(value)))")
  }

  func optionalChoice<Choice: RawRepresentable<String>>(_ key: String, _ cases: [Choice]) throws(TraceFieldError) -> Choice? {
    guard present(key) != nil else { return nil }
    return try choice(key, cases)
  }

  /// A value as it appears in a message: compact JSON, cut after 40 characters.
  static func shown(_ value: Value) -> String {
    let text = JSONText.compact(value)
    return text.count <= 40 ? text : text.prefix(39) + "…"
  }
}
