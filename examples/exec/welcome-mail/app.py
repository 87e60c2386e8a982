"""Sign-up handler: send the welcome mail, then register the user with the CRM.

Not idempotent: when the CRM call fails, the function errors, Lambda retries the event, and the
retry sends the welcome mail again. RetryScope serves both endpoints; their URLs arrive in
RETRYSCOPE_ENDPOINT_<NAME> (on AWS they would be ordinary configuration variables).
"""
import json
import os
import urllib.request


def post(endpoint, payload):
    request = urllib.request.Request(
        os.environ["RETRYSCOPE_ENDPOINT_" + endpoint],
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        return reply.status


def handler(event, context):
    post("WELCOME_EMAIL", {"to": event["mail"], "template": "welcome"})
    post("CRM", {"mail": event["mail"]})
    return {"registered": event["mail"]}
