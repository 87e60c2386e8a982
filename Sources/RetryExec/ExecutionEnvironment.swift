import Foundation
import RetryScenarios
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One Lambda execution environment: one handler process, its Runtime API and its service
/// endpoints on one loopback port (so every call that reaches the port belongs to this process).
/// A crash or a timeout ends it with SIGKILL; the next execution starts a new one (a cold start).
public final class ExecutionEnvironment: Sendable {
  public let port: Int
  public let api: RuntimeAPI
  private let server: LoopbackHTTPServer
  private let process: Process
  private let exit: ExitWatch
  private let started: ContinuousClock.Instant
  /// stdout and stderr of the process (the function's log).
  public let logPath: String
  private let folder: String
  private let gate: CallGate
  /// The process's stdout and stderr, line by line, attributed to the execution in progress.
  private let functionLog: FunctionLog
  /// The function timeout the process was told (`RETRYSCOPE_FUNCTION_TIMEOUT_MS`): its clock
  /// derives each invocation's simulated delivery from the deadline with it.
  public let functionTimeout: Duration

  private init(
    port: Int, api: RuntimeAPI, server: LoopbackHTTPServer, process: Process, exit: ExitWatch,
    started: ContinuousClock.Instant, logPath: String, folder: String, gate: CallGate, functionTimeout: Duration,
    functionLog: FunctionLog
  ) {
    self.gate = gate
    self.functionLog = functionLog
    self.functionTimeout = functionTimeout
    self.port = port
    self.api = api
    self.server = server
    self.process = process
    self.exit = exit
    self.started = started
    self.logPath = logPath
    self.folder = folder
  }

  /// Starts the process (the init phase runs on its own; the first `invoke` waits for it).
  /// `functionTimeout` is every invocation's timeout on this environment; `initClock`, the
  /// simulated wall clock (Unix epoch ms) the init phase starts at (nil: the machine's);
  /// `onLogLine` receives each line the process prints during an execution, with its request id.
  public static func start(
    _ spec: HandlerSpec, services: any ServiceBackend, endpoints: [String] = [], functionTimeout: Duration = .seconds(3),
    initClock: Int64? = nil, onLogLine: @escaping @Sendable (FunctionLogLine, String) -> Void = { _, _ in }
  ) async throws -> ExecutionEnvironment {
    let folder = try makeFolder()
    for file in spec.files {
      let path = folder + "/" + file.name
      guard FileManager.default.createFile(atPath: path, contents: Data(file.contents)) else {
        throw ExecError.cannotWrite(path)
      }
    }
    let bootstrap = folder + "/" + spec.files[0].name
    let logPath = folder + "/log.txt"
    guard FileManager.default.createFile(atPath: logPath, contents: nil),
      let log = FileHandle(forWritingAtPath: logPath)
    else { throw ExecError.cannotWrite(logPath) }

    let output = Pipe()
    let functionLog = FunctionLog(pipe: output, file: log, sink: onLogLine)
    let api = RuntimeAPI()
    let gate = CallGate()
    let server = try await LoopbackHTTPServer.start { request in
      // Whatever the process printed before this request is read first: a line printed before a
      // call or an answer is recorded before it.
      functionLog.drain()
      if request.path.hasPrefix(RuntimeAPI.prefix) {
        let response = await api.respond(to: request)
        if request.method == "GET", response.status == 200 { functionLog.delivered() }
        return response
      }
      let requestId = await api.current
      let timeout = await api.timeout(of: requestId)
      var start: ContinuousClock.Instant? = nil
      if let requestId { start = await api.deliveryInstant(of: requestId) }
      return await gate.pass(request, requestId: requestId, start: start, timeout: timeout, to: services)
    }
    let address = "127.0.0.1:\(server.port)"

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [spec.runtime.program, bootstrap] + spec.arguments
    process.currentDirectoryURL = URL(fileURLWithPath: spec.codePath)
    process.environment = environment(
      for: spec, runtimeAPI: address, endpoints: endpoints, functionTimeout: functionTimeout, initClock: initClock)
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    let exit = ExitWatch()
    process.terminationHandler = { finished in
      let status =
        finished.terminationReason == .uncaughtSignal ? 128 + finished.terminationStatus : finished.terminationStatus
      exit.finish(status)
      Task(executorPreference: .exec) { await api.close(endingWith: .exited(status: status)) }
    }
    let started = ContinuousClock.now
    do {
      try process.run()
    } catch {
      await server.shutdown()
      throw ExecError.cannotStart(spec.runtime.program, String(describing: error))
    }
    // The child has its copy of the pipe's writing end: ours must close, or the end of the
    // output never comes.
    try? output.fileHandleForWriting.close()
    let environment = ExecutionEnvironment(
      port: server.port, api: api, server: server, process: process, exit: exit, started: started, logPath: logPath,
      folder: folder, gate: gate, functionTimeout: functionTimeout, functionLog: functionLog)
    await gate.setKill { [weak environment] in await environment?.kill() }
    return environment
  }

