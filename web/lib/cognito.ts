/**
 * Cognito sign-in from the page: the hosted UI's authorization-code grant with PKCE
 * (RFC 7636), so the password is typed only into Cognito's own sign-in page, never into this
 * one. signIn() keeps a fresh code_verifier and state in sessionStorage and goes to
 * /oauth2/authorize with the verifier's S256 challenge; back on the page, completeSignIn()
 * checks the state and redeems the code with the verifier at /oauth2/token. The ID token is
 * refreshed there (grant_type=refresh_token) a minute before it expires. The app client has
 * no secret, so none is sent; tokens stay in sessionStorage (this tab only).
 */
import type { CognitoConfig } from "./config";
import { ApiError } from "./http";

interface Tokens {
  idToken: string;
  refreshToken: string;
  /** Epoch ms when the ID token expires. */
  expiresAt: number;
}

interface TokenAnswer {
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

const SLOT = "cognito:tokens";
const PENDING = "cognito:pkce";
/** What the app client allows and the page needs: an ID token with the email claim. */
const SCOPE = "openid email";

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** 32 random octets, base64url: 43 characters, within RFC 7636's 43-128. */
function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/** This page, as registered in the app client's callback and sign-out URLs. */
function pageUrl(): string {
  return `${location.origin}${location.pathname}`;
}

async function token(config: CognitoConfig, params: Record<string, string>): Promise<TokenAnswer & { id_token: string; expires_in: number }> {
  const res = await fetch(`${config.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.clientId, ...params }),
  });
  const data = (await res.json()) as TokenAnswer;
  if (!res.ok || !data.id_token || data.expires_in === undefined) throw new ApiError(res.status, data.error_description ?? data.error ?? "sign-in failed", data);
  return data as TokenAnswer & { id_token: string; expires_in: number };
}

function save(tokens: Tokens): void {
  sessionStorage.setItem(SLOT, JSON.stringify(tokens));
}

function saved(): Tokens | undefined {
  const raw = sessionStorage.getItem(SLOT);
  return raw ? (JSON.parse(raw) as Tokens) : undefined;
}

/** Goes to the hosted UI's sign-in page; it comes back to this page with a code. */
export async function signIn(config: CognitoConfig): Promise<void> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: pageUrl(),
    scope: SCOPE,
    state,
    code_challenge_method: "S256",
    code_challenge: await challengeOf(verifier),
  });
  location.assign(`${config.domain}/oauth2/authorize?${query}`);
}

/**
 * On the way back from the hosted UI: redeems `?code=` (or reports `?error=`) and takes the
 * answer out of the address bar. False when the page was not opened by a sign-in.
 */
export async function completeSignIn(config: CognitoConfig): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const error = params.get("error");
  if (code === null && error === null) return false;
  history.replaceState(null, "", pageUrl());
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (error !== null) throw new Error(`Sign-in failed: ${params.get("error_description") ?? error}.`);
  const request = pending ? (JSON.parse(pending) as { verifier: string; state: string }) : undefined;
  if (!request || request.state !== params.get("state")) throw new Error("Sign-in failed: the answer does not belong to a sign-in started in this tab. Sign in again.");
  const r = await token(config, { grant_type: "authorization_code", code: code!, redirect_uri: pageUrl(), code_verifier: request.verifier });
  save({ idToken: r.id_token, refreshToken: r.refresh_token ?? "", expiresAt: Date.now() + r.expires_in * 1000 });
  return true;
}

/** Forgets the tokens and ends the hosted UI's session; it comes back to this page. */
export function signOut(config: CognitoConfig): void {
  sessionStorage.removeItem(SLOT);
  location.assign(`${config.domain}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: pageUrl() })}`);
}

export function signedInAs(): string | undefined {
  const t = saved();
  if (!t) return undefined;
  const payload = JSON.parse(atob(t.idToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { email?: string; "cognito:username"?: string };
  return payload.email ?? payload["cognito:username"];
}

/** A valid ID token for the Authorization header, refreshed when it expires within a minute. */
export async function idToken(config: CognitoConfig): Promise<string | undefined> {
  const t = saved();
  if (!t) return undefined;
  if (t.expiresAt - Date.now() > 60_000) return t.idToken;
  try {
    const r = await token(config, { grant_type: "refresh_token", refresh_token: t.refreshToken });
    save({ idToken: r.id_token, refreshToken: t.refreshToken, expiresAt: Date.now() + r.expires_in * 1000 });
    return r.id_token;
  } catch (error) {
    // a revoked or expired refresh token: the person signs in again
    sessionStorage.removeItem(SLOT);
    throw error instanceof ApiError ? new ApiError(401, error.message, error.body) : error;
  }
}
