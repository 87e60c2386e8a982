import ArgumentParser
import Foundation
import RetryCore
import RetryExec
import RetryIO

/// `retryscope exec`: runs a scenario whose handler is the user's own code (`handler: {exec:
/// ...}`): the simulator's invocations, retries and timeouts, each execution a real process
/// (docs/DECISIONS.md, "Running real handlers").
struct ExecCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "exec",
    abstract: "Run a scenario whose handler is your own code (handler: {exec: ...}): each execution a real process, under the simulator's retries.")

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Argument(help: "A scenario file (.yaml) whose handler is 'exec: {runtime: python (or nodejs), handler: app.handler, code: FOLDER}'.")
  var scenario: String

  @Option(help: "The seed for every random draw (delays, ids); default: the scenario's own.")
  var seed: UInt64?

  @Option(help: "text: a readable timeline; json: the trace (docs/trace-format.md), which 'retryscope tui' opens.")
  var format: Format = .text

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String {
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario, allowingExec: true) } catch { throw CLIError(error) }
    guard let exec = loaded.exec else {
      throw CLIError("\(scenario): its handler is steps, not a program; run it with 'retryscope run \(scenario)'")
    }
    let program = try Self.processHandler(exec, of: loaded, argument: scenario)
    let seed = self.seed
    let trace = program.runBlocking { Simulator(scenario: loaded, seed: seed).run(external: program) }
    if let error = program.setupError { throw CLIError("\(scenario): cannot run the handler: \(error)") }
    switch format {
    case .text: return TraceTextReport(trace: trace, ascii: ascii).render()
    case .json: return TraceJSON.encode(trace)
    }
  }

  /// The program that runs a scenario's executions (`exec` and `check`), or one line saying why
  /// it cannot run.
  static func processHandler(_ exec: ExecHandler, of loaded: Scenario, argument: String) throws(CLIError) -> ProcessHandler {
    guard let runtime = HandlerSpec.Runtime(rawValue: exec.runtime) else {
      throw CLIError("\(argument): runtime '\(exec.runtime)' is not supported")
    }
    // Said once, up front: otherwise every execution would be a crash with exit status 127.
    guard Self.onPath(runtime.program) else {
      throw CLIError("\(argument): cannot run the handler: \(runtime.program) is not on the PATH")
    }
    return ProcessHandler(
      spec: HandlerSpec(
        runtime: runtime, handler: exec.handler, codePath: exec.code, functionName: loaded.function.functionName),
      endpoints: loaded.endpoints.map(\.name))
  }

  /// Whether `program` is an executable file in one of PATH's folders.
  static func onPath(_ program: String) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
  }
}

/// A locale without UTF-8 turns `--ascii` on, as for `run`.
extension ExecCommand: ASCIIOutputCommand {}
