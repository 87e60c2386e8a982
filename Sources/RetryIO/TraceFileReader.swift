import RetryCore

/// The walk over a trace file's top-level object for `TraceJSONDecoder`: keys one by one, the
/// elements of each section one by one (each parsed with `JSONParser.parsePrefix` and turned into
/// the model at once), and the checks that need the whole file (format, references).
///
/// Elements are decoded as they are read once `format` and `version` have been seen and are
/// right (the writer puts them first). A section that comes before them is kept as JSON values
/// until the end, so that another JSON file is told "not a RetryScope trace", not that its
/// `events[0]` lacks a `kind`. (So a wrong element is reported before a syntax error further
/// down the file: the price of not holding the whole file as JSON values.)
struct TraceFileReader {
  /// The arrays of a trace file, by their key.
  enum Section: String {
    case invocations, attempts, waits, effects, outcomes, events, tables, endpoints
  }

  /// A section read before the format was checked.
  private enum Pending {
    case elements(Section, [(value: Value, offset: Int)])
    case notAList(Section, Value, offset: Int)

    var section: Section {
      switch self {
      case .elements(let section, _), .notAList(let section, _, _): section
      }
    }
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private let file: String
  private var position = 0

  private var format: (value: Value, offset: Int)?
  private var version: (value: Value, offset: Int)?
  private var meta: (value: Value, offset: Int)?
  /// Whether `format` and `version` have been checked: elements are then decoded as they come.
  private var isChecked = false
  private var pending: [Pending] = []

  private var invocations: [TraceInvocation] = []
  private var attempts: [TraceAttempt] = []
  private var attemptReports: [Int: AttemptReport] = [:]
  private var waits: [TraceWait] = []
  private var effects: [TraceEffect] = []
  private var effectRecords: [Int: String] = [:]
  private var outcomes: [TraceOutcome] = []
  private var events: [TraceEvent] = []
  /// Where each element starts, by section, to place the errors of the checks made at the end.
  private var offsets: [Section: [Int]] = [:]
  private var tables: [WorldSnapshot.Table] = []
  private var endpoints: [WorldSnapshot.Endpoint] = []

  init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
    self.bytes = bytes
    self.file = file
  }

  // MARK: - The top level

