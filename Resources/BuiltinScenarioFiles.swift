public enum BuiltinScenarioFiles {
  public static func probe() -> Int { 0 }
}
