/**
 * The local gateway against answers recorded from real API Gateway: every case of
 * `cases/*.ts` sent over HTTP to a gateway serving the cases' APIs, synthesized into a
 * fixture, and compared with what AWS answered (see each case's `source`).
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { startGateway, type Gateway } from "../../../scripts/local/gateway";
import { suite as gatewayResponses } from "./cases/gateway-responses";
import { suite as headers } from "./cases/headers";
import { suite as integrationParams } from "./cases/integration-params";
import { suite as models } from "./cases/models";
import { suite as proxyEvent } from "./cases/proxy-event";
import { suite as proxyResponse } from "./cases/proxy-response";
import { suite as vtl } from "./cases/vtl";
import { RECORDED_API_KEY, synthRecordedFixture } from "./fixture";
import type { Expected, RecordedCase, RecordedSuite } from "./types";
import { startUpstream, type Upstream } from "./upstream";
import type { FixtureOutput } from "../fixtures/stacks";

const SUITES: readonly RecordedSuite[] = [vtl, headers, proxyEvent, proxyResponse, gatewayResponses, integrationParams, models];

interface Answer {
  status: number;
  /** Lower-case name → [name as sent, value]. */
  headers: Map<string, [string, string]>;
  body: Buffer;
}

function send(base: string, c: RecordedCase): Promise<Answer> {
  const url = new URL(base);
  const { request } = c;
  const path = `${url.pathname}${request.path}${request.query === undefined ? "" : `?${request.query}`}`;
  // Raw header lines keep the names' case; with them Node sets no Host itself.
  const raw: string[] = ["Host", url.host];
  for (const [name, value] of request.headers ?? []) raw.push(name, value);
  if (request.body !== undefined && !(request.headers ?? []).some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) raw.push("Content-Length", String(Buffer.byteLength(request.body)));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: request.method, path, headers: raw }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const answered = new Map<string, [string, string]>();
        for (let i = 0; i < res.rawHeaders.length; i += 2) answered.set(res.rawHeaders[i]!.toLowerCase(), [res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, headers: answered, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(request.body);
  });
}

/** A JSON pointer (`/a/b~1c`) into a value; `{ found: false }` when a step is missing. */
function pointer(root: unknown, path: string): { found: boolean; value?: unknown } {
  if (path === "") return { found: true, value: root };
  let value = root;
  for (const raw of path.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, key)) return { found: false };
    value = (value as Record<string, unknown>)[key];
  }
  return { found: true, value };
}

function isMatcher(e: Expected): e is { match: string } {
  return typeof e === "object" && e !== null && !Array.isArray(e) && Object.keys(e).length === 1 && typeof (e as { match?: unknown }).match === "string";
}

function checkValue(actual: unknown, expected: Expected, what: string): void {
  if (isMatcher(expected)) {
    expect(actual, what).to.be.a("string");
    expect(actual as string, what).to.match(new RegExp(expected.match));
  } else expect(actual, what).to.deep.equal(expected);
}

function verify(c: RecordedCase, answer: Answer): void {
  const e = c.expect;
  const text = answer.body.toString("utf8");
  expect(answer.status, `status (body: ${text.slice(0, 300)})`).to.equal(e.status);
  for (const [name, value] of Object.entries(e.headers ?? {})) {
    const got = answer.headers.get(name.toLowerCase());
    if (value === null) expect(got, `header ${name} absent`).to.equal(undefined);
    else {
      expect(got, `header ${name}`).to.not.equal(undefined);
      checkValue(got![1], value, `header ${name}`);
      // A recording that names a header with a case AWS gave it checks that case too.
      if (name !== name.toLowerCase() && !isMatcher(value)) expect(got![0], `header name ${name}`).to.equal(name);
    }
  }
  if (e.body !== undefined) expect(text, "body").to.equal(e.body);
  if (e.bodyBase64 !== undefined) expect(answer.body.toString("base64"), "body bytes").to.equal(e.bodyBase64);
  if (e.json === undefined && e.fields === undefined && e.keys === undefined && e.absent === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    expect.fail(`body is not JSON: ${text.slice(0, 300)}`);
  }
  if (e.json !== undefined) expect(parsed, "body").to.deep.equal(e.json);
  for (const [path, value] of Object.entries(e.fields ?? {})) {
    const at = pointer(parsed, path);
    expect(at.found, `${path} present`).to.equal(true);
    checkValue(at.value, value, path);
  }
  for (const [path, keys] of Object.entries(e.keys ?? {})) {
    const at = pointer(parsed, path);
    expect(at.found && at.value !== null && typeof at.value === "object", `${path || "body"} is an object`).to.equal(true);
    expect(Object.keys(at.value as object).sort(), `keys of ${path || "body"}`).to.deep.equal([...keys].sort());
  }
  for (const path of e.absent ?? []) expect(pointer(parsed, path).found, `${path} absent`).to.equal(false);
}

describe("local gateway: behaviour recorded from API Gateway", function () {
  let upstream: Upstream;
  let fixture: FixtureOutput;
  let gateway: Gateway;

  before(async function () {
    upstream = await startUpstream();
    fixture = await synthRecordedFixture(
      SUITES.flatMap((s) => s.apis),
      upstream.hostPort,
    );
    gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "state"), log: () => undefined });
  });

  after(async function () {
    await gateway?.close();
    await upstream?.close();
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  it("has at least 60 cases, each citing its source, with unique ids per class", function () {
    const all = SUITES.flatMap((s) => s.cases);
    expect(all.length).to.be.at.least(60);
    for (const s of SUITES) {
      const ids = s.cases.map((c) => c.id);
      expect(new Set(ids).size, s.title).to.equal(ids.length);
      for (const c of s.cases) {
        expect(c.source, c.id).to.match(/^(https:\/\/docs\.aws\.amazon\.com\/|localstack\/localstack tests\/aws\/)/);
        expect(
          s.apis.some((a) => a.name === c.api),
          `${c.id}: api ${c.api}`,
        ).to.equal(true);
      }
    }
  });

  for (const s of SUITES) {
    describe(s.title, function () {
      for (const c of s.cases) {
        it(c.id, async function () {
          const api = s.apis.find((a) => a.name === c.api)!;
          const base = gateway.api(`${api.name}-recorded`, api.stage).url;
          const withKey = api.routes.some((r) => r.apiKeyRequired) ? { ...c, request: { ...c.request, headers: [...(c.request.headers ?? []), ["x-api-key", RECORDED_API_KEY] as const] } } : c;
          verify(c, await send(base, withKey));
        });
      }
    });
  }
});
