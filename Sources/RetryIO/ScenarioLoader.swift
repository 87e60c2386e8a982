import Foundation
import RetryCore
import Yams

/// Reads scenario files (YAML) into `Scenario`s, with one exact, located message for the first
/// problem.
///
/// The loader walks Yams' node tree itself rather than decoding with `Codable`: every node keeps its
/// line and column, and each key gets its own message (the AWS range, the closest valid name), which
/// a generic decoder cannot give. The format is documented in `docs/scenario-format.md`.
public enum ScenarioLoader {
  /// Loads a scenario from YAML text; `file` names it in error messages.
  public static func load(yaml: String, file: String) throws(ScenarioError) -> Scenario {
    let root = try parseYAML(yaml, file: file)
    return try Session(file: file, yaml: yaml).scenario(from: root)
  }

  /// Loads a scenario file; a missing or unreadable file is `cannot read file: <reason>`.
  public static func load(contentsOf path: String) throws(ScenarioError) -> Scenario {
    try load(yaml: readFile(path), file: path)
  }

  /// The largest scenario file read: 1 MiB. The longest built-in scenario is under 10 KiB; a
  /// larger file is a mistake (a log, a device), and YAML's node tree costs many times its size.
  public static let maximumFileSize = 1 << 20

  /// The file's text, or why it cannot be read, in the system's own words ("No such file or
  /// directory", "Is a directory", "Permission denied"). POSIX calls rather than `Data(contentsOf:)`
  /// because Foundation wraps some of these reasons in a generic "operation could not be completed".
  /// Only a regular file of at most `maximumFileSize` bytes is read (`InputFile`): `/dev/zero` or
  /// a FIFO would be read forever.
  static func readFile(_ path: String, maximumSize: Int = maximumFileSize) throws(ScenarioError) -> String {
    func failure(_ refusal: InputFile.Refusal) -> ScenarioError {
      switch refusal {
      case .system(let code): ScenarioError(file: path, message: "cannot read file: \(String(cString: strerror(code)))")
      case .notARegularFile(let kind): ScenarioError(file: path, message: "cannot read file: it \(InputFile.words(kind))")
      }
    }
    let descriptor: Int32
    switch InputFile.open(path) {
    case .success(let opened): descriptor = opened.descriptor
    case .failure(let refusal): throw failure(refusal)
    }
    defer { close(descriptor) }
    let read: [UInt8]?
    switch InputFile.readAll(descriptor, limit: maximumSize) {
    case .success(let bytes): read = bytes
    case .failure(let refusal): throw failure(refusal)
    }
    guard let bytes = read else {
      throw ScenarioError(
        file: path, message: "cannot read file: it is larger than \(InputFile.byteSize(maximumSize)), the most a scenario file may hold")
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw ScenarioError(file: path, message: "cannot read file: it is not UTF-8 text")
    }
    return text
  }

  /// The YAML node tree, or the YAML error at its position: `YAML: <problem>`.
  private static func parseYAML(_ yaml: String, file: String) throws(ScenarioError) -> YAMLNode {
    let root: Node?
    do {
      // UTF-8 explicitly: the default consults an environment variable and prints when it is set.
      root = try Yams.compose(yaml: yaml, Resolver.default, Constructor.default, .utf8)
    } catch let error as YamlError {
      throw yamlError(error, yaml: yaml, file: file)
    } catch {
      throw ScenarioError(file: file, message: "YAML: \(error)")
    }
    guard let root else {
      throw ScenarioError(
        location: SourceLocation(file: file, line: 1, column: 1),
        message: "the scenario is empty; it needs at least 'name' and 'handler'")
    }
    return YAMLNode(node: root, file: file)
  }

