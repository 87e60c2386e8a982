/// How far a running check has come, told after every run (`IdempotenceChecker.check(progress:)`):
/// a search can take minutes, and a terminal should show that it is moving.
public struct CheckProgress: Sendable, Equatable {
  /// Runs so far, the exactly-once ones included.
  public var schedulesRun: Int
  /// Changes (faults, duplicate deliveries, client retries) per schedule at this level of the
  /// search; for random samples, of the last one drawn.
  public var depth: Int
  /// Properties with a counterexample so far.
  public var failingProperties: Int

  public init(schedulesRun: Int, depth: Int, failingProperties: Int) {
    self.schedulesRun = schedulesRun
    self.depth = depth
    self.failingProperties = failingProperties
  }
}
