/// Running a scenario with one of its handler variants: the whole run (`--variant`,
/// `NAME@VARIANT`), or from a moment on (`SettingsChange.handlerVariant`, what a fork switches).
extension Scenario {
  /// The variant named `name`, if the scenario has one.
  public func variant(named name: String) -> HandlerVariant? {
    variants.first { $0.name == name }
  }

  /// The scenario with the variant's handler for every execution and the variant's lesson; the
  /// rest (settings, callers, faults, seed) stays, so the run differs only by the handler.
  /// Pure: the same scenario and name give the same scenario.
  public func applyingVariant(named name: String) throws(UnknownVariant) -> Scenario {
    guard let chosen = variant(named: name) else {
      throw UnknownVariant(scenario: self.name, name: name, available: variants.map(\.name))
    }
    var scenario = self
    scenario.handler = chosen.handler
    scenario.lesson = chosen.lesson
    scenario.variant = chosen.name
    return scenario
  }

  /// How the run is named in traces, reports and the status line: `slack-at-least-once`, or with
  /// a variant for the whole run `slack-at-least-once@mark-first` (what the command line takes).
  public var runName: String { variant.map { "\(name)@\($0)" } ?? name }

  /// The handler that executions starting after `settingsChange.from` run, when the change names
  /// one of the scenario's variants; nil otherwise (every execution runs `handler`).
  public var changedHandler: Handler? {
    guard let name = settingsChange?.handlerVariant else { return nil }
    return variant(named: name)?.handler
  }
}
