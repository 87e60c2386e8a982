// A small DynamoDB client, in the shape of the AWS SDK for JavaScript v3's `DynamoDB` class
// (@aws-sdk/client-dynamodb): `await db.putItem({TableName, Item, ConditionExpression, ...})`
// with typed AttributeValues ({S: "..."}, {N: "1"}), the output as the service sends it, and
// errors thrown with the name of their `__type` (`ConditionalCheckFailedException`), their
// other members (`Item` with ReturnValuesOnConditionCheckFailure), `$fault` and `$metadata`.
//
// Why it is here and not the SDK: this repository's examples run with node's built-in modules
// only (no npm registry is reachable where RetryScope is built and tested). With the SDK, the
// handlers would import `DynamoDB` from "@aws-sdk/client-dynamodb" instead and run unchanged.
//
// What it does not do: sign requests (SigV4). It talks only to an endpoint given in
// AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL (RetryScope sets AWS_ENDPOINT_URL for every
// handler it runs), and refuses to run without one, so it can never reach a real account.
//
// The wire format (JSON 1.0: POST /, X-Amz-Target: DynamoDB_20120810.<Operation>,
// Content-Type: application/x-amz-json-1.0):
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
// Errors (`{"__type": "com.amazonaws.dynamodb.v20120810#...", "message": "..."}`), and which of
// them are worth retrying:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
// Retries as the SDK's default "standard" mode: 3 attempts, exponential backoff with full jitter
// (100 ms base, 500 ms for throttling, at most 20 s):
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html

const THROTTLING = new Set([
  "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
  "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "ThrottledException",
  "SlowDown", "TransactionInProgressException",
]);
const TRANSIENT = new Set(["RequestTimeout", "RequestTimeoutException", "InternalServerError", "InternalFailure"]);

export class DynamoDB {
  constructor({ endpoint, maxAttempts = 3 } = {}) {
    this.endpoint = endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB ?? process.env.AWS_ENDPOINT_URL;
    if (!this.endpoint) {
      throw new Error("dynamodb.mjs: no AWS_ENDPOINT_URL: this client does not sign requests, so it talks only to a local endpoint such as RetryScope's");
    }
    this.maxAttempts = maxAttempts;
  }

  putItem(input) { return this.send("PutItem", input); }
  getItem(input) { return this.send("GetItem", input); }
  updateItem(input) { return this.send("UpdateItem", input); }
  deleteItem(input) { return this.send("DeleteItem", input); }
  query(input) { return this.send("Query", input); }
  transactWriteItems(input) { return this.send("TransactWriteItems", input); }

  /// One operation, retried as the SDK's standard mode retries it.
  async send(operation, input) {
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      let error;
      try {
        const output = await this.#call(operation, input);
        output.$metadata = { ...output.$metadata, attempts: attempt, totalRetryDelay };
        return output;
      } catch (caught) {
        error = caught;
      }
      error.$metadata = { ...error.$metadata, attempts: attempt, totalRetryDelay };
      if (attempt >= this.maxAttempts || !retryable(error)) throw error;
      const base = THROTTLING.has(error.name) ? 500 : 100;
      const delay = Math.floor(Math.min(20_000, Math.random() * 2 ** (attempt - 1) * base));
      totalRetryDelay += delay;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async #call(operation, input) {
    let reply;
    try {
      reply = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": `DynamoDB_20120810.${operation}`,
        },
        body: JSON.stringify(input ?? {}),
      });
    } catch (cause) {
      // No answer at all (the connection refused or reset): the SDK's TimeoutError/network error.
      const error = new Error(`${operation}: ${cause.cause?.message ?? cause.message}`, { cause });
      error.name = cause.cause?.code ?? "NetworkingError";
      error.$fault = "client";
      error.$metadata = {};
      error.$transient = true;
      throw error;
    }
    const text = await reply.text();
    const $metadata = { httpStatusCode: reply.status, requestId: reply.headers.get("x-amzn-requestid") ?? undefined };
    let body = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text };
    }
    if (reply.ok) return { ...body, $metadata };
    // The code is what follows '#' in `__type` (or the x-amzn-ErrorType header), before any ':'.
    const type = reply.headers.get("x-amzn-errortype") ?? body.__type ?? body.code ?? `HTTP${reply.status}`;
    const name = type.split(":")[0].split("#").pop();
    const { __type, message, Message, ...members } = body;
    const error = new Error(message ?? Message ?? name);
    error.name = name;
    Object.assign(error, members);
    error.$fault = reply.status >= 500 ? "server" : "client";
    error.$metadata = $metadata;
    throw error;
  }
}

function retryable(error) {
  if (error.$transient || THROTTLING.has(error.name) || TRANSIENT.has(error.name)) return true;
  return [500, 502, 503, 504].includes(error.$metadata?.httpStatusCode);
}
