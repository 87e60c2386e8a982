/// One way a run can go: faults at chosen step boundaries of chosen executions, extra
/// deliveries of an event, and an invocation moved in time so that its steps interleave
/// differently with the others'. The empty schedule is the exactly-once run.
public struct CheckSchedule: Hashable, Sendable, Comparable, CustomStringConvertible {
  public enum FaultKind: String, Hashable, Sendable, CaseIterable {
    case error, timeout, crash
  }

  /// Where a fault strikes: before a modelled handler's step, or at a real program's call
  /// (`retryscope check` of an `exec:` handler, whose only points RetryScope can see are the
  /// calls it serves: `ExternalFault`).
  public enum Place: Int, Hashable, Sendable {
    /// Just before the step-th step (a handler of steps).
    case beforeStep
    /// When the program's step-th call arrives, before the service does it: an error reply, a
    /// crash (the process killed), or a timeout (the call held past the deadline).
    case beforeCall
    /// After the service did the program's step-th call (the write committed): a crash before
    /// the reply, or a timeout (the reply held past the deadline).
    case afterCall
  }

  /// A fault just before the `step`-th step execution `attempt` of `unit` runs (`step` one past
  /// the last: just before it returns), or at its `step`-th call (`place`). `unit` is an
  /// invocation, or an event source's record.
  public struct PlannedFault: Hashable, Sendable, Comparable {
    public var unit: String
    public var attempt: Int
    public var step: Int
    public var kind: FaultKind
    public var place: Place = .beforeStep

    public static func < (lhs: PlannedFault, rhs: PlannedFault) -> Bool {
      (lhs.unit, lhs.attempt, lhs.step, lhs.kind.rawValue, lhs.place.rawValue)
        < (rhs.unit, rhs.attempt, rhs.step, rhs.kind.rawValue, rhs.place.rawValue)
    }

    /// The order the search adds faults in: attempt (delivery) number first. An execution is
    /// there because of failures of lower-numbered ones (a retry, a redelivered batch), never of
    /// higher ones, so every set of faults is still reached, once, instead of once per order.
    public func comesBefore(_ other: PlannedFault) -> Bool {
      (attempt, unit, step, kind.rawValue, place.rawValue)
        < (other.attempt, other.unit, other.step, other.kind.rawValue, other.place.rawValue)
    }

    /// `A#1 crash before step 2`; at a program's call `A#1 crash after call 2`, `A#1 error reply
    /// (HTTP 500) to call 1`.
    public var description: String {
      switch place {
      case .beforeStep: "\(unit)#\(attempt) \(kind.rawValue) before step \(step)"
      case .beforeCall where kind == .error: "\(unit)#\(attempt) error reply (HTTP 500) to call \(step)"
      case .beforeCall: "\(unit)#\(attempt) \(kind.rawValue) before call \(step)"
      case .afterCall: "\(unit)#\(attempt) \(kind.rawValue) after call \(step)"
      }
    }

    /// The faults a program's call can take, in the order the search tries them: an error reply
    /// (500: `ExternalFault`'s status for a type that is not a throttle), a timeout before the
    /// service does the call and after, a crash (SIGKILL) before and after. An error after the
    /// call is not among them: the server's error reply stands for a call not done.
    public static let atCall: [(FaultKind, Place)] = [
      (.error, .beforeCall), (.timeout, .beforeCall), (.timeout, .afterCall), (.crash, .beforeCall), (.crash, .afterCall),
    ]
  }

  /// The async queue delivers `invocation`'s event again, `after` ms after its first delivery.
  public struct PlannedDuplicate: Hashable, Sendable, Comparable {
    public var invocation: String
    public var after: Milliseconds

    public static func < (lhs: PlannedDuplicate, rhs: PlannedDuplicate) -> Bool {
      (lhs.invocation, lhs.after) < (rhs.invocation, rhs.after)
    }
  }

  /// The client of RequestResponse invocation `invocation` gives up on each request `after` ms
  /// after sending it and retries as its SDK does: a new Invoke beside the execution still
  /// running ("client retries for RequestResponse").
  public struct PlannedClientTimeout: Hashable, Sendable, Comparable {
    public var invocation: String
    public var after: Milliseconds

    public static func < (lhs: PlannedClientTimeout, rhs: PlannedClientTimeout) -> Bool {
      (lhs.invocation, lhs.after) < (rhs.invocation, rhs.after)
    }
  }

