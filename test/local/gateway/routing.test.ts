/**
 * End-to-end over HTTP on 127.0.0.1: endpoints, routing, CORS and the HTTP proxy integration of the local gateway.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { get, type EchoBody, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("endpoints", function () {
    it("writes endpoints.json in the contract's shape, one entry per API stage, skipping non-API stacks", function () {
      const file = join(local.fixture.workDir, "state", "endpoints.json");
      const written = JSON.parse(readFileSync(file, "utf8")) as typeof local.gateway.endpoints;
      expect(written.gateway).to.equal(local.gateway.url);
      expect(written.gateway).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.apis.map((a) => `${a.stack}/${a.api}/${a.stage}`)).to.deep.equal(["items-dev/ItemsAPI/dev", "items-dev/ItemsAPI/prod"]);
      expect(written.apis[0]!.url).to.equal(`${local.gateway.url}/items-dev/dev`);
      expect(Object.keys(written.apis[0]!.apiKeys).sort()).to.deep.equal(["LabKey", "QuotaKey", "ThrottledKey"]);
      expect(Object.keys(written.apis[1]!.apiKeys)).to.deep.equal(["LabKey"]);
      expect(written.apis[0]!.apiKeys.ThrottledKey).to.equal("throttled-key-value-0123456789");
      expect(written.apis[0]!.tokens).to.have.property("UserPool").that.matches(/^ey/);
      expect(written.dynamodb).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.s3).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(written.mailbox).to.equal(join(local.fixture.workDir, "state", "mailbox"));
    });
  });

  describe("routing", function () {
    it("answers an unknown path with 403 Missing Authentication Token", async function () {
      const res = await get(local.dev, "/nowhere");
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.equal({ message: "Missing Authentication Token" });
      expect(res.headers.get("x-amzn-errortype")).to.equal("MissingAuthenticationTokenException");
    });

    it("answers a method the resource does not have, and an unknown stage, with 403 too", async function () {
      const res = await fetch(`${local.dev.url}/items`, { method: "DELETE", headers: { "x-api-key": local.dev.apiKeys.LabKey! } });
      expect(res.status).to.equal(403);
      expect(await res.json()).to.deep.equal({ message: "Missing Authentication Token" });
      const stage = await fetch(`${local.gateway.url}/items-dev/staging/items`);
      expect(stage.status).to.equal(403);
    });

    it("prefers a literal path part over a greedy proxy resource", async function () {
      const literal = (await (await get(local.dev, "/echo/literal")).json()) as EchoBody;
      expect(literal.event.resource).to.equal("/echo/literal");
      expect(literal.event.pathParameters).to.equal(null);
      const greedy = (await (await get(local.dev, "/echo/literal/deeper")).json()) as EchoBody;
      expect(greedy.event.resource).to.equal("/echo/{proxy+}");
      expect(greedy.event.pathParameters).to.deep.equal({ proxy: "literal/deeper" });
    });
  });

  describe("CORS", function () {
    it("answers a preflight from the OPTIONS method's MOCK integration", async function () {
      const res = await fetch(`${local.dev.url}/items`, { method: "OPTIONS", headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
      expect(res.headers.get("access-control-allow-methods")).to.equal("GET,POST,OPTIONS");
      expect(res.headers.get("access-control-allow-headers")).to.equal("Content-Type,X-Api-Key,Authorization");
    });

    it("puts the DEFAULT_4XX gateway response's CORS headers on a 403", async function () {
      const res = await fetch(`${local.dev.url}/items`, { headers: { Origin: "https://app.example.com" } });
      expect(res.status).to.equal(403);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
    });

    it("puts the DEFAULT_5XX gateway response's CORS headers on a 500", async function () {
      const res = await get(local.dev, "/noperm");
      expect(res.status).to.equal(500);
      expect(res.headers.get("access-control-allow-origin")).to.equal("https://app.example.com");
    });
  });

  describe("HTTP proxy integration", function () {
    it("forwards method, path, query, headers and body to a loopback upstream chosen by a stage variable", async function () {
      const res = await fetch(`${local.dev.url}/upstream/a/b?x=1`, { method: "PUT", headers: { "X-Custom": "c", "content-type": "text/plain" }, body: "payload" });
      expect(res.status).to.equal(207);
      expect(res.headers.get("x-upstream")).to.equal("yes");
      expect(await res.json()).to.deep.equal({ method: "PUT", url: "/a/b?x=1", header: "c", body: "payload" });
    });
  });
});
