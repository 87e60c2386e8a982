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
    case text, json, logs
  }

  @Argument(help: "A scenario file (.yaml) whose handler is 'exec: {runtime: python (or nodejs), handler: app.handler, code: FOLDER}'.")
  var scenario: String

  @Option(help: "The seed for every random draw (delays, ids); default: the scenario's own.")
  var seed: UInt64?

  @Option(
    help: """
      text: a readable timeline; json: the trace (docs/trace-format.md), which 'retryscope tui' opens; logs: the \
      CloudWatch logs of the run: what the handler printed, and REPORT lines with the measured Init Duration.
      """)
  var format: Format = .text

  @Option(help: "Also write the trace as JSON to this file (docs/trace-format.md), which 'retryscope tui FILE' opens.")
  var out: String?

  @Option(help: "With --format logs: raw, tail (like 'aws logs tail'), events or json-lines, as for 'run'. Default: events.")
  var logFormat: RunCommand.LogFormat?

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String {
    if logFormat != nil, format != .logs { throw CLIError("--log-format needs --format logs") }
    let loaded: Scenario
    do { loaded = try BuiltinScenarios.resolve(scenario, allowingExec: true) } catch { throw CLIError(error) }
    CommandWarnings.report(loaded.warnings)
    guard let exec = loaded.exec else {
      throw CLIError("\(scenario): its handler is steps, not a program; run it with 'retryscope run \(scenario)'")
    }
    // Before the handler runs: a trace that cannot be written is bad input, refused at once.
    if let out {
      do throws(FileWriteError) { try TextFileWriter.checkTarget(out, inputs: [scenario]) } catch { throw CLIError(error) }
    }
    let program = try Self.processHandler(exec, of: loaded, argument: scenario)
    let seed = self.seed
    let trace = program.runBlocking { Simulator(scenario: loaded, seed: seed).run(external: program) }
    if let error = program.setupError { throw CLIError("\(scenario): cannot run the handler: \(error)") }
    var text: String
    switch format {
    case .text: text = TraceTextReport(trace: trace, ascii: ascii).render()
    case .json: text = TraceJSON.encode(trace)
    case .logs:
      let options = CloudWatchLogWriter.Options(
        format: (logFormat ?? .events).writerFormat, runtime: exec.runtime == HandlerSpec.Runtime.python.rawValue ? .python : .node)
      text = CloudWatchLogWriter(trace: trace, options: options).text()
    }
    if let out {
      // The run cannot be repeated byte for byte (a real process's timings), so its trace is
      // kept as it was run, for the terminal UI, `run` and `diff`.
      do throws(FileWriteError) {
        let writer = try TextFileWriter(path: out, inputs: [scenario])
        TraceJSON.write(trace) { writer.write($0) }
        try writer.commit()
      } catch {
        throw CLIError(error)
      }
      if format == .text {
        let open = ShellQuoting.command(["retryscope", "tui", out])
        text += "wrote \(out): open it with '\(open)'\n"
      }
    }
    return text
  }

  /// Whether `python` can import `module` (a quiet `python -c 'import module'`).
  static func canImport(_ module: String, with python: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", "import \(module)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
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
    let client = HandlerSpec.Client(rawValue: exec.client) ?? .retryscope
    if client == .awslambdaric, !Self.canImport("awslambdaric", with: runtime.program) {
      throw CLIError(
        "\(argument): cannot run the handler: \(runtime.program) cannot import awslambdaric (install it: \(runtime.program) -m pip install awslambdaric)")
    }
    return ProcessHandler(
      spec: HandlerSpec(
        runtime: runtime, handler: exec.handler, codePath: exec.code, functionName: loaded.function.functionName,
        client: client),
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
