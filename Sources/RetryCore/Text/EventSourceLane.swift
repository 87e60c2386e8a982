/// What kind of event source consumer a lane is (`TraceInvocation.eventSource`): for the views'
/// lane labels, type columns and captions.
public enum EventSourceLane: String, Sendable, Hashable {
  case kinesis = "Kinesis"
  case dynamodb = "DynamoDB Streams"
  case sqs = "SQS"
  case sqsFIFO = "SQS FIFO"

  /// A word for a narrow gutter: `Kinesis`, `DDB`, `SQS`, `FIFO`.
  public var short: String {
    switch self {
    case .kinesis: "Kinesis"
    case .dynamodb: "DDB"
    case .sqs: "SQS"
    case .sqsFIFO: "FIFO"
    }
  }

  public var isStream: Bool { self == .kinesis || self == .dynamodb }
  public var isQueue: Bool { !isStream }
}

/// Record ids for one line: all of them when few, else the first ones, the last and the count
/// (`r1 r2 r3`, `r1 r2 r3 … r40 (40)`).
public enum RecordList {
  public static func text(_ records: [String], limit: Int = 5) -> String {
    guard records.count > limit else { return records.joined(separator: " ") }
    return records.prefix(max(1, limit - 2)).joined(separator: " ") + " … \(records[records.count - 1]) (\(records.count))"
  }
}
