/**
 * Function workers: an event reaches the handler as JSON text, as a Lambda payload does.
 * JSON text a caller already has is sent as it is, at any depth `JSON.parse` reads; an
 * event with no JSON text (nested too deeply to serialize, circular) is refused before a
 * worker is taken, and leaves no timer behind to end a later, unrelated invocation. A worker
 * that holds invocations behind the one it runs runs them one at a time, each under its own
 * timeout, and a timeout or a crash hands the ones that never started to a fresh worker.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { FunctionModel } from "../../scripts/local/model/types";
import { jsonPayload } from "../../scripts/local/json-text";
import { FunctionRunner, lambdaEnvironment } from "../../scripts/local/workers";

const HANDLER = `
// Per worker: an id, and how many invocations run at once.
const workerId = Math.random().toString(36).slice(2);
let active = 0;
export const handler = async (event) => {
  if (event && event.execArgv) return process.execArgv;
  if (event && event.crashAfter) {
    // Answers, then throws from what it left to the event loop: the worker dies between two invocations.
    setImmediate(() => {
      throw new Error("worker crashed after answering");
    });
    return { answered: true };
  }
  if (event && event.crash) {
    setImmediate(() => {
      throw new Error("worker crashed");
    });
    return new Promise(() => {});
  }
  if (event && typeof event.waitMs === "number") {
    active += 1;
    const concurrent = active;
    await new Promise((resolve) => setTimeout(resolve, event.waitMs));
    active -= 1;
    return event.report ? { waited: event.waitMs, concurrent, workerId } : { waited: event.waitMs };
  }
  let depth = 0;
  for (let v = event; Array.isArray(v); v = v[0]) depth += 1;
  return { depth };
};
`;

const deepJson = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("local function workers", function () {
  let dir: string;
  let runner: FunctionRunner;
  const fn: FunctionModel = {
    stack: "test",
    resourceName: "fn",
    functionName: "worker-test",
    arn: "arn:aws:lambda:us-east-1:123456789012:function:worker-test",
    region: "us-east-1",
    zipPath: "",
    handler: "index.handler",
    runtime: "nodejs22.x",
    timeoutSeconds: 2,
    memoryMb: 128,
    environment: {},
    version: "$LATEST",
    aliases: new Map(),
  };
  const invokedArn = fn.arn;

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), "workers-test-"));
    writeFileSync(path.join(dir, "index.mjs"), HANDLER);
    runner = new FunctionRunner(fn, "$LATEST", dir, lambdaEnvironment(fn, "$LATEST", {}));
  });

  after(async function () {
    await runner?.close(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends JSON text a caller already has as it is, 20,000 levels deep", async function () {
    const result = await runner.invoke(jsonPayload(deepJson(20_000)), { invokedArn });
    expect(result).to.deep.equal({ ok: true, payload: JSON.stringify({ depth: 20_000 }) });
  });

  it("refuses events with no JSON text before taking a worker, and a later invocation runs its full time", async function () {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let thrown: unknown;
    try {
      await runner.invoke(JSON.parse(deepJson(10_000)), { invokedArn });
    } catch (error) {
      thrown = error;
    }
    // The gateway answers this one 400 (a request body nested too deeply).
    expect(thrown).to.be.instanceOf(RangeError);
    thrown = undefined;
    try {
      await runner.invoke(circular, { invokedArn });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(TypeError);
    // The function timeout is 2 s: an invocation that starts 1 s later and runs 1.5 s
    // outlives any timer the refused ones could have left running.
    await new Promise((r) => setTimeout(r, 1000));
    const later = await runner.invoke({ waitMs: 1500 }, { invokedArn });
    expect(later).to.deep.equal({ ok: true, payload: JSON.stringify({ waited: 1500 }) });
  });

  it("still ends an invocation that runs past the function timeout", async function () {
    const result = await runner.invoke({ waitMs: 3000 }, { invokedArn });
    expect(result).to.deep.include({ ok: false, kind: "timeout" });
  });

  it("starts workers without the TypeScript loader this process runs under", async function () {
    expect(process.execArgv.join(" "), "the tests run under tsx").to.match(/tsx/);
    const result = await runner.invoke({ execArgv: true }, { invokedArn });
    expect(result.ok).to.equal(true);
    const execArgv = JSON.parse((result as { payload: string }).payload) as string[];
    expect(execArgv.join(" ")).not.to.match(/tsx/);
  });

  it("starts workers with every option inherited when this process has options a worker refuses (--max-old-space-size)", function () {
    const script = path.join(dir, "invoke-once.mts");
    const workers = pathToFileURL(path.resolve("scripts/local/workers.ts")).href;
    writeFileSync(
      script,
      `import { FunctionRunner, lambdaEnvironment } from ${JSON.stringify(workers)};
const fn = ${JSON.stringify({ ...fn, aliases: undefined })};
const runner = new FunctionRunner(fn, "$LATEST", ${JSON.stringify(dir)}, lambdaEnvironment(fn, "$LATEST", {}));
console.log(JSON.stringify(await runner.invoke({ execArgv: true }, { invokedArn: fn.arn })));
await runner.close(true);
`,
    );
    const out = execFileSync(process.execPath, ["--max-old-space-size=512", "--import=tsx", script], { encoding: "utf8" });
    const result = JSON.parse(out.trim().split("\n").pop()!) as { ok: boolean; payload: string };
    expect(result.ok).to.equal(true);
    expect(JSON.parse(result.payload)).to.include("--max-old-space-size=512");
  });

  describe("with more invocations at once than workers", function () {
    let fresh: FunctionRunner;
    beforeEach(function () {
      fresh = new FunctionRunner(fn, "$LATEST", dir, lambdaEnvironment(fn, "$LATEST", {}));
    });
    afterEach(async function () {
      await fresh.close(true);
    });
    const results = (events: unknown[]) => Promise.all(events.map((e) => fresh.invoke(e, { invokedArn })));
    const parsed = (r: Awaited<ReturnType<FunctionRunner["invoke"]>>) => (r.ok ? (JSON.parse(r.payload) as { waited: number; concurrent: number; workerId: string }) : r);

    it("runs each worker's invocations one at a time, each timed from its own start", async function () {
      // Twelve 1.2 s invocations on at most four workers: some wait behind others, so a worker
      // runs three in a row (3.6 s) under a 2 s function timeout. None may time out.
      const out = (await results(Array.from({ length: 12 }, () => ({ waitMs: 1200, report: true })))).map(parsed);
      for (const r of out) expect(r).to.include({ waited: 1200, concurrent: 1 });
      const perWorker = new Map<string, number>();
      for (const r of out) perWorker.set((r as { workerId: string }).workerId, (perWorker.get((r as { workerId: string }).workerId) ?? 0) + 1);
      expect(Math.max(...perWorker.values()), "some worker ran several in a row").to.be.greaterThan(1);
    });

    it("ends only the invocation that timed out; the ones held behind it run in full on another worker", async function () {
      // The first goes to the first worker, and every fourth after it waits behind it there.
      const events = Array.from({ length: 12 }, (_, i) => ({ waitMs: i === 0 ? 3000 : 300, report: true }));
      const out = await results(events);
      expect(out[0]).to.deep.include({ ok: false, kind: "timeout" });
      for (const r of out.slice(1)) expect(parsed(r)).to.include({ waited: 300, concurrent: 1 });
    });

    it("after a crash, runs the invocations held behind the crashed one on a fresh worker", async function () {
      const events = Array.from({ length: 12 }, (_, i) => (i === 0 ? { crash: true } : { waitMs: 300, report: true }));
      const out = await results(events);
      expect(out[0]).to.deep.include({ ok: false, kind: "crash" });
      for (const r of out.slice(1)) expect(parsed(r)).to.include({ waited: 300, concurrent: 1 });
    });
  });

  it("runs the invocations held behind one whose worker dies after it answered on another worker, as never started", async function () {
    const fresh = new FunctionRunner(fn, "$LATEST", dir, lambdaEnvironment(fn, "$LATEST", {}));
    try {
      // The first goes to the first worker, and every fourth after it waits behind it there.
      const events = Array.from({ length: 12 }, (_, i) => (i === 0 ? { crashAfter: true } : { waitMs: 100, report: true }));
      const out = await Promise.all(events.map((e) => fresh.invoke(e, { invokedArn })));
      expect(out[0]).to.deep.equal({ ok: true, payload: JSON.stringify({ answered: true }) });
      for (const r of out.slice(1)) expect(r.ok, JSON.stringify(r)).to.equal(true);
    } finally {
      await fresh.close(true);
    }
  });

  it("gives an init error to the first invocation and initialises a fresh worker for the next", async function () {
    const broken = mkdtempSync(path.join(os.tmpdir(), "workers-test-"));
    writeFileSync(path.join(broken, "index.mjs"), 'throw new Error("init failed");\nexport const handler = async () => 1;\n');
    const failing = new FunctionRunner(fn, "$LATEST", broken, lambdaEnvironment(fn, "$LATEST", {}));
    try {
      const out = await Promise.all([1, 2, 3, 4, 5, 6].map(() => failing.invoke({}, { invokedArn })));
      for (const r of out) expect(r).to.deep.include({ ok: false, kind: "crash", error: { errorType: "Error", errorMessage: "init failed", trace: (r as { error: { trace: string[] } }).error.trace } });
    } finally {
      await failing.close(true);
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
