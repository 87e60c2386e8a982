"""Newsletter sign-up (slide 24): POST the event to the mailing-list service, answer {}.

    exports.h = async (e) => { await http.post({url: 'mailch.imp/add', data: e}); return {}; };

Not idempotent: the service subscribes the address on every POST it receives. When its answer is
lost (the POST arrived, the reply never came back, the function timed out), Lambda retries the
event and the retry subscribes the same address again. RetryScope serves the endpoint; its URL
arrives in RETRYSCOPE_ENDPOINT_MAILING_LIST (on AWS it would be an ordinary configuration
variable). The standard library only (urllib).
"""
import json
import os
import urllib.request


def handler(event, context):
    request = urllib.request.Request(
        os.environ["RETRYSCOPE_ENDPOINT_MAILING_LIST"],
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # No read timeout of our own: the function's timeout is the one that ends a lost answer.
    with urllib.request.urlopen(request) as reply:
        reply.read()
    return {}
