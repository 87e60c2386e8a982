/// One execution of the handler: where it is in its steps and what it has computed.
struct ExecutionState {
  var invocation: Int
  /// Index into `Trace.attempts`.
  var attemptIndex: Int
  var attemptNumber: Int
  var requestId: String
  var origin: ExecutionOrigin
  var start: Milliseconds
  var isRunning = true
  /// The handler's call stack of step lists (an `if` pushes its branch).
  var frames: [Frame]
  var variables: [String: Value] = [:]
  var last: StepResult = .none
  /// Steps started so far (what `Fault.Point.beforeStep` counts).
  var executedSteps = 0
  /// The call in flight to a table or endpoint, and its result once the service answered.
  var pending: PendingCall?
  /// The step that just finished, for `after:` faults.
  var completedStep: Step?

}

enum ExecutionOrigin {
  case client(request: Int)
  case async(chain: Int)
}

struct Frame {
  var steps: [Step]
  var next: Int
  /// Path of the enclosing step (`3.then.`), so that each step has a stable identity.
  var pathPrefix: String
}

/// A call to a table or endpoint, evaluated when the step starts and applied when the request
/// reaches the service (half-way through the call's latency).
struct PendingCall {
  var step: Step
  var path: String
  var startedAt: Milliseconds
  var request: ServiceRequest
  var result: StepResult?
}

/// A call with every template already evaluated.
enum ServiceRequest {
  case get(table: String, key: Value)
  case put(table: String, item: Value, condition: ResolvedCondition?)
  case update(table: String, key: Value, update: UpdateExpression, values: [String: Value], names: [String: String], condition: ResolvedCondition?)
  case delete(table: String, key: Value, condition: ResolvedCondition?)
  case post(endpoint: String, body: Value, onError: ErrorPolicy)
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
