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

  /// Runs the scenario with a real program as its handler: every execution is the program's
  /// (`ExternalHandler`), everything around it the simulator's.
  public func run(external: ExternalHandler) -> Trace {
    let run = SimulationRun(scenario: scenario, seed: seed)
    external.startRun()
    run.external = external
    return run.execute()
  }

  /// The trace, and how far each execution got: `unit#number` (an invocation and attempt, or a
  /// record and delivery) → the highest `beforeStep(k)` point it reached. A fault before a later
  /// step could not have struck; `retryscope check` does not try it. With a real program
  /// (`external`), the number of calls each execution made: its fault points.
  public func runNotingFaultPoints(external: ExternalHandler? = nil) -> (trace: Trace, faultPoints: [String: Int]) {
    let run = SimulationRun(scenario: scenario, seed: seed)
    run.faultPoints = [:]
    if let external {
      external.startRun()
      run.external = external
    }
    let trace = run.execute()
    return (trace, run.faultPoints ?? [:])
  }
}

/// Something the event loop will do at a given time.
enum SimulationEvent {
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
  /// A message or stream record arrives (index into the event source's records).
  case recordArrived(Int)
  /// An event source consumer looks for a batch.
  case sourcePoll(Int)
  /// An SQS message's visibility timeout ends.
  case messageVisible(Int)
  /// The event source mapping delivers a record once more (at-least-once pollers).
  case recordRedelivered(Int)
  /// The mapping invokes a throttled batch again (index into the event source's batches).
  case batchRetry(Int)
  /// An async event reaches its maximum age while it waits for a retry.
  case eventExpired(invocation: Int, chain: Int, errorCode: Int, functionFailed: Bool)
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
  var queue: EventQueue
  var sequence = 0
  var now: Milliseconds = 0

  /// One generator per purpose, so that adding a draw of one kind does not shift the others.
  var delayRandom: SplitMix64
  var faultRandom: SplitMix64
  var idRandom: SplitMix64
  var duplicateRandom: SplitMix64
  var handlerRandom: SplitMix64
  var serviceRandom: SplitMix64
  /// SQS message ids.
  var messageRandom: SplitMix64

  var invocations: [InvocationState] = []
  /// Executions by number; nil once finished (and no call of theirs is in flight).
  var executions: [ExecutionState?] = []
  var world: WorldState
  /// The event source mapping, when the scenario has one.
  var eventSource: EventSourceState?
  /// How many of `invocations` callers invoke (the rest are event source lanes).
  var invokedByCallers = 0
  var running = 0
  var trace: Trace
  /// The real program that runs every execution instead of the steps (`retryscope exec`).
  var external: ExternalHandler?
  /// The k-th call of a real program, as a step: what its effects name and duplicates match by.
  var externalSteps: [Int: CompiledStep] = [:]
  /// When the next invocation arrives (fed from its list, not the queue); nil when none is left.
  var nextArrival: Milliseconds?
  /// The handler, compiled once: step paths, branches and the faults aimed at each step.
  let compiledSteps: [CompiledStep]
  /// The handler variants settings changes switch to, by name, compiled the same way (empty
  /// without any). `handler(startingAt:)` picks one.
  let variantSteps: [String: [CompiledStep]]
  /// Indexes into `scenario.faults` of the `beforeStep(k)` faults, by k.
  let faultsByStepNumber: [Int: [Int]]
  /// How far each execution got (`Simulator.runNotingFaultPoints`); nil when nobody asked.
  var faultPoints: [String: Int]?
  // Settings read on every event, copied out of the scenario once.
  let asyncModel: AsyncQueueModel
  let invokeConfig: EventInvokeConfig
  let latencies: StepLatencies
  let functionTimeout: Milliseconds

