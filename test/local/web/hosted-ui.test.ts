/**
 * The local hosted UI (the OAuth 2.0 endpoints of a user-pool domain) driven over HTTP as a
 * browser and the page drive it. Expected shapes from the Amazon Cognito Developer Guide:
 * - "The authorize endpoint" (GET /oauth2/authorize): `302 Location: <redirect_uri>?code=
 *   AUTHORIZATION_CODE&state=STATE`; code_challenge_method only S256; a bad request with a
 *   valid client and redirect_uri redirects `?error=invalid_request`, a client not allowed the
 *   grant `?error=unauthorized_client`, an unknown scope `?error=invalid_scope`; the code is
 *   for one use and five minutes.
 * - "The token issuer endpoint" (POST /oauth2/token, application/x-www-form-urlencoded):
 *   the PKCE exchange answers `{access_token, refresh_token, id_token, token_type: "Bearer",
 *   expires_in: 3600}`, a refresh `{id_token, access_token, token_type, expires_in}` with no
 *   refresh_token; errors are 400 `{"error": "invalid_request|invalid_client|invalid_grant|
 *   unauthorized_client|unsupported_grant_type"}`; the endpoint answers
 *   `Access-Control-Allow-Origin: *`. PKCE per RFC 7636: challenge = BASE64URL(SHA-256(verifier)),
 *   checked here against RFC 7636 appendix B's example pair.
 * - "The logout endpoint" (GET /logout?client_id&logout_uri): redirects to a registered
 *   sign-out URL.
 */
import { expect } from "chai";
import { decodeJwt } from "jose";
import { LocalCognito } from "../../../scripts/local/authorizers";
import type { AppClientModel } from "../../../scripts/local/model/types";
import { LocalUserPools, startCognitoIdp } from "../../../scripts/local/web/cognito-idp";
import { s256 } from "../../../scripts/local/web/hosted-ui";

const POOL = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_TestPool1";
const PAGE = "http://localhost:5173/image-gallery/";
const WEB: AppClientModel = {
  id: "webclient00000000000000001",
  poolArn: POOL,
  explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
  oauthEnabled: true,
  oauthFlows: ["code"],
  oauthScopes: ["openid", "email"],
  callbackUrls: [PAGE],
  logoutUrls: [PAGE],
};
const NO_OAUTH: AppClientModel = { ...WEB, id: "sdkclient00000000000000001", oauthEnabled: false, oauthFlows: [] };

