/**
 * Cognito sign-in from the page: InitiateAuth on the user-pool API (USER_PASSWORD_AUTH, then
 * REFRESH_TOKEN_AUTH when the ID token is about to expire), tokens kept in sessionStorage.
 * The app client has no secret, so no SECRET_HASH is sent.
 */
import type { CognitoConfig } from "./config";
import { ApiError } from "./http";

interface Tokens {
  idToken: string;
  refreshToken: string;
  /** Epoch ms when the ID token expires. */
  expiresAt: number;
}

const SLOT = "cognito:tokens";

async function initiateAuth(config: CognitoConfig, flow: string, parameters: Record<string, string>): Promise<{ IdToken: string; RefreshToken?: string; ExpiresIn: number }> {
  const res = await fetch(config.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: flow, ClientId: config.clientId, AuthParameters: parameters }),
  });
  const data = (await res.json()) as { AuthenticationResult?: { IdToken: string; RefreshToken?: string; ExpiresIn: number }; message?: string; __type?: string };
  if (!res.ok || !data.AuthenticationResult) throw new ApiError(res.status, data.message ?? data.__type ?? "sign-in failed", data);
  return data.AuthenticationResult;
}

function save(tokens: Tokens): void {
  sessionStorage.setItem(SLOT, JSON.stringify(tokens));
}

function saved(): Tokens | undefined {
  const raw = sessionStorage.getItem(SLOT);
  return raw ? (JSON.parse(raw) as Tokens) : undefined;
}

export async function signIn(config: CognitoConfig, username: string, password: string): Promise<void> {
  const r = await initiateAuth(config, "USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password });
  save({ idToken: r.IdToken, refreshToken: r.RefreshToken ?? "", expiresAt: Date.now() + r.ExpiresIn * 1000 });
}

export function signOut(): void {
  sessionStorage.removeItem(SLOT);
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
  const r = await initiateAuth(config, "REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: t.refreshToken });
  save({ idToken: r.IdToken, refreshToken: t.refreshToken, expiresAt: Date.now() + r.ExpiresIn * 1000 });
  return r.IdToken;
}

/** For tests and the page's own refresh button: treat the ID token as expired. */
export function expireNow(): void {
  const t = saved();
  if (t) save({ ...t, expiresAt: 0 });
}
