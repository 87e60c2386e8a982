/// What happened: the one model the simulator and log importers produce and every view consumes.
///
/// Times are integer milliseconds from `meta.origin`. Arrays are in the order things happened;
/// indexes into `attempts` and `effects` are stable identifiers (`TraceEffect.duplicateOf`).
public struct Trace: Sendable {
  public var meta: TraceMeta
  public var invocations: [TraceInvocation]
  public var attempts: [TraceAttempt]
  public var waits: [TraceWait]
  public var effects: [TraceEffect]
  public var outcomes: [TraceOutcome]
  /// The story step by step, in time order: what a player steps through.
  public var events: [TraceEvent]
  /// The outside world at the end of the run.
  public var world: WorldSnapshot

  public init(
    meta: TraceMeta, invocations: [TraceInvocation] = [], attempts: [TraceAttempt] = [], waits: [TraceWait] = [],
    effects: [TraceEffect] = [], outcomes: [TraceOutcome] = [], events: [TraceEvent] = [], world: WorldSnapshot = .init()
  ) {
    self.meta = meta
    self.invocations = invocations
    self.attempts = attempts
    self.waits = waits
    self.effects = effects
    self.outcomes = outcomes
    self.events = events
    self.world = world
  }

  /// The attempts of one invocation, in order.
  public func attempts(of invocation: String) -> [TraceAttempt] {
    attempts.filter { $0.invocation == invocation }
  }

  /// The effects that repeat an earlier effect of the same event.
  public var duplicateEffects: [TraceEffect] {
    effects.filter { $0.duplicateOf != nil }
  }

  /// The time of the last thing that happened.
  public var end: Milliseconds {
    events.last?.time ?? 0
  }
}

/// Where a trace came from.
public struct TraceMeta: Sendable, Hashable {
  /// `scenario` for simulations, `import` for logs.
  public var source: String
  public var scenario: String
  public var title: String
  public var lesson: String
  public var seed: UInt64?
  /// Unix epoch milliseconds of time 0.
  public var origin: Milliseconds
  public var functionName: String
  public var functionTimeout: Milliseconds?

  public init(
    source: String, scenario: String, title: String = "", lesson: String = "", seed: UInt64? = nil,
    origin: Milliseconds = 0, functionName: String = "", functionTimeout: Milliseconds? = nil
  ) {
    self.source = source
    self.scenario = scenario
    self.title = title
    self.lesson = lesson
    self.seed = seed
    self.origin = origin
    self.functionName = functionName
    self.functionTimeout = functionTimeout
  }
}

/// One logical event (a lane on the timeline).
public struct TraceInvocation: Sendable, Hashable {
  public var id: String
  public var type: InvocationType
  /// When the caller first invoked.
  public var at: Milliseconds
  public var payload: Value
  public var label: String?
  /// Who calls: `client boto3-standard`, `EventBridge rule tick`, `caller`.
  public var caller: String

  public init(id: String, type: InvocationType, at: Milliseconds, payload: Value, label: String? = nil, caller: String) {
    self.id = id
    self.type = type
    self.at = at
    self.payload = payload
    self.label = label
    self.caller = caller
  }
}

/// Who started an attempt.
public enum AttemptCaller: String, Sendable, Hashable, CaseIterable {
  /// The caller's SDK (a RequestResponse request, or a retry of one).
  case client
  /// Lambda's async queue: the first delivery or a retry after an error.
  case lambdaAsync = "lambda-async"
  /// Lambda's async queue delivering the event again without any error.
  case duplicateDelivery = "duplicate-delivery"
}

/// How an attempt ended.
public enum AttemptOutcome: String, Sendable, Hashable, CaseIterable {
  /// The handler returned.
  case success
  /// The handler threw (a function error, `FunctionError: Unhandled`).
  case error
  /// Lambda stopped the handler at the function timeout (`Sandbox.Timedout`).
  case timeout
  /// The runtime process died (`Runtime.ExitError`).
  case crash
  /// Lambda rejected the request (429 or 5xx): the function never ran.
  case throttled
  /// Still running at the end of the simulation (never happens in a finished run).
  case running

  /// Whether the handler ran and failed (what Lambda's async retries react to).
  public var isFunctionError: Bool { self == .error || self == .timeout || self == .crash }
}

