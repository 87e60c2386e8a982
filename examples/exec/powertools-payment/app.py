"""Charge a card once per order, with Powertools for AWS Lambda's idempotency utility.

`@idempotent` keeps one record per order in a DynamoDB table (DynamoDBPersistenceLayer, reached
through AWS_ENDPOINT_URL, which RetryScope serves): before the handler runs, a conditional put
saves the record as INPROGRESS; after it returns, an update stores the result as COMPLETED;
if it raises, the record is deleted. A second execution of the same order finds the record:
COMPLETED, it answers the stored result without running the handler; INPROGRESS, it raises
IdempotencyAlreadyInProgressError. The payment service's URL arrives in
RETRYSCOPE_ENDPOINT_PAYMENTS (on AWS an ordinary configuration variable).

The INPROGRESS record has an end: `in_progress_expiration`, the invocation's deadline (now plus
context.get_remaining_time_in_millis()). The decorator calls config.register_lambda_context(context)
itself, which is how it knows the deadline (with @idempotent_function you would call it in your
handler). An execution that charged the card and then crashed or timed out never marks the record
COMPLETED; once the deadline has passed, the record no longer protects the order, and Lambda's
asynchronous retry (a minute or more later) charges the card AGAIN. See
examples/exec/powertools-payment-expired.yaml.
https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/

Needs `python3 -m pip install aws-lambda-powertools boto3`.
"""
import json
import os
import urllib.request

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent,
)

persistence = DynamoDBPersistenceLayer(table_name="idempotency")
config = IdempotencyConfig(event_key_jmespath="orderId")


def charge(card, amount, order_id):
    request = urllib.request.Request(
        os.environ["RETRYSCOPE_ENDPOINT_PAYMENTS"],
        data=json.dumps({"card": card, "amount": amount, "orderId": order_id}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        return json.load(reply)


@idempotent(config=config, persistence_store=persistence)
def handler(event, context):
    charge(event["card"], event["amount"], event["orderId"])
    return {"orderId": event["orderId"], "charged": event["amount"]}
