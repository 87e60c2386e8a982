/// A DynamoDB table: its key schema and the items it starts with.
public struct TableDefinition: Sendable {
  public var name: String
  /// The partition (HASH) key attribute.
  public var partitionKey: String
  /// The sort (RANGE) key attribute, if the table has one.
  public var sortKey: String?
  public var items: [Item]
  /// Injected write failures (`ProvisionedThroughputExceededException` when capacity runs out).
  public var writeFailures: ServiceFailures

  public init(name: String, partitionKey: String, sortKey: String? = nil, items: [Item] = [], writeFailures: ServiceFailures = .init()) {
    self.name = name
    self.partitionKey = partitionKey
    self.sortKey = sortKey
    self.items = items
    self.writeFailures = writeFailures
  }

  /// The attributes that identify an item, in schema order.
  public var keyAttributes: [String] { [partitionKey] + (sortKey.map { [$0] } ?? []) }
}

/// An HTTP endpoint the handler POSTs to; it records every request it receives.
public struct EndpointDefinition: Sendable {
  public var name: String
  public var url: String
  /// Round-trip time of a request; the endpoint receives it half-way.
  public var latency: Milliseconds?
  public var failures: ServiceFailures

  public init(name: String, url: String, latency: Milliseconds? = nil, failures: ServiceFailures = .init()) {
    self.name = name
    self.url = url
    self.latency = latency
    self.failures = failures
  }
}

/// Which requests to a table or endpoint fail, and how.
public struct ServiceFailures: Sendable {
  /// 1-based numbers of the requests that fail (counted per table or endpoint over the whole run).
  public var requests: Set<Int>
  /// Probability that any other request fails (seeded).
  public var probability: Double
  /// The error the caller sees (`ProvisionedThroughputExceededException`, `HTTP 503`).
  public var error: String
  /// Whether the service applied the request before failing (a lost response): the write happened,
  /// the caller sees an error anyway.
  public var appliedBeforeFailing: Bool

  public init(requests: Set<Int> = [], probability: Double = 0, error: String = "ServiceUnavailable", appliedBeforeFailing: Bool = false) {
    self.requests = requests
    self.probability = probability
    self.error = error
    self.appliedBeforeFailing = appliedBeforeFailing
  }

  public var isEmpty: Bool { requests.isEmpty && probability <= 0 }
}

/// A write to a table by someone other than the function, at a fixed time.
public struct ExternalWrite: Sendable {
  public enum Operation: Sendable {
    case put(Item)
    case delete(Item)
  }
  public var at: Milliseconds
  public var table: String
  public var operation: Operation
  /// Who did it, for the effects panel (`admin`, `another service`).
  public var actor: String

  public init(at: Milliseconds, table: String, operation: Operation, actor: String = "external") {
    self.at = at
    self.table = table
    self.operation = operation
    self.actor = actor
  }
}

/// An SQS queue a handler sends messages to (`world: queues:` in a scenario). Only sending is
/// modelled: the queue is where the handler's messages leave the function.
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html
public struct OutboundQueue: Sendable {
  /// The queue's name; a FIFO queue's ends with `.fifo`, as SQS requires.
  public var name: String
  public var fifo: Bool
  /// A FIFO queue's `ContentBasedDeduplication`: a message without a deduplication id is
  /// deduplicated by its body.
  public var contentBasedDeduplication: Bool
  /// Injected failures of SendMessage.
  public var failures: ServiceFailures

  public init(name: String, fifo: Bool = false, contentBasedDeduplication: Bool = false, failures: ServiceFailures = .init()) {
    self.name = name
    self.fifo = fifo
    self.contentBasedDeduplication = contentBasedDeduplication
    self.failures = failures
  }

  /// The queue's URL (SQS's form, with the account the function's ARN uses).
  public func url(host: String = "sqs.us-east-1.amazonaws.com") -> String { "https://\(host)/123456789012/\(name)" }
}
