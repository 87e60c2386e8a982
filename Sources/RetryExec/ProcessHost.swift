/// Runs executions of one real handler, as Lambda's frontend places them on execution
/// environments: a warm environment (a live process with nothing to do) is reused; otherwise a
/// new one starts (a cold start). An environment that crashed, timed out or failed its init is
/// gone: its process is killed and never reused.
public actor ProcessHost {
  public let spec: HandlerSpec
  private let services: any ServiceBackend
  /// The recorder, when the host serves the endpoints itself (without a simulator).
  public let recorder: EndpointRecorder?
  private let endpoints: [String]
  /// Where each printed line goes as it is read, with its request id.
  private let onLogLine: @Sendable (FunctionLogLine, String) -> Void
  private var idle: [ExecutionEnvironment] = []
  private var all: [ExecutionEnvironment] = []
  /// How many environments (processes) were started.
  public private(set) var coldStarts = 0

  /// A host whose endpoints are recorded and answered by an `EndpointRecorder`.
  public init(spec: HandlerSpec, endpoints: [EndpointRecorder.Endpoint]) {
    self.spec = spec
    let recorder = EndpointRecorder(endpoints: endpoints)
    self.services = recorder
    self.recorder = recorder
    self.endpoints = endpoints.map(\.name)
    onLogLine = { _, _ in }
  }

  /// A host whose calls `services` serves (the simulator's world); `endpoints` names the
  /// scenario's endpoints, for their environment variables.
  public init(
    spec: HandlerSpec, endpoints: [String], services: any ServiceBackend,
    onLogLine: @escaping @Sendable (FunctionLogLine, String) -> Void = { _, _ in }
  ) {
    self.spec = spec
    self.services = services
    self.recorder = nil
    self.endpoints = endpoints
    self.onLogLine = onLogLine
  }

  /// Runs one execution to its end and reports it; `faults` strike its calls by number.
  public func execute(_ invocation: RuntimeInvocation, faults: [Int: CallFault] = [:]) async throws -> ExecutionReport {
    var environment: ExecutionEnvironment? = nil
    // A process knows one function timeout (its clock needs it): one told another is not reused.
    while let candidate = idle.popLast() {
      if candidate.isAlive && candidate.functionTimeout == invocation.timeout {
        environment = candidate
        break
      }
    }
    let coldStart = environment == nil
    if environment == nil {
      environment = try await ExecutionEnvironment.start(
        spec, services: services, endpoints: endpoints, functionTimeout: invocation.timeout,
        initClock: invocation.deliveredAt, onLogLine: onLogLine)
      coldStarts += 1
      all.append(environment!)
    }
    let report = await environment!.invoke(invocation, coldStart: coldStart, services: recorder, faults: faults)
    switch report.result {
    case .response, .error:
      // A handled error leaves the runtime polling: the environment stays warm.
      if environment!.isAlive { idle.append(environment!) }
    case .exited, .timedOut, .initError:
      await environment!.kill()
    }
    return report
  }

  /// Every environment's log, in the order they started.
  public func logs() -> [String] { all.map { $0.log() } }

  /// Kills every process and removes their files. The host can run executions again: each
  /// starts cold.
  public func shutdown() async {
    for environment in all {
      await environment.kill()
      environment.removeFiles()
    }
    idle = []
    all = []
  }
}
