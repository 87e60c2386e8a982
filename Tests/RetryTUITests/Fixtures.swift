import RetryCore
import RetryIO
import RetryTUI

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

  static func frame(_ state: AppState) -> String {
    FrameRenderer.render(state, environment: environment).text
  }
}