  mutating func read() throws(TraceJSONError) -> Trace {
    skipWhitespace()
    guard position < bytes.count else { throw TraceJSONError(file: file, message: "the file is empty") }
    guard bytes[position] == UInt8(ascii: "{") else {
      // Some other JSON (a list of log events?): its syntax errors first, then what it is not.
      _ = try parseValue()
      throw notATrace()
    }
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
    } else {
      try readKeys()
    }
    try checkFormat()
    skipWhitespace()
    guard position == bytes.count else { throw syntaxError("unexpected text after the JSON value") }
    for entry in pending {
      switch entry {
      case .elements(let section, let elements):
        for (index, element) in elements.enumerated() {
          try decode(element.value, of: section, index: index, offset: element.offset)
        }
      case .notAList(let section, let value, let offset):
        throw error("\"\(section.rawValue)\" must be a list (got \(TraceJSONObject.shown(value)))", at: offset)
      }
    }
    return try assemble()
  }

  /// The keys of the top-level object and their values, up to and including its `}`.
  private mutating func readKeys() throws(TraceJSONError) {
    while true {
      skipWhitespace()
      guard position < bytes.count else { throw syntaxError("the text ends inside an object") }
      guard bytes[position] == UInt8(ascii: "\"") else { throw syntaxError("expected a string key") }
      guard case .string(let key) = try parseValue() else { throw syntaxError("expected a string key") }
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw syntaxError("expected ':' after a key") }
      position += 1
      skipWhitespace()
      let offset = position
      if let section = Section(rawValue: key) {
        if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
          try readSection(section)
        } else {
          let value = try parseValue()
          pending.removeAll { $0.section == section }
          pending.append(.notAList(section, value, offset: offset))
        }
      } else {
        let value = try parseValue()
        switch key {
        case "format": format = (value, offset)
        case "version": version = (value, offset)
        case "meta": meta = (value, offset)
        default: break  // a field a newer writer added: ignored, as the format promises
        }
        if !isChecked, format != nil, version != nil { try checkFormat() }
      }
      skipWhitespace()
      guard position < bytes.count else { throw syntaxError("the text ends inside an object") }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
        continue
      }
      guard bytes[position] == UInt8(ascii: "}") else { throw syntaxError("expected ',' or '}' in an object") }
      position += 1
      return
    }
  }

  /// A section's list, from its `[` to its `]`: each element decoded at once when the format is
  /// known to be right, kept for the end otherwise.
  private mutating func readSection(_ section: Section) throws(TraceJSONError) {
    let decodeNow = isChecked
    // A key given twice: the last one wins, as in any JSON object.
    if decodeNow { clear(section) }
    pending.removeAll { $0.section == section }
    var kept: [(value: Value, offset: Int)] = []
    position += 1
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
    } else {
      var index = 0
      while true {
        skipWhitespace()
        let offset = position
        let value = try parseValue()
        if decodeNow {
          try decode(value, of: section, index: index, offset: offset)
        } else {
          kept.append((value, offset))
        }
        index += 1
        skipWhitespace()
        guard position < bytes.count else { throw syntaxError("the text ends inside an array") }
        if bytes[position] == UInt8(ascii: ",") {
          position += 1
          continue
        }
        guard bytes[position] == UInt8(ascii: "]") else { throw syntaxError("expected ',' or ']' in an array") }
        position += 1
        break
      }
    }
    if !decodeNow { pending.append(.elements(section, kept)) }
  }

  /// `format` is ours and `version` one this reader knows.
  private mutating func checkFormat() throws(TraceJSONError) {
    guard !isChecked else { return }
    guard let format else { throw notATrace() }
    guard format.value == .string(TraceJSON.formatName) else {
      throw error(
        "not a RetryScope trace (\"format\" is \(TraceJSONObject.shown(format.value)), not \"\(TraceJSON.formatName)\"); "
          + "for CloudWatch logs use 'retryscope import'", at: format.offset)
    }
    guard let version else {
      throw TraceJSONError(file: file, message: "missing \"version\" (this retryscope reads version \(TraceJSON.formatVersion))")
    }
    guard case .int(let number) = version.value else {
      throw error("\"version\" must be an integer (got \(TraceJSONObject.shown(version.value)))", at: version.offset)
    }
    guard number == TraceJSON.formatVersion else {
      throw error("trace format version \(number) is not supported (this retryscope reads version \(TraceJSON.formatVersion))", at: version.offset)
    }
    isChecked = true
  }

  private func notATrace() -> TraceJSONError {
    TraceJSONError(
      file: file,
      message: "not a RetryScope trace (no \"format\": \"\(TraceJSON.formatName)\"); for CloudWatch logs use 'retryscope import'")
  }

  // MARK: - Elements

  private mutating func clear(_ section: Section) {
    offsets[section] = []
    switch section {
    case .invocations: invocations = []
    case .attempts:
      attempts = []
      attemptReports = [:]
    case .waits: waits = []
    case .effects:
      effects = []
      effectRecords = [:]
    case .outcomes: outcomes = []
    case .events: events = []
    case .tables: tables = []
    case .endpoints: endpoints = []
    }
  }

  /// Element `index` of `section`, which starts at byte `offset`, into the model.
  private mutating func decode(_ value: Value, of section: Section, index: Int, offset: Int) throws(TraceJSONError) {
    do throws(TraceFieldError) {
      let object = try TraceJSONObject(value, path: "\(section.rawValue)[\(index)]")
      switch section {
      case .invocations: invocations.append(try TraceJSONDecoder.invocation(object))
      case .attempts:
        let (attempt, report) = try TraceJSONDecoder.attempt(object)
        if let report { attemptReports[attempts.count] = report }
        attempts.append(attempt)
      case .waits: waits.append(try TraceJSONDecoder.wait(object))
      case .effects:
        let (effect, record) = try TraceJSONDecoder.effect(object, index: index)
        if let record { effectRecords[index] = record }
        effects.append(effect)
      case .outcomes: outcomes.append(try TraceJSONDecoder.outcome(object))
      case .events: events.append(try TraceJSONDecoder.event(object, index: index))
      case .tables: tables.append(try TraceJSONDecoder.table(object))
      case .endpoints: endpoints.append(try TraceJSONDecoder.endpoint(object))
      }
    } catch {
      throw self.error(error.message, at: offset)
    }
    offsets[section, default: []].append(offset)
  }

  /// The trace, once `meta` is read and every event's references point at something: the views
  /// index `effects`, `waits` and `outcomes` with them directly.
  private func assemble() throws(TraceJSONError) -> Trace {
    guard let meta else { throw TraceJSONError(file: file, message: "missing \"meta\"") }
    let traceMeta: TraceMeta
    do throws(TraceFieldError) {
      traceMeta = try TraceJSONDecoder.meta(try TraceJSONObject(meta.value, path: "meta"))
    } catch {
      throw self.error(error.message, at: meta.offset)
    }
    try checkReferences()
    var trace = Trace(
      meta: traceMeta, invocations: invocations, attempts: attempts, waits: waits, effects: effects, outcomes: outcomes,
      events: events, world: WorldSnapshot(tables: tables, endpoints: endpoints))
    trace.effectRecords = effectRecords
    trace.attemptReports = attemptReports
    return trace
  }

  // MARK: - References

  /// What the views take for granted, checked once the whole file is read (the sections may come
  /// in any order): ids are unique, every `invocation` names one, an effect's `attempt` is one of
  /// its invocation's, an event's indexes point into their sections, events are in time order.
  private func checkReferences() throws(TraceJSONError) {
    func fail(_ section: Section, _ index: Int, _ message: String) -> TraceJSONError {
      error("\(section.rawValue)[\(index)]: \(message)", at: offsets[section]?[index] ?? 0)
    }
    var invocationPositions: [String: Int] = [:]
    for (index, invocation) in invocations.enumerated() {
      if let first = invocationPositions[invocation.id] {
        throw fail(.invocations, index, "\"id\" \(quoted(invocation.id)) is already the id of invocations[\(first)]")
      }
      invocationPositions[invocation.id] = index
    }
    func checkInvocation(_ id: String?, _ section: Section, _ index: Int) throws(TraceJSONError) {
      guard let id, invocationPositions[id] == nil else { return }
      throw fail(section, index, "\"invocation\" \(quoted(id)) is not the id of any of \"invocations\"")
    }
    var attemptPositions: [String: [Int: Int]] = [:]
    for (index, attempt) in attempts.enumerated() {
      try checkInvocation(attempt.invocation, .attempts, index)
      if let first = attemptPositions[attempt.invocation]?[attempt.number] {
        throw fail(.attempts, index, "attempt \(attempt.number) of \(quoted(attempt.invocation)) is already attempts[\(first)]")
      }
      attemptPositions[attempt.invocation, default: [:]][attempt.number] = index
    }
    for (index, wait) in waits.enumerated() { try checkInvocation(wait.invocation, .waits, index) }
    for (index, outcome) in outcomes.enumerated() { try checkInvocation(outcome.invocation, .outcomes, index) }
    for (index, effect) in effects.enumerated() {
      try checkInvocation(effect.invocation, .effects, index)
      guard let number = effect.attempt else { continue }
      guard let invocation = effect.invocation else { throw fail(.effects, index, "\"attempt\" \(number) needs an \"invocation\"") }
      guard attemptPositions[invocation]?[number] != nil else {
        throw fail(.effects, index, "\"attempt\" \(number) of \(quoted(invocation)) is not in \"attempts\"")
      }
    }
    for (index, event) in events.enumerated() {
      try checkInvocation(event.invocation, .events, index)
      if index > 0, event.time < events[index - 1].time {
        throw fail(.events, index, "\"time\" \(event.time) is before the time of events[\(index - 1)] (\(events[index - 1].time)); events are in time order")
      }
      let references: [(String, Int?, Int)] = [
        ("effect", event.effect, effects.count), ("wait", event.wait, waits.count), ("outcome", event.outcome, outcomes.count),
      ]
      for (key, reference, count) in references {
        guard let reference, reference >= count else { continue }
        let range = count == 0 ? "there are none" : "0 to \(count - 1)"
        throw fail(.events, index, "\"\(key)\" must be an index into \"\(key)s\" (\(range); got \(reference))")
      }
    }
  }

  /// `"A"`: an id as JSON writes it, cut when long.
  private func quoted(_ id: String) -> String { TraceJSONObject.shown(.string(id)) }

  // MARK: - Bytes

  private mutating func parseValue() throws(TraceJSONError) -> Value {
    do throws(JSONParseError) {
      let (value, end) = try JSONParser.parsePrefix(bytes, from: position)
      position = end
      return value
    } catch {
      throw TraceJSONError(file: file, line: error.line, column: error.column, message: error.message)
    }
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x0A, 0x0D, 0x09: position += 1
      default: return
      }
    }
  }

  private func syntaxError(_ message: String) -> TraceJSONError {
    error(message, at: position)
  }

  private func error(_ message: String, at offset: Int) -> TraceJSONError {
    let place = JSONParseError(offset: offset, in: bytes, message: message)
    return TraceJSONError(file: file, line: place.line, column: place.column, message: message)
  }
}
