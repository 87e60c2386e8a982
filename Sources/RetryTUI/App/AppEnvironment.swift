import RetryCore

/// What the reducer needs from outside: the scenarios it can open. Injected, so that the UI
/// module stays free of file and YAML code and tests can hand it any scenario.
public struct AppEnvironment: Sendable {
  /// A scenario the picker lists.
  public struct Entry: Hashable, Sendable {
    public var name: String
    public var title: String
    public init(name: String, title: String) {
      self.name = name
      self.title = title
    }
  }

  /// Every scenario the picker offers, in the tour's order.
  public var catalog: [Entry]
  /// Loads a scenario by built-in name or file path; the failure is one line for the user.
  public var load: @Sendable (String) -> Result<Scenario, LoadFailure>

  /// A run to compare with (`:diff NAME|FILE`): a scenario to simulate or a recorded trace.
  public enum Run: Sendable {
    case scenario(Scenario)
    case trace(Trace)
  }

  /// Loads what `:diff` names: a scenario (built-in or file), or a trace file or logs.
  public var loadRun: @Sendable (String) -> Result<Run, LoadFailure>

  /// - Parameter loadRun: nil: scenarios only, through `load`.
  public init(
    catalog: [Entry], load: @escaping @Sendable (String) -> Result<Scenario, LoadFailure>,
    loadRun: (@Sendable (String) -> Result<Run, LoadFailure>)? = nil
  ) {
    self.catalog = catalog
    self.load = load
    self.loadRun = loadRun ?? { name in load(name).map(Run.scenario) }
  }
}

/// A scenario that could not be opened, in one line.
public struct LoadFailure: Error, Equatable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}
