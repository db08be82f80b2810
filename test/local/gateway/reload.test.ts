/**
 * End-to-end over HTTP on 127.0.0.1: prewarming and reloading the local gateway (npm start --prewarm, npm run dev).
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { join } from "node:path";
import { startGateway } from "../../../scripts/local/gateway";
import { synthFixture } from "../fixtures/stacks";
import { get, type EchoBody, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("prewarm (--prewarm)", function () {
    it("imports each handler before the first request, in $LATEST and in each version an alias points to", async function () {
      const warmLines: string[] = [];
      const warm = await startGateway({ outdir: local.fixture.outdir, port: 0, stateDir: join(local.fixture.workDir, "warm-state"), prewarm: true, log: (l) => warmLines.push(l) });
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
      const quotaKey = { "x-api-key": local.dev.apiKeys.QuotaKey! };
      for (let i = 0; i < 3; i += 1) expect((await get(local.dev, "/items", quotaKey)).status, "the QuotaKey's 3 a day, spent before the swap").to.equal(200);
      const before = (await (await get(local.dev, "/echo/literal")).json()) as EchoBody;
      expect(before.greeting).to.equal("hello");
      await synthFixture({ workDir: local.fixture.workDir, greeting: "bonjour" });
      const inFlight = get(local.dev, "/echo/x?mode=wait");
      await new Promise((r) => setTimeout(r, 100));
      await local.gateway.reload();
      const finished = await inFlight;
      expect(finished.status, "a request in flight during the swap completes").to.equal(200);
      expect(((await finished.json()) as EchoBody).greeting).to.equal("hello");
      const after = (await (await get(local.dev, "/echo/literal")).json()) as EchoBody;
      expect(after.greeting).to.equal("bonjour");
      expect(local.gateway.api("items-dev", "dev").apiKeys.LabKey).to.equal(local.dev.apiKeys.LabKey);
      const quota = await get(local.dev, "/items", quotaKey);
      expect(quota.status, "quota usage survives a reload").to.equal(429);
    });
  });
});
