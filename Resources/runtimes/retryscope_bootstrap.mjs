// RetryScope's Node.js runtime: the Lambda Runtime API loop with node's built-in modules only.
//
// Started by `retryscope exec` in a handler's execution environment, with AWS_LAMBDA_RUNTIME_API
// (host:port of RetryScope's Runtime API), _HANDLER (`file.export`) and LAMBDA_TASK_ROOT (the
// handler's code folder). It loads the handler once (the init phase), as Lambda's Node runtime
// does: `file` as file.js (CommonJS, or ESM under "type": "module"), file.mjs or file.cjs; then it
// fetches invocations one at a time, calls handler(event, context[, callback]) and posts the
// response, or the error in Lambda's shape {errorType, errorMessage, trace}. An error while
// loading the handler is posted to /runtime/init/error and ends the process.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html,
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html,
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

// The simulated wall clock (docs/DECISIONS.md, "Running real handlers"): the simulator puts
// retries seconds or minutes apart, the process runs them milliseconds apart, so a handler that
// reads the clock (an expiry, a TTL, a created_at) sees now = the invocation's simulated delivery
// + the real time elapsed since it was received. The delivery comes from the standard header:
// Lambda-Runtime-Deadline-Ms - the function timeout (RETRYSCOPE_FUNCTION_TIMEOUT_MS). During the
// init phase the clock reads RETRYSCOPE_INIT_CLOCK_MS + the real time since the process started.
// Shifted: Date.now() and new Date() / Date() without arguments (a Date stand-in on globalThis,
// installed before the handler is loaded, whose instances are real Dates: instanceof holds both
// ways). Not shifted: performance.now() and process.hrtime (durations stay real), clocks read in
// native addons, file times (fs.stat).
const RealDate = globalThis.Date;
let clockOffset = 0;
const shiftedNow = () => RealDate.now() + clockOffset;
function setClock(simulatedMs) {
  clockOffset = simulatedMs - RealDate.now();
}
function ShiftedDate(...args) {
  if (new.target === undefined) return new RealDate(shiftedNow()).toString();
  return Reflect.construct(RealDate, args.length === 0 ? [shiftedNow()] : args, new.target);
}
Object.setPrototypeOf(ShiftedDate, RealDate);
Object.defineProperty(ShiftedDate, "prototype", { value: RealDate.prototype, writable: false });
Object.defineProperty(ShiftedDate, "name", { value: "Date" });
Object.defineProperty(ShiftedDate, "length", { value: 7 });
ShiftedDate.now = shiftedNow;
globalThis.Date = ShiftedDate;
if (process.env.RETRYSCOPE_INIT_CLOCK_MS) setClock(Number(process.env.RETRYSCOPE_INIT_CLOCK_MS));

/** An invocation was received: the clock reads its simulated delivery time. */
function onDelivery(deadlineMs) {
  const timeout = Number(process.env.RETRYSCOPE_FUNCTION_TIMEOUT_MS);
  if (Number.isFinite(deadlineMs) && Number.isFinite(timeout) && timeout > 0) setClock(deadlineMs - timeout);
}