// RFC 7636, appendix B
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("local hosted UI (authorization code with PKCE)", function () {
  let cognito: LocalCognito;
  let pools: LocalUserPools;
  let base: string;
  let close: () => Promise<void>;

  before(async function () {
    cognito = new LocalCognito();
    await cognito.addPool(POOL, [WEB.id, NO_OAUTH.id]);
    pools = new LocalUserPools(cognito);
    pools.setPools(new Map([[POOL, [WEB.id, NO_OAUTH.id]]]), [WEB, NO_OAUTH]);
    const idp = await startCognitoIdp(pools);
    base = new URL(idp.url).origin;
    close = idp.close;
  });

  after(async function () {
    await close?.();
  });

  const authorizeQuery = (over: Record<string, string | null> = {}) => {
    const q = new URLSearchParams({ response_type: "code", client_id: WEB.id, redirect_uri: PAGE, state: "STATE", scope: "openid email", code_challenge_method: "S256", code_challenge: RFC_CHALLENGE });
    for (const [k, v] of Object.entries(over)) {
      if (v === null) q.delete(k);
      else q.set(k, v);
    }
    return q.toString();
  };
  const get = (path: string) => fetch(`${base}${path}`, { redirect: "manual" });
  const login = (query: string, username: string, password: string) =>
    fetch(`${base}/login?${query}`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username, password }) });
  const token = (params: Record<string, string>) =>
    fetch(`${base}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params) });
  /** A code for the seeded user, through the form. */
  const codeFor = async (query = authorizeQuery()) => {
    const user = pools.seededUsers()[0]!;
    const res = await login(query, user.username, user.password);
    expect(res.status).to.equal(302);
    const location = new URL(res.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).to.equal(PAGE);
    expect(location.searchParams.get("state")).to.equal("STATE");
    return location.searchParams.get("code")!;
  };

  it("computes the S256 challenge of RFC 7636's example verifier", function () {
    expect(s256(RFC_VERIFIER)).to.equal(RFC_CHALLENGE);
  });

  it("shows a labelled sign-in form for a valid request, and an error page for an unknown client or an unregistered redirect_uri", async function () {
    const form = await get(`/oauth2/authorize?${authorizeQuery()}`);
    expect(form.status).to.equal(200);
    const html = await form.text();
    expect(html).to.include('<label for="username">Email</label>').and.include('<label for="password">Password</label>').and.include('method="post"');
    expect(form.headers.get("content-security-policy")).to.include("form-action 'self' http://localhost:5173");

    const unknown = await get(`/oauth2/authorize?${authorizeQuery({ client_id: "nobody" })}`);
    expect(unknown.status).to.equal(400);
    const elsewhere = await get(`/oauth2/authorize?${authorizeQuery({ redirect_uri: "https://attacker.example/" })}`);
    expect(elsewhere.status, "never redirects to an unregistered URL").to.equal(400);
    expect(await elsewhere.text()).to.include("redirect_mismatch");
  });

  it("redirects request errors to the client: invalid_request, unauthorized_client, invalid_scope", async function () {
    const errorOf = async (query: string) => {
      const res = await get(`/oauth2/authorize?${query}`);
      expect(res.status).to.equal(302);
      const location = new URL(res.headers.get("location")!);
      return `${location.searchParams.get("error")} ${location.searchParams.get("state")}`;
    };
    expect(await errorOf(authorizeQuery({ response_type: null }))).to.equal("invalid_request STATE");
    expect(await errorOf(authorizeQuery({ code_challenge_method: "plain" }))).to.equal("invalid_request STATE");
    expect(await errorOf(authorizeQuery({ code_challenge_method: null }))).to.equal("invalid_request STATE");
    expect(await errorOf(authorizeQuery({ client_id: NO_OAUTH.id }))).to.equal("unauthorized_client STATE");
    expect(await errorOf(authorizeQuery({ scope: "openid aws.cognito.signin.user.admin" }))).to.equal("invalid_scope STATE");
  });

  it("refuses a wrong password on the form with one message, and issues no code", async function () {
    const user = pools.seededUsers()[0]!;
    for (const [name, password] of [[user.username, "wrong"], ["nobody@example.com", user.password]] as const) {
      const res = await login(authorizeQuery(), name, password);
      expect(res.status).to.equal(400);
      expect(await res.text()).to.include('<p role="alert" id="error">Incorrect username or password.</p>');
    }
  });

  it("redeems a code with its code_verifier once: ID, access and refresh tokens the gateway's issuer verifies, with CORS for any origin", async function () {
    const user = pools.seededUsers()[0]!;
    const code = await codeFor();
    const res = await token({ grant_type: "authorization_code", client_id: WEB.id, code, redirect_uri: PAGE, code_verifier: RFC_VERIFIER });
    expect(res.status).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).to.deep.equal(["access_token", "expires_in", "id_token", "refresh_token", "token_type"]);
    expect(body).to.include({ token_type: "Bearer", expires_in: 3600 });
    const id = await cognito.verify([POOL], body.id_token as string);
    expect(id).to.include({ token_use: "id", aud: WEB.id, email: user.username, sub: user.sub });
    expect(decodeJwt(body.access_token as string)).to.include({ token_use: "access", client_id: WEB.id, scope: "openid email" });

    const again = await token({ grant_type: "authorization_code", client_id: WEB.id, code, redirect_uri: PAGE, code_verifier: RFC_VERIFIER });
    expect(again.status).to.equal(400);
    expect(((await again.json()) as { error: string }).error, "a code is for one use").to.equal("invalid_grant");

    const refreshed = await token({ grant_type: "refresh_token", client_id: WEB.id, refresh_token: body.refresh_token as string });
    expect(refreshed.status).to.equal(200);
    const r = (await refreshed.json()) as Record<string, unknown>;
    expect(Object.keys(r).sort(), "a refresh returns no refresh_token").to.deep.equal(["access_token", "expires_in", "id_token", "token_type"]);
    expect(decodeJwt(r.id_token as string).sub).to.equal(user.sub);
  });

  it("refuses a wrong code_verifier, a missing one, another redirect_uri, a forged refresh token and an unknown grant", async function () {
    const errorOf = async (params: Record<string, string>) => {
      const res = await token(params);
      expect(res.status).to.equal(400);
      return ((await res.json()) as { error: string }).error;
    };
    const exchange = { grant_type: "authorization_code", client_id: WEB.id, redirect_uri: PAGE };
    expect(await errorOf({ ...exchange, code: await codeFor(), code_verifier: `${RFC_VERIFIER}x` })).to.equal("invalid_grant");
    expect(await errorOf({ ...exchange, code: await codeFor() })).to.equal("invalid_request");
    expect(await errorOf({ ...exchange, code: await codeFor(), code_verifier: RFC_VERIFIER, redirect_uri: "http://localhost:5173/" })).to.equal("invalid_grant");
    expect(await errorOf({ ...exchange, code: "made-up", code_verifier: RFC_VERIFIER })).to.equal("invalid_grant");
    expect(await errorOf({ ...exchange, client_id: "nobody", code: "x" })).to.equal("invalid_client");
    expect(await errorOf({ ...exchange, client_id: NO_OAUTH.id, code: "x" })).to.equal("unauthorized_client");
    expect(await errorOf({ grant_type: "refresh_token", client_id: WEB.id, refresh_token: "forged" })).to.equal("invalid_grant");
    expect(await errorOf({ grant_type: "refresh_token", client_id: WEB.id })).to.equal("invalid_request");
    expect(await errorOf({ grant_type: "password", client_id: WEB.id })).to.equal("unsupported_grant_type");
    const json = await fetch(`${base}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(exchange) });
    expect(json.status).to.equal(400);
    expect(((await json.json()) as { error: string }).error).to.equal("invalid_request");
  });

  it("signs out to a registered sign-out URL only", async function () {
    const ok = await get(`/logout?${new URLSearchParams({ client_id: WEB.id, logout_uri: PAGE })}`);
    expect(ok.status).to.equal(302);
    expect(ok.headers.get("location")).to.equal(PAGE);
    const elsewhere = await get(`/logout?${new URLSearchParams({ client_id: WEB.id, logout_uri: "https://attacker.example/" })}`);
    expect(elsewhere.status).to.equal(400);
  });
});