  /// `invocation` is invoked at `at` instead of its own time.
  public struct Shift: Hashable, Sendable {
    public var invocation: String
    public var at: Milliseconds
  }

  public var faults: [PlannedFault] = []
  public var duplicates: [PlannedDuplicate] = []
  public var clientTimeouts: [PlannedClientTimeout] = []
  public var shift: Shift?

  public init(
    faults: [PlannedFault] = [], duplicates: [PlannedDuplicate] = [], clientTimeouts: [PlannedClientTimeout] = [],
    shift: Shift? = nil
  ) {
    self.faults = faults.sorted()
    self.duplicates = duplicates.sorted()
    self.clientTimeouts = clientTimeouts.sorted()
    self.shift = shift
  }

  /// How far from exactly-once it is: faults, duplicate deliveries and client retries (a shift
  /// is an order the scenario allows, not a fault).
  public var size: Int { faults.count + duplicates.count + clientTimeouts.count }

  /// Duplicate deliveries and client retries: the changes that run an event once more.
  public var repeatCount: Int { duplicates.count + clientTimeouts.count }

  public static func < (lhs: CheckSchedule, rhs: CheckSchedule) -> Bool {
    lhs.size != rhs.size ? lhs.size < rhs.size : lhs.description < rhs.description
  }

  public func adding(_ fault: PlannedFault) -> CheckSchedule {
    CheckSchedule(faults: faults + [fault], duplicates: duplicates, clientTimeouts: clientTimeouts, shift: shift)
  }

  public func adding(_ duplicate: PlannedDuplicate) -> CheckSchedule {
    CheckSchedule(faults: faults, duplicates: duplicates + [duplicate], clientTimeouts: clientTimeouts, shift: shift)
  }

  public func adding(_ timeout: PlannedClientTimeout) -> CheckSchedule {
    CheckSchedule(faults: faults, duplicates: duplicates, clientTimeouts: clientTimeouts + [timeout], shift: shift)
  }

  /// `A#1 crash before step 2; A delivered again after 1.000s; B invoked at 0.350s`.
  public var description: String {
    var parts: [String] = []
    for fault in faults { parts.append(fault.description) }
    for duplicate in duplicates {
      parts.append("\(duplicate.invocation) delivered again after \(DurationText.offset(duplicate.after))")
    }
    for timeout in clientTimeouts {
      parts.append("\(timeout.invocation)'s client times out after \(DurationText.offset(timeout.after)) and retries")
    }
    if let shift { parts.append("\(shift.invocation) invoked at \(DurationText.offset(shift.at))") }
    // Empty: the scenario's own run, a counterexample only when its configuration alone
    // delivers an event again (`IdempotenceChecker.exactlyOnce`).
    return parts.isEmpty ? "the scenario as configured, with no fault" : parts.joined(separator: "; ")
  }

  /// The scenario with this schedule applied to `base` (a scenario stripped of its own faults).
  func apply(to base: Scenario) -> Scenario {
    var scenario = base
    scenario.faults = faults.map { fault in
      let kind: Fault.Kind
      switch fault.kind {
      case .error: kind = .error(type: "InjectedFault", message: "retryscope check: an error before step \(fault.step)")
      case .timeout: kind = .timeout
      case .crash: kind = .crash
      }
      // At a program's call, the points `ExternalFault` reads: `before: call k`, `after: call k`.
      let point: Fault.Point
      switch fault.place {
      case .beforeStep: point = .beforeStep(fault.step)
      case .beforeCall: point = .before("call \(fault.step)")
      case .afterCall: point = .after("call \(fault.step)")
      }
      return Fault(invocation: fault.unit, attempt: fault.attempt, point: point, kind: kind)
    }
    scenario.duplicateDeliveries = duplicates.map { DuplicateDelivery(invocation: $0.invocation, after: $0.after) }
    for timeout in clientTimeouts {
      guard let index = scenario.invocations.firstIndex(where: { $0.id == timeout.invocation }) else { continue }
      var client = scenario.invocations[index].client ?? scenario.client
      client.readTimeout = timeout.after
      scenario.invocations[index].client = client
    }
    if let shift, let index = scenario.invocations.firstIndex(where: { $0.id == shift.invocation }) {
      scenario.invocations[index].at = shift.at
    }
    return scenario
  }
}
