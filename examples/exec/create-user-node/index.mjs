// Create a user (slide 23): store the mail under a new id, answer the id.
//
//   exports.h = async (e) => { u = await db.create(e.mail); return {id: u.id}; };
//
// Not idempotent: every execution makes up a fresh id, so when the first execution stored the
// user and then died before answering, Lambda's retry stores a SECOND user for the same mail
// (and answers a different id). fixed.mjs is the idempotent version. `db` is DynamoDB, reached
// through AWS_ENDPOINT_URL (RetryScope serves it); dynamodb.mjs says why it is not the AWS SDK.
import { randomUUID } from "node:crypto";
import { DynamoDB } from "./dynamodb.mjs";

const db = new DynamoDB();

export const handler = async (event) => {
  const id = randomUUID();
  await db.putItem({ TableName: "users", Item: { id: { S: id }, mail: { S: event.mail } } });
  return { id };
};
