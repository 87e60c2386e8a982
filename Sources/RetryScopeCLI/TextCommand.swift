import ArgumentParser
import RetryCore
import RetryIO

/// A command whose whole result is text, so that tests can run it in-process and read what it says.
protocol TextCommand: ParsableCommand {
  func output() throws(CLIError) -> String
}

extension TextCommand {
  /// ArgumentParser's entry point, unused by the executable (`RetryScope.main`); safe all the same.
  public mutating func run() throws {
    print(TerminalText.sanitized(try output()), terminator: "")
  }
}

/// A text command whose exit status says more than success (`diff`: 1 when the runs differ).
protocol StatusCommand: TextCommand {
  func outputAndStatus() throws(CLIError) -> (String, Int32)
}

/// A command whose output can be large (logs, traces): run as a process, it writes to stdout in
/// chunks; tests read `output()` as for any text command.
protocol StreamingCommand: TextCommand {
  func stream(to sink: (UnsafeRawBufferPointer) -> Void) throws(CLIError)
}

/// Bad input from the user: one line on stderr, exit code 2, never a stack trace. A file that
/// could not be written for the disk's sake (full) is one line too, with exit code 74.
public struct CLIError: Error, CustomStringConvertible, Equatable {
  public var message: String
  public var exitCode: Int32 = 2

  public init(_ message: String) { self.message = message }

  public init(_ error: ScenarioError) { self.message = error.description }

  public init(_ error: FileWriteError) {
    self.message = error.message
    self.exitCode = error.ioFailure ? RetryScope.outputFailedExitCode : 2
  }

  public var description: String { message }
}

/// What a command printed and how it exited.
public struct CommandResult: Equatable, Sendable {
  public var stdout: String
  public var stderr: String
  public var exitCode: Int32
}

/// The program's entry point, in-process: parses `arguments`, runs the command, and maps every
/// error to one line and an exit code (0 success, 2 bad input).
public enum RetryScope {
  ///
  /// With `standardOutput`, a command with large output streams it there instead of returning it
  /// in `stdout` (the executable passes one; tests read the strings).
  ///
  /// Everything printed passes through here, so this is where text from input files is made safe
  /// for a terminal (`TerminalText`): an escape sequence in a log line or a scenario name is shown
  /// (`^[`), never obeyed. JSON output is unchanged by it (its writers escape those characters).
  public static func execute(
    _ arguments: [String], environment: [String: String] = [:],
    standardOutput: ((UnsafeRawBufferPointer) -> Void)? = nil
  ) -> CommandResult {
    var filter = TerminalText.Filter()
    let safeOutput = standardOutput.map { sink in { (chunk: UnsafeRawBufferPointer) in filter.process(chunk, to: sink) } }
    let warnings = CommandWarnings()
    var result = CommandWarnings.$current.withValue(warnings) {
      unfiltered(arguments, environment: environment, standardOutput: safeOutput)
    }
    result.stderr = warnings.text + result.stderr
    if let standardOutput { filter.finish(to: standardOutput) }
    result.stdout = TerminalText.sanitized(result.stdout)
    result.stderr = TerminalText.sanitized(result.stderr)
    return result
  }

  private static func unfiltered(
    _ arguments: [String], environment: [String: String],
    standardOutput: ((UnsafeRawBufferPointer) -> Void)?
  ) -> CommandResult {
    var command: ParsableCommand
    do {
      command = try RetryScopeCommand.parseAsRoot(arguments)
    } catch {
      return argumentParserResult(error)
    }
    if var plain = command as? any ASCIIOutputCommand, !TextEncoding.isUTF8(environment) {
      plain.ascii = true
      command = plain
    }
    if let interactive = command as? any InteractiveCommand {
      return interactive.runInteractive(environment: environment)
    }
    guard let textCommand = command as? any TextCommand else {
      // ArgumentParser's own commands (help) report through errors such as `CleanExit`.
      do {
        try command.run()
        return CommandResult(stdout: "", stderr: "", exitCode: 0)
      } catch {
        return argumentParserResult(error)
      }
    }
    if let streaming = textCommand as? any StreamingCommand, let standardOutput {
      do {
        try streaming.stream(to: standardOutput)
        return CommandResult(stdout: "", stderr: "", exitCode: 0)
      } catch {
        return CommandResult(stdout: "", stderr: "error: \(error.message)\n", exitCode: error.exitCode)
      }
    }
    if let status = textCommand as? any StatusCommand {
      do {
        let (text, code) = try status.outputAndStatus()
        return CommandResult(stdout: text, stderr: "", exitCode: code)
      } catch {
        return CommandResult(stdout: "", stderr: "error: \(error.message)\n", exitCode: error.exitCode)
      }
    }
    do {
      return CommandResult(stdout: try textCommand.output(), stderr: "", exitCode: 0)
    } catch {
      return CommandResult(stdout: "", stderr: "error: \(error.message)\n", exitCode: error.exitCode)
    }
  }

  /// Help and version go to stdout with exit 0; every usage error is one message and exit 2.
  static func argumentParserResult(_ error: any Error) -> CommandResult {
    let code = RetryScopeCommand.exitCode(for: error)
    let message = RetryScopeCommand.fullMessage(for: error)
    if code == .success {
      return CommandResult(stdout: message.isEmpty ? "" : message + "\n", stderr: "", exitCode: 0)
    }
    return CommandResult(stdout: "", stderr: message + "\n", exitCode: 2)
  }
}
