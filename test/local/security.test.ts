/**
 * Regression tests for the gateway faults a security pass found: a body that cannot be
 * posted to a worker, forged SigV4 signatures (AWS_IAM and cache invalidation), throttled
 * requests counted against the quota, access-log lines broken by what a request carries,
 * and a 413 that bypassed the stage's gateway responses. Served from `fixtures/guard.ts`.
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { expect } from "chai";
import { rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { startGateway, type ApiEndpoint, type Gateway } from "../../scripts/local/gateway";
import { checkSignature, LOCAL_CREDENTIALS, Sha256 } from "../../scripts/local/pipeline/sigv4";
import { renderAccessLog } from "../../scripts/local/server";
import type { RequestContext } from "../../scripts/local/request";
import { GUARD_CORS_ORIGIN, GUARD_LOG_FORMAT, GUARD_REGION, synthGuardFixture } from "./fixtures/guard";
import type { FixtureOutput } from "./fixtures/stacks";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Signing {
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly signingDate?: Date;
  readonly headers?: Record<string, string>;
}

/** Headers of a SigV4-signed request (as an SDK signs it for execute-api), without `host`, which fetch sets to the same value. */
async function sign(url: string, method: string, body: string | undefined, options: Signing = {}): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({ credentials: options.credentials ?? LOCAL_CREDENTIALS, region: GUARD_REGION, service: "execute-api", sha256: Sha256 });
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer.sign({ method, protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query, headers: { host: u.host, ...(options.headers ?? {}) }, body }, { signingDate: options.signingDate });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== "host") headers[k] = String(v);
  return headers;
}

const FORGED = "AWS4-HMAC-SHA256 Credential=S3RVER/20260101/eu-central-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64);

