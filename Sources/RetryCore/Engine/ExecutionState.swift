/// One execution of the handler: where it is in its steps and what it has computed.
///
/// A class, held by index in `SimulationRun.executions` and released (set to nil) once it has
/// finished and has no call in flight, so that a million-invocation run keeps only live ones.
final class ExecutionState {
  let invocation: InvocationState
  /// Index into `Trace.attempts`.
  let attemptIndex: Int
  let attemptNumber: Int
  let requestId: String
  let origin: ExecutionOrigin
  let start: Milliseconds
  /// The handler's top-level steps, picked when the execution started (`SimulationRun.handler(startingAt:)`);
  /// a batch runs them again for each record.
  let handler: [CompiledStep]
  var isRunning = true
  /// The handler's call stack of step lists (an `if` pushes its branch).
  var frames: SmallList<Frame>
  var variables: [String: Value] = [:]
  var last: StepResult = .none
  /// Steps started so far (what `Fault.Point.beforeStep` counts).
  var executedSteps = 0
  /// The highest `beforeStep(k)` point this execution (in a batch: this record's run) reached,
  /// for `SimulationRun.faultPoints`.
  var reachedPoint = 0
  /// The call in flight to a table or endpoint, and its result once the service answered.
  var pending: PendingCall?
  /// An event source batch: the handler runs once per record.
  var batch: BatchRun?
  /// The step that just finished, for `after:` faults.
  var completedStep: CompiledStep?
  /// A real program's outcome (`ExternalHandler`), kept until its measured end comes.
  var externalOutcome: ExternalOutcome?

  init(invocation: InvocationState, attemptIndex: Int, attemptNumber: Int, requestId: String, origin: ExecutionOrigin,
       start: Milliseconds, handler: [CompiledStep]) {
    self.invocation = invocation
    self.attemptIndex = attemptIndex
    self.attemptNumber = attemptNumber
    self.requestId = requestId
    self.origin = origin
    self.start = start
    self.handler = handler
    self.frames = SmallList(Frame(steps: handler, next: 0))
  }

  /// `A#2`: built once, on the first effect, rather than interpolated for each one.
  private(set) lazy var label: String = invocation.id + "#" + String(attemptNumber)
}

/// How an execution ended, for the caller's side: what it needs of the `TraceAttempt`, without
/// copying the whole attempt (and retaining its request id and strings) out of the trace.
struct AttemptEnd {
  var outcome: AttemptOutcome
  var start: Milliseconds
  var end: Milliseconds
  var response: Value?
  var errorType: String?
  var errorMessage: String?
}

enum ExecutionOrigin {
  case client(request: Int)
  case async(chain: Int)
  case eventSource(batch: Int)
}

struct Frame {
  var steps: [CompiledStep]
  var next: Int
}

/// A handler step with what the simulator precomputes once per run rather than once per execution:
/// its path (the identity duplicates are matched by), its branches, and the faults aimed at it.
final class CompiledStep {
  let step: Step
  /// `3.then.1`: the first step of the `then` branch of top-level step 3.
  let path: String
  /// A small integer standing for `path`, for cheap hashing.
  let pathID: Int
  let then: [CompiledStep]
  let otherwise: [CompiledStep]
  /// The position in the world's tables of the table a get, put, update or delete step names, or
  /// nil (no table step, or no such table). Resolved once per run: the tables never change, and
  /// looking the name up on every call hashed it each time.
  var tableIndex: Int?
  /// Indexes into `scenario.faults` of the faults `before:` / `after:` this step's name.
  var faultsBefore: [Int] = []
  var faultsAfter: [Int] = []

  init(step: Step, path: String, pathID: Int, then: [CompiledStep], otherwise: [CompiledStep]) {
    self.step = step
    self.path = path
    self.pathID = pathID
    self.then = then
    self.otherwise = otherwise
  }