  private static func yamlError(_ error: YamlError, yaml: String, file: String) -> ScenarioError {
    func at(_ mark: Mark, _ problem: String) -> ScenarioError {
      ScenarioError(location: SourceLocation(file: file, line: mark.line, column: mark.column), message: "YAML: \(problem)")
    }
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
      return at(mark, problem)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { quoted($0) }.joined(separator: ", ")
      return at(context.mark, "duplicate key \(keys) in one mapping")
    case .reader(let problem, let offset, _, _):
      guard let offset else { return ScenarioError(file: file, message: "YAML: \(problem)") }
      var line = 1
      var column = 1
      for character in yaml.prefix(offset) {
        if character.isNewline {
          line += 1
          column = 1
        } else {
          column += character.unicodeScalars.count
        }
      }
      return ScenarioError(location: SourceLocation(file: file, line: line, column: column), message: "YAML: \(problem)")
    default:
      return ScenarioError(file: file, message: "YAML: \(error)")
    }
  }
}

extension ScenarioLoader {
  /// The state of one load: the file, and what has been declared so far, so that later sections
  /// can check their references (a step's table, a fault's invocation) as they are read.
  final class Session {
    let file: String
    let columns: ScalarColumns

    var scenarioName = ""
    /// The wall-clock time of t = 0, for the firings of schedules.
    var origin: Milliseconds = 0
    var function = FunctionConfiguration()
    /// Declared tables and endpoints, in file order, with where they were declared.
    var tables: [(definition: TableDefinition, location: SourceLocation)] = []
    var endpoints: [(definition: EndpointDefinition, location: SourceLocation)] = []
    /// Every step name, for `before`/`after` and uniqueness: those of the handler being read,
    /// then, once the variants are read, those of every handler.
    var stepNames: [(name: String, location: SourceLocation)] = []
    /// Every `as` name with its first definition, to tell "defined later" from "never defined".
    var allResultNames: [String: SourceLocation] = [:]
    /// The longest path through the handler, in steps, for fault `step` bounds.
    var longestHandlerPath = 0
    var invocations: [(definition: InvocationDefinition, location: SourceLocation)] = []
    var schedules: [(definition: ScheduleDefinition, location: SourceLocation)] = []
    /// Positions in `invocations` and `schedules` by id: a file may list thousands of invocations,
    /// and each id is checked for uniqueness and each fault looks its invocation up.
    var invocationPositions: [String: Int] = [:]
    var schedulePositions: [String: Int] = [:]
    /// Whether the handler is a real program: faults then name its calls (`step: k`, `call k`).
    var isExec = false
    /// The event source mapping, read before the handler because it binds `${record}` there.
    var eventSource: EventSourceMapping?
    /// Records in file order, with where their ids are, and their positions by id (for faults).
    var records: [(definition: SourceRecord, location: SourceLocation)] = []
    var recordPositions: [String: Int] = [:]
    /// What AWS accepts but advises against, in the order found (`Scenario.warnings`).
    var warnings: [ScenarioWarning] = []

    init(file: String, yaml: String) {
      self.file = file
      self.columns = ScalarColumns(yaml: yaml)
    }

    static let topLevelKeys = [
      "name", "title", "lesson", "source", "seed", "origin", "function", "client", "tables", "endpoints", "queues", "handler",
      "variants", "invocations", "schedules", "eventSource", "records", "faults", "throttles", "duplicateDeliveries",
      "externalWrites",
    ]

    func scenario(from root: YAMLNode) throws(ScenarioError) -> Scenario {
      let fields = try root.mapping("the scenario", keys: Self.topLevelKeys)

      let nameNode = try fields.required("name")
      scenarioName = try nameNode.line("name", expected: "a scenario name")
      guard scenarioName.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
        throw nameNode.error("name: \(quoted(scenarioName)) may only use lowercase letters, digits and '-'")
      }
      var scenario = Scenario(name: scenarioName)
      if let node = fields["title"] { scenario.title = try node.line("title") }
      if let node = fields["lesson"] { scenario.lesson = try lesson(node) }
      if let node = fields["source"] { scenario.source = try node.line("source") }
      if let node = fields["seed"] { scenario.seed = try seed(node) }
      if let node = fields["origin"] { scenario.origin = try origin(node) }
      origin = scenario.origin

