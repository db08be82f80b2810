/**
 * Resource policies over HTTP on 127.0.0.1: each fixture stack serves one small MOCK API
 * with a different policy; the caller's source IP is the TCP peer, 127.0.0.1.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startGateway, type Gateway } from "../../scripts/local/gateway";
import { POLICY_CORS_ORIGIN, synthPolicyFixture } from "./fixtures/policies";
import type { FixtureOutput } from "./fixtures/stacks";

const DENIED = "User: anonymous is not authorized to perform: execute-api:Invoke on resource: ";

describe("local gateway: REST API resource policies", function () {
  let fixture: FixtureOutput;
  let gateway: Gateway;
  const lines: string[] = [];

  before(async function () {
    fixture = await synthPolicyFixture();
    gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "state"), log: (l) => lines.push(l) });
  });

  after(async function () {
    await gateway?.close();
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  const call = (stack: string, path: string, init: RequestInit = {}) => fetch(`${gateway.api(stack, "dev").url}${path}`, init);
  /** The ARN API Gateway names in its message, account id masked. */
  const maskedArn = (stack: string, method: string, path: string) => {
    const api = gateway.model().apis.find((a) => a.stack === stack)!;
    return `arn:aws:execute-api:eu-west-1:********9012:${api.id}/dev/${method}${path}`;
  };

  it("lets a caller in an allow-listed range (127.0.0.0/8) through", async function () {
    const res = await call("allowlisted-dev", "/things");
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ route: "GET /things" });
  });

  it("answers a caller outside the allow list with 403 and API Gateway's explicit-deny body", async function () {
    const res = await call("blocked-dev", "/things");
    expect(res.status).to.equal(403);
    expect(res.headers.get("x-amzn-errortype")).to.equal("AccessDeniedException");
    expect(await res.json()).to.deep.equal({ Message: `${DENIED}${maskedArn("blocked-dev", "GET", "/things")} with an explicit deny` });
  });

  it("puts the DEFAULT_4XX gateway response's CORS headers on a policy denial", async function () {
    const res = await call("blocked-dev", "/other", { headers: { Origin: POLICY_CORS_ORIGIN } });
    expect(res.status).to.equal(403);
    expect(res.headers.get("access-control-allow-origin")).to.equal(POLICY_CORS_ORIGIN);
  });

  it("answers 403 without 'explicit deny' when no Allow matches the caller", async function () {
    const res = await call("implicit-dev", "/other");
    expect(res.status).to.equal(403);
    expect(await res.json()).to.deep.equal({ Message: `${DENIED}${maskedArn("implicit-dev", "GET", "/other")}` });
  });

  it("keeps 403 Missing Authentication Token for an unknown route on an API with a policy", async function () {
    for (const stack of ["blocked-dev", "allowlisted-dev"]) {
      const res = await call(stack, "/nowhere");
      expect(res.status, stack).to.equal(403);
      expect(await res.json(), stack).to.deep.equal({ message: "Missing Authentication Token" });
    }
    const method = await call("blocked-dev", "/other", { method: "DELETE" });
    expect(await method.json()).to.deep.equal({ message: "Missing Authentication Token" });
  });

  it("evaluates the policy before the API key check", async function () {
    const key = gateway.api("blocked-dev", "dev").apiKeys.PolicyKey!;
    const blocked = await call("blocked-dev", "/keyed", { headers: { "x-api-key": key } });
    expect(blocked.status).to.equal(403);
    expect(((await blocked.json()) as { Message: string }).Message).to.match(/with an explicit deny$/);
    const noKey = await call("blocked-dev", "/keyed");
    expect(((await noKey.json()) as { Message: string }).Message).to.match(/^User: anonymous/);
    const allowed = await call("allowlisted-dev", "/keyed", { headers: { "x-api-key": gateway.api("allowlisted-dev", "dev").apiKeys.PolicyKey! } });
    expect(allowed.status).to.equal(200);
    const allowedNoKey = await call("allowlisted-dev", "/keyed");
    expect(await allowedNoKey.json()).to.deep.equal({ message: "Forbidden" });
  });

  it("denies only the method and path an explicit Deny names", async function () {
    const get = await call("methoddeny-dev", "/things");
    expect(get.status).to.equal(403);
    expect(await get.json()).to.deep.equal({ Message: `${DENIED}${maskedArn("methoddeny-dev", "GET", "/things")} with an explicit deny` });
    const post = await call("methoddeny-dev", "/things", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(post.status).to.equal(200);
    expect(await post.json()).to.deep.equal({ route: "POST /things" });
    const other = await call("methoddeny-dev", "/other");
    expect(other.status).to.equal(200);
  });

  it("resolves a policy resource's reference to the API's own execution ARN", async function () {
    const api = gateway.model().apis.find((a) => a.stack === "selfref-dev")!;
    const statement = api.policy!.statements[0]!;
    expect(statement.resources).to.deep.equal([`arn:aws:execute-api:eu-west-1:123456789012:${api.id}/dev/GET/*`]);
    expect((await call("selfref-dev", "/things")).status).to.equal(200);
    const post = await call("selfref-dev", "/things", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(post.status).to.equal(403);
    expect(await post.json()).to.deep.equal({ Message: `${DENIED}${maskedArn("selfref-dev", "POST", "/things")}` });
  });

  it("treats a request on loopback as coming from no VPC: a VPC-only policy denies it", async function () {
    const vpc = await call("vpc-dev", "/things");
    expect(vpc.status).to.equal(403);
    expect(((await vpc.json()) as { Message: string }).Message).to.match(/with an explicit deny$/);
    const vpce = await call("vpce-dev", "/things");
    expect(vpce.status).to.equal(403);
    expect(((await vpce.json()) as { Message: string }).Message).to.not.match(/explicit deny/);
  });

  it("lets a Lambda authorizer's Allow override the policy's implicit deny, but not its explicit Deny", async function () {
    const allowed = await call("authorized-dev", "/authorized", { headers: { Authorization: "allow" } });
    expect(allowed.status).to.equal(200);
    const denied = await call("authorized-dev", "/authorized", { headers: { Authorization: "deny" } });
    expect(denied.status).to.equal(403);
    expect(await denied.json()).to.deep.equal({ message: "User is not authorized to access this resource" });
    const blocked = await call("authorized-dev", "/authorized", { headers: { Authorization: "allow", "User-Agent": "blocked-agent" } });
    expect(blocked.status).to.equal(403);
    expect(await blocked.json()).to.deep.equal({ Message: `${DENIED}${maskedArn("authorized-dev", "GET", "/authorized")} with an explicit deny` });
  });

  it("stops an explicitly denied request before the Lambda authorizer runs", async function () {
    // Without a token the authorizer would answer 401; the policy's Deny comes first.
    const res = await call("authorized-dev", "/authorized", { headers: { "User-Agent": "blocked-agent" } });
    expect(res.status).to.equal(403);
    expect(((await res.json()) as { Message: string }).Message).to.match(/with an explicit deny$/);
    expect((await call("authorized-dev", "/authorized")).status).to.equal(401);
  });

  it("allows everything on an API without a policy", async function () {
    expect(gateway.model().apis.find((a) => a.stack === "open-dev")!.policy).to.equal(undefined);
    expect((await call("open-dev", "/things")).status).to.equal(200);
  });
});