  /// Compiles a list of steps, numbering paths depth-first. A named step found in `sharing`
  /// takes that `pathID` (the same step of another handler); every other step a new one.
  static func compile(_ steps: [Step], prefix: String = "", counter: inout Int, sharing: [String: Int] = [:]) -> [CompiledStep] {
    steps.enumerated().map { offset, step in
      let path = prefix + String(offset + 1)
      let id: Int
      if let name = step.name, let shared = sharing[name] {
        id = shared
      } else {
        counter += 1
        id = counter
      }
      var then: [CompiledStep] = []
      var otherwise: [CompiledStep] = []
      if case .branch(_, let thenSteps, let elseSteps) = step.action {
        then = compile(thenSteps, prefix: path + ".then.", counter: &counter, sharing: sharing)
        otherwise = compile(elseSteps, prefix: path + ".else.", counter: &counter, sharing: sharing)
      }
      return CompiledStep(step: step, path: path, pathID: id, then: then, otherwise: otherwise)
    }
  }

  /// Every step of the tree, depth-first.
  static func flatten(_ steps: [CompiledStep]) -> [CompiledStep] {
    steps.flatMap { [$0] + flatten($0.then) + flatten($0.otherwise) }
  }
}

/// A call to a table or endpoint, evaluated when the step starts and applied when the request
/// reaches the service (half-way through the call's latency).
struct PendingCall {
  var step: CompiledStep
  /// What the call asks; taken (nil) once it has reached its service, which is all that reads it.
  var request: ServiceRequest?
  var result: StepResult?
}

/// A call with every template already evaluated.
enum ServiceRequest {
  case get(table: Int, key: Value)
  case put(table: Int, item: Value, condition: ResolvedCondition?)
  case update(table: Int, key: Value, update: UpdateExpression, values: [String: Value], names: [String: String], condition: ResolvedCondition?)
  case delete(table: Int, key: Value, condition: ResolvedCondition?)
  case post(endpoint: Int, body: Value, onError: ErrorPolicy)
  /// A table or an endpoint the scenario does not declare (the loader prevents it; code may not).
  case unknownTable(String)
  case unknownEndpoint(String)
}

struct ResolvedCondition {
  var expression: ConditionExpression
  var text: String
  var values: [String: Value]
  var names: [String: String]
  var onConditionFailed: ErrorPolicy
}

/// What the last step produced, for `if` and `${last}`.
enum StepResult {
  case none
  case value(Value)
  case item(Value)
  case missing
  case conditionFailed
  case failed(errorType: String, message: String, policy: ErrorPolicy)

  var value: Value {
    switch self {
    case .none, .missing, .conditionFailed: .null
    case .value(let value), .item(let value): value
    case .failed(let type, let message, _): .map(["errorType": .string(type), "errorMessage": .string(message)])
    }
  }

  func satisfies(_ condition: BranchCondition) -> Bool {
    switch (condition, self) {
    case (.missing, .missing): true
    case (.found, .item): true
    case (.conditionFailed, .conditionFailed): true
    case (.failed, .failed): true
    case (.succeeded, .failed), (.succeeded, .conditionFailed): false
    case (.succeeded, _): true
    default: false
    }
  }
}

/// The records of an event source batch as one execution works through them: the handler's
/// steps run once per record, in order, with `record` bound to it.
struct BatchRun {
  let batch: Int
  /// Indexes into the event source's records, and each as the handler sees it.
  let records: [Int]
  let values: [Value]
  /// Each record's delivery number in this batch (its receive count when the batch started):
  /// what faults name the record's run by. Not the record's count when a fault is looked up:
  /// a queue can deliver the record again while this batch still runs, and a fault aimed at
  /// that later delivery struck this execution too.
  let deliveries: [Int]
  var position = 0
  /// Records whose processing threw, with `ReportBatchItemFailures` (reported, not fatal).
  var failed: [Int] = []

  init(batch: Int, records: [Int], values: [Value], deliveries: [Int]) {
    self.batch = batch
    self.records = records
    self.values = values
    self.deliveries = deliveries
  }

  var current: Value { values[position] }
  var currentRecord: Int { records[position] }
  /// The current record's delivery number in this batch.
  var currentDelivery: Int { deliveries[position] }
  /// The batch as the handler's `event`: `{"Records": [...]}`.
  var event: Value { .map(["Records": .list(values)]) }
}
