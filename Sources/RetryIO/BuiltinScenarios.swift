import RetryCore
import RetryScenarios

/// The scenarios shipped inside the binary, and the one place that turns a command-line argument
/// into a scenario: a built-in name (`create-user`) or a file (`./mine.yaml`).
public enum BuiltinScenarios {
  /// The built-in scenario names, in the order `retryscope list` shows them.
  public static var names: [String] { BuiltinScenarioFiles.all.map(\.name) }

  /// The talk tour: the built-in scenarios in the order the talk tells them (slides 12-15, 21-30,
  /// then the demos; the SQS stories, then Kinesis last: demos 5-6 and slide 31), then any
  /// built-in the talk does not name. `retryscope` with no arguments plays it, and PageDown at the
  /// end of one scenario opens the next.
  public static var talkTour: [String] {
    let talk = [
      "sync-error", "sync-timeout-retry", "async-retries-dlq", "async-interleave", "echo", "square", "create-user",
      "newsletter-post", "user-exists", "cron-clock", "client-token", "no-system-time", "client-state",
      "condition-expression", "status-server-time", "status-client-time", "status-previous-no", "slack-at-most-once",
      "slack-at-least-once", "sqs-visibility-duplicate", "sqs-throttled-dlq", "sqs-redrive", "sqs-redrive-partial", "status-kinesis",
      "status-kinesis-ordered", "kinesis-serialize",
    ]
    let available = Set(names)
    return talk.filter(available.contains) + names.filter { !talk.contains($0) }
  }

  /// The YAML text of a built-in scenario; nil for an unknown name.
  public static func yaml(named name: String) -> String? {
    yaml(named: name, in: BuiltinScenarioFiles.all)
  }

  /// Loads a built-in scenario; errors name the file `builtin:<name>.yaml`.
  public static func load(named name: String) throws(ScenarioError) -> Scenario {
    try load(named: name, in: BuiltinScenarioFiles.all)
  }

  /// `load(named:)` over any list of files, so that tests can show how a broken built-in reports.
  static func load(named name: String, in files: [(name: String, yaml: [UInt8])]) throws(ScenarioError) -> Scenario {
    guard let yaml = yaml(named: name, in: files) else { throw unknownScenario(name, among: files.map(\.name)) }
    return try ScenarioLoader.load(yaml: yaml, file: "builtin:\(name).yaml")
  }

  private static func yaml(named name: String, in files: [(name: String, yaml: [UInt8])]) -> String? {
    guard let file = files.first(where: { $0.name == name }) else { return nil }
    return String(decoding: file.yaml, as: UTF8.self)
  }

  /// A built-in scenario by name or, when the argument ends in `.yaml`/`.yml` or contains a `/`, a
  /// scenario file; with a handler variant when the argument ends in `@VARIANT`
  /// (`slack-at-least-once@mark-first`) or `variant` names one (`--variant`), never both.
  ///
  /// A scenario whose handler is a real program (`exec:`) is refused unless `allowingExec`: only
  /// `retryscope exec` runs it; simulating it without the program would show empty executions.
  public static func resolve(_ argument: String, variant: String? = nil, allowingExec: Bool = false) throws(ScenarioError)
    -> Scenario
  {
    let (nameOrPath, written) = splitVariant(argument)
    if written != nil, variant != nil {
      throw ScenarioError(file: nil, message: "\(quoted(argument)) already names a variant; give --variant or NAME@VARIANT, not both")
    }
    let scenario: Scenario
    if inputFile(of: nameOrPath) != nil {
      scenario = try ScenarioLoader.load(contentsOf: nameOrPath)
      if scenario.exec != nil, !allowingExec {
        throw ScenarioError(
          file: nameOrPath,
          message: "its handler is a real program ('exec'); run it with 'retryscope exec \(nameOrPath)'")
      }
    } else {
      scenario = try load(named: nameOrPath)
    }
    guard let name = written ?? variant else { return scenario }
    do {
      return try scenario.applyingVariant(named: name)
    } catch {
      throw ScenarioError(file: nil, message: error.message)
    }
  }

  /// The file `argument` reads (`x.yaml`, `dir/x@v2`), nil for a built-in scenario: what an
  /// output may not overwrite (`check x.yaml --save x.yaml`).
  public static func inputFile(of argument: String) -> String? {
    let nameOrPath = splitVariant(argument).scenario
    let isPath = nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") || nameOrPath.contains("/")
    return isPath ? nameOrPath : nil
  }

  /// `slack-at-least-once@mark-first` as the scenario and the variant. Only a kebab-case name
  /// after the last `@` is a variant, so a path with an `@` elsewhere (`~/a@b/x.yaml`,
  /// `v@2.yaml`) stays a path.
  public static func splitVariant(_ argument: String) -> (scenario: String, variant: String?) {
    guard let at = argument.lastIndex(of: "@"), at != argument.startIndex else { return (argument, nil) }
    let variant = String(argument[argument.index(after: at)...])
    guard ScenarioLoader.isKebabCase(variant) else { return (argument, nil) }
    return (String(argument[..<at]), variant)
  }

  private static func unknownScenario(_ name: String, among names: [String]) -> ScenarioError {
    // Near misses first (`crate-user`); failing those, names that contain what was typed
    // (`slack` finds both slack scenarios).
    var suggestions = closestNames(to: name, among: names)
    if suggestions.isEmpty { suggestions = ClosestNames.suggest(name, among: names) }
    if suggestions.isEmpty {
      return ScenarioError(file: nil, message: "unknown scenario \(quoted(name)); retryscope list shows the built-in scenarios")
    }
    return ScenarioError(
      file: nil,
      message: "unknown scenario \(quoted(name)); did you mean: \(suggestions.joined(separator: ", "))? (retryscope list shows all)")
  }
}
