/* global setImmediate, performance */
// Worker-thread side of a local Lambda: imports the handler from the unzipped code folder
// once (warm) and answers invocations with a Lambda-shaped context.
// Plain .mjs so the worker needs no TypeScript loader.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { jsonView, NOT_PLAIN } from "./json-view.mjs";

const { codeDir, handler, functionName, functionVersion } = workerData;
const memoryLimitInMB = String(workerData.memoryLimitInMB);
// How many invocations this worker has started, shared with the gateway: a worker that dies
// between two invocations has not started the next, which then runs on another worker.
const startedCount = new Int32Array(workerData.started);
const logGroupName = `/aws/lambda/${functionName}`;
const logStreamName = `local/${functionVersion}`;
const dot = handler.lastIndexOf(".");
const modulePath = handler.slice(0, dot);
const exportName = handler.slice(dot + 1);

let loaded;
async function load() {
  if (!loaded) {
    loaded = (async () => {
      const file = [".mjs", ".js", ".cjs"].map((ext) => join(codeDir, modulePath + ext)).find((f) => existsSync(f));
      if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: "Runtime.ImportModuleError" });
      const mod = await import(pathToFileURL(file).href);
      const fn = mod[exportName] ?? mod.default?.[exportName];
      if (typeof fn !== "function") throw Object.assign(new Error(`${modulePath}.${exportName} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
      return fn;
    })();
  }
  return loaded;
}

function serializeError(err) {
  if (err instanceof Error) {
    return { errorType: err.name || "Error", errorMessage: err.message, trace: String(err.stack ?? "").split("\n") };
  }
  return { errorType: typeof err, errorMessage: typeof err === "string" ? err : JSON.stringify(err) };
}

// Init (module import) happens once, before the first invocation, outside its timeout.
load().then(
  () => parentPort.postMessage({ type: "ready" }),
  (err) => parentPort.postMessage({ type: "ready", error: serializeError(err) }),
);

// An invocation arrives as one string, `<request id>\n<timeout ms>\n<invoked ARN>\n<flags>\n<payload>`,
// or several as an array of them (given in one turn of the gateway's event loop). Each answer
// leaves as one string: `1` (result) or `0` (error), the run time in µs, a newline, the JSON
// (strings are the cheapest to post); or, when the flags ask for the result as a value (`v`) and
// it is plain data, as `[run time, JSON's view of the result]` (json-view.mjs), so that the
// gateway need not parse the JSON text again.
// Invocations run strictly one at a time, in order, as in one Lambda execution environment.
const queue = [];
let running = false;

parentPort.on("message", (msg) => {
  if (typeof msg === "string") queue.push(msg);
  else for (const m of msg) queue.push(m);
  if (!running) {
    running = true;
    void drain();
  }
});

const runUs = (started) => Math.round((performance.now() - started) * 1000);
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function drain() {
  for (;;) {
    await invoke(queue.shift());
    if (queue.length === 0) break;
    // What the last invocation left to the event loop (timers, a crash) runs before the next starts.
    await turn();
  }
  running = false;
}

async function invoke(msg) {
  Atomics.add(startedCount, 0, 1);
  const started = performance.now();
  const a = msg.indexOf("\n");
  const b = msg.indexOf("\n", a + 1);
  const c = msg.indexOf("\n", b + 1);
  const d = msg.indexOf("\n", c + 1);
  const awsRequestId = msg.slice(0, a);
  const deadline = Date.now() + Number(msg.slice(a + 1, b));
  const invokedFunctionArn = msg.slice(b + 1, c);
  const asValue = msg.slice(c + 1, d) === "v";
  const payload = msg.slice(d + 1);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB,
    awsRequestId,
    logGroupName,
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    succeed: () => {},
    fail: () => {},
  };
  try {
    // The event arrives as JSON text, as a Lambda payload does.
    const event = JSON.parse(payload);
    const fn = await load();
    let result;
    if (fn.length >= 3) {
      result = await new Promise((resolve, reject) => {
        const ret = fn(event, context, (err, value) => (err ? reject(err) : resolve(value)));
        if (ret && typeof ret.then === "function") ret.then(resolve, reject);
      });
    } else {
      result = await fn(event, context);
    }
    if (asValue) {
      let view = NOT_PLAIN;
      try {
        view = jsonView(result);
      } catch {
        // A getter that throws: JSON.stringify below meets it too.
      }
      if (view !== NOT_PLAIN) {
        parentPort.postMessage([runUs(started), view]);
        return;
      }
    }
    const json = result === undefined ? "null" : JSON.stringify(result);
    parentPort.postMessage(`1${runUs(started)}\n${json}`);
  } catch (err) {
    parentPort.postMessage(`0${runUs(started)}\n${JSON.stringify(serializeError(err))}`);
  }
}
