// Create a user (slide 23), idempotent: the mail is the table's key, and the put is conditional
// on no user having it yet. A retry after the first execution stored the user fails the
// condition, and answers the id already stored: DynamoDB hands the existing item back with the
// error (ReturnValuesOnConditionCheckFailure: ALL_OLD), so no second read is needed. One user per
// mail, and every execution of the event answers the same id.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
import { randomUUID } from "node:crypto";
import { DynamoDB } from "./dynamodb.mjs";

const db = new DynamoDB();

export const handler = async (event) => {
  const id = randomUUID();
  try {
    await db.putItem({
      TableName: "users",
      Item: { mail: { S: event.mail }, id: { S: id } },
      ConditionExpression: "attribute_not_exists(mail)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
    return { id };
  } catch (error) {
    if (error.name !== "ConditionalCheckFailedException") throw error;
    // An earlier execution of this event (or an earlier sign-up) stored the user: its id.
    return { id: error.Item.id.S };
  }
};
