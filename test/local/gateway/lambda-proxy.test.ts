/**
 * End-to-end over HTTP on 127.0.0.1: the Lambda proxy integration of the local gateway: aliases by stage variable, the v1 event, failures and timeouts.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import { get, type EchoBody, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("stage variables and aliases", function () {
    it("invokes the dev alias ($LATEST) from dev and the prod alias (version 1) from prod", async function () {
      const d = (await (await get(local.dev, "/echo/literal")).json()) as EchoBody;
      const p = (await (await get(local.prod, "/echo/literal")).json()) as EchoBody;
      expect(d.context.invokedFunctionArn).to.equal("arn:aws:lambda:us-west-2:123456789012:function:dev-Echo:dev");
      expect(d.context.functionVersion).to.equal("$LATEST");
      expect(p.context.invokedFunctionArn).to.equal("arn:aws:lambda:us-west-2:123456789012:function:dev-Echo:prod");
      expect(p.context.functionVersion).to.equal("1");
      expect(d.event.stageVariables).to.include({ lambdaAlias: "dev" });
      expect(p.event.stageVariables).to.deep.equal({ lambdaAlias: "prod" });
      const item = (await (await get(local.prod, "/items/1", { "x-api-key": local.prod.apiKeys.LabKey! })).json()) as Record<string, unknown>;
      expect(item.version).to.equal("1");
    });

    it("runs each version in its own workers: AWS_LAMBDA_FUNCTION_VERSION is $LATEST through dev and 1 through prod", async function () {
      // Interleaved and concurrent, so a worker of one version would be reused by the other if they shared one.
      const bodies = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const api = i % 2 === 0 ? local.dev : local.prod;
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
      const res = await get(local.dev, "/noperm");
      expect(res.status).to.equal(500);
      expect(await res.json()).to.deep.equal({ message: "Internal server error" });
      expect(local.lines.some((l) => l.includes("Invalid permissions on Lambda function"))).to.equal(true);
    });
  });

  describe("Lambda proxy integration", function () {
    it("sends the v1 proxy event with every field and a Lambda context", async function () {
      const res = await fetch(`${local.dev.url}/echo/a/b%20c?x=1&x=2&y=3`, { headers: { "X-Custom": "v", "User-Agent": "gateway-test" } });
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
      expect(rc).to.include({ accountId: "123456789012", apiId: local.gateway.model().apis[0]!.id, resourcePath: "/echo/{proxy+}", httpMethod: "GET", path: "/dev/echo/a/b%20c", stage: "dev", protocol: "HTTP/1.1" });
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
        const req = httpRequest(`${local.dev.url}/echo/names?__proto__=a&constructor=b&toString=c&hasOwnProperty=d&valueOf=e&valueOf=f`, { headers }, (res) => {
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
      const body = (await (await get(local.dev, "/echo/items/1?mode=dynamo")).json()) as EchoBody;
      expect(body.item?.name?.S).to.equal("Pen");
    });

    it("base64-encodes a binary upload per binary_media_types", async function () {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x10]);
      const res = await fetch(`${local.dev.url}/echo/upload/pic.png`, { method: "POST", headers: { "content-type": "image/png" }, body: png });
      const body = (await res.json()) as EchoBody;
      expect(body.event.isBase64Encoded).to.equal(true);
      expect(Buffer.from(body.event.body!, "base64").equals(png)).to.equal(true);
      const text = (await (await fetch(`${local.dev.url}/echo/upload/note.txt`, { method: "POST", headers: { "content-type": "text/plain" }, body: "plain" })).json()) as EchoBody;
      expect(text.event).to.include({ isBase64Encoded: false, body: "plain" });
    });

    const failures: Record<string, string> = { crash: "crashes its worker", throw: "throws", malformed: "returns a malformed response", oom: "runs out of its memory size" };
    for (const [mode, what] of Object.entries(failures)) {
      it(`answers 502 when the handler ${what}, and the next request succeeds`, async function () {
        const res = await get(local.dev, `/echo/x?mode=${mode}`);
        expect(res.status).to.equal(502);
        expect(await res.json()).to.deep.equal({ message: "Internal server error" });
        const next = await get(local.dev, "/echo/x");
        expect(next.status).to.equal(200);
      });
    }

    it("answers 504 Endpoint request timed out past the integration's timeout", async function () {
      const res = await get(local.dev, "/echo/slow?mode=sleep");
      expect(res.status).to.equal(504);
      expect(await res.json()).to.deep.equal({ message: "Endpoint request timed out" });
      expect((await get(local.dev, "/echo/x")).status).to.equal(200);
    });

    it("answers 502 when the function runs past its timeout, and recovers", async function () {
      const res = await get(local.dev, "/echo/x?mode=sleep");
      expect(res.status).to.equal(502);
      const next = await get(local.dev, "/echo/x");
      expect(next.status).to.equal(200);
    });
  });
});
