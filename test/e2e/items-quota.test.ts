/**
 * items-catalog's usage plan `CloudAcademyPlan`: a quota of 1000 requests per day for the
 * key, across both stages. A gateway of its own, since this uses the key up.
 */
import { expect } from "chai";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, startApp, type RunningApp } from "./support/app";

describe("e2e: items-catalog usage plan quota (real stack over HTTP)", function () {
  let app: RunningApp;
  let dev: ApiEndpoint;
  let prod: ApiEndpoint;
  let key: string;

  before(async function () {
    app = await startApp();
    dev = app.api("items-catalog", "dev");
    prod = app.api("items-catalog", "prod");
    key = apiKey(prod, "LabKey");
  });

  after(async function () {
    await app?.close();
  });

  it("serves the plan's 1000 requests a day, then answers 429 Limit Exceeded on every stage of the plan", async function () {
    const plan = app.gateway.model().usagePlans.find((p) => p.name.endsWith("CloudAcademyPlan"))!;
    expect(plan.quota).to.include({ limit: 1000, period: "DAY" });

    // The prod stage (10000 rps, burst 5000) so that only the quota can refuse; a mock route.
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < plan.quota!.limit) {
        next += 1;
        const res = await fetch(`${prod.url}/preview/items/1`, { headers: { "x-api-key": key } });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(Object.fromEntries(statuses)).to.deep.equal({ 200: 1000 });

    for (const api of [prod, dev]) {
      const res = await fetch(`${api.url}/preview/items/1`, { headers: { "x-api-key": key } });
      expect(res.status, api.stage).to.equal(429);
      expect(res.headers.get("x-amzn-errortype")).to.equal("LimitExceededException");
      expect(await body(res)).to.deep.equal({ message: "Limit Exceeded" });
    }
    const withoutKey = await fetch(`${prod.url}/preview/items/1`);
    expect(withoutKey.status, "a missing key is still 403, not 429").to.equal(403);
  });
});
