import OrderedCollections

/// A story to simulate: the function, its callers, the outside world, the handler and the faults.
///
/// Produced by the YAML loader (`RetryIO.ScenarioLoader`) or built in code by tests; consumed by
/// `Simulator`. Every range check happens in the loader, which knows file positions; the model
/// itself holds already-valid values.
public struct Scenario: Sendable {
  /// The id used on the command line (`create-user`).
  public var name: String
  /// One line for `retryscope list` and the status line.
  public var title: String
  /// What the audience must see, in a sentence or two (the outcome paragraph ends with it).
  public var lesson: String
  /// The talk slide or demo this comes from (`slide 23`, `demo 8`), if any.
  public var source: String?
  /// The seed used when the command line names none.
  public var seed: UInt64
  /// Wall-clock time of the trace origin, in Unix epoch milliseconds (what `clock` reads at t=0).
  public var origin: Milliseconds
  public var function: FunctionConfiguration
  /// The caller's SDK for RequestResponse invocations that name none of their own.
  public var client: ClientConfiguration
  public var tables: [TableDefinition]
  public var endpoints: [EndpointDefinition]
  /// SQS queues a real handler sends to (`world.queues`).
  public var queues: [OutboundQueue] = []
  public var handler: Handler
  /// A real program instead of steps (`retryscope exec`); `handler` is then empty.
  public var exec: ExecHandler? = nil
  /// Other handlers for the same story (`variants:` in the file), in file order.
  public var variants: [HandlerVariant]
  /// The variant whose handler this scenario now runs for every execution, after
  /// `applyingVariant(named:)`; nil: the scenario's own handler.
  public var variant: String? = nil
  public var invocations: [InvocationDefinition]
  public var schedules: [ScheduleDefinition]
  public var faults: [Fault]
  public var throttles: [Throttle]
  public var duplicateDeliveries: [DuplicateDelivery]
  /// Writes by someone else (another service, a user) at fixed times: the "state mutated by others"
  /// of slide 26.
  public var externalWrites: [ExternalWrite]
  /// The event source mapping that polls an SQS queue or a stream and invokes the function with
  /// batches of `records`.
  public var eventSource: EventSourceMapping?
  /// The messages or stream records the event source delivers.
  public var records: [SourceRecord]
  /// Settings that change part-way through the run: what forks in the terminal UI switch for the
  /// future of a run (`F`), in the order they were made (a fork of a fork adds one). Not a
  /// scenario file key; empty for every loaded scenario. `changed(_:at:)` reads them.
  public var settingsChanges: [SettingsChange] = []
  /// What the file says that AWS accepts but advises against (`ScenarioWarning`), in file order.
  /// Not a file key; set by the loader, shown by the commands, never read by the simulator.
  public var warnings: [ScenarioWarning] = []

  public init(
    name: String, title: String = "", lesson: String = "", source: String? = nil, seed: UInt64 = 1,
    origin: Milliseconds = Scenario.defaultOrigin, function: FunctionConfiguration = .init(),
    client: ClientConfiguration = .preset(.boto3Standard), tables: [TableDefinition] = [],
    endpoints: [EndpointDefinition] = [], handler: Handler = .init(steps: []), variants: [HandlerVariant] = [],
    invocations: [InvocationDefinition] = [], schedules: [ScheduleDefinition] = [], faults: [Fault] = [],
    throttles: [Throttle] = [], duplicateDeliveries: [DuplicateDelivery] = [], externalWrites: [ExternalWrite] = [],
    eventSource: EventSourceMapping? = nil, records: [SourceRecord] = []
  ) {
    self.name = name
    self.title = title
    self.lesson = lesson
    self.source = source
    self.seed = seed
    self.origin = origin
    self.function = function
    self.client = client
    self.tables = tables
    self.endpoints = endpoints
    self.handler = handler
    self.variants = variants
    self.invocations = invocations
    self.schedules = schedules
    self.faults = faults
    self.throttles = throttles
    self.duplicateDeliveries = duplicateDeliveries
    self.externalWrites = externalWrites
    self.eventSource = eventSource
    self.records = records
  }

  /// 2019-09-20T09:00:00Z, the morning of the talk at ServerlessDays Zurich: a fixed, readable origin.
  public static let defaultOrigin: Milliseconds = 1_568_970_000_000
}

