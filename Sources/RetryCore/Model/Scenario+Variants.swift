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

  /// The variants that settings changes switch to, by name (empty: every execution runs
  /// `handler`). A name the scenario does not have is left out: it changes nothing.
  public var changedHandlers: [(name: String, handler: Handler)] {
    var seen: Set<String> = []
    return settingsChanges.compactMap { change in
      guard let name = change.handlerVariant, seen.insert(name).inserted, let variant = variant(named: name) else { return nil }
      return (name, variant.handler)
    }
  }

  /// The value a setting has for a decision made at `time`: from the last change (in the order
  /// they were made) that sets it and whose moment is strictly before `time`; nil when none does.
  /// The latest fork wins from its moment on, also over an earlier fork's later moment: a fork
  /// replays the whole future with its change.
  public func changed<Value>(_ setting: KeyPath<SettingsChange, Value?>, at time: Milliseconds) -> Value? {
    for change in settingsChanges.reversed() where time > change.from {
      if let value = change[keyPath: setting] { return value }
    }
    return nil
  }
}