/// One execution of the handler (or one rejected request, for `throttled`).
public struct TraceAttempt: Sendable, Hashable {
  public var invocation: String
  /// 1-based, counting every attempt of the invocation whoever made it.
  public var number: Int
  public var requestId: String
  public var start: Milliseconds
  public var end: Milliseconds
  public var outcome: AttemptOutcome
  public var caller: AttemptCaller
  /// `errorType` and `errorMessage` for error, timeout, crash and throttled.
  public var errorType: String?
  public var errorMessage: String?
  /// The handler's return value, for success.
  public var response: Value?
  /// The handler's clock at the start of the attempt (Unix epoch ms), beside the event's own time.
  public var clockAtStart: Milliseconds

  public init(
    invocation: String, number: Int, requestId: String, start: Milliseconds, end: Milliseconds,
    outcome: AttemptOutcome, caller: AttemptCaller, errorType: String? = nil, errorMessage: String? = nil,
    response: Value? = nil, clockAtStart: Milliseconds = 0
  ) {
    self.invocation = invocation
    self.number = number
    self.requestId = requestId
    self.start = start
    self.end = end
    self.outcome = outcome
    self.caller = caller
    self.errorType = errorType
    self.errorMessage = errorMessage
    self.response = response
    self.clockAtStart = clockAtStart
  }

  /// `A#2`.
  public var label: String { "\(invocation)#\(number)" }
  public var duration: Milliseconds { end - start }
}

/// Why nothing ran for a while.
public enum WaitReason: String, Sendable, Hashable, CaseIterable {
  /// Lambda's async retry delay after a function error (about 1 min, then about 2 min).
  case retryDelay = "retry-delay"
  /// Lambda's async backoff after a throttle or system error (1 s doubling to 5 min).
  case throttleBackoff = "throttle-backoff"
  /// The caller's SDK backing off before its next attempt.
  case clientBackoff = "client-backoff"
  /// From the 202 to the first delivery.
  case queued
}

/// A gap between two attempts of one invocation.
public struct TraceWait: Sendable, Hashable {
  public var invocation: String
  public var from: Milliseconds
  public var to: Milliseconds
  public var reason: WaitReason
  /// The attempt the wait leads to.
  public var beforeAttempt: Int

  public init(invocation: String, from: Milliseconds, to: Milliseconds, reason: WaitReason, beforeAttempt: Int) {
    self.invocation = invocation
    self.from = from
    self.to = to
    self.reason = reason
    self.beforeAttempt = beforeAttempt
  }

  public var length: Milliseconds { to - from }
}

/// What an effect did to the outside world.
public enum EffectKind: String, Sendable, Hashable, CaseIterable {
  case read
  /// A new item.
  case insert
  /// An existing item changed.
  case update
  /// A write that left the item exactly as it was (an idempotent overwrite).
  case unchanged
  case delete
  /// A conditional write whose condition failed: nothing written.
  case skip
  /// A write the service rejected (throughput exceeded, injected failure).
  case rejected
  /// An HTTP request the endpoint received.
  case post
  /// A line in the function's log.
  case log

  /// Whether the effect changed the outside world (what duplicates are made of).
  public var mutates: Bool {
    switch self {
    case .insert, .update, .delete, .post: true
    case .read, .unchanged, .skip, .rejected, .log: false
    }
  }
}

/// One touch of the outside world.
public struct TraceEffect: Sendable, Hashable {
  public var time: Milliseconds
  /// The invocation, or nil for an external writer.
  public var invocation: String?
  /// `A#2`, or the external actor's name.
  public var actor: String
  /// The table, endpoint or log the effect touched.
  public var target: String
  /// The item key (`mail=y`) or the request (`POST https://...`).
  public var key: String
  public var before: Value?
  public var after: Value?
  /// The handler step that made it (`insert-user`, `3:put`).
  public var step: String?
  /// Extra detail: the failed condition, the status code, the log line.
  public var detail: String?
  public var kind: EffectKind
  // The three numbers are stored as Int32 with -1 for "none", next to `kind`, as `TraceEvent`
  // does: a run of a million invocations records a million effects, and this makes each one
  // 168 bytes instead of 208.
  private var attemptStorage: Int32
  private var versionStorage: Int32
  private var duplicateOfStorage: Int32

