/**
 * Function workers: an event reaches the handler as JSON text, as a Lambda payload does.
 * JSON text a caller already has is sent as it is, at any depth `JSON.parse` reads; an
 * event with no JSON text (nested too deeply to serialize, circular) is refused before a
 * worker is taken, and leaves no timer behind to end a later, unrelated invocation.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FunctionModel } from "../../scripts/local/model/types";
import { jsonPayload } from "../../scripts/local/json-text";
import { FunctionRunner, lambdaEnvironment } from "../../scripts/local/workers";

const HANDLER = `
export const handler = async (event) => {
  if (event && typeof event.waitMs === "number") {
    await new Promise((resolve) => setTimeout(resolve, event.waitMs));
    return { waited: event.waitMs };
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
});
