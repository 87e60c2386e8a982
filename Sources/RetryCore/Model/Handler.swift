/// The function's code, as a list of steps the simulator interprets one at a time, so that other
/// invocations and writers can interleave between any two steps.
public struct Handler: Sendable {
  public var steps: [Step]

  public init(steps: [Step]) { self.steps = steps }

  /// Every step, both branches of each `if` included: what `validate` reports, and the bound of
  /// the step boundaries `retryscope check` places faults at.
  public var stepCount: Int { Self.count(steps) }

  private static func count(_ steps: [Step]) -> Int {
    steps.reduce(0) { total, step in
      if case .branch(_, let then, let otherwise) = step.action { return total + 1 + count(then) + count(otherwise) }
      return total + 1
    }
  }
}

/// One statement of a handler.
public struct Step: Sendable {
  /// A name for faults (`after: post-to-slack`) and captions.
  public var name: String?
  /// Stores the step's result under this name for later templates (`${user.id}`).
  public var resultName: String?
  /// Overrides the default latency of the step's kind.
  public var duration: Milliseconds?
  public var action: StepAction
  /// Where the step is written in the scenario file.
  public var location: SourceLocation?

  public init(name: String? = nil, resultName: String? = nil, duration: Milliseconds? = nil, action: StepAction, location: SourceLocation? = nil) {
    self.name = name
    self.resultName = resultName
    self.duration = duration
    self.action = action
    self.location = location
  }

  /// The label faults and captions use: the step's name, else its kind.
  public var label: String { name ?? action.kindName }
}

/// What a step does.
public indirect enum StepAction: Sendable {
  /// DynamoDB GetItem: the result is the item, or `missing`.
  case getItem(table: String, key: Template)
  /// DynamoDB PutItem, optionally conditional.
  case putItem(table: String, item: Template, condition: ConditionalWrite?)
  /// DynamoDB UpdateItem with a `SET` expression (`if_not_exists`, `+`, `-`), optionally conditional.
  case updateItem(table: String, key: Template, update: UpdateExpression, condition: ConditionalWrite?, values: [String: Template], names: [String: String])
  /// DynamoDB DeleteItem, optionally conditional.
  case deleteItem(table: String, key: Template, condition: ConditionalWrite?)
  /// HTTP POST of `body` to a named endpoint.
  case post(endpoint: String, body: Template, onError: ErrorPolicy)
  /// Makes a random version-4 UUID (seeded).
  case uuid
  /// Reads the system clock: the ISO-8601 time of the moment the step runs.
  case now
  /// Spends time without touching anything (work, a slow dependency).
  case compute
  /// Writes a line to the function's log.
  case log(Template)
  /// Throws an error: the attempt ends as a function error.
  case fail(errorType: String, message: Template)
  /// Ends the handler with a response.
  case respond(Template)
  /// Runs `then` or `otherwise` by the last step's result.
  case branch(BranchCondition, then: [Step], otherwise: [Step])

  /// The step's kind as the scenario file spells it.
  public var kindName: String {
    switch self {
    case .getItem: "get"
    case .putItem: "put"
    case .updateItem: "update"
    case .deleteItem: "delete"
    case .post: "post"
    case .uuid: "uuid"
    case .now: "now"
    case .compute: "compute"
    case .log: "log"
    case .fail: "throw"
    case .respond: "return"
    case .branch: "if"
    }
  }
}

/// A DynamoDB `ConditionExpression` with its placeholders.
public struct ConditionalWrite: Sendable {
  public var expression: ConditionExpression
  /// The expression's text as written, for captions.
  public var text: String
  /// `ExpressionAttributeValues` (`:now`), as templates over the event and earlier results.
  public var values: [String: Template]
  /// `ExpressionAttributeNames` (`#ts` -> `timestamp`).
  public var names: [String: String]
  /// What a failed condition does: throw `ConditionalCheckFailedException` (the SDK's behaviour,
  /// a function error) or continue with the result `conditionFailed` (the handler caught it).
  public var onConditionFailed: ErrorPolicy

  public init(expression: ConditionExpression, text: String, values: [String: Template] = [:], names: [String: String] = [:], onConditionFailed: ErrorPolicy = .throw) {
    self.expression = expression
    self.text = text
    self.values = values
    self.names = names
    self.onConditionFailed = onConditionFailed
  }
}

/// Whether an error from a call ends the attempt or is caught and left for an `if` to look at.
public enum ErrorPolicy: String, Sendable, Hashable, CaseIterable {
  case `throw`
  case `continue`
}

/// What an `if` step tests: the result of the step just before it.
public enum BranchCondition: String, Sendable, Hashable, CaseIterable {
  /// The last `get` found no item.
  case missing
  /// The last `get` found an item.
  case found
  /// The last conditional write was rejected (`ConditionalCheckFailedException`).
  case conditionFailed
  /// The last call returned an error (`post` with `onError: continue`).
  case failed
  /// The last call succeeded.
  case succeeded
}

/// A position in a scenario file, for error messages.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}
