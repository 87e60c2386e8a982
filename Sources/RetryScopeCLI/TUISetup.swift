import ArgumentParser
import RetryCore
import RetryIO
import RetryTUI

/// Builds what the terminal UI and `run --format frame` start from: the scenario catalog in the
/// talk's order, the loader, and the first state.
enum TUISetup {
  /// Every built-in scenario in the talk tour's order, with its title, for the picker.
  static func environment() throws(CLIError) -> AppEnvironment {
    var catalog: [AppEnvironment.Entry] = []
    for name in BuiltinScenarios.talkTour {
      do {
        catalog.append(AppEnvironment.Entry(name: name, title: try BuiltinScenarios.load(named: name).title))
      } catch {
        throw CLIError(error)
      }
    }
    let load: @Sendable (String) -> Result<Scenario, LoadFailure> = { name in
      do {
        return .success(try BuiltinScenarios.resolve(name))
      } catch let error as ScenarioError {
        return .failure(LoadFailure(error.description))
      } catch {
        return .failure(LoadFailure("\(error)"))
      }
    }
    // `:diff` also takes a trace file or logs.
    return AppEnvironment(catalog: catalog, load: load) { name in
      guard TraceLoader.isTraceOrLog(name) else { return load(name).map(AppEnvironment.Run.scenario) }
      do throws(CLIError) {
        return .success(.trace(try loadTrace([name], LogOpenOptions())))
      } catch {
        return .failure(LoadFailure(error.message))
      }
    }
  }

  /// The state for `scenario` (nil: the start of the tour).
  static func initialState(
    scenario: String?, moreLogs: [String] = [], importOptions: LogOpenOptions = LogOpenOptions(), seed: UInt64?,
    variant: String? = nil, theme: Theme.Name, ascii: Bool, progressASCII: Bool = false, size: Size
  ) throws(CLIError) -> AppState {
    let name = scenario ?? BuiltinScenarios.talkTour[0]
    if TraceLoader.isTraceOrLog(name) || !moreLogs.isEmpty {
      try checkScenarioOptions(of: name, seed: seed, variant: variant)
      let paths = [name] + moreLogs
      let trace = try loadTrace(paths, importOptions, ascii: ascii || progressASCII)
      var state = AppState(
        tour: BuiltinScenarios.talkTour, tourPosition: nil, scenarioName: paths.joined(separator: " "),
        session: TraceSession(scenario: nil, trace: trace), theme: theme, ascii: ascii, size: size)
      state.reproduceOptions = importOptions.arguments
      if paths.count > 1 { state.reproduceInputs = paths }
      // A counterexample saved by `check` opens where it leaves the exactly-once run.
      if let focus = trace.meta.focus, trace.events.indices.contains(focus) { state.playhead = focus }
      return state
    }
    if !importOptions.isEmpty {
      throw CLIError("--input-format, --correlate and --lanes read logs; '\(name)' is a scenario")
    }
    let loaded: Scenario
    do {
      loaded = try BuiltinScenarios.resolve(name, variant: variant)
    } catch {
      throw misspeltCommand(name) ?? CLIError(error)
    }
    var opened = state(named: name, loaded, seed: seed, theme: theme, ascii: ascii, size: size)
    // Until the first key, as when the picker or the tour opens it (`AppReducer`).
    opened.message = AppState.warningMessage(loaded.warnings)
    return opened
  }

  /// `--seed` and `--variant` change a scenario's run: a recorded trace has neither to change.
  static func checkScenarioOptions(of name: String, seed: UInt64?, variant: String?) throws(CLIError) {
    if seed != nil { throw CLIError("--seed: \(name) is a recorded trace, not a scenario: there is nothing to reseed") }
    if variant != nil { throw CLIError("--variant: \(name) is a recorded trace, not a scenario: it has no handler to switch") }
  }

  /// A trace file or imported logs; an input with no execution in it is refused (nothing to play).
  /// `ascii`: the import's progress bar is plain ASCII (`--ascii`, a locale without UTF-8).
  static func loadTrace(_ paths: [String], _ options: LogOpenOptions, ascii: Bool = false) throws(CLIError) -> Trace {
    try ImportCommand.validate(correlate: options.correlate)
    let loaded: TraceLoader.Loaded
    do {
      loaded = try TraceLoader.load(paths, options: options.importerOptions, ascii: ascii)
    } catch {
      throw CLIError(error.description)
    }
    if loaded.summary == nil && !options.isEmpty {
      throw CLIError("--input-format, --correlate and --lanes read logs; \(paths[0]) is a RetryScope trace")
    }
    guard !loaded.trace.events.isEmpty else { throw CLIError("\(paths[0]): no execution to show") }
    return loaded.trace
  }

  /// The state at the first step of `scenario`, loaded from `name`, placed in the talk tour. A
  /// run with a handler variant is named `NAME@VARIANT` (what the replay command on exit needs),
  /// and keeps its scenario's place in the tour.
  static func state(named name: String, _ scenario: Scenario, seed: UInt64?, theme: Theme.Name, ascii: Bool, size: Size)
    -> AppState
  {
    let tour = BuiltinScenarios.talkTour
    let base = BuiltinScenarios.splitVariant(name).scenario
    return AppState(
      tour: tour, tourPosition: tour.firstIndex(of: base), scenarioName: scenario.variant.map { base + "@" + $0 } ?? base,
      session: TraceSession(scenario: scenario, seed: seed), theme: theme, ascii: ascii, size: size)
  }

  /// `retryscope lst`: `tui` is the default subcommand, so a misspelt command arrives here as a
  /// scenario name; when it is a near miss of a command, say so.
  static func misspeltCommand(_ name: String) -> CLIError? {
    guard BuiltinScenarios.yaml(named: name) == nil, !name.contains("/"), !name.hasSuffix(".yaml") else { return nil }
    let commands = RetryScopeCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
    let near = ClosestNames.suggest(name, among: commands, limit: 1).filter { ClosestNames.distance(name, $0) <= 2 }
    guard let command = near.first else { return nil }
    return CLIError("unknown command or scenario '\(name)'; did you mean 'retryscope \(command)'? (retryscope --help lists the commands)")
  }

  /// The theme to start with: `--no-color` wins, then an explicit `--theme`, then `NO_COLOR`
  /// (https://no-color.org: set and not empty) and `TERM=dumb` select mono; else dark.
  static func theme(explicit: Theme.Name?, noColor: Bool, environment: [String: String]) -> Theme.Name {
    if noColor { return .mono }
    if let explicit { return explicit }
    if let value = environment["NO_COLOR"], !value.isEmpty { return .mono }
    if environment["TERM"] == "dumb" { return .mono }
    return .dark
  }
}

extension Theme.Name: ExpressibleByArgument {}