  /// The attempt number within the invocation, or nil for an external writer.
  public var attempt: Int? {
    get { CompactIndex.read(attemptStorage) }
    set { attemptStorage = CompactIndex.store(newValue) }
  }
  /// The item's version after a table write (1 for a new item), the request's number at an endpoint.
  public var version: Int? {
    get { CompactIndex.read(versionStorage) }
    set { versionStorage = CompactIndex.store(newValue) }
  }
  /// Index in `Trace.effects` of the first effect this one repeats, for the same event.
  public var duplicateOf: Int? {
    get { CompactIndex.read(duplicateOfStorage) }
    set { duplicateOfStorage = CompactIndex.store(newValue) }
  }

  public init(
    time: Milliseconds, invocation: String?, attempt: Int?, actor: String, target: String, kind: EffectKind,
    key: String, before: Value? = nil, after: Value? = nil, step: String? = nil, detail: String? = nil,
    version: Int? = nil, duplicateOf: Int? = nil
  ) {
    self.time = time
    self.invocation = invocation
    self.actor = actor
    self.target = target
    self.key = key
    self.before = before
    self.after = after
    self.step = step
    self.detail = detail
    self.kind = kind
    attemptStorage = CompactIndex.store(attempt)
    versionStorage = CompactIndex.store(version)
    duplicateOfStorage = CompactIndex.store(duplicateOf)
  }
}

/// How an invocation ended for its caller or for the event.
public struct TraceOutcome: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// RequestResponse: the caller got a response (200, maybe with `FunctionError: Unhandled`).
    case response
    /// RequestResponse: the caller gave up (read timeout, throttled, 504 from API Gateway).
    case clientError = "client-error"
    /// Event: an attempt succeeded.
    case succeeded
    /// Event: sent to the dead letter queue (the raw event plus `RequestID`, `ErrorCode`, `ErrorMessage`).
    case deadLetterQueue = "dlq"
    /// Event: the invocation record went to the on-failure destination.
    case onFailure
    /// Event: the invocation record went to the on-success destination.
    case onSuccess
    /// Event: failed with neither a DLQ nor an on-failure destination: gone.
    case dropped
  }

  public var invocation: String
  public var kind: Kind
  public var time: Milliseconds
  /// `ReadTimeoutError`, `RetriesExhausted`, `EventAgeExceeded`, ...
  public var reason: String?
  /// The HTTP status the caller saw (200, 202, 429, 504).
  public var statusCode: Int?
  /// `Unhandled` when the function failed.
  public var functionError: String?
  /// The response payload, DLQ message or destination record.
  public var payload: Value?
  /// How many attempts the event had (`approximateInvokeCount`).
  public var attempts: Int
  /// The DLQ or destination it went to.
  public var target: String?

  public init(
    invocation: String, kind: Kind, time: Milliseconds, reason: String? = nil, statusCode: Int? = nil,
    functionError: String? = nil, payload: Value? = nil, attempts: Int, target: String? = nil
  ) {
    self.invocation = invocation
    self.kind = kind
    self.time = time
    self.reason = reason
    self.statusCode = statusCode
    self.functionError = functionError
    self.payload = payload
    self.attempts = attempts
    self.target = target
  }

  /// Whether the event's work is lost (DLQ, destination, dropped, or the caller gave up).
  public var isFailure: Bool {
    switch kind {
    case .succeeded, .onSuccess: false
    case .response: functionError != nil
    case .clientError, .deadLetterQueue, .onFailure, .dropped: true
    }
  }
}

/// The final state of the tables and endpoints.
public struct WorldSnapshot: Sendable, Hashable {
  public struct Table: Sendable, Hashable {
    public var name: String
    public var keyAttributes: [String]
    public var items: [Item]
    public init(name: String, keyAttributes: [String], items: [Item]) {
      self.name = name
      self.keyAttributes = keyAttributes
      self.items = items
    }
  }
  public struct Endpoint: Sendable, Hashable {
    public var name: String
    public var url: String
    /// Every request the endpoint received, in order: the body and who sent it.
    public var requests: [Request]
    public init(name: String, url: String, requests: [Request]) {
      self.name = name
      self.url = url
      self.requests = requests
    }
  }
  public struct Request: Sendable, Hashable {
    public var time: Milliseconds
    public var actor: String
    public var body: Value
    public var statusCode: Int
    public init(time: Milliseconds, actor: String, body: Value, statusCode: Int) {
      self.time = time
      self.actor = actor
      self.body = body
      self.statusCode = statusCode
    }
  }

  public var tables: [Table]
  public var endpoints: [Endpoint]

  public init(tables: [Table] = [], endpoints: [Endpoint] = []) {
    self.tables = tables
    self.endpoints = endpoints
  }
}
