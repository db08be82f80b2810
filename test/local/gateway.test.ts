/**
 * End-to-end: the local gateway over HTTP on 127.0.0.1, serving a synthesized fixture
 * stack (cdk.tf.json + handler zips) with dynalite, s3rver and the SES mailbox behind it.
 */
import { expect } from "chai";
import { generateKeyPair, SignJWT } from "jose";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { startGateway, type ApiEndpoint, type Gateway } from "../../scripts/local/gateway";
import { synthFixture, type FixtureOutput } from "./fixtures/stacks";

interface EchoBody {
  event: Record<string, unknown> & {
    requestContext: Record<string, unknown> & { identity: Record<string, unknown> };
    headers: Record<string, string>;
    multiValueHeaders: Record<string, string[]>;
    queryStringParameters: Record<string, string> | null;
    multiValueQueryStringParameters: Record<string, string[]> | null;
    pathParameters: Record<string, string> | null;
    stageVariables: Record<string, string> | null;
    body: string | null;
    isBase64Encoded: boolean;
  };
  item?: Record<string, { S?: string; N?: string }>;
  greeting: string;
  tableName: string;
  versionEnv: string;
  context: { functionName: string; functionVersion: string; invokedFunctionArn: string; awsRequestId: string; memoryLimitInMB: string; remaining: number };
}

