/**
 * End-to-end over HTTP on 127.0.0.1: API keys, usage plans, throttles and quotas of the local gateway.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { get, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("API keys and usage plans", function () {
    it("rejects a request without a key, with an unknown key, a disabled key or a key outside this stage's plans", async function () {
      const model = local.gateway.model();
      const disabled = model.apiKeys.find((k) => k.name === "DisabledKey")!.value;
      const orphan = model.apiKeys.find((k) => k.name === "OrphanKey")!.value;
      for (const headers of [{} as Record<string, string>, { "x-api-key": "not-a-key" }, { "x-api-key": disabled }, { "x-api-key": orphan }]) {
        const res = await get(local.dev, "/items", headers);
        expect(res.status, JSON.stringify(headers)).to.equal(403);
        expect(await res.json()).to.deep.equal({ message: "Forbidden" });
      }
      const quotaKeyOnProd = await get(local.prod, "/items", { "x-api-key": local.dev.apiKeys.QuotaKey! });
      expect(quotaKeyOnProd.status).to.equal(403);
    });

    it("accepts a key in a plan attached to the stage", async function () {
      const res = await get(local.dev, "/items", { "x-api-key": local.dev.apiKeys.LabKey! });
      expect(res.status).to.equal(200);
    });

    it("throttles a key past its plan's burst with 429 Too Many Requests", async function () {
      const statuses: number[] = [];
      const bodies: unknown[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await get(local.dev, "/items", { "x-api-key": local.dev.apiKeys.ThrottledKey! });
        statuses.push(res.status);
        bodies.push(await res.json());
      }
      expect(statuses.slice(0, 2)).to.deep.equal([200, 200]);
      const limited = statuses.indexOf(429);
      expect(limited, statuses.join(",")).to.be.greaterThan(1);
      expect(bodies[limited]).to.deep.equal({ message: "Too Many Requests" });
    });

    it("applies a usage plan's per-method throttle separately from the plan's own", async function () {
      const key = { "x-api-key": local.dev.apiKeys.ThrottledKey! };
      const first = await get(local.dev, "/items/1", key);
      const second = await get(local.dev, "/items/1", key);
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(429);
      expect(await second.json()).to.deep.equal({ message: "Too Many Requests" });
    });

    it("stops a key at its quota with 429 Limit Exceeded", async function () {
      const statuses: number[] = [];
      let last: unknown;
      for (let i = 0; i < 5; i += 1) {
        const res = await get(local.dev, "/items", { "x-api-key": local.dev.apiKeys.QuotaKey! });
        statuses.push(res.status);
        last = await res.json();
      }
      expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
      expect(last).to.deep.equal({ message: "Limit Exceeded" });
    });

    it("applies method throttling from the stage's method settings", async function () {
      const first = await get(local.dev, "/search?q=a");
      const second = await get(local.dev, "/search?q=b");
      expect(first.status).to.equal(200);
      expect(second.status).to.equal(429);
      expect(await second.json()).to.deep.equal({ message: "Too Many Requests" });
    });
  });
});
