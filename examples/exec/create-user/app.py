"""The talk's create-user handler (slide 23: `u = db.create(mail)`), with boto3 against DynamoDB.

`handler` is the bug: every execution makes up a new id and puts a new item, so a retry after a
crash leaves two users for one mail. `handler_fixed` keys the user by mail and puts it only if no
user has that mail yet (`attribute_not_exists`); a retry's put fails its condition, and the handler
answers with the user the first execution created, which DynamoDB returns in the error
(`ReturnValuesOnConditionCheckFailure=ALL_OLD`).

RetryScope serves DynamoDB's API at AWS_ENDPOINT_URL; the code is what would run on Lambda.
"""
import uuid

import boto3

# Created once per execution environment (the init phase), as on Lambda.
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    user_id = str(uuid.uuid4())
    dynamodb.put_item(
        TableName="users",
        Item={"id": {"S": user_id}, "mail": {"S": event["mail"]}},
    )
    return {"id": user_id}


def handler_fixed(event, context):
    user_id = str(uuid.uuid4())
    try:
        dynamodb.put_item(
            TableName="users-by-mail",
            Item={"mail": {"S": event["mail"]}, "id": {"S": user_id}},
            ConditionExpression="attribute_not_exists(mail)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException as error:
        # The user exists: an earlier execution of this event (or another sign-up) created it.
        return {"id": error.response["Item"]["id"]["S"], "existed": True}
    return {"id": user_id, "existed": False}