describe("local gateway security (regressions)", function () {
  let fixture: FixtureOutput;
  let gateway: Gateway;
  let dev: ApiEndpoint;
  const lines: string[] = [];

  before(async function () {
    fixture = await synthGuardFixture();
    gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "state"), log: (l) => lines.push(l) });
    dev = gateway.api("guard-dev", "dev");
  });

  after(async function () {
    await gateway?.close();
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(`${dev.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  describe("a body that cannot be posted to a worker", function () {
    it("answers a JSON body nested 10,000 deep with 400, and leaves no timer behind to fail a later request", async function () {
      this.timeout(30_000);
      expect((await post("/work", '{"sleepMs": 0}')).status).to.equal(200);
      const deep = await post("/work", "[".repeat(10_000) + "]".repeat(10_000));
      expect(deep.status).to.equal(400);
      expect(((await deep.json()) as { message: string }).message).to.match(/nested too deeply/);
      // The same worker serves the next request; a timer left from the refused one (3 s, the function
      // timeout) would end it half-way through its 2.1 s run.
      await sleep(1500);
      const later = await post("/work", '{"sleepMs": 2100}');
      expect(later.status).to.equal(200);
      expect(((await later.json()) as { slept: number }).slept).to.equal(2100);
    });
  });

  describe("SigV4 on AWS_IAM methods", function () {
    it("verifies the AWS documentation's signed example request", async function () {
      // AWS General Reference, "Create a signed AWS API request" / Signature Version 4 examples:
      // IAM ListUsers signed with AKIDEXAMPLE at 20150830T123600Z, stated signature 5d672d79…b2d7.
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        host: "iam.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      };
      const check = (signature: string, secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") =>
        checkSignature({
          method: "GET",
          path: "/",
          query: { Action: ["ListUsers"], Version: ["2010-05-08"] },
          header: (n) => (n === "authorization" ? headers.authorization!.replace(/Signature=\w+/, `Signature=${signature}`) : headers[n]),
          body: Buffer.alloc(0),
          region: "us-east-1",
          service: "iam",
          credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret },
          now: Date.UTC(2015, 7, 30, 12, 40),
        });
      expect(await check("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")).to.equal(undefined);
      expect((await check("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d8"))?.type).to.equal("INVALID_SIGNATURE");
      expect((await check("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", "another-secret"))?.type).to.equal("INVALID_SIGNATURE");
    });

    it("answers no signature with 403 Missing Authentication Token and a forged one with 403, through the gateway responses", async function () {
      const none = await fetch(`${dev.url}/iam`);
      expect(none.status).to.equal(403);
      expect(await none.json()).to.deep.equal({ message: "Missing Authentication Token" });
      const forged = await fetch(`${dev.url}/iam`, { headers: { Authorization: FORGED, "X-Amz-Date": "20260101T000000Z" } });
      expect(forged.status).to.equal(403);
      expect(forged.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
      expect(forged.headers.get("access-control-allow-origin")).to.equal(GUARD_CORS_ORIGIN);
    });

    it("accepts a request signed with the local credentials, and refuses another secret, a changed body or an old date", async function () {
      const url = `${dev.url}/iam?b=2&a=1`;
      const ok = await fetch(url, { headers: await sign(url, "GET", undefined) });
      expect(ok.status).to.equal(200);
      expect(await ok.json()).to.deep.equal({ route: "GET /iam" });

      const otherSecret = await fetch(url, { headers: await sign(url, "GET", undefined, { credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" } }) });
      expect(otherSecret.status).to.equal(403);
      const otherKey = await fetch(url, { headers: await sign(url, "GET", undefined, { credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey } }) });
      expect(otherKey.status).to.equal(403);
      expect(((await otherKey.json()) as { message: string }).message).to.equal("The security token included in the request is invalid.");

      const body = '{"amount": 1}';
      const postHeaders = await sign(`${dev.url}/iam`, "POST", body, { headers: { "content-type": "application/json" } });
      expect((await fetch(`${dev.url}/iam`, { method: "POST", headers: postHeaders, body })).status).to.equal(200);
      expect((await fetch(`${dev.url}/iam`, { method: "POST", headers: postHeaders, body: '{"amount": 1000}' })).status).to.equal(403);

      const old = await fetch(url, { headers: await sign(url, "GET", undefined, { signingDate: new Date(Date.now() - 20 * 60 * 1000) }) });
      expect(old.status).to.equal(403);
      expect(((await old.json()) as { message: string }).message).to.match(/^Signature expired/);
    });
  });

  describe("SigV4: unknown access keys, presigned URLs and the signing-time window", function () {
    const UNKNOWN_KEY = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey };
    /** A presigned URL for `url` as @smithy/signature-v4 makes it (`X-Amz-*` in the query string, `host` signed). */
    async function presign(url: string, options: { credentials?: { accessKeyId: string; secretAccessKey: string }; signingDate?: Date; expiresIn?: number } = {}): Promise<string> {
      const u = new URL(url);
      const signer = new SignatureV4({ credentials: options.credentials ?? LOCAL_CREDENTIALS, region: GUARD_REGION, service: "execute-api", sha256: Sha256 });
      const query: Record<string, string> = {};
      u.searchParams.forEach((v, k) => (query[k] = v));
      const signed = await signer.presign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query, headers: { host: u.host } }, { signingDate: options.signingDate, expiresIn: options.expiresIn });
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(signed.query ?? {})) search.set(k, String(v));
      return `${u.origin}${u.pathname}?${search.toString()}`;
    }
    const message = async (res: Response) => ((await res.json()) as { message: string }).message;
    /** `Signature expired: <signed> is now earlier than <now - 5 min> (<now> - 5 min.)`, as API Gateway words it. */
    const EXPIRED = /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$/;
    const epoch = (t: string) => Date.UTC(Number(t.slice(0, 4)), Number(t.slice(4, 6)) - 1, Number(t.slice(6, 8)), Number(t.slice(9, 11)), Number(t.slice(11, 13)), Number(t.slice(13, 15)));

    it("answers a signature made with an access key the gateway does not know as API Gateway does: 403 AccessDeniedException, not a signature mismatch", async function () {
      // AWS Knowledge Center, "How do I troubleshoot HTTP 403 errors from API Gateway?"
      // (repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden): "The caller used IAM keys that
      // aren't valid": x-amzn-errortype AccessDeniedException, "The security token included in the request is
      // invalid."; the body as API Gateway sends it, {"message": ...} (kndt84/aws-api-gateway-client#31).
      const url = `${dev.url}/iam`;
      for (const res of [await fetch(url, { headers: await sign(url, "GET", undefined, { credentials: UNKNOWN_KEY }) }), await fetch(await presign(url, { credentials: UNKNOWN_KEY }))]) {
        expect(res.status).to.equal(403);
        expect(res.headers.get("x-amzn-errortype")).to.equal("AccessDeniedException");
        expect(await res.json()).to.deep.equal({ message: "The security token included in the request is invalid." });
      }
    });

    it("accepts a presigned URL made with the local credentials, its own query parameters included", async function () {
      const res = await fetch(await presign(`${dev.url}/iam?b=2&a=1`));
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ route: "GET /iam" });
    });

    it("refuses a forged presigned URL (another secret, a changed parameter, a made-up signature) with the signature mismatch", async function () {
      // AWS Knowledge Center, "How do I troubleshoot signature mismatch errors when making SigV4 signed requests
      // with IAM authentication to API Gateway?" (repost.aws/knowledge-center/api-gateway-iam-sigv4-mismatch): 403
      // "The request signature we calculated does not match the signature you provided." (InvalidSignatureException).
      const signed = await presign(`${dev.url}/iam?a=1`);
      const forged = [
        await presign(`${dev.url}/iam?a=1`, { credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: "not-the-secret" } }),
        signed.replace("a=1", "a=2"),
        signed.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${"0".repeat(64)}`),
      ];
      for (const url of forged) {
        const res = await fetch(url);
        expect(res.status, url).to.equal(403);
        expect(res.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
        expect(await message(res)).to.match(/^The request signature we calculated does not match the signature you provided/);
      }
    });

    it("refuses a presigned URL or a signed header more than 5 minutes old with API Gateway's 'Signature expired' (X-Amz-Expires does not extend it)", async function () {
      // Recorded from API Gateway: a presigned execute-api URL works for 5 minutes, then
      // {"message":"Signature expired: 20210330T175821Z is now earlier than 20210330T180403Z (20210330T180903Z - 5 min.)"},
      // whatever X-Amz-Expires says (Stack Overflow question 66961500, "How to increase expiration time in AWS
      // signature v4 pre-signed links for API Gateway from default 5 min?"); a header-signed request the same
      // (aws-amplify/aws-sdk-android#253: 403 {"message":"Signature expired: 20170212T175938Z is now earlier than
      // 20170215T145534Z (20170215T150034Z - 5 min.)"}).
      const url = `${dev.url}/iam`;
      const sixMinutesAgo = new Date(Date.now() - 6 * 60 * 1000);
      const fresh = await fetch(await presign(url, { signingDate: new Date(Date.now() - 4 * 60 * 1000), expiresIn: 60 }));
      expect(fresh.status).to.equal(200);
      for (const res of [await fetch(await presign(url, { signingDate: sixMinutesAgo, expiresIn: 3600 })), await fetch(url, { headers: await sign(url, "GET", undefined, { signingDate: sixMinutesAgo }) })]) {
        expect(res.status).to.equal(403);
        expect(res.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
        const m = EXPIRED.exec(await message(res));
        expect(m, "message in API Gateway's words").to.not.equal(null);
        expect(Math.abs(epoch(m![1]!) - sixMinutesAgo.getTime())).to.be.below(1000);
        expect(epoch(m![3]!) - epoch(m![2]!)).to.equal(5 * 60 * 1000);
      }
    });

    it("refuses a signature dated more than 5 minutes ahead with AWS's 'Signature not yet current'", async function () {
      // AWS's SigV4 wording, recorded from other services (aws/aws-sdk-js#1652: "Signature not yet current:
      // 20170731T092200Z is still later than 20170731T092115Z (20170731T091615Z + 5 min.)"); not recorded from API Gateway.
      const url = `${dev.url}/iam`;
      const ahead = new Date(Date.now() + 6 * 60 * 1000);
      const res = await fetch(url, { headers: await sign(url, "GET", undefined, { signingDate: ahead }) });
      expect(res.status).to.equal(403);
      expect(res.headers.get("x-amzn-errortype")).to.equal("InvalidSignatureException");
      const m = /^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) \+ 5 min\.\)$/.exec(await message(res));
      expect(m, "message in AWS's words").to.not.equal(null);
      expect(Math.abs(epoch(m![1]!) - ahead.getTime())).to.be.below(1000);
      expect(epoch(m![2]!) - epoch(m![3]!)).to.equal(5 * 60 * 1000);
    });
  });

  describe("stage cache invalidation", function () {
    const cached = async (headers: Record<string, string> = {}) => {
      const res = await fetch(`${dev.url}/cached`, { headers });
      return { status: res.status, body: (await res.json()) as { requestId?: string; message?: string } };
    };

    it("keeps the cached entry for a forged signature (403), and invalidates it for a valid one", async function () {
      const first = await cached();
      expect(first.status).to.equal(200);
      expect((await cached()).body.requestId).to.equal(first.body.requestId);

      const forged = await cached({ Authorization: FORGED, "X-Amz-Date": "20260101T000000Z", "Cache-Control": "max-age=0" });
      expect(forged.status).to.equal(403);
      expect(forged.body.message).to.equal("User is not authorized to perform: execute-api:InvalidateCache");
      expect((await cached()).body.requestId).to.equal(first.body.requestId);

      const url = `${dev.url}/cached`;
      const flushed = await cached(await sign(url, "GET", undefined, { headers: { "cache-control": "max-age=0" } }));
      expect(flushed.status).to.equal(200);
      expect(flushed.body.requestId).to.not.equal(first.body.requestId);
      expect((await cached()).body.requestId).to.equal(flushed.body.requestId);
    });
  });

  describe("throttles and quotas", function () {
    it("does not count a throttled request against the key's quota", async function () {
      const key = { "x-api-key": dev.apiKeys.GuardKey! };
      const metered = () => fetch(`${dev.url}/metered`, { headers: key });
      const free = () => fetch(`${dev.url}/free`, { headers: key });
      expect((await metered()).status).to.equal(200);
      for (let i = 0; i < 4; i += 1) {
        const res = await metered();
        expect(res.status).to.equal(429);
        expect(await res.json()).to.deep.equal({ message: "Too Many Requests" });
      }
      // The quota is 3 a day: two requests are left, whatever the throttle refused.
      expect((await free()).status).to.equal(200);
      expect((await free()).status).to.equal(200);
      const over = await free();
      expect(over.status).to.equal(429);
      expect(await over.json()).to.deep.equal({ message: "Limit Exceeded" });
    });
  });

  describe("access logs", function () {
    it("escapes every control character, quote and backslash a value carries", function () {
      const ctx = { requestId: "r", identity: { userAgent: 'a\tb"c\\d\u0000e\u001fx\u2028y\r\nz' }, path: "/p", resourcePath: "/p", status: 200, error: {} } as unknown as RequestContext;
      const parsed = JSON.parse(renderAccessLog(GUARD_LOG_FORMAT, ctx)) as Record<string, string>;
      expect(parsed.ua).to.equal('a\tb"c\\d\u0000e\u001fx\u2028y\r\nz');
      expect(parsed.error).to.equal("-");
    });

    it("writes lines that are valid JSON for requests with tabs, quotes and backslashes in headers and paths", async function () {
      const raw = (path: string, userAgent: string) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(dev.url);
          const req = httpRequest({ host: u.hostname, port: u.port, path: `${u.pathname}${path}`, headers: { "user-agent": userAgent } }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          });
          req.on("error", reject);
          req.end();
        });
      const before = lines.length;
      expect(await raw('/free"\\x', 'tab\there "quoted" back\\slash')).to.equal(403);
      expect(await raw("/iam", "x\t\"\\")).to.equal(403);
      const logged = lines.slice(before).filter((l) => l.startsWith('{"requestId"'));
      expect(logged).to.have.length(2);
      const entries = logged.map((l) => JSON.parse(l) as Record<string, string>);
      expect(entries[0]!.ua).to.equal('tab\there "quoted" back\\slash');
      expect(entries[0]!.path, "$context.path: the stage and the path, as the client addressed API Gateway").to.equal('/dev/free"\\x');
      expect(entries[1]!.ua).to.equal('x\t"\\');
    });
  });

  describe("request too large", function () {
    it("answers 413 through the stage's gateway responses, with their CORS header", async function () {
      this.timeout(20_000);
      const res = await post("/work", "x".repeat(10 * 1024 * 1024 + 1));
      expect(res.status).to.equal(413);
      expect(await res.json()).to.deep.equal({ message: "Request Too Long" });
      expect(res.headers.get("access-control-allow-origin")).to.equal(GUARD_CORS_ORIGIN);
    });
  });

  describe("requests that are not valid HTTP", function () {
    /** The raw answer to raw bytes: status line and body. */
    const rawRequest = (bytes: string) =>
      new Promise<{ status: string; body: string }>((resolve, reject) => {
        const { port } = new URL(dev.url);
        const socket = connect(Number(port), "127.0.0.1", () => socket.write(bytes));
        let data = "";
        socket.setEncoding("latin1").on("data", (c: string) => (data += c)).on("end", () => resolve({ status: data.split("\r\n")[0]!, body: data.slice(data.indexOf("\r\n\r\n") + 4) })).on("error", reject);
      });

    it("answers an unknown method, a control character in a header or a raw space in the path with a JSON 400, not an empty one", async function () {
      const path = new URL(dev.url).pathname;
      for (const bytes of [`FOO ${path}/work HTTP/1.1\r\nHost: x\r\n\r\n`, `GET ${path}/work HTTP/1.1\r\nHost: x\r\nX-Trace: a\u0001b\r\n\r\n`, `GET ${path}/a b HTTP/1.1\r\nHost: x\r\n\r\n`]) {
        const { status, body } = await rawRequest(bytes);
        expect(status, JSON.stringify(bytes)).to.equal("HTTP/1.1 400 Bad Request");
        expect((JSON.parse(body) as { message: string }).message, JSON.stringify(bytes)).to.match(/^Bad Request: not a valid HTTP\/1\.1 request/);
      }
      const { status, body } = await rawRequest(`GET ${path}/work HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
      expect(status).to.equal("HTTP/1.1 431 Request Header Fields Too Large");
      expect(JSON.parse(body)).to.deep.equal({ message: "Request Header Fields Too Large" });
      expect((await post("/work", '{"sleepMs": 0}')).status, "the gateway serves on").to.equal(200);
    });
  });
});
