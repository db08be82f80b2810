/**
 * Signs the seeded user in outside the browser the way the page does: the hosted UI's
 * authorization-code grant with PKCE (GET /oauth2/authorize, the form's POST, the code
 * redeemed with its verifier at /oauth2/token). For a test's own API calls as that user.
 */
import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";

export interface HostedUiClient {
  /** The hosted UI's base URL (config.json's cognito.domain). */
  readonly domain: string;
  readonly clientId: string;
  /** A callback URL of the client: the page's URL. */
  readonly redirectUri: string;
}

export async function signInWithCode(client: HostedUiClient, user: { username: string; password: string }): Promise<{ idToken: string; refreshToken: string }> {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: "openid email",
    state: "test",
    code_challenge_method: "S256",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
  });
  const form = await fetch(`${client.domain}/oauth2/authorize?${query}`);
  expect(form.status, await form.text()).to.equal(200);
  const login = await fetch(`${client.domain}/login?${query}`, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(user) });
  expect(login.status).to.equal(302);
  const code = new URL(login.headers.get("location")!).searchParams.get("code")!;
  const res = await fetch(`${client.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: client.clientId, code, redirect_uri: client.redirectUri, code_verifier: verifier }),
  });
  expect(res.status).to.equal(200);
  const tokens = (await res.json()) as { id_token: string; refresh_token: string };
  return { idToken: tokens.id_token, refreshToken: tokens.refresh_token };
}
