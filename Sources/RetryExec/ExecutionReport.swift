/// What one execution of a real handler did, measured: the simulator turns it into the
/// attempt's outcome, duration and effects.
public struct ExecutionReport: Sendable {
  public var requestId: String
  public var result: RuntimeResult
  /// Whether the execution started a new environment (a new process).
  public var coldStart: Bool
  /// From the process's start to its first fetch of an invocation (cold starts only).
  public var initDuration: Duration?
  /// From the runtime's fetch of the invocation to its answer or its end; from the request when the
  /// runtime never fetched it (it crashed or failed during init).
  public var duration: Duration
  /// The calls the services received, each with its offset from the execution's start. A call
  /// that a fault stopped before the service (`error`, `crashBeforeForwarding`) is not here.
  public var calls: [(offset: Duration, call: ServiceCall)]
  /// The faults that struck, by call number (1 is the execution's first call).
  public var faults: [Int: CallFault]
  /// The lines the process printed during the execution (bounded: `FunctionLog`).
  public var log: [FunctionLogLine] = []
}