/// How one logical event reaches the function.
public enum InvocationType: String, Sendable, Hashable, CaseIterable {
  /// Synchronous: the caller waits for the response (`InvocationType=RequestResponse`).
  case requestResponse = "RequestResponse"
  /// Asynchronous: Lambda queues the event and answers 202 (`InvocationType=Event`).
  case event = "Event"
  /// Imported logs that do not say how the function was invoked: a function's logs show the same
  /// request id starting again only for Lambda's async retries, and nothing at all for a request
  /// that ran once. Never in a scenario: `allCases` leaves it out, so scenario files cannot name it.
  case unknown = "unknown"

  /// The types a scenario may use.
  public static var allCases: [InvocationType] { [.requestResponse, .event] }
}

/// One logical event: what a caller asks for once, however many executions it leads to.
public struct InvocationDefinition: Sendable {
  /// Lane name: `A`, `B`, or a schedule's `tick-1`.
  public var id: String
  public var type: InvocationType
  /// When the caller invokes, from the trace origin.
  public var at: Milliseconds
  public var payload: Value
  /// The SDK that makes a RequestResponse call; nil uses the scenario's `client`.
  public var client: ClientConfiguration?
  /// A label for the lane (`status update 1 of user alice`).
  public var label: String?

  public init(
    id: String, type: InvocationType, at: Milliseconds = 0, payload: Value = .map([:]),
    client: ClientConfiguration? = nil, label: String? = nil
  ) {
    self.id = id
    self.type = type
    self.at = at
    self.payload = payload
    self.client = client
    self.label = label
  }
}

/// An EventBridge rule that fires Event invokes on a schedule (`rate(5 minutes)`, `cron(...)`).
public struct ScheduleDefinition: Sendable {
  /// Prefix of the invocation ids it creates (`tick` gives `tick-1`, `tick-2`, ...).
  public var id: String
  public var expression: ScheduleExpression
  /// How many times it fires in the simulation.
  public var count: Int
  /// Extra fields merged into the `detail` of the scheduled event.
  public var detail: Value
  /// How long after its scheduled time each firing reaches Lambda, drawn per firing. EventBridge
  /// "doesn't provide second-level precision": a scheduled rule runs within its minute, "not on
  /// the precise 0th second", while the event's `time` names the scheduled minute. How the delay
  /// spreads over the minute is not documented: 0-59 s, evenly, is our configurable choice.
  /// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
  public var firingDelay: DelayRange

  /// The default `firingDelay`: anywhere within the scheduled minute.
  public static let withinTheMinute = DelayRange(0, 59_000)

  public init(
    id: String, expression: ScheduleExpression, count: Int, detail: Value = .map([:]),
    firingDelay: DelayRange = ScheduleDefinition.withinTheMinute
  ) {
    self.id = id
    self.expression = expression
    self.count = count
    self.detail = detail
    self.firingDelay = firingDelay
  }
}

/// New values of settings from a moment on: decisions Lambda or the client make after `from`
/// (a retry decision when an attempt ends, a client's retry when a request fails) use them, and
/// executions that start after `from` run the handler variant; earlier ones keep the scenario's,
/// so the run's past stays exactly as it was.
public struct SettingsChange: Sendable, Hashable {
  /// Decisions made strictly after this time use the new values.
  public var from: Milliseconds
  /// `MaximumRetryAttempts` of async invocations.
  public var maximumRetryAttempts: Int?
  /// The SDK client's `maxAttempts` (requests in all, the first included).
  public var clientMaxAttempts: Int?
  /// The name of one of the scenario's variants: executions that start strictly after `from` run
  /// its handler, executions already running finish the one they started with. A handler is
  /// picked when an execution starts, as Lambda runs a request on the code it was invoked with. A
  /// name that is no variant's (the fork menu uses the empty name; variant names are kebab-case)
  /// runs the scenario's own handler: a later fork switching back from an earlier one's variant.
  public var handlerVariant: String?

  public init(
    from: Milliseconds, maximumRetryAttempts: Int? = nil, clientMaxAttempts: Int? = nil, handlerVariant: String? = nil
  ) {
    self.from = from
    self.maximumRetryAttempts = maximumRetryAttempts
    self.clientMaxAttempts = clientMaxAttempts
    self.handlerVariant = handlerVariant
  }
}