  /// Hands the invocation to the runtime and waits for its answer, its end, or its deadline.
  /// A timeout kills the process (SIGKILL), as Lambda stops a timed-out environment.
  /// `faults` strike the execution's calls by number (1 is its first call).
  public func invoke(
    _ invocation: RuntimeInvocation, coldStart: Bool, services: EndpointRecorder?, faults: [Int: CallFault] = [:]
  ) async -> ExecutionReport {
    await gate.plan(faults, for: invocation.requestId)
    functionLog.begin(invocation.requestId)
    let requested = ContinuousClock.now
    let result = await api.invoke(invocation)
    let ended = ContinuousClock.now
    let delivered = await api.deliveryInstant(of: invocation.requestId)
    if case .timedOut = result { await kill() }
    if case .initError = result { await kill() }
    let start = delivered ?? requested
    let calls = await services?.calls(for: invocation.requestId) ?? []
    let lines = functionLog.finish(endedAt: ended)
    return ExecutionReport(
      requestId: invocation.requestId, result: result, coldStart: coldStart,
      initDuration: coldStart ? delivered.map { $0 - started } : nil, duration: ended - start,
      calls: calls.map { ($0.at - start, $0) }, faults: await gate.struckFaults(of: invocation.requestId), log: lines)
  }

  /// Whether the process is still running.
  public var isAlive: Bool { exit.status == nil }

  /// Ends the process with SIGKILL (no cleanup in the handler, as in Lambda), waits for it, and
  /// stops serving its port.
  public func kill() async {
    if exit.status == nil { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
    _ = await exit.wait()
    functionLog.close()
    await api.close(endingWith: .exited(status: 128 + SIGKILL))
    await server.shutdown()
  }

  /// What the process printed so far.
  public func log() -> String {
    (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
  }

  /// Removes the environment's files (the bootstrap copy and the log). Call after `kill`.
  public func removeFiles() {
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Lambda's reserved variables, the function's own, and the few of ours that a process needs
  /// to run at all (PATH, HOME, the locale). The user's own AWS credentials never reach it.
  /// Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
  static func environment(
    for spec: HandlerSpec, runtimeAPI: String, endpoints: [String], functionTimeout: Duration = .seconds(3),
    initClock: Int64? = nil
  ) -> [String: String] {
    let inherited = ProcessInfo.processInfo.environment
    var variables: [String: String] = [:]
    for name in ["PATH", "HOME", "LANG", "LC_ALL", "TZ"] { variables[name] = inherited[name] }
    variables["PATH"] = variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for (name, value) in spec.environment { variables[name] = value }
    let reserved: [String: String] = [
      "AWS_LAMBDA_RUNTIME_API": runtimeAPI,
      "_HANDLER": spec.handler,
      "LAMBDA_TASK_ROOT": spec.codePath,
      "AWS_LAMBDA_FUNCTION_NAME": spec.functionName,
      "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
      "AWS_REGION": "us-east-1",
      "AWS_DEFAULT_REGION": "us-east-1",
      "AWS_ENDPOINT_URL": "http://\(runtimeAPI)",
      "AWS_ACCESS_KEY_ID": "retryscope",
      "AWS_SECRET_ACCESS_KEY": "retryscope",
      "AWS_SESSION_TOKEN": "retryscope",
      "PYTHONUNBUFFERED": "1",
      "PYTHONDONTWRITEBYTECODE": "1",
    ]
    for (name, value) in reserved { variables[name] = value }
    // Ours, for the simulated clock: the shipped runtimes (and a wrapper around any other) take
    // each invocation's simulated delivery as Lambda-Runtime-Deadline-Ms minus this timeout.
    variables["RETRYSCOPE_FUNCTION_TIMEOUT_MS"] = String(functionTimeout.milliseconds)
    if let initClock { variables["RETRYSCOPE_INIT_CLOCK_MS"] = String(initClock) }
    for endpoint in endpoints {
      variables[EndpointRecorder.variableName(for: endpoint)] = "http://\(runtimeAPI)/endpoints/\(endpoint)"
    }
    return variables
  }

  private static func makeFolder() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/retryscope-env-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { throw ExecError.cannotWrite(NSTemporaryDirectory()) }
    return String(cString: made)
  }
}

/// The process's exit status, once it is known, and the tasks waiting for it.
final class ExitWatch: Sendable {
  private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

  var status: Int32? { state.withLock { $0.status } }

  func finish(_ status: Int32) {
    let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
      state.status = status
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(returning: status) }
  }

  func wait() async -> Int32 {
    await withCheckedContinuation { continuation in
      let known = state.withLock { state -> Int32? in
        if let status = state.status { return status }
        state.waiters.append(continuation)
        return nil
      }
      if let known { continuation.resume(returning: known) }
    }
  }
}

/// Why a handler process could not be set up.
public enum ExecError: Error, Equatable, CustomStringConvertible {
  case cannotWrite(String)
  case cannotStart(String, String)

  public var description: String {
    switch self {
    case .cannotWrite(let path): "cannot write \(path)"
    case .cannotStart(let program, let reason): "cannot start \(program): \(reason)"
    }
  }
}