  init(scenario: Scenario, seed: UInt64) {
    self.scenario = scenario
    self.seed = seed
    delayRandom = SplitMix64(seed: seed, stream: "delays")
    faultRandom = SplitMix64(seed: seed, stream: "faults")
    idRandom = SplitMix64(seed: seed, stream: "ids")
    duplicateRandom = SplitMix64(seed: seed, stream: "duplicates")
    handlerRandom = SplitMix64(seed: seed, stream: "handler")
    serviceRandom = SplitMix64(seed: seed, stream: "services")
    messageRandom = SplitMix64(seed: seed, stream: "messages")
    world = WorldState(tables: scenario.tables, endpoints: scenario.endpoints, queues: scenario.queues)
    var counter = 0
    compiledSteps = CompiledStep.compile(scenario.handler.steps, counter: &counter)
    var allSteps = CompiledStep.flatten(compiledSteps)
    // A variant's step with the name of one of the handler's is the same step for duplicates
    // (the same POST made again by a later execution is a duplicate whichever handler made it);
    // its other steps are steps of their own.
    var ids: [String: Int] = [:]
    for step in allSteps { if let name = step.step.name { ids[name] = step.pathID } }
    var variants: [String: [CompiledStep]] = [:]
    for (name, changed) in scenario.changedHandlers {
      let steps = CompiledStep.compile(changed.steps, counter: &counter, sharing: ids)
      variants[name] = steps
      allSteps += CompiledStep.flatten(steps)
    }
    variantSteps = variants
    var byNumber: [Int: [Int]] = [:]
    for (index, fault) in scenario.faults.enumerated() {
      switch fault.point {
      case .beforeStep(let number): byNumber[number, default: []].append(index)
      case .before(let name): for step in allSteps where step.step.name == name { step.faultsBefore.append(index) }
      case .after(let name): for step in allSteps where step.step.name == name { step.faultsAfter.append(index) }
      }
    }
    faultsByStepNumber = byNumber
    for step in allSteps {
      switch step.step.action {
      case .getItem(let table, _), .putItem(let table, _, _), .updateItem(let table, _, _, _, _, _),
        .deleteItem(let table, _, _):
        step.tableIndex = world.tableIndex[table]
      default:
        break
      }
    }
    asyncModel = scenario.function.asyncQueue
    invokeConfig = scenario.function.eventInvokeConfig
    latencies = scenario.function.latencies
    functionTimeout = scenario.function.timeout
    // The delays the engine schedules with on every execution get the queue's cheap lanes.
    queue = EventQueue(fixedDelays: [
      functionTimeout, latencies.invokeOverhead, latencies.dynamodb / 2, latencies.dynamodb, latencies.compute,
      latencies.http / 2, latencies.http,
    ])
    trace = Trace(
      meta: TraceMeta(
        source: "scenario", scenario: scenario.runName, title: scenario.title, lesson: scenario.lesson, seed: seed,
        origin: scenario.origin, functionName: scenario.function.functionName,
        functionTimeout: scenario.function.timeout))
  }

  func execute() -> Trace {
    setUpInvocations()
    invokedByCallers = invocations.count
    setUpEventSource()
    for (index, write) in scenario.externalWrites.enumerated() {
      schedule(.externalWrite(index), at: write.at)
    }
    // Invocations are fed from their time-sorted list rather than all queued up front: the heap
    // then holds only what is in flight (thousands, not millions), so each pop stays in cache.
    // At equal times an invocation goes first, as if it had been scheduled before everything else.
    var nextInvocation = 0
    while true {
      let arrival = nextInvocation < invokedByCallers ? invocations[nextInvocation].at : nil
      nextArrival = arrival
      if let next = queue.popMin(before: arrival) {
        now = next.time
        handle(next.event)
      } else if let arrival {
        now = max(now, arrival)
        invoke(nextInvocation)
        nextInvocation += 1
      } else {
        break
      }
    }
    finishTrace()
    return trace
  }

  func schedule(_ event: SimulationEvent, at time: Milliseconds) {
    sequence += 1
    queue.insert(ScheduledEvent(time: max(time, now), sequence: sequence, event: event), now: now)
  }

  func record(_ kind: TraceEvent.Kind, invocation: String? = nil, attempt: Int? = nil, effect: Int? = nil,
              wait: Int? = nil, outcome: Int? = nil, note: String? = nil) {
    trace.events.append(
      TraceEvent(time: now, kind: kind, invocation: invocation, attempt: attempt, effect: effect, wait: wait,
                 outcome: outcome, note: note))
  }

  func handle(_ event: SimulationEvent) {
    switch event {
    case .clientRequest(let invocation, let request): sendClientRequest(invocation, request: request)
    case .clientRejected(let invocation, let request): clientRejected(invocation, request: request)
    case .clientReadTimeout(let invocation, let request): clientReadTimeout(invocation, request: request)
    case .asyncDelivery(let invocation, let chain): deliver(invocation, chain: chain)
    case .continueExecution(let execution): continueExecution(execution)
    case .serviceCall(let execution): performServiceCall(execution)
    case .functionTimeout(let execution): functionTimedOut(execution)
    case .externalWrite(let index): performExternalWrite(index)
    case .recordArrived(let index): recordArrived(index)
    case .sourcePoll(let consumer): poll(consumer)
    case .messageVisible(let index): messageVisible(index)
    case .recordRedelivered(let index): recordRedelivered(index)
    case .batchRetry(let batch): invokeBatch(batch)
    case .eventExpired(let invocation, let chain, let errorCode, let functionFailed):
      eventExpired(invocation, chain: chain, errorCode: errorCode, functionFailed: functionFailed)
    }
  }

  /// A fresh request id (a version-4 UUID from the ids stream).
  func newRequestId() -> String { idRandom.uuid() }

  /// The handler an execution starting at `time` runs, for its whole life: the variant of the
  /// latest settings change that names one and whose `from` is strictly before `time`, else the
  /// scenario's. The one place the choice is made, so an execution already running keeps its
  /// handler and the run up to `from` is the unchanged scenario's, event for event.
  func handler(startingAt time: Milliseconds) -> [CompiledStep] {
    guard !variantSteps.isEmpty, let name = scenario.changed(\.handlerVariant, at: time), let steps = variantSteps[name]
    else { return compiledSteps }
    return steps
  }

  func finishTrace() {
    // Executions still running cannot exist (every one has a timeout), but be explicit if they do.
    for case let execution? in executions where execution.isRunning {
      trace.attempts[execution.attemptIndex].end = now
      trace.attempts[execution.attemptIndex].outcome = .running
    }
    trace.world = world.snapshot()
  }
}

