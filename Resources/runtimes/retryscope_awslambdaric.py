"""RetryScope's launcher for awslambdaric, AWS's Python runtime interface client (PyPI).

Started by `retryscope exec` for `exec: {runtime: python, client: awslambdaric}` as
`python3 retryscope_awslambdaric.py <handler>`: it does what `python3 -m awslambdaric <handler>`
does, after installing RetryScope's simulated wall clock (retryscope_clock.py) before the handler
and awslambdaric are imported, and wrapping awslambdaric's next-invocation call so that each
invocation's clock is read from its Lambda-Runtime-Deadline-Ms header, as our own runtime does.
The handler is loaded by awslambdaric itself (its `_get_handler`: `pkg/module.handler`,
`pkg.module.handler`), its errors and its logging are awslambdaric's.
Source: https://github.com/aws/aws-lambda-python-runtime-interface-client
"""
import os
import sys

import retryscope_clock

retryscope_clock.install()

try:
    from awslambdaric import __main__ as awslambdaric_main
    from awslambdaric.lambda_runtime_client import LambdaRuntimeClient
except ImportError as error:
    sys.stderr.write("retryscope: awslambdaric cannot be imported by %s: %s (install it: %s -m pip install awslambdaric)\n"
                     % (sys.executable, error, sys.executable))
    sys.exit(1)

_wait_next_invocation = LambdaRuntimeClient.wait_next_invocation


def wait_next_invocation(self):
    invocation = _wait_next_invocation(self)
    retryscope_clock.on_delivery(invocation.deadline_time_in_ms)
    return invocation


LambdaRuntimeClient.wait_next_invocation = wait_next_invocation

if __name__ == "__main__":
    # Lambda's Python runtime puts the function's code first on the path (/var/task).
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root:
        sys.path.insert(0, task_root)
    awslambdaric_main.main([sys.argv[0]] + sys.argv[1:])