      function = FunctionConfiguration(functionName: scenarioName)
      if let node = fields["function"] { function = try functionConfiguration(node) }
      scenario.function = function
      if let node = fields["client"] { scenario.client = try client(node, key: "client") }

      if let node = fields["tables"] { try readTables(node) }
      scenario.tables = tables.map(\.definition)
      if let node = fields["endpoints"] { try readEndpoints(node) }
      scenario.endpoints = endpoints.map(\.definition)
      if let node = fields["queues"] { scenario.queues = try readQueues(node) }

      try checkWayIn(fields)
      if let node = fields["eventSource"] { eventSource = try eventSourceMapping(node) }
      scenario.eventSource = eventSource

      let handlerNode = try fields.required("handler")
      if let exec = try execHandler(handlerNode) {
        scenario.exec = exec
        isExec = true
        for key in ["variants"] {
          if let node = fields.keyNode(key) {
            throw node.error("\(key): not supported with an 'exec' handler yet (a real handler has no steps to name)")
          }
        }
      } else {
        scenario.handler = try handler(handlerNode)
      }
      if let node = fields["variants"] { scenario.variants = try variants(node) }

      if let eventSource, let key = fields.keyNode("eventSource") {
        try readRecords(fields["records"], eventSourceKey: key, mapping: eventSource)
        scenario.records = records.map(\.definition)
      }
      if let node = fields["invocations"] { try readInvocations(node) }
      scenario.invocations = invocations.map(\.definition)
      if let node = fields["schedules"] { try readSchedules(node) }
      scenario.schedules = schedules.map(\.definition)
      if eventSource == nil, invocations.isEmpty, schedules.isEmpty {
        throw root.error("nothing invokes the function: add 'invocations', 'schedules', or 'eventSource' with 'records'")
      }

      if let node = fields["faults"] { scenario.faults = try faults(node) }
      if let node = fields["throttles"] { scenario.throttles = try throttles(node) }
      if let node = fields["duplicateDeliveries"] { scenario.duplicateDeliveries = try duplicateDeliveries(node) }
      if let node = fields["externalWrites"] { scenario.externalWrites = try externalWrites(node) }
      scenario.warnings = warnings
      return scenario
    }

    /// A scenario's or a variant's `lesson`: a sentence or two, possibly a folded block.
    func lesson(_ node: YAMLNode) throws(ScenarioError) -> String {
      // A folded block (`lesson: >`) ends with a line break that is not part of the sentence.
      try node.text("lesson").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func seed(_ node: YAMLNode) throws(ScenarioError) -> UInt64 {
      guard let text = node.scalarText, let seed = UInt64(text.trimmingSpaces) else {
        throw node.error("seed: expected a whole number >= 0, got \(node.shortDescription)")
      }
      return seed
    }

    private func origin(_ node: YAMLNode) throws(ScenarioError) -> Milliseconds {
      let expected = "an ISO-8601 time such as 2019-09-20T09:00:00Z"
      let text = try node.text("origin", expected: expected)
      guard let millis = ISO8601.parse(text.trimmingSpaces) else {
        throw node.error("origin: expected \(expected), got \(quoted(text))")
      }
      // What a trace file may hold (docs/trace-format.md, "Bounds"): the run reads back.
      guard TraceJSON.originRange.contains(millis) else {
        throw node.error("origin: \(quoted(text)) is after 9899-12-31; a run's trace must fit in four-digit years")
      }
      return millis
    }

    /// Where a name was first declared, for "already declared at line N" messages.
    func firstDeclaration(of name: String, in declared: [(name: String, location: SourceLocation)]) -> SourceLocation? {
      declared.first { $0.name == name }?.location
    }

    /// The items of a top-level list section, each of which must be a mapping.
    func items(_ node: YAMLNode, section: String, itemName: String) throws(ScenarioError) -> [YAMLNode] {
      let items = try node.list(section)
      for item in items where item.node.mapping == nil {
        throw item.error("\(section): expected \(itemName) (a mapping), got \(item.shortDescription)")
      }
      return items
    }
  }
}
