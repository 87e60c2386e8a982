import RetryCore
import RetryTUI
import RetryTerminal

/// Runs the terminal UI on the real terminal and gives it back in the state it found it.
enum TerminalSession {
  static func run(
    scenario: String?, moreLogs: [String] = [], variant: String? = nil, options: TUIOptions,
    importOptions: LogOpenOptions = LogOpenOptions(), environment: [String: String]
  ) -> CommandResult {
    let theme = TUISetup.theme(explicit: options.theme, noColor: options.noColor, environment: environment)
    var state: AppState
    let appEnvironment: AppEnvironment
    do {
      appEnvironment = try TUISetup.environment()
      state = try TUISetup.initialState(
        scenario: scenario, moreLogs: moreLogs, importOptions: importOptions, seed: options.seed, variant: variant, theme: theme,
        ascii: options.ascii, progressASCII: !TextEncoding.isUTF8(environment), size: Size(width: 80, height: 24))
    } catch {
      return CommandResult(stdout: "", stderr: "error: \(error.message)\n", exitCode: 2)
    }
    let styles = Set(Theme.Name.allCases.flatMap { Theme($0).allStyles })
    var terminal: NcursesTerminal
    do {
      terminal = try NcursesTerminal.open(colors: theme != .mono, styles: styles)
    } catch .notATerminal {
      return CommandResult(
        stdout: "",
        stderr: "error: the terminal UI needs a terminal (stdin and stdout); for text output use '\(ShellQuoting.command(["retryscope", "run", scenario ?? RetryScopeCommand.defaultScenario]))'\n",
        exitCode: 2)
    } catch {
      return CommandResult(
        stdout: "",
        stderr: "error: \(error); for text output use '\(ShellQuoting.command(["retryscope", "run", scenario ?? RetryScopeCommand.defaultScenario]))'\n",
        exitCode: 2)
    }
    // A locale without UTF-8 cannot show box drawing: fall back to ASCII symbols.
    if !terminal.supportsUnicode { state.ascii = true }
    // Restored on every way out of this scope; signals and traps are handled in the terminal.
    defer { terminal.close() }
    AppLoop.run(&state, environment: appEnvironment, terminal: &terminal)
    let interrupted = terminal.terminationRequested
    terminal.close()
    return CommandResult(stdout: state.reproduceCommand + "\n", stderr: "", exitCode: interrupted ? 143 : 0)
  }
}
