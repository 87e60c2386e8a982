/// Where a trace came from.
public struct TraceMeta: Sendable, Hashable {
  /// `scenario` for simulations, `import` for logs.
  public var source: String
  public var scenario: String
  public var title: String
  public var lesson: String
  public var seed: UInt64?
  /// Unix epoch milliseconds of time 0.
  public var origin: Milliseconds
  public var functionName: String
  public var functionTimeout: Milliseconds?
  /// The step a player should open at (a counterexample's divergence from the exactly-once run);
  /// nil: the first.
  public var focus: Int?

  public init(
    source: String, scenario: String, title: String = "", lesson: String = "", seed: UInt64? = nil,
    origin: Milliseconds = 0, functionName: String = "", functionTimeout: Milliseconds? = nil
  ) {
    self.source = source
    self.scenario = scenario
    self.title = title
    self.lesson = lesson
    self.seed = seed
    self.origin = origin
    self.functionName = functionName
    self.functionTimeout = functionTimeout
  }
}
