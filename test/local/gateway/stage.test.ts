/**
 * End-to-end over HTTP on 127.0.0.1: the stage settings of the local gateway: the stage cache and access logs.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { get, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("stage cache", function () {
    it("serves a cached response for the same cache key and calls the function for another key", async function () {
      const key = { "x-api-key": local.prod.apiKeys.LabKey! };
      const a = (await (await get(local.prod, "/items/3", key)).json()) as { calls: number };
      const b = (await (await get(local.prod, "/items/3", key)).json()) as { calls: number };
      const c = (await (await get(local.prod, "/items/4", key)).json()) as { calls: number };
      expect(b.calls).to.equal(a.calls);
      expect(c.calls).to.be.greaterThan(a.calls);
    });

    it("refuses an unauthorized Cache-Control: max-age=0 with 403 when the strategy is FAIL_WITH_403", async function () {
      const res = await get(local.prod, "/items/3", { "x-api-key": local.prod.apiKeys.LabKey!, "Cache-Control": "max-age=0" });
      expect(res.status).to.equal(403);
    });

    it("does not cache on a stage without a cache cluster", async function () {
      const key = { "x-api-key": local.dev.apiKeys.LabKey! };
      const a = (await (await get(local.dev, "/items/3", key)).json()) as { calls: number };
      const b = (await (await get(local.dev, "/items/3", key)).json()) as { calls: number };
      expect(b.calls).to.be.greaterThan(a.calls);
    });
  });

  describe("access logs", function () {
    it("writes each request in the stage's format to the console and .local/logs/<stack>-<stage>.log", async function () {
      // An integrated request and a keyed one, then a refused one whose line ends the wait below.
      const key = { "x-api-key": local.dev.apiKeys.LabKey! };
      expect((await get(local.dev, "/items", key)).status).to.equal(200);
      expect((await get(local.dev, "/items/2", key)).status).to.equal(200);
      const res = await get(local.dev, "/nowhere-logged");
      const requestId = res.headers.get("x-amzn-requestid");
      const file = join(local.fixture.workDir, "state", "logs", "items-dev-dev.log");
      // The log file is appended through a stream: wait until this request's line is there.
      for (let i = 0; i < 100 && !(existsSync(file) && readFileSync(file, "utf8").includes(requestId!)); i += 1) await new Promise((r) => setTimeout(r, 10));
      const entries = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
      expect(entries.find((e) => e.requestId === requestId)).to.include({ status: "403", method: "GET", ip: "127.0.0.1", error: "Missing Authentication Token", integrationLatency: "-" });
      const integrated = entries.find((e) => e.path === "/items/{ID}" && e.status === "200");
      expect(integrated?.integrationLatency).to.match(/^\d+$/);
      expect(entries.some((e) => e.status === "403" && e.method === "GET" && e.ip === "127.0.0.1")).to.equal(true);
      expect(entries.some((e) => e.path === "/items" && e.apiKeyId === local.gateway.model().apiKeys.find((k) => k.name === "LabKey")!.id)).to.equal(true);
      expect(local.lines.some((l) => l.startsWith('{"requestId":'))).to.equal(true);
    });
  });
});
