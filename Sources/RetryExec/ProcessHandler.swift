import Foundation
import RetryCore

/// A real handler process as the simulator's `ExternalHandler`: each execution the simulator asks
/// for runs on a `ProcessHost` (warm or cold), and each call the process makes is handed to the
/// simulator's thread, which applies it to the world and answers.
///
/// The simulator calls `execute` on its own thread and waits; the process, the servers and the
/// host run on NIO's threads and Swift's task pool meanwhile. So the simulation must not run on
/// Swift's task pool itself (it would block one of its few threads): `run(_:)` gives it a thread.
public final class ProcessHandler: ExternalHandler, @unchecked Sendable {
  private let host: ProcessHost
  private let mailbox: Mailbox
  /// Why the last execution could not even start (python3 or node missing, a folder not writable).
  public private(set) var setupError: ExecError?

  public init(spec: HandlerSpec, endpoints: [String]) {
    let mailbox = Mailbox()
    self.mailbox = mailbox
    host = ProcessHost(
      spec: spec, endpoints: endpoints, services: SimulatorBackend(mailbox: mailbox),
      onLogLine: { line, requestId in mailbox.put(.log(line, requestId: requestId)) })
  }

  /// Runs `simulate` (which calls `Simulator.run(external: self)`) on a thread of its own, then
  /// ends every process. Swift's task pool stays free for the processes' servers.
  public func run<T: Sendable>(_ simulate: @escaping @Sendable () -> T) async -> T {
    let result: T = await withCheckedContinuation { continuation in
      Thread.detachNewThread { continuation.resume(returning: simulate()) }
    }
    await host.shutdown()
    return result
  }

  /// `run(_:)` for a caller that is not async (the command line): blocks the calling thread,
  /// which must not be one of Swift's task pool.
  public func runBlocking<T: Sendable>(_ simulate: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached(executorPreference: .exec) {
      box.value = await self.run(simulate)
      done.signal()
    }
    done.wait()
    return box.value!
  }

  /// A new simulation starts with no environment: the processes of the last one are killed
  /// (SIGKILL) and their files removed, so nothing a warm process kept in memory carries over
  /// from one of `check`'s schedules to the next. Called on the simulator's thread, which waits.
  public func startRun() {
    let done = DispatchSemaphore(value: 0)
    let host = self.host
    Task(executorPreference: .exec) {
      await host.shutdown()
      done.signal()
    }
    done.wait()
    refuseCallsOfEndedExecutions()
  }

  /// Calls still on their way from an execution that has ended (its process killed while a call
  /// was in flight) belong to no execution: refused, never applied to the next one.
  private func refuseCallsOfEndedExecutions() {
    for case .call(_, _, let reply) in mailbox.takeAll() { reply.resume(returning: ExternalReply(status: 409)) }
  }

  public func execute(_ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply) -> ExternalOutcome {
    execute(execution, serve: serve, note: { _ in })
  }

  /// Also tells the lines the process printed, as they come, and the execution's measured REPORT.
  public func execute(
    _ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply, note: (ExternalNote) -> Void
  ) -> ExternalOutcome {
    let invocation = RuntimeInvocation(
      requestId: execution.requestId, payload: Array(JSONText.compact(execution.payload).utf8),
      functionArn: host.spec.functionArn,
      traceId: "Root=1-00000000-\(execution.invocation)-\(execution.attempt);Sampled=0",
      timeout: .milliseconds(execution.timeout), deliveredAt: Int64(execution.deliveredAt))
    let host = self.host
    let mailbox = self.mailbox
    let faults = execution.faults.mapValues(CallFault.init)
    refuseCallsOfEndedExecutions()
    Task(executorPreference: .exec) {
      do {
        mailbox.put(.done(.success(try await host.execute(invocation, faults: faults))))
      } catch {
        mailbox.put(.done(.failure(error)))
      }
    }
    while true {
      switch mailbox.take() {
      case .call(let call, let requestId, let reply):
        reply.resume(returning: requestId == execution.requestId ? serve(call) : ExternalReply(status: 409))
      case .log(let line, let requestId):
        if requestId == execution.requestId { note(.log(offset: Int(line.offset.milliseconds), text: line.text)) }
      case .done(.success(let report)):
        note(Self.note(of: report))
        return Self.outcome(of: report)
      case .done(.failure(let error)):
        setupError = error as? ExecError ?? .cannotStart(host.spec.runtime.program, String(describing: error))
        return .crash(message: "RequestId: \(execution.requestId) Error: \(setupError!)", duration: 0)
      }
    }
  }

  /// The simulator's view of a measured execution.
  static func outcome(of report: ExecutionReport) -> ExternalOutcome {
    let duration = Int(report.duration.milliseconds)
    switch report.result {
    case .response(let body):
      return .success(response: parse(body), duration: duration)
    case .error(let type, let body), .initError(let type, let body):
      let error = parse(body)
      return .error(
        type: error["errorType"]?.text ?? type ?? "Error",
        message: error["errorMessage"]?.text ?? String(decoding: body, as: UTF8.self), duration: duration)
    case .exited(let status):
      // Lambda's wording: "Runtime exited with error: exit status 1", or "signal: killed".
      let how = status > 128 ? (status == 137 ? "signal: killed" : "signal: \(status - 128)") : "exit status \(status)"
      return .crash(message: "RequestId: \(report.requestId) Error: Runtime exited with error: \(how)", duration: duration)
    case .timedOut:
      return .timeout
    }
  }