const [HOST, PORT] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const API = "/2018-06-01/runtime";
const require = createRequire(import.meta.url);
// One kept-alive connection to the Runtime API, unreferenced when idle so that it never holds the
// event loop open (callbackWaitsForEmptyEventLoop waits for the loop to empty).
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const call = http.request(
      { host: HOST, port: Number(PORT), path: API + urlPath, method, agent, headers },
      (reply) => {
        const chunks = [];
        reply.on("data", (chunk) => chunks.push(chunk));
        reply.on("end", () => resolve({ headers: reply.headers, body: Buffer.concat(chunks).toString("utf8") }));
        reply.on("error", reject);
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

function post(urlPath, payload, errorType) {
  const body = Buffer.from(payload);
  const headers = { "Content-Type": "application/json", "Content-Length": body.length };
  if (errorType !== undefined) headers["Lambda-Runtime-Function-Error-Type"] = errorType;
  return request("POST", urlPath, body, headers);
}

/** Lambda's error shape, as its Node runtime posts it (a thrown non-Error is typed by typeof). */
function errorBody(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? "").split("\n") };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** The runtime's own errors, named as Lambda's Node runtime names them (`Runtime.<Class>`). */
function runtimeError(name, message) {
  const error = new Error(message);
  error.name = "Runtime." + name;
  Error.captureStackTrace(error, runtimeError);
  return error;
}

function typeModule(file) {
  // The nearest package.json's "type", as node decides how to load a .js file.
  for (let folder = path.dirname(file); ; folder = path.dirname(folder)) {
    const manifest = path.join(folder, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    if (path.dirname(folder) === folder) return false;
  }
}

/** file.js, file.mjs, file.cjs, in Lambda's order; then node's own resolution (node_modules). */
async function loadModule(root, name) {
  const base = path.resolve(root, name);
  if (fs.existsSync(base + ".js")) {
    return typeModule(base + ".js") ? import(pathToFileURL(base + ".js").href) : require(base + ".js");
  }
  if (fs.existsSync(base + ".mjs")) return import(pathToFileURL(base + ".mjs").href);
  if (fs.existsSync(base + ".cjs")) return require(base + ".cjs");
  return require(require.resolve(name, { paths: [root] }));
}

/**
 * `src/index.handler`: the folder is what comes before the last "/" (relative to the code), the
 * file what comes before the first "." after it, then the export's property path; ".." anywhere
 * is refused, as Lambda's Node runtime does (UserFunction.js, _moduleRootAndHandler).
 */
async function loadHandler(root, spec) {
  if (spec.includes("..")) {
    throw runtimeError(
      "MalformedHandlerName",
      `'${spec}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(spec);
  const folder = spec.slice(0, spec.lastIndexOf(base));
  const dot = base.indexOf(".");
  if (dot <= 0) throw runtimeError("MalformedHandlerName", "Bad handler");
  const [moduleName, propertyPath] = [base.slice(0, dot), base.slice(dot + 1)];
  let loaded;
  try {
    loaded = await loadModule(path.resolve(root, folder), moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError("UserCodeSyntaxError", String(error));
    if (error?.code === "MODULE_NOT_FOUND" || error?.code === "ERR_MODULE_NOT_FOUND") {
      throw runtimeError("ImportModuleError", String(error));
    }
    throw error;
  }
  let handler = loaded;
  for (const key of propertyPath.split(".")) handler = handler?.[key];
  // A CommonJS module imported as ESM keeps its exports on `default`.
  if (handler === undefined && loaded?.default !== undefined) {
    handler = loaded.default;
    for (const key of propertyPath.split(".")) handler = handler?.[key];
  }
  if (handler === undefined || handler === null) throw runtimeError("HandlerNotFound", `${spec} is undefined or not exported`);
  if (typeof handler !== "function") throw runtimeError("HandlerNotFound", `${spec} is not a function`);
  return handler;
}

/** The context object's documented members (nodejs-context.html). */
function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  return {
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "",
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST",
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "128",
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? "",
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? "",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * One call of the handler, settled as Lambda's Node runtime settles it: a returned promise's
 * value or rejection; a callback's (error, result), posted once the event loop is empty unless
 * context.callbackWaitsForEmptyEventLoop is false; a handler that neither returns a promise nor
 * calls back answers null once the event loop is empty.
 */
function invoke(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    let called;
    const onEmpty = () => finish(called ?? { value: null });
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      process.removeListener("beforeExit", onEmpty);
      resolve(outcome);
    };
    const callback = (error, value) => {
      if (called !== undefined) return;
      called = error !== undefined && error !== null ? { error } : { value };
      if (!context.callbackWaitsForEmptyEventLoop) finish(called);
    };
    process.on("beforeExit", onEmpty);
    try {
      const result = handler(event, context, callback);
      if (result !== null && typeof result === "object" && typeof result.then === "function") {
        result.then((value) => finish({ value }), (error) => finish({ error }));
      }
    } catch (error) {
      finish({ error });
    }
  });
}

let current;
// An exception nobody caught (a throw in a timer, an unhandled rejection) fails the execution in
// progress and ends the process, as Lambda's Node runtime does (exit 129 and 128). A rejection is
// reported as Runtime.UnhandledPromiseRejection with the reason as a string ("Error: ...").
async function fatal(error, status) {
  console.error(status === 129 ? "Uncaught Exception" : "Unhandled Promise Rejection", error);
  if (current !== undefined) {
    const body = errorBody(error);
    await post(`/invocation/${current}/error`, JSON.stringify(body), body.errorType).catch(() => {});
  }
  process.exit(status);
}
process.on("uncaughtException", (error) => fatal(error, 129));
process.on("unhandledRejection", (reason) => {
  const error = runtimeError("UnhandledPromiseRejection", String(reason));
  fatal(error, 128);
});

async function main() {
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  let handler;
  try {
    handler = await loadHandler(root, process.env._HANDLER ?? "");
  } catch (error) {
    const body = errorBody(error);
    await post("/init/error", JSON.stringify(body), body.errorType);
    process.exit(1);
  }
  for (;;) {
    const next = await request("GET", "/invocation/next");
    onDelivery(Number(next.headers["lambda-runtime-deadline-ms"]));
    const context = makeContext(next.headers);
    const traceId = next.headers["lambda-runtime-trace-id"];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    current = context.awsRequestId;
    const event = JSON.parse(next.body || "null");
    const outcome = await invoke(handler, event, context);
    current = undefined;
    if ("error" in outcome) {
      const body = errorBody(outcome.error);
      await post(`/invocation/${context.awsRequestId}/error`, JSON.stringify(body), body.errorType);
    } else {
      const body = JSON.stringify(outcome.value === undefined ? null : outcome.value);
      await post(`/invocation/${context.awsRequestId}/response`, body);
    }
  }
}

main();
