import HeapModule

/// Runs a scenario and returns its trace. Pure and deterministic: the same scenario and seed give
/// the same trace, byte for byte, on every machine.
///
/// The simulation is a discrete-event loop over integer milliseconds. Events are ordered by time,
/// then by the order they were scheduled, so ties never depend on a hash or a heap's whim.
public struct Simulator: Sendable {
  public var scenario: Scenario
  public var seed: UInt64

  /// - Parameter seed: overrides the scenario's own seed.
  public init(scenario: Scenario, seed: UInt64? = nil) {
    self.scenario = scenario
    self.seed = seed ?? scenario.seed
  }

  public func run() -> Trace {
    let run = SimulationRun(scenario: scenario, seed: seed)
    return run.execute()
  }
}

/// Something the event loop will do at a given time.
enum SimulationEvent {
  /// A caller invokes (index into `invocations`).
  case invoke(Int)
  /// The client sends request number `request` (1-based) of a RequestResponse invocation.
  case clientRequest(invocation: Int, request: Int)
  /// The async queue hands delivery chain `chain` of an Event invocation to the function.
  case asyncDelivery(invocation: Int, chain: Int)
  /// The client's read timeout for a request fires.
  case clientReadTimeout(invocation: Int, request: Int)
  /// The client receives a throttle or service error for a request.
  case clientRejected(invocation: Int, request: Int)
  /// An execution continues with its next step.
  case continueExecution(Int)
  /// An in-flight call of an execution reaches its service.
  case serviceCall(Int)
  /// An execution's function timeout.
  case functionTimeout(Int)
  /// Someone else writes to a table (index into `scenario.externalWrites`).
  case externalWrite(Int)
}

/// An event with its place in the queue.
struct ScheduledEvent: Comparable {
  var time: Milliseconds
  var sequence: Int
  var event: SimulationEvent

  static func < (lhs: ScheduledEvent, rhs: ScheduledEvent) -> Bool {
    (lhs.time, lhs.sequence) < (rhs.time, rhs.sequence)
  }

  static func == (lhs: ScheduledEvent, rhs: ScheduledEvent) -> Bool {
    lhs.time == rhs.time && lhs.sequence == rhs.sequence
  }
}

/// The mutable state of one simulation. A class so that the many small handlers can share it
/// without threading `inout` through every call; it never escapes `Simulator.run()`.
final class SimulationRun {
  let scenario: Scenario
  let seed: UInt64
  var queue = Heap<ScheduledEvent>()
  var sequence = 0
  var now: Milliseconds = 0

  /// One generator per purpose, so that adding a draw of one kind does not shift the others.
  var delayRandom: SplitMix64
  var faultRandom: SplitMix64
  var idRandom: SplitMix64
  var duplicateRandom: SplitMix64
  var handlerRandom: SplitMix64
  var serviceRandom: SplitMix64

  var invocations: [InvocationState] = []
  var executions: [ExecutionState] = []
  var world: WorldState
  var running = 0
  var trace: Trace
  /// First mutating effect per (invocation, step path): what later executions duplicate.
  var firstMutation: [MutationKey: Int] = [:]
  /// Step names to their labels, for faults `before:` / `after:`.
  let handlerSteps: [Step]

  init(scenario: Scenario, seed: UInt64) {
    self.scenario = scenario
    self.seed = seed
    delayRandom = SplitMix64(seed: seed, stream: "delays")
    faultRandom = SplitMix64(seed: seed, stream: "faults")
    idRandom = SplitMix64(seed: seed, stream: "ids")
    duplicateRandom = SplitMix64(seed: seed, stream: "duplicates")
    handlerRandom = SplitMix64(seed: seed, stream: "handler")
    serviceRandom = SplitMix64(seed: seed, stream: "services")
    world = WorldState(tables: scenario.tables, endpoints: scenario.endpoints)
    handlerSteps = scenario.handler.steps
    trace = Trace(
      meta: TraceMeta(
        source: "scenario", scenario: scenario.name, title: scenario.title, lesson: scenario.lesson, seed: seed,
        origin: scenario.origin, functionName: scenario.function.functionName,
        functionTimeout: scenario.function.timeout))
  }

  func execute() -> Trace {
    setUpInvocations()
    for (index, write) in scenario.externalWrites.enumerated() {
      schedule(.externalWrite(index), at: write.at)
    }
    while let next = queue.popMin() {
      now = next.time
      handle(next.event)
    }
    finishTrace()
    return trace
  }

  func schedule(_ event: SimulationEvent, at time: Milliseconds) {
    sequence += 1
    queue.insert(ScheduledEvent(time: max(time, now), sequence: sequence, event: event))
  }

  func record(_ kind: TraceEvent.Kind, invocation: String? = nil, attempt: Int? = nil, effect: Int? = nil,
              wait: Int? = nil, outcome: Int? = nil, note: String? = nil) {
    trace.events.append(
      TraceEvent(time: now, kind: kind, invocation: invocation, attempt: attempt, effect: effect, wait: wait,
                 outcome: outcome, note: note))
  }

  func handle(_ event: SimulationEvent) {
    switch event {
    case .invoke(let index): invoke(index)
    case .clientRequest(let invocation, let request): sendClientRequest(invocation, request: request)
    case .clientRejected(let invocation, let request): clientRejected(invocation, request: request)
    case .clientReadTimeout(let invocation, let request): clientReadTimeout(invocation, request: request)
    case .asyncDelivery(let invocation, let chain): deliver(invocation, chain: chain)
    case .continueExecution(let execution): continueExecution(execution)
    case .serviceCall(let execution): performServiceCall(execution)
    case .functionTimeout(let execution): functionTimedOut(execution)
    case .externalWrite(let index): performExternalWrite(index)
    }
  }

  /// A fresh request id (a version-4 UUID from the ids stream).
  func newRequestId() -> String { idRandom.uuid() }

  func finishTrace() {
    // Executions still running cannot exist (every one has a timeout), but be explicit if they do.
    for execution in executions where execution.isRunning {
      trace.attempts[execution.attemptIndex].end = now
      trace.attempts[execution.attemptIndex].outcome = .running
    }
    trace.world = world.snapshot()
  }
}

/// Identifies "the same side effect" of one event: the handler step that made it.
struct MutationKey: Hashable {
  var invocation: Int
  var stepPath: String
}
