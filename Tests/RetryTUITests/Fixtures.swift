import RetryCore
import RetryIO
import RetryTUI
import Testing

@testable import RetryScopeCLI

/// Built-in scenarios as the CLI hands them to the UI, for reducer and frame tests.
enum Fixtures {
  /// The catalog and loader `retryscope tui` uses.
  static let environment: AppEnvironment = try! TUISetup.environment()

  /// The UI's state on `name`, at the first step, as `retryscope tui name` starts it.
  static func state(_ name: String, seed: UInt64? = nil, size: Size = Size(width: 80, height: 24)) throws -> AppState {
    TUISetup.state(named: name, try BuiltinScenarios.load(named: name), seed: seed, theme: .dark, ascii: false, size: size)
  }

  /// The state after `keys`, one after the other.
  static func after(_ keys: [Key], from state: AppState) -> AppState {
    var state = state
    for key in keys { AppReducer.reduce(&state, .key(key), environment) }
    return state
  }

  /// The index of `choice` in the fork menu at this state.
  static func menuIndex(_ state: AppState, _ choice: ForkChoice) throws -> Int {
    try #require(ForkPlanner.options(state).firstIndex { $0.choice == choice })
  }

  /// The state after `F`, choosing `choice` and Enter.
  static func forked(_ state: AppState, _ choice: ForkChoice) throws -> AppState {
    var state = after([.character("F")], from: state)
    state.mode = .fork(selection: try menuIndex(state, choice))
    return after([.enter], from: state)
  }

  static func frame(_ state: AppState) -> String {
    FrameRenderer.render(state, environment: environment).text
  }
}
