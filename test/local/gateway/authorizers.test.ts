/**
 * End-to-end over HTTP on 127.0.0.1: Cognito, Lambda TOKEN and REQUEST authorizers of the local gateway.
 * The gateway serves the fixture stacks of ../fixtures/stacks.ts (see ../fixtures/gateway.ts).
 */
import { expect } from "chai";
import { generateKeyPair, SignJWT } from "jose";
import { get, useFixtureGateway } from "../fixtures/gateway";

describe("local gateway (end to end over HTTP)", function () {
  const local = useFixtureGateway();

  describe("authorizers", function () {
    it("accepts a token with chosen claims from the same issuer", async function () {
      const token = await local.gateway.token("items-dev", "UserPool", { claims: { sub: "user-42" } });
      const res = await get(local.dev, "/secure", { Authorization: token });
      expect(((await res.json()) as { sub: string }).sub).to.equal("user-42");
    });

    it("accepts the Cognito token from endpoints.json and passes its claims", async function () {
      const res = await get(local.dev, "/secure", { Authorization: local.dev.tokens.UserPool! });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { sub: string; aud: string };
      expect(body.sub).to.equal("00000000-0000-4000-8000-000000000001");
      expect(body.aud).to.have.length(26);
    });

    it("rejects a missing, tampered, foreign-signed, expired or other-audience Cognito token with 401 Unauthorized", async function () {
      const token = local.dev.tokens.UserPool!;
      const [h, p, s] = token.split(".");
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), sub: "admin" })).toString("base64url")}.${s}`;
      const { privateKey } = await generateKeyPair("RS256");
      const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
      const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
      const expired = await local.gateway.token("items-dev", "UserPool", { ttlSeconds: -60 });
      const otherAudience = await local.gateway.token("items-dev", "UserPool", { audience: "some-other-client" });
      for (const headers of [{} as Record<string, string>, { Authorization: tampered }, { Authorization: foreign }, { Authorization: "garbage" }, { Authorization: expired }, { Authorization: otherAudience }]) {
        const res = await get(local.dev, "/secure", headers);
        expect(res.status).to.equal(401);
        expect(await res.json()).to.deep.equal({ message: "Unauthorized" });
      }
    });

    it("evaluates a Lambda TOKEN authorizer's policy and caches its result for the TTL", async function () {
      const first = await get(local.dev, "/lambda-auth", { Authorization: "allow" });
      expect(first.status).to.equal(200);
      const a = (await first.json()) as { principal: string; tier: string; calls: string };
      expect(a).to.include({ principal: "user-1", tier: "gold" });
      const second = (await (await get(local.dev, "/lambda-auth", { Authorization: "allow" })).json()) as { calls: string };
      expect(second.calls).to.equal(a.calls);
      const denied = await get(local.dev, "/lambda-auth", { Authorization: "deny" });
      expect(denied.status).to.equal(403);
      expect(await denied.json()).to.deep.equal({ message: "User is not authorized to access this resource" });
      const unauthorized = await get(local.dev, "/lambda-auth", { Authorization: "who" });
      expect(unauthorized.status).to.equal(401);
      const missing = await get(local.dev, "/lambda-auth");
      expect(missing.status).to.equal(401);
    });
  });

  describe("REQUEST authorizer", function () {
    it("needs every identity source, passes the request, and evaluates the returned policy", async function () {
      const ok = await get(local.dev, "/request-auth?user=ann", { "X-Token": "letmein" });
      expect(ok.status).to.equal(200);
      expect(await ok.json()).to.deep.equal({ principal: "ann", user: "ann" });
      const denied = await get(local.dev, "/request-auth?user=ann", { "X-Token": "wrong" });
      expect(denied.status).to.equal(403);
      const missing = await get(local.dev, "/request-auth", { "X-Token": "letmein" });
      expect(missing.status).to.equal(401);
      expect(await missing.json()).to.deep.equal({ message: "Unauthorized" });
    });
  });
});
