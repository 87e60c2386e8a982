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

  public init(catalog: [Entry], load: @escaping @Sendable (String) -> Result<Scenario, LoadFailure>) {
    self.catalog = catalog
    self.load = load
  }
}

/// A scenario that could not be opened, in one line.
public struct LoadFailure: Error, Equatable, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
}
