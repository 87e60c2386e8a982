import Foundation
import RetryCore

/// SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`, `application/x-amz-json-1.0`),
/// which boto3 1.43 and the JavaScript SDK v3 speak: SendMessage and GetQueueUrl.
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
enum SQSJSONProtocol {
  static let targetPrefix = "AmazonSQS."
  static let operations = ["SendMessage", "GetQueueUrl"]

  struct Refusal: Error {
    var type: String
    var message: String
  }

  /// The request, and what the reply needs that the simulator does not see (the checksums of
  /// what was sent).
  static func request(operation: String, body: Value) -> (ExternalRequest, Checksums?) {
    do throws(Refusal) {
      guard operations.contains(operation) else {
        throw Refusal(type: "UnknownOperationException", message: "RetryScope serves \(operations.joined(separator: ", ")), not \(operation)")
      }
      guard case .map(let fields) = body else { throw Refusal(type: "SerializationException", message: "the body is not a JSON object") }
      if operation == "GetQueueUrl" {
        guard case .string(let name)? = fields["QueueName"] else { throw missing("QueueName") }
        return (.queue(.getQueueURL(name: name)), nil)
      }
      guard case .string(let url)? = fields["QueueUrl"] else { throw missing("QueueUrl") }
      guard case .string(let text)? = fields["MessageBody"], !text.isEmpty else { throw missing("MessageBody") }
      let queue = String(url.split(separator: "/").last ?? "")
      let message = QueueMessage(
        queue: queue, body: text, groupId: fields["MessageGroupId"]?.text, deduplicationId: fields["MessageDeduplicationId"]?.text)
      var checksums = Checksums(body: MD5.hex(Array(text.utf8)), attributes: nil)
      if let attributes = fields["MessageAttributes"] {
        checksums.attributes = try attributesDigest(attributes)
      }
      return (.queue(.sendMessage(message)), checksums)
    } catch {
      return (.refused(status: 400, errorType: error.type, message: error.message), nil)
    }
  }

  static func missing(_ name: String) -> Refusal {
    Refusal(type: "MissingParameter", message: "The request must contain the parameter \(name).")
  }

  struct Checksums {
    var body: String
    var attributes: String?
  }

  /// `MD5OfMessageAttributes`: each attribute, by name in order, as its name, data type,
  /// transport type (1 string or number, 2 binary) and value, lengths 4-byte big-endian.
  /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
  static func attributesDigest(_ attributes: Value) throws(Refusal) -> String {
    guard case .map(let fields) = attributes else {
      throw Refusal(type: "InvalidParameterValue", message: "MessageAttributes must be a map")
    }
    var bytes: [UInt8] = []
    func append(_ part: [UInt8]) {
      let count = UInt32(part.count)
      bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
      bytes += part
    }
    for name in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
      guard case .string(let type)? = fields[name]?["DataType"] else {
        throw Refusal(type: "InvalidParameterValue", message: "The message attribute '\(name)' must contain a non-empty attribute type.")
      }
      append(Array(name.utf8))
      append(Array(type.utf8))
      if type.hasPrefix("Binary") {
        guard case .string(let base64)? = fields[name]?["BinaryValue"], let data = Data(base64Encoded: base64) else {
          throw Refusal(type: "InvalidParameterValue", message: "The message attribute '\(name)' with type 'Binary' must use field 'Binary'.")
        }
        bytes.append(2)
        append(Array(data))
      } else {
        guard case .string(let value)? = fields[name]?["StringValue"] else {
          throw Refusal(type: "InvalidParameterValue", message: "The message attribute '\(name)' with type '\(type)' must use field 'String'.")
        }
        bytes.append(1)
        append(Array(value.utf8))
      }
    }
    return MD5.hex(bytes)
  }

  // MARK: - Replies

  /// The reply: `MessageId`, `MD5OfMessageBody` (and `SequenceNumber` for FIFO), `QueueUrl`, or
  /// an error. SQS's JSON errors carry the query protocol's code too, in `x-amzn-query-error`,
  /// which boto3 reports as the error code (`AWS.SimpleQueueService.NonExistentQueue`).
  static func response(_ reply: ExternalReply, checksums: Checksums?) -> LoopbackResponse {
    var body: Item = [:]
    var headers: [(name: String, value: String)] = [("Content-Type", DynamoJSONProtocol.contentType)]
    switch reply.body {
    case .messageSent(let messageId, let sequenceNumber):
      body["MessageId"] = .string(messageId)
      if let checksums {
        body["MD5OfMessageBody"] = .string(checksums.body)
        if let attributes = checksums.attributes { body["MD5OfMessageAttributes"] = .string(attributes) }
      }
      if let sequenceNumber { body["SequenceNumber"] = .string(sequenceNumber) }
    case .queueURL(let url):
      body["QueueUrl"] = .string(url)
    case .error(let type, let message, _):
      let shortName = type == "AWS.SimpleQueueService.NonExistentQueue" ? "QueueDoesNotExist" : type
      body["__type"] = .string("com.amazonaws.sqs#" + shortName)
      body["message"] = .string(message)
      headers.append(("x-amzn-query-error", "\(type);\(reply.status >= 500 ? "Receiver" : "Sender")"))
    default:
      break
    }
    return LoopbackResponse(status: reply.status, headers: headers, body: Array(JSONText.compact(.map(body)).utf8))
  }
}