describe("local gateway (end to end over HTTP)", function () {
  let fixture: FixtureOutput;
  let gateway: Gateway;
  let dev: ApiEndpoint;
  let prod: ApiEndpoint;
  let upstream: Server;
  const lines: string[] = [];

  const get = (api: ApiEndpoint, path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });

  before(async function () {
    // A loopback HTTP server behind the HTTP_PROXY route; it answers with what it received.
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        res.writeHead(207, { "content-type": "application/json", "x-upstream": "yes" });
        res.end(JSON.stringify({ method: req.method, url: req.url, header: req.headers["x-custom"] ?? null, body: Buffer.concat(chunks).toString() }));
      });
    });
    await new Promise<void>((ok) => upstream.listen(0, "127.0.0.1", () => ok()));
    fixture = await synthFixture({ upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "state"), log: (l) => lines.push(l) });
    dev = gateway.api("items-dev", "dev");
    prod = gateway.api("items-dev", "prod");
  });

  after(async function () {
    await gateway?.close();
    upstream?.close();
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  describe("endpoints", function () {
    it("writes endpoints.json in the contract's shape, one entry per API stage, skipping non-API stacks", function () {
      const file = join(fixture.workDir, "state", "endpoints.json");
      const written = JSON.parse(readFileSync(file, "utf8")) as typeof gateway.endpoints;
      expect(written.gateway).to.equal(gateway.url);
      expect(written.gateway).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.apis.map((a) => `${a.stack}/${a.api}/${a.stage}`)).to.deep.equal(["items-dev/ItemsAPI/dev", "items-dev/ItemsAPI/prod"]);
      expect(written.apis[0]!.url).to.equal(`${gateway.url}/items-dev/dev`);
      expect(Object.keys(written.apis[0]!.apiKeys).sort()).to.deep.equal(["LabKey", "QuotaKey", "ThrottledKey"]);
      expect(Object.keys(written.apis[1]!.apiKeys)).to.deep.equal(["LabKey"]);
      expect(written.apis[0]!.apiKeys.ThrottledKey).to.equal("throttled-key-value-0123456789");
      expect(written.apis[0]!.tokens).to.have.property("UserPool").that.matches(/^ey/);
      expect(written.dynamodb).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.s3).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.mailbox).to.equal(join(fixture.workDir, "state", "mailbox"));
    });
  });

  describe("routing", function () {
    it("answers an unknown path with 403 Missing Authentication Token", async function () {
      const res = await get(dev, "/nowhere");
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.equal({ message: "Missing Authentication Token" });
      expect(res.headers.get("x-amzn-errortype")).to.equal("MissingAuthenticationTokenException");
    });

    it("answers a method the resource does not have, and an unknown stage, with 403 too", async function () {
      const res = await fetch(`${dev.url}/items`, { method: "DELETE", headers: { "x-api-key": dev.apiKeys.LabKey! } });
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.equal({ message: "Missing Authentication Token" });
      const stage = await fetch(`${gateway.url}/items-dev/staging/items`);
      expect(stage.status).to.equal(403);
    });

    it("prefers a literal path part over a greedy proxy resource", async function () {
      const literal = (await (await get(dev, "/echo/literal")).json()) as EchoBody;
      expect(literal.event.resource).to.equal("/echo/literal");
      expect(literal.event.pathParameters).to.equal(null);
      const greedy = (await (await get(dev, "/echo/literal/deeper")).json()) as EchoBody;
      expect(greedy.event.resource).to.equal("/echo/{proxy+}");
      expect(greedy.event.pathParameters).to.deep.equal({ proxy: "literal/deeper" });
    });
  });

  describe("API keys and usage plans", function () {
    it("rejects a request without a key, with an unknown key, a disabled key or a key outside this stage's plans", async function () {
      const model = gateway.model();
      const disabled = model.apiKeys.find((k) => k.name === "DisabledKey")!.value;
      const orphan = model.apiKeys.find((k) => k.name === "OrphanKey")!.value;
      for (const headers of [{} as Record<string, string>, { "x-api-key": "not-a-key" }, { "x-api-key": disabled }, { "x-api-key": orphan }]) {
        const res = await get(dev, "/items", headers);
        expect(res.status, JSON.stringify(headers)).to.equal(403);
        expect(await res.json()).to.deep.equal({ message: "Forbidden" });
      }
      const quotaKeyOnProd = await get(prod, "/items", { "x-api-key": dev.apiKeys.QuotaKey! });
      expect(quotaKeyOnProd.status).to.equal(403);
    });

    it("accepts a key in a plan attached to the stage", async function () {
      const res = await get(dev, "/items", { "x-api-key": dev.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
    });

    it("throttles a key past its plan's burst with 429 Too Many Requests", async function () {
      const statuses: number[] = [];
      const bodies: unknown[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await get(dev, "/items", { "x-api-key": dev.apiKeys.ThrottledKey! });
        statuses.push(res.status);
        bodies.push(await res.json());
      }
      expect(statuses.slice(0, 2)).to.deep.equal([200, 200]);
      const limited = statuses.indexOf(429);
      expect(limited, statuses.join(",")).to.be.greaterThan(1);
      expect(bodies[limited]).to.deep.equal({ message: "Too Many Requests" });
    });

    it("applies a usage plan's per-method throttle separately from the plan's own", async function () {
      const key = { "x-api-key": dev.apiKeys.ThrottledKey! };
      const first = await get(dev, "/items/1", key);
      const second = await get(dev, "/items/1", key);
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(429);
      expect(await second.json()).to.deep.equal({ message: "Too Many Requests" });
    });

    it("stops a key at its quota with 429 Limit Exceeded", async function () {
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 5; i += 1) {
        const res = await get(dev, "/items", { "x-api-key": dev.apiKeys.QuotaKey! });
        statuses.push(res.status);
        last = await res.json();
      }
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      expect(last).to.deep.equal({ message: "Limit Exceeded" });
    });

    it("applies method throttling from the stage's method settings", async function () {
      const first = await get(dev, "/search?q=a");
      const second = await get(dev, "/search?q=b");
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(429);
      expect(await second.json()).to.deep.equal({ message: "Too Many Requests" });
    });
  });

  describe("CORS", function () {
    it("answers a preflight from the OPTIONS method's MOCK integration", async function () {
      const res = await fetch(`${dev.url}/items`, { method: "OPTIONS", headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
      expect(res.headers.get("access-control-allow-methods")).to.equal("GET,POST,OPTIONS");
      expect(res.headers.get("access-control-allow-headers")).to.equal("Content-Type,X-Api-Key,Authorization");
    });

    it("puts the DEFAULT_4XX gateway response's CORS headers on a 403", async function () {
      const res = await fetch(`${dev.url}/items`, { headers: { Origin: "https://app.example.com" } });
      expect(res.status).to.equal(403);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
    });

    it("puts the DEFAULT_5XX gateway response's CORS headers on a 500", async function () {
      const res = await get(dev, "/noperm");
      expect(res.status).to.equal(500);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
    });
  });

  describe("request validation", function () {
    const post = (body: string) => fetch(`${dev.url}/items`, { method: "POST", headers: { "x-api-key": dev.apiKeys.LabKey!, "content-type": "application/json" }, body });

    it("rejects a body that does not match the model with 400 Invalid request body", async function () {
      for (const body of ['{"ID": "abc"}', '{"name": "no id"}', "not json"]) {
        const res = await post(body);
        expect(res.status, body).to.equal(400);
        expect(await res.json()).to.deep.equal({ message: "Invalid request body" });
        expect(res.headers.get("x-amzn-errortype")).to.equal("BadRequestException");
      }
    });

    it("passes a valid body to the integration", async function () {
      const res = await post('{"ID": 5, "name": "Quote\\"d", "price": 1}');
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ created: true, stage: "dev" });
    });

    it("names missing required parameters", async function () {
      const res = await get(prod, "/search");
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({ message: "Missing required request parameters: [q]" });
    });
  });

  describe("mapping templates (the items document's mocks)", function () {
    it("renders the #foreach list template", async function () {
      const res = await get(prod, "/items", { "x-api-key": prod.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/json");
      const text = await res.text();
      expect(text, "Java prints the Double 2 * 1.5 as 3.0").to.include('"price" : 3.0');
      expect(JSON.parse(text)).to.deep.equal([
        { ID: 1, name: "foo1", price: 1.5 },
        { ID: 2, name: "foo2", price: 3 },
        { ID: 3, name: "foo3", price: 4.5 },
      ]);
    });

    it("renders the $Integer.parseInt item template", async function () {
      const res = await get(dev, "/mock/7");
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ ID: 7, name: "foo7", price: 10.5 });
    });

    it("answers 500 Internal server error when the template cannot parse the ID, as the document says", async function () {
      const res = await get(prod, "/mock/abc");
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ message: "Internal server error" });
    });

    it("gives templates $context and $stageVariables", async function () {
      const res = await get(prod, "/search?q=hello%20world");
      expect(await res.json()).to.deep.equal({ q: "hello world", stage: "prod", var: "prod" });
    });
  });

  describe("Lambda non-proxy integration", function () {
    it("maps the path parameter into the event and returns the item", async function () {
      const res = await get(dev, "/items/2", { "x-api-key": dev.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ ID: 2, name: "Pencil", price: 1.5 });
    });

    it("selects the 404 integration response when the error message matches .*NotFoundError.*", async function () {
      const res = await get(dev, "/items/9", { "x-api-key": dev.apiKeys.LabKey! });
      expect(res.status).to.equal(404);
      expect(res.headers.get("x-not-found")).to.equal("yes");
      expect(await res.json()).to.deep.equal({ message: "Item 9 not found", error: "NotFoundError" });
    });
  });

  describe("stage variables and aliases", function () {
    it("invokes the dev alias ($LATEST) from dev and the prod alias (version 1) from prod", async function () {
      const d = (await (await get(dev, "/echo/literal")).json()) as EchoBody;
      const p = (await (await get(prod, "/echo/literal")).json()) as EchoBody;
      expect(d.context.invokedFunctionArn).to.equal("arn:aws:lambda:us-west-2:123456789012:function:dev-Echo:dev");
      expect(d.context.functionVersion).to.equal("$LATEST");
      expect(p.context.invokedFunctionArn).to.equal("arn:aws:lambda:us-west-2:123456789012:function:dev-Echo:prod");
      expect(p.context.functionVersion).to.equal("1");
      expect(d.event.stageVariables).to.include({ lambdaAlias: "dev" });
      expect(p.event.stageVariables).to.deep.equal({ lambdaAlias: "prod" });
      const item = (await (await get(prod, "/items/1", { "x-api-key": prod.apiKeys.LabKey! })).json()) as Record<string, unknown>;
      expect(item.version).to.equal("1");
    });

    it("runs each version in its own workers: AWS_LAMBDA_FUNCTION_VERSION is $LATEST through dev and 1 through prod", async function () {
      // Interleaved and concurrent, so a worker of one version would be reused by the other if they shared one.
      const bodies = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const api = i % 2 === 0 ? dev : prod;
          return { stage: api.stage, body: (await (await get(api, "/echo/literal")).json()) as EchoBody };
        }),
      );
      for (const { stage, body } of bodies) {
        const version = stage === "dev" ? "$LATEST" : "1";
        expect(body.versionEnv, stage).to.equal(version);
        expect(body.context.functionVersion, stage).to.equal(version);
        expect(body.context.invokedFunctionArn, stage).to.equal(`arn:aws:lambda:us-west-2:123456789012:function:dev-Echo:${stage}`);
      }
    });

    it("fails with 500 when no aws_lambda_permission lets API Gateway invoke the function", async function () {
      const res = await get(dev, "/noperm");
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ message: "Internal server error" });
      expect(lines.some((l) => l.includes("Invalid permissions on Lambda function"))).to.equal(true);
    });
  });

  describe("Lambda proxy integration", function () {
    it("sends the v1 proxy event with every field and a Lambda context", async function () {
      const res = await fetch(`${dev.url}/echo/a/b%20c?x=1&x=2&y=3`, { headers: { "X-Custom": "v", "User-Agent": "gateway-test" } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("x-handler")).to.equal("echo");
      expect(res.headers.get("set-cookie")).to.equal("a=1, b=2");
      const body = (await res.json()) as EchoBody;
      const e = body.event;
      expect(e).to.include({ resource: "/echo/{proxy+}", path: "/echo/a/b%20c", httpMethod: "GET", body: null, isBase64Encoded: false });
      expect(e.headers["X-Custom"]).to.equal("v");
      expect(e.queryStringParameters).to.deep.equal({ x: "2", y: "3" });
      expect(e.multiValueQueryStringParameters).to.deep.equal({ x: ["1", "2"], y: ["3"] });
      expect(e.pathParameters).to.deep.equal({ proxy: "a/b c" });
      const rc = e.requestContext;
      expect(rc).to.include({ accountId: "123456789012", apiId: gateway.model().apis[0]!.id, resourcePath: "/echo/{proxy+}", httpMethod: "GET", path: "/dev/echo/a/b%20c", stage: "dev", protocol: "HTTP/1.1" });
      expect(rc.requestId).to.match(/^[0-9a-f-]{36}$/);
      expect(rc.requestTimeEpoch).to.be.a("number");
      expect(rc.requestTime).to.match(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      expect(rc.identity).to.include({ sourceIp: "127.0.0.1", userAgent: "gateway-test" });
      expect(body.greeting).to.equal("hello");
      expect(body.tableName).to.equal("dev-Items");
      expect(body.context.functionName).to.equal("dev-Echo");
      expect(body.context.memoryLimitInMB).to.equal("256");
      expect(body.context.remaining).to.be.within(1, 1000);
    });

    it("delivers query parameters and headers named __proto__, constructor or toString as sent, like any other name", async function () {
      // The names are plain strings to API Gateway; the gateway once built its maps on plain
      // objects, so `?constructor=1` answered 500 on every route and a `__proto__` header vanished.
      // node:http, because fetch itself drops a header named __proto__.
      const headers = Object.defineProperty({ constructor: "h2" }, "__proto__", { value: "h1", enumerable: true });
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(`${dev.url}/echo/names?__proto__=a&constructor=b&toString=c&hasOwnProperty=d&valueOf=e&valueOf=f`, { headers }, (res) => {
          let data = "";
          res.setEncoding("utf8").on("data", (c: string) => (data += c)).on("end", () => resolve({ status: res.statusCode ?? 0, text: data }));
        });
        req.on("error", reject).end();
      });
      expect(status, text).to.equal(200);
      const e = (JSON.parse(text) as EchoBody).event;
      expect(e.queryStringParameters).to.deep.equal(JSON.parse('{"__proto__": "a", "constructor": "b", "toString": "c", "hasOwnProperty": "d", "valueOf": "f"}'));
      expect(Object.keys(e.multiValueQueryStringParameters ?? {})).to.deep.equal(["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]);
      expect(Object.getOwnPropertyDescriptor(e.multiValueQueryStringParameters, "valueOf")?.value).to.deep.equal(["e", "f"]);
      expect(Object.getOwnPropertyDescriptor(e.headers, "__proto__")?.value).to.equal("h1");
      expect(Object.getOwnPropertyDescriptor(e.headers, "constructor")?.value).to.equal("h2");
      expect(Object.getOwnPropertyDescriptor(e.multiValueHeaders, "__proto__")?.value).to.deep.equal(["h1"]);
    });

    it("reaches the seeded DynamoDB table through the function's SDK", async function () {
      const body = (await (await get(dev, "/echo/items/1?mode=dynamo")).json()) as EchoBody;
      expect(body.item?.name?.S).to.equal("Pen");
    });

    it("base64-encodes a binary upload per binary_media_types", async function () {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x10]);
      const res = await fetch(`${dev.url}/echo/upload/pic.png`, { method: "POST", headers: { "content-type": "image/png" }, body: png });
      const body = (await res.json()) as EchoBody;
      expect(body.event.isBase64Encoded).to.equal(true);
      expect(Buffer.from(body.event.body!, "base64").equals(png)).to.equal(true);
      const text = (await (await fetch(`${dev.url}/echo/upload/note.txt`, { method: "POST", headers: { "content-type": "text/plain" }, body: "plain" })).json()) as EchoBody;
      expect(text.event).to.include({ isBase64Encoded: false, body: "plain" });
    });

    const failures: Record<string, string> = { crash: "crashes its worker", throw: "throws", malformed: "returns a malformed response", oom: "runs out of its memory size" };
    for (const [mode, what] of Object.entries(failures)) {
      it(`answers 502 when the handler ${what}, and the next request succeeds`, async function () {
        const res = await get(dev, `/echo/x?mode=${mode}`);
        expect(res.status).to.equal(502);
        expect(await res.json()).to.deep.equal({ message: "Internal server error" });
        const next = await get(dev, "/echo/x");
        expect(next.status).to.equal(200);
      });
    }

    it("answers 504 Endpoint request timed out past the integration's timeout", async function () {
      const res = await get(dev, "/echo/slow?mode=sleep");
      expect(res.status).to.equal(504);
      expect(await res.json()).to.deep.equal({ message: "Endpoint request timed out" });
      expect((await get(dev, "/echo/x")).status).to.equal(200);
    });

    it("answers 502 when the function runs past its timeout, and recovers", async function () {
      const res = await get(dev, "/echo/x?mode=sleep");
      expect(res.status).to.equal(502);
      const next = await get(dev, "/echo/x");
      expect(next.status).to.equal(200);
    });
  });

  describe("HTTP proxy integration", function () {
    it("forwards method, path, query, headers and body to a loopback upstream chosen by a stage variable", async function () {
      const res = await fetch(`${dev.url}/upstream/a/b?x=1`, { method: "PUT", headers: { "X-Custom": "c", "content-type": "text/plain" }, body: "payload" });
      expect(res.status).to.equal(207);
      expect(res.headers.get("x-upstream")).to.equal("yes");
      expect(await res.json()).to.deep.equal({ method: "PUT", url: "/a/b?x=1", header: "c", body: "payload" });
    });
  });

  describe("authorizers", function () {
    it("accepts a token with chosen claims from the same issuer", async function () {
      const token = await gateway.token("items-dev", "UserPool", { claims: { sub: "user-42" } });
      const res = await get(dev, "/secure", { Authorization: token });
      expect(((await res.json()) as { sub: string }).sub).to.equal("user-42");
    });

    it("accepts the Cognito token from endpoints.json and passes its claims", async function () {
      const res = await get(dev, "/secure", { Authorization: dev.tokens.UserPool! });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { sub: string; aud: string };
      expect(body.sub).to.equal("00000000-0000-4000-8000-000000000001");
      expect(body.aud).to.have.length(26);
    });

    it("rejects a missing, tampered, foreign-signed, expired or other-audience Cognito token with 401 Unauthorized", async function () {
      const token = dev.tokens.UserPool!;
      const [h, p, s] = token.split(".");
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), sub: "admin" })).toString("base64url")}.${s}`;
      const { privateKey } = await generateKeyPair("RS256");
      const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
      const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
      const expired = await gateway.token("items-dev", "UserPool", { ttlSeconds: -60 });
      const otherAudience = await gateway.token("items-dev", "UserPool", { audience: "some-other-client" });
      for (const headers of [{} as Record<string, string>, { Authorization: tampered }, { Authorization: foreign }, { Authorization: "garbage" }, { Authorization: expired }, { Authorization: otherAudience }]) {
        const res = await get(dev, "/secure", headers);
        expect(res.status).to.equal(401);
        expect(await res.json()).to.deep.equal({ message: "Unauthorized" });
      }
    });

    it("evaluates a Lambda TOKEN authorizer's policy and caches its result for the TTL", async function () {
      const first = await get(dev, "/lambda-auth", { Authorization: "allow" });
      expect(first.status).to.equal(200);
      const a = (await first.json()) as { principal: string; tier: string; calls: string };
      expect(a).to.include({ principal: "user-1", tier: "gold" });
      const second = (await (await get(dev, "/lambda-auth", { Authorization: "allow" })).json()) as { calls: string };
      expect(second.calls).to.equal(a.calls);
      const denied = await get(dev, "/lambda-auth", { Authorization: "deny" });
      expect(denied.status).to.equal(403);
      expect(await denied.json()).to.deep.equal({ message: "User is not authorized to access this resource" });
      const unauthorized = await get(dev, "/lambda-auth", { Authorization: "who" });
      expect(unauthorized.status).to.equal(401);
      const missing = await get(dev, "/lambda-auth");
      expect(missing.status).to.equal(401);
    });
  });

  describe("REQUEST authorizer", function () {
    it("needs every identity source, passes the request, and evaluates the returned policy", async function () {
      const ok = await get(dev, "/request-auth?user=ann", { "X-Token": "letmein" });
      expect(ok.status).to.equal(200);
      expect(await ok.json()).to.deep.equal({ principal: "ann", user: "ann" });
      const denied = await get(dev, "/request-auth?user=ann", { "X-Token": "wrong" });
      expect(denied.status).to.equal(403);
      const missing = await get(dev, "/request-auth", { "X-Token": "letmein" });
      expect(missing.status).to.equal(401);
      expect(await missing.json()).to.deep.equal({ message: "Unauthorized" });
    });
  });

  describe("stage cache", function () {
    it("serves a cached response for the same cache key and calls the function for another key", async function () {
      const key = { "x-api-key": prod.apiKeys.LabKey! };
      const a = (await (await get(prod, "/items/3", key)).json()) as { calls: number };
      const b = (await (await get(prod, "/items/3", key)).json()) as { calls: number };
      const c = (await (await get(prod, "/items/4", key)).json()) as { calls: number };
      expect(b.calls).to.equal(a.calls);
      expect(c.calls).to.be.greaterThan(a.calls);
    });

    it("refuses an unauthorized Cache-Control: max-age=0 with 403 when the strategy is FAIL_WITH_403", async function () {
      const res = await get(prod, "/items/3", { "x-api-key": prod.apiKeys.LabKey!, "Cache-Control": "max-age=0" });
      expect(res.status).to.equal(403);
    });

    it("does not cache on a stage without a cache cluster", async function () {
      const key = { "x-api-key": dev.apiKeys.LabKey! };
      const a = (await (await get(dev, "/items/3", key)).json()) as { calls: number };
      const b = (await (await get(dev, "/items/3", key)).json()) as { calls: number };
      expect(b.calls).to.be.greaterThan(a.calls);
    });
  });

  describe("access logs", function () {
    it("writes each request in the stage's format to the console and .local/logs/<stack>-<stage>.log", async function () {
      const res = await get(dev, "/nowhere-logged");
      const requestId = res.headers.get("x-amzn-requestid");
      const file = join(fixture.workDir, "state", "logs", "items-dev-dev.log");
      // The log file is appended through a stream: wait until this request's line is there.
      for (let i = 0; i < 100 && !(existsSync(file) && readFileSync(file, "utf8").includes(requestId!)); i += 1) await new Promise((r) => setTimeout(r, 10));
      const entries = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
      expect(entries.find((e) => e.requestId === requestId)).to.include({ status: "403", method: "GET", ip: "127.0.0.1", error: "Missing Authentication Token", integrationLatency: "-" });
      const integrated = entries.find((e) => e.path === "/items/{ID}" && e.status === "200");
      expect(integrated?.integrationLatency).to.match(/^\d+$/);
      expect(entries.some((e) => e.status === "403" && e.method === "GET" && e.ip === "127.0.0.1")).to.equal(true);
      expect(entries.some((e) => e.path === "/items" && e.apiKeyId === gateway.model().apiKeys.find((k) => k.name === "LabKey")!.id)).to.equal(true);
      expect(lines.some((l) => l.startsWith('{"requestId":'))).to.equal(true);
    });
  });

  describe("prewarm (--prewarm)", function () {
    it("imports each handler before the first request, in $LATEST and in each version an alias points to", async function () {
      const warmLines: string[] = [];
      const warm = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "warm-state"), prewarm: true, log: (l) => warmLines.push(l) });
      try {
        // No request yet: the workers' output reaches the log through a stream, so give it a moment.
        const inits = () => warmLines.filter((l) => l.startsWith("echo init")).sort();
        for (let i = 0; i < 100 && inits().length < 2; i += 1) await new Promise((r) => setTimeout(r, 10));
        expect(inits()).to.deep.equal(["echo init $LATEST", "echo init 1"]);
        const res = await fetch(`${warm.api("items-dev", "prod").url}/echo/literal`);
        expect(((await res.json()) as EchoBody).versionEnv).to.equal("1");
        expect(warmLines.filter((l) => l.startsWith("echo init")), "the prod request used the warm worker").to.have.length(2);
      } finally {
        await warm.close();
      }
    });
  });

  describe("reload (npm run dev)", function () {
    it("swaps a re-synthesized model and its functions in without a restart", async function () {
      const before = (await (await get(dev, "/echo/literal")).json()) as EchoBody;
      expect(before.greeting).to.equal("hello");
      await synthFixture({ workDir: fixture.workDir, greeting: "bonjour" });
      const inFlight = get(dev, "/echo/x?mode=wait");
      await new Promise((r) => setTimeout(r, 100));
      await gateway.reload();
      const finished = await inFlight;
      expect(finished.status, "a request in flight during the swap completes").to.equal(200);
      expect(((await finished.json()) as EchoBody).greeting).to.equal("hello");
      const after = (await (await get(dev, "/echo/literal")).json()) as EchoBody;
      expect(after.greeting).to.equal("bonjour");
      expect(gateway.api("items-dev", "dev").apiKeys.LabKey).to.equal(dev.apiKeys.LabKey);
      const quota = await get(dev, "/items", { "x-api-key": dev.apiKeys.QuotaKey! });
      expect(quota.status, "quota usage survives a reload").to.equal(429);
    });
  });
});
