"""RetryScope's Python runtime: the Lambda Runtime API loop with the standard library only.

Started by `retryscope exec` in a handler's execution environment, with AWS_LAMBDA_RUNTIME_API
(host:port of RetryScope's Runtime API), _HANDLER (`module.function`) and LAMBDA_TASK_ROOT (the
handler's code folder). It imports the handler once (the init phase), then fetches invocations
one at a time, calls handler(event, context) and posts the response, or the error in Lambda's
shape {errorMessage, errorType, stackTrace}. An error while loading the handler is posted to
/runtime/init/error and ends the process, as Lambda's own runtimes do.
Source: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""
import importlib
import json
import os
import sys
import time
import traceback
import urllib.request

# The simulated wall clock, installed before anything reads the clock or imports the handler.
import retryscope_clock

retryscope_clock.install()

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"


def post(path, body, error_type=None):
    headers = {"Content-Type": "application/json"}
    if error_type is not None:
        headers["Lambda-Runtime-Function-Error-Type"] = error_type
    request = urllib.request.Request(API + path, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request) as reply:
        reply.read()


def error_body(error, error_type=None, message=None):
    """Lambda's error shape, as the managed Python runtime posts it."""
    frames = traceback.extract_tb(error.__traceback__)
    return json.dumps({
        "errorMessage": message if message is not None else str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": "",
        "stackTrace": traceback.format_list(frames),
    }).encode()


class HandlerNotFound(Exception):
    pass


class LambdaContext:
    """The context object's documented members.
    Source: https://docs.aws.amazon.com/lambda/latest/dg/python-context.html"""

    def __init__(self, request_id, deadline_ms, function_arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def load_handler(spec):
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise HandlerNotFound("Bad handler '%s': not a module.function name" % spec)
    module = importlib.import_module(module_name.replace("/", "."))
    function = getattr(module, function_name, None)
    if function is None:
        raise HandlerNotFound("Handler '%s' missing on module '%s'" % (function_name, module_name))
    return function


def main():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    # The init phase failed: report it in the managed runtime's words and end, as Lambda does.
    spec = os.environ["_HANDLER"]
    try:
        handler = load_handler(spec)
    except HandlerNotFound as error:
        post("/init/error", error_body(error, "Runtime.HandlerNotFound"), "Runtime.HandlerNotFound")
        sys.exit(1)
    except ImportError as error:
        message = "Unable to import module '%s': %s" % (spec.rpartition(".")[0], error)
        post("/init/error", error_body(error, "Runtime.ImportModuleError", message), "Runtime.ImportModuleError")
        sys.exit(1)
    except Exception as error:
        post("/init/error", error_body(error, "Runtime.UserCodeSyntaxError" if isinstance(error, SyntaxError) else None),
             "Runtime.Unknown")
        sys.exit(1)
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as reply:
            request_id = reply.headers["Lambda-Runtime-Aws-Request-Id"]
            deadline_ms = int(reply.headers["Lambda-Runtime-Deadline-Ms"])
            retryscope_clock.on_delivery(deadline_ms)
            function_arn = reply.headers["Lambda-Runtime-Invoked-Function-Arn"]
            trace_id = reply.headers.get("Lambda-Runtime-Trace-Id")
            event = json.loads(reply.read() or b"null")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        context = LambdaContext(request_id, deadline_ms, function_arn)
        try:
            result = handler(event, context)
            body = json.dumps(result).encode()
        except Exception as error:
            body = error_body(error)
            post("/invocation/%s/error" % request_id, body, "Unhandled")
            continue
        post("/invocation/%s/response" % request_id, body)


if __name__ == "__main__":
    main()
