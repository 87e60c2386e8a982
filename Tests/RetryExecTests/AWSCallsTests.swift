import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// Real python3 processes calling DynamoDB and SQS with boto3 at AWS_ENDPOINT_URL: what boto3
/// gets back, and the effects the simulator records.
@Suite(.serialized) struct AWSCallsTests {
  /// Runs `source`'s `handler` for one Event invocation (faults as given) and returns the trace.
  static func run(
    _ source: String, tables: [TableDefinition] = [], queues: [OutboundQueue] = [], faults: [Fault] = [],
    payload: Value = ["mail": "ada@example.com"], seed: UInt64 = 3
  ) async throws -> Trace {
    try await PythonRuntimeTests.withCode(source) { code in
      var scenario = Scenario(
        name: "aws-calls", seed: seed, tables: tables, endpoints: [], handler: Handler(steps: []),
        invocations: [InvocationDefinition(id: "A", type: .event, payload: payload)], faults: faults)
      scenario.queues = queues
      let configured = scenario
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code, functionName: "aws-calls"), endpoints: [])
      let trace = await program.run { Simulator(scenario: configured).run(external: program) }
      #expect(program.setupError == nil)
      return trace
    }
  }

  static func executions(_ trace: Trace) -> [TraceAttempt] { trace.attempts.filter { $0.outcome != .throttled } }

  /// The talk's create-user (slide 23): a fresh uuid per execution, a crash after the put, the
  /// async retry puts a second user for the same mail, marked a duplicate.
  @Test func createUserWithBoto3PutsTwoUsersUnderAnAsyncRetry() async throws {
    let trace = try await Self.run(
      """
      import uuid, boto3
      db = boto3.client("dynamodb")
      def handler(event, context):
          u = str(uuid.uuid4())
          db.put_item(TableName="users", Item={"id": {"S": u}, "mail": {"S": event["mail"]}})
          return {"id": u}
      """, tables: [TableDefinition(name: "users", partitionKey: "id")],
      faults: [Fault(invocation: "A", attempt: 1, point: .after("call 1"), kind: .crash)])
    #expect(Self.executions(trace).map(\.outcome) == [.crash, .success])
    #expect(trace.effects.map(\.kind) == [.insert, .insert])
    #expect(trace.effects.map(\.step) == ["call 1", "call 1"])
    #expect(trace.effects[1].duplicateOf == 0)
    #expect(trace.effects.map { $0.after?["mail"] } == ["ada@example.com", "ada@example.com"])
    #expect(trace.effects[0].key != trace.effects[1].key)
    #expect(Self.executions(trace)[1].response?["id"].map { "id=" + $0.displayText } == trace.effects[1].key)
  }

  /// The fix: a conditional put on the mail, its ConditionalCheckFailedException caught; the
  /// error carries the existing item (ReturnValuesOnConditionCheckFailure=ALL_OLD).
  @Test func theConditionalPutOnTheMailKeepsOneUser() async throws {
    let trace = try await Self.run(
      """
      import uuid, boto3
      db = boto3.client("dynamodb")
      def handler(event, context):
          u = str(uuid.uuid4())
          try:
              db.put_item(TableName="users", Item={"mail": {"S": event["mail"]}, "id": {"S": u}},
                          ConditionExpression="attribute_not_exists(mail)",
                          ReturnValuesOnConditionCheckFailure="ALL_OLD")
          except db.exceptions.ConditionalCheckFailedException as e:
              return {"id": e.response["Item"]["id"]["S"], "code": e.response["Error"]["Code"],
                      "message": e.response["Error"]["Message"],
                      "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
          return {"id": u}
      """, tables: [TableDefinition(name: "users", partitionKey: "mail")],
      faults: [Fault(invocation: "A", attempt: 1, point: .after("call 1"), kind: .crash)])
    let executions = Self.executions(trace)
    #expect(executions.map(\.outcome) == [.crash, .success])
    #expect(trace.effects.map(\.kind) == [.insert, .skip])
    #expect(trace.effects.allSatisfy { $0.duplicateOf == nil })
    #expect(trace.effects[1].detail == "condition failed: attribute_not_exists(mail)")
    let firstId = try #require(trace.effects[0].after?["id"])
    #expect(
      executions[1].response
        == [
          "id": firstId, "code": "ConditionalCheckFailedException", "message": "The conditional request failed",
          "status": 400,
        ])
  }

  /// UpdateItem with ADD and SET and each ReturnValues, Query in sort key order, GetItem of a
  /// missing key, a cancelled TransactWriteItems (nothing written), sets and binary round trips.
  @Test func updateQueryGetAndTransactionsAnswerAsDynamoDBDoes() async throws {
    let trace = try await Self.run(
      """
      import boto3
      db = boto3.client("dynamodb")
      def handler(event, context):
          out = {}
          r = db.update_item(TableName="counters", Key={"id": {"S": "visits"}},
                             UpdateExpression="ADD n :one SET #l = :label",
                             ExpressionAttributeNames={"#l": "label"},
                             ExpressionAttributeValues={":one": {"N": "1"}, ":label": {"S": "home"}},
                             ReturnValues="UPDATED_NEW")
          out["first"] = r["Attributes"]
          r = db.update_item(TableName="counters", Key={"id": {"S": "visits"}}, UpdateExpression="ADD n :two",
                             ExpressionAttributeValues={":two": {"N": "2"}}, ReturnValues="ALL_OLD")
          out["old"] = r["Attributes"]
          q = db.query(TableName="orders", KeyConditionExpression="customer = :c AND #no > :from",
                       ExpressionAttributeNames={"#no": "no"},
                       ExpressionAttributeValues={":c": {"S": "ada"}, ":from": {"N": "1"}}, ScanIndexForward=False)
          out["query"] = [item["no"]["N"] for item in q["Items"]]
          out["count"] = [q["Count"], q["ScannedCount"]]
          g = db.get_item(TableName="counters", Key={"id": {"S": "nothing"}}, ConsistentRead=True)
          out["missing"] = "Item" not in g
          try:
              db.transact_write_items(TransactItems=[
                  {"Put": {"TableName": "counters", "Item": {"id": {"S": "t1"}}}},
                  {"ConditionCheck": {"TableName": "counters", "Key": {"id": {"S": "visits"}},
                                      "ConditionExpression": "n > :big", "ExpressionAttributeValues": {":big": {"N": "10"}},
                                      "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
              out["transaction"] = "committed"
          except db.exceptions.TransactionCanceledException as e:
              reasons = e.response["CancellationReasons"]
              out["transaction"] = [r["Code"] for r in reasons]
              out["transactionItem"] = reasons[1]["Item"]["n"]
          out["afterCancel"] = "Item" in db.get_item(TableName="counters", Key={"id": {"S": "t1"}})
          out["projected"] = db.get_item(TableName="counters", Key={"id": {"S": "visits"}}, ProjectionExpression="#n",
                                         ExpressionAttributeNames={"#n": "n"})["Item"]
          db.put_item(TableName="counters", Item={"id": {"S": "typed"}, "tags": {"SS": ["a", "b"]},
                      "sizes": {"NS": ["1", "2.5"]}, "raw": {"B": b"\\x00\\x01"}, "nothing": {"NULL": True},
                      "deep": {"M": {"l": {"L": [{"N": "7"}, {"BOOL": False}]}}}})
          typed = db.get_item(TableName="counters", Key={"id": {"S": "typed"}})["Item"]
          out["typed"] = {"tags": sorted(typed["tags"]["SS"]), "sizes": sorted(typed["sizes"]["NS"]),
                          "raw": list(typed["raw"]["B"]), "nothing": typed["nothing"], "deep": typed["deep"]}
          db.update_item(TableName="counters", Key={"id": {"S": "typed"}}, UpdateExpression="ADD tags :c DELETE sizes :one",
                         ExpressionAttributeValues={":c": {"SS": ["c"]}, ":one": {"NS": ["1"]}})
          typed = db.get_item(TableName="counters", Key={"id": {"S": "typed"}})["Item"]
          out["sets"] = [sorted(typed["tags"]["SS"]), typed["sizes"]["NS"]]
          return out
      """,
      tables: [
        TableDefinition(name: "counters", partitionKey: "id"),
        TableDefinition(
          name: "orders", partitionKey: "customer", sortKey: "no",
          items: [["customer": "ada", "no": 1], ["customer": "ada", "no": 2], ["customer": "ada", "no": 3], ["customer": "bob", "no": 5]]),
      ])
    let executions = Self.executions(trace)
    #expect(executions.map(\.outcome) == [.success])
    let response = try #require(executions.first?.response)
    #expect(response["first"] == ["n": ["N": "1"], "label": ["S": "home"]])
    // SET is applied before ADD: the new item's attributes in that order.
    #expect(response["old"] == ["id": ["S": "visits"], "label": ["S": "home"], "n": ["N": "1"]])
    #expect(response["query"] == ["3", "2"])
    #expect(response["count"] == [2, 2])
    #expect(response["missing"] == true)
    #expect(response["transaction"] == ["None", "ConditionalCheckFailed"])
    #expect(response["transactionItem"] == ["N": "3"])
    #expect(response["afterCancel"] == false)
    #expect(response["projected"] == ["n": ["N": "3"]])
    #expect(
      response["typed"]
        == [
          "tags": ["a", "b"], "sizes": ["1", "2.5"], "raw": [0, 1], "nothing": ["NULL": true],
          "deep": ["M": ["l": ["L": [["N": "7"], ["BOOL": false]]]]],
        ])
    #expect(response["sets"] == [["a", "b", "c"], ["2.5"]])
    // The ledger: two updates of one counter, a read per item the query returned, the missing
    // read, the cancelled transaction's skip (and the read that finds its put did not happen),
    // the typed put and its reads and update.
    #expect(
      trace.effects.map(\.kind)
        == [.insert, .update, .read, .read, .read, .skip, .read, .read, .insert, .read, .update, .read])
    #expect(trace.effects[1].after == ["id": "visits", "label": "home", "n": 3])
    #expect(trace.effects[1].version == 2)
    #expect(trace.effects[2].key == "customer=ada,no=3")
    #expect(trace.effects[4].detail == "missing")
    #expect(trace.effects[5].detail == "condition failed: n > :big (transaction cancelled)")
    #expect(trace.effects[6].detail == "missing")
    // The projection shapes the answer; the read effect keeps the whole item the handler read.
    #expect(trace.effects[7].after == ["id": "visits", "label": "home", "n": 3])
    #expect(trace.effects[8].after?["tags"] == .dynamoSet("SS", ["a", "b"]))
    #expect(trace.effects[8].after?["raw"] == .dynamoBinary(base64: "AAE="))
    #expect(trace.effects[10].after?["sizes"] == .dynamoSet("NS", [.double(2.5)]))
  }

  /// Errors in DynamoDB's JSON shape: an unknown table, an unknown operation, an unused value,
  /// a key that is not the schema's, and a table's injected throughput failure (boto3 retries
  /// it: each attempt is a call the table saw).
  @Test func errorsHaveDynamoDBsTypesAndStatuses() async throws {
    let trace = try await Self.run(
      """
      import boto3
      from botocore.config import Config
      db = boto3.client("dynamodb", config=Config(retries={"mode": "standard", "total_max_attempts": 2}))
      def error(call):
          try:
              call()
              return "no error"
          except db.exceptions.ClientError as e:
              return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
      def handler(event, context):
          return {
              "table": error(lambda: db.get_item(TableName="nope", Key={"id": {"S": "x"}})),
              "scan": error(lambda: db.scan(TableName="users")),
              "unused": error(lambda: db.put_item(TableName="users", Item={"id": {"S": "x"}},
                                                  ExpressionAttributeValues={":v": {"S": "y"}})),
              "key": error(lambda: db.get_item(TableName="users", Key={"mail": {"S": "x"}})),
              "throttled": error(lambda: db.put_item(TableName="users", Item={"id": {"S": "t"}})),
              "keyCondition": error(lambda: db.query(TableName="users", KeyConditionExpression="mail = :m",
                                                     ExpressionAttributeValues={":m": {"S": "x"}})),
              "orCondition": error(lambda: db.query(TableName="users", KeyConditionExpression="id = :a OR id = :b",
                                                    ExpressionAttributeValues={":a": {"S": "x"}, ":b": {"S": "y"}})),
          }
      """,
      tables: [
        TableDefinition(
          name: "users", partitionKey: "id",
          writeFailures: ServiceFailures(requests: [1, 2], error: "ProvisionedThroughputExceededException"))
      ])
    let response = try #require(Self.executions(trace).first?.response)
    #expect(response["table"] == ["ResourceNotFoundException", "Requested resource not found: Table: nope not found", 400])
    #expect(
      response["scan"]
        == [
          "UnknownOperationException",
          "RetryScope serves PutItem, GetItem, UpdateItem, DeleteItem, Query, TransactWriteItems, not Scan", 400,
        ])
    #expect(response["unused"] == ["ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}", 400])
    #expect(response["key"] == ["ValidationException", "The provided key element does not match the schema", 400])
    #expect(
      response["throttled"]
        == ["ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException writing to users", 400])
    #expect(response["keyCondition"] == ["ValidationException", "Query condition missed key schema element: id", 400])
    #expect(response["orCondition"] == ["ValidationException", "Query key condition not supported", 400])
    #expect(trace.effects.map(\.kind) == [.rejected, .rejected])
    #expect(trace.effects.map(\.step) == ["call 5", "call 6"])
  }

  /// SQS: sends to a standard queue are each a `send`, the retry's a duplicate; a FIFO queue
  /// drops a repeated MessageDeduplicationId (a `deduplicated` effect, no mutation), answering
  /// with the first message's id; boto3 checks MD5OfMessageBody and MD5OfMessageAttributes.
  @Test func sqsSendsAreEffectsAndFIFOQueuesDropRepeatedDeduplicationIds() async throws {
    let trace = try await Self.run(
      """
      import boto3
      sqs = boto3.client("sqs")
      def handler(event, context):
          url = sqs.get_queue_url(QueueName="notifications")["QueueUrl"]
          fifo = sqs.get_queue_url(QueueName="orders.fifo")["QueueUrl"]
          a = sqs.send_message(QueueUrl=url, MessageBody="welcome " + event["mail"],
                               MessageAttributes={"kind": {"DataType": "String", "StringValue": "welcome"},
                                                  "raw": {"DataType": "Binary", "BinaryValue": b"\\x01\\x02"}})
          b = sqs.send_message(QueueUrl=fifo, MessageBody="order 1", MessageGroupId="ada",
                               MessageDeduplicationId=context.aws_request_id)
          return {"url": url, "standard": a["MessageId"], "fifo": b["MessageId"], "sequence": b["SequenceNumber"]}
      """,
      queues: [OutboundQueue(name: "notifications"), OutboundQueue(name: "orders.fifo", fifo: true)],
      faults: [Fault(invocation: "A", attempt: 1, point: .after("call 4"), kind: .crash)])
    let executions = Self.executions(trace)
    #expect(executions.map(\.outcome) == [.crash, .success])
    #expect(trace.effects.map(\.kind) == [.send, .send, .send, .deduplicated])
    #expect(trace.effects.map(\.target) == ["notifications", "orders.fifo", "notifications", "orders.fifo"])
    #expect(trace.effects.map(\.duplicateOf) == [nil, nil, 0, nil])
    #expect(trace.effects[0].after == "welcome ada@example.com")
    let requestId = executions[0].requestId
    #expect(trace.effects[1].key == "SendMessage dedup=\(requestId)")
    #expect(
      trace.effects[3].detail
        == "dropped: MessageDeduplicationId \(requestId) was accepted \(DurationText.short(trace.effects[3].time - trace.effects[1].time)) earlier, within SQS's 5-minute deduplication interval")
    let response = try #require(executions[1].response)
    #expect(response["url"] == "https://sqs.us-east-1.amazonaws.com/123456789012/notifications")
    // The FIFO answer repeats the first message's id; the standard send got a new one.
    let firstFIFO = try #require(trace.effects[1].detail?.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
    #expect(response["fifo"] == .string(firstFIFO))
    #expect(response["sequence"] == "10000000000000000001")
    #expect(trace.effects[2].detail == "MessageId \(response["standard"]?.displayText ?? "")")
  }

  @Test func fifoErrorsAndUnknownQueues() async throws {
    let trace = try await Self.run(
      """
      import boto3
      sqs = boto3.client("sqs")
      def error(call):
          try:
              call()
              return "no error"
          except sqs.exceptions.ClientError as e:
              return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
      def handler(event, context):
          fifo = "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo"
          return {
              "missing": error(lambda: sqs.get_queue_url(QueueName="nope")),
              "group": error(lambda: sqs.send_message(QueueUrl=fifo, MessageBody="x")),
              "dedup": error(lambda: sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g")),
          }
      """, queues: [OutboundQueue(name: "orders.fifo", fifo: true)])
    let response = try #require(Self.executions(trace).first?.response)
    #expect(response["missing"] == ["AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."])
    #expect(response["group"] == ["MissingParameter", "The request must contain the parameter MessageGroupId."])
    #expect(
      response["dedup"]
        == [
          "InvalidParameterValue",
          "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        ])
    #expect(trace.effects.isEmpty)
  }

  /// RFC 1321's test suite (appendix A.5).
  @Test func md5MatchesRFC1321() {
    let vectors = [
      ("", "d41d8cd98f00b204e9800998ecf8427e"),
      ("a", "0cc175b9c0f1b6a831c399e269772661"),
      ("abc", "900150983cd24fb0d6963f7d28e17f72"),
      ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
      ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
      ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
      (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ]
    for (input, digest) in vectors { #expect(MD5.hex(Array(input.utf8)) == digest) }
  }
}
