import RetryCore

/// A fault struck at a handler's k-th call, decided where the call arrives: RetryScope's own
/// server. These are the faults `check` explores on real code (docs/DECISIONS.md).
public enum CallFault: Sendable, Equatable {
  /// The service answers with this status (429 a throttle, 500 an internal error) and does nothing.
  case error(status: Int)
  /// The process is killed (SIGKILL) when the call arrives: the service never sees it.
  case crashBeforeForwarding
  /// The service does the call (the write commits), then the process is killed before the reply.
  case crashAfterCommit
  /// The service does the call and holds the reply past the deadline: the execution times out.
  case holdReply
  /// The call is held before it reaches the service, past the deadline: nothing is done.
  case holdBeforeForwarding

  /// The server's side of a scenario fault.
  public init(_ fault: ExternalFault) {
    switch fault {
    case .crashBeforeCall: self = .crashBeforeForwarding
    case .crashAfterCall: self = .crashAfterCommit
    case .holdBeforeCall: self = .holdBeforeForwarding
    case .holdAfterCall: self = .holdReply
    case .errorReply(let status): self = .error(status: status)
    }
  }

  /// The body of an error reply, in the shape the AWS SDKs read (`__type`, `message`).
  var errorBody: String {
    guard case .error(let status) = self else { return "" }
    return status == 429
      ? #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#
      : #"{"__type":"InternalServerError","message":"Internal server error"}"#
  }
}

/// Numbers an environment's calls within each invocation and applies the faults planned for them.
actor CallGate {
  private var plans: [String: [Int: CallFault]] = [:]
  private var counts: [String: Int] = [:]
  private var struck: [String: [Int: CallFault]] = [:]
  private var kill: (@Sendable () async -> Void)?

  func setKill(_ kill: @escaping @Sendable () async -> Void) { self.kill = kill }

  /// Starts an execution of `requestId`: its calls are numbered from 1 and meet only `faults`.
  /// Lambda keeps an async event's request id across its retries, and a retry after a handled
  /// error runs on the same warm environment, so the id alone does not tell two executions apart.
  func plan(_ faults: [Int: CallFault], for requestId: String) {
    plans[requestId] = faults
    counts[requestId] = 0
    struck[requestId] = nil
  }

  /// The faults that struck an invocation's calls, by call number.
  func struckFaults(of requestId: String) -> [Int: CallFault] { struck[requestId] ?? [:] }

  /// Passes a call to the service unless a fault says otherwise.
  func pass(
    _ request: LoopbackRequest, requestId: String?, start: ContinuousClock.Instant?, timeout: Duration?,
    to service: any ServiceBackend
  ) async -> LoopbackResponse {
    guard let requestId else { return await service.handle(request, requestId: nil, start: nil) }
    let number = counts[requestId, default: 0] + 1
    counts[requestId] = number
    guard let fault = plans[requestId]?[number] else { return await service.handle(request, requestId: requestId, start: start) }
    struck[requestId, default: [:]][number] = fault
    switch fault {
    case .error(let status):
      return .json(status, fault.errorBody)
    case .crashBeforeForwarding:
      await kill?()
      return .json(500, "{}")  // never read: the process is gone
    case .crashAfterCommit:
      let reply = await service.handle(request, requestId: requestId, start: start)
      await kill?()
      return reply
    case .holdReply:
      let reply = await service.handle(request, requestId: requestId, start: start)
      // The deadline ends the invocation and kills the process; the reply goes nowhere.
      try? await Task.sleep(for: (timeout ?? .seconds(900)) + .seconds(1))
      return reply
    case .holdBeforeForwarding:
      try? await Task.sleep(for: (timeout ?? .seconds(900)) + .seconds(1))
      return .json(504, "{}")  // never read: the deadline has killed the process
    }
  }
}
