// TEMPORARY until the loader branch lands (it owns this file).
import RetryCore
public struct ScenarioError: Error, CustomStringConvertible { public var description: String }
public enum ScenarioLoader {
  public static func load(contentsOf path: String) throws(ScenarioError) -> Scenario { throw ScenarioError(description: "todo") }
}
public enum BuiltinScenarios {
  public static var names: [String] { [] }
  public static func load(named name: String) throws(ScenarioError) -> Scenario { throw ScenarioError(description: "todo") }
  public static func resolve(_ name: String) throws(ScenarioError) -> Scenario { throw ScenarioError(description: "todo") }
}