  /// The REPORT of a measured execution: its invoke phase, and its init phase on a cold start.
  static func note(of report: ExecutionReport) -> ExternalNote {
    .report(durationMs: report.duration.fractionalMilliseconds, initDurationMs: report.initDuration?.fractionalMilliseconds)
  }

  /// JSON as a `Value`; what is not JSON, as a string.
  static func parse(_ bytes: [UInt8]) -> Value {
    if bytes.isEmpty { return .null }
    let parsed = try? bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in try JSONParser.parse(buffer) }
    return parsed ?? .string(String(decoding: bytes, as: UTF8.self))
  }
}

/// Serves a handler's calls by handing them to the simulator's thread: plain HTTP POSTs to
/// `/endpoints/<name>`, and the AWS SDK's DynamoDB and SQS calls (`POST /` with `X-Amz-Target`,
/// the JSON protocol both services speak), read into an `ExternalCall` here and answered in the
/// service's own JSON.
struct SimulatorBackend: ServiceBackend {
  let mailbox: Mailbox

  func handle(_ request: LoopbackRequest, requestId: String?, start: ContinuousClock.Instant?) async -> LoopbackResponse {
    let prefix = "/endpoints/"
    let target = request.header("X-Amz-Target")
    let isEndpoint = request.path.hasPrefix(prefix) && request.method == "POST"
    guard isEndpoint || (request.method == "POST" && target != nil) else {
      return .json(404, #"{"message":"RetryScope serves no such path: \#(request.method) \#(request.path)"}"#)
    }
    guard requestId != nil, let start else {
      return .json(409, #"{"message":"RetryScope serves calls made while handling an invocation, not during init"}"#)
    }
    let offset = Int((ContinuousClock.now - start).milliseconds)
    if isEndpoint {
      let call = ExternalCall(
        offset: offset, endpoint: String(request.path.dropFirst(prefix.count)), body: ProcessHandler.parse(request.body))
      let reply = await serve(call, requestId: requestId!)
      switch reply.status {
      case 404: return .json(404, #"{"message":"the scenario declares no endpoint named \#(request.path.dropFirst(prefix.count))"}"#)
      case 409: return .json(409, #"{"message":"the execution that made this call has ended"}"#)
      case 200..<300: return .json(reply.status, #"{"ok":true}"#)
      default: return .json(reply.status, #"{"ok":false}"#)
      }
    }
    let body = ProcessHandler.parse(request.body)
    if let target, target.hasPrefix(SQSJSONProtocol.targetPrefix) {
      let (call, checksums) = SQSJSONProtocol.request(operation: String(target.dropFirst(SQSJSONProtocol.targetPrefix.count)), body: body)
      let reply = await serve(ExternalCall(offset: offset, request: call), requestId: requestId!)
      return SQSJSONProtocol.response(reply, checksums: checksums)
    }
    var call: ExternalRequest = .refused(
      status: 400, errorType: "UnknownOperationException",
      message: "RetryScope serves DynamoDB (DynamoDB_20120810.*) and SQS (AmazonSQS.*), not \(target ?? "")")
    var projection: [String]?
    if let target, target.hasPrefix(DynamoJSONProtocol.targetPrefix) {
      (call, projection) = DynamoJSONProtocol.request(
        operation: String(target.dropFirst(DynamoJSONProtocol.targetPrefix.count)), body: body)
    }
    let reply = await serve(ExternalCall(offset: offset, request: call), requestId: requestId!)
    return DynamoJSONProtocol.response(DynamoJSONProtocol.project(reply, projection))
  }

  /// Hands the call to the simulator's thread and waits for its answer.
  private func serve(_ call: ExternalCall, requestId: String) async -> ExternalReply {
    await withCheckedContinuation { mailbox.put(.call(call, requestId: requestId, $0)) }
  }
}

/// A result handed from a task to a waiting thread (the semaphore orders the accesses).
final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}

/// What the processes' side hands the simulator's thread, one at a time.
final class Mailbox: @unchecked Sendable {
  enum Item {
    case call(ExternalCall, requestId: String, CheckedContinuation<ExternalReply, Never>)
    /// A line the process printed while working on `requestId`.
    case log(FunctionLogLine, requestId: String)
    case done(Result<ExecutionReport, any Error>)
  }

  private let condition = NSCondition()
  private var items: [Item] = []

  func put(_ item: Item) {
    condition.lock()
    items.append(item)
    condition.signal()
    condition.unlock()
  }

  /// Takes whatever is there, without waiting.
  func takeAll() -> [Item] {
    condition.lock()
    defer { condition.unlock() }
    defer { items = [] }
    return items
  }

  /// Waits for the next item.
  func take() -> Item {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty { condition.wait() }
    return items.removeFirst()
  }
}

extension Value {
  /// The string, when this is one.
  var text: String? {
    if case .string(let text) = self { return text }
    return nil
  }
}
