/**
 * Authorizers: a local Cognito issuer per user pool (RS256 keys made at start, tokens
 * signed with jose) and the evaluation of Lambda authorizer policies.
 */
import { generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from "jose";

interface PoolKeys {
  readonly issuer: string;
  readonly clients: string[];
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** `arn:aws:cognito-idp:<region>:<account>:userpool/<id>` → issuer URL. */
export function issuerOf(poolArn: string): string {
  const m = /^arn:aws:cognito-idp:([^:]+):[^:]*:userpool\/(.+)$/.exec(poolArn);
  return m ? `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}` : `https://cognito-idp.local/${poolArn}`;
}

export class LocalCognito {
  private readonly pools = new Map<string, PoolKeys>();

  async addPool(poolArn: string, clients: string[]): Promise<void> {
    if (this.pools.has(poolArn)) return;
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    this.pools.set(poolArn, { issuer: issuerOf(poolArn), clients, privateKey, publicKey });
  }

  /** An ID token for a local user, valid for `ttlSeconds` (default 12 h; negative gives an expired token). */
  async issue(poolArn: string, claims: Record<string, unknown> = {}, ttlSeconds = 43_200, audience?: string): Promise<string> {
    const pool = this.pools.get(poolArn);
    if (!pool) throw new Error(`unknown user pool ${poolArn}`);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ token_use: "id", "cognito:username": "local-user", email: "local-user@example.com", email_verified: true, auth_time: now, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "local" })
      .setSubject(String(claims.sub ?? "00000000-0000-4000-8000-000000000001"))
      .setIssuer(pool.issuer)
      .setAudience(audience ?? pool.clients[0] ?? "local-client")
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .sign(pool.privateKey);
  }

  /** Verifies a token against any of the authorizer's pools; the claims, or undefined. */
  async verify(poolArns: readonly string[], token: string): Promise<Record<string, unknown> | undefined> {
    const raw = token.startsWith("Bearer ") ? token.slice(7) : token;
    for (const arn of poolArns) {
      const pool = this.pools.get(arn);
      if (!pool) continue;
      try {
        const { payload } = await jwtVerify(raw, pool.publicKey, { issuer: pool.issuer, algorithms: ["RS256"] });
        const audience = payload.token_use === "access" ? payload.client_id : payload.aud;
        const audiences = Array.isArray(audience) ? audience : [audience];
        const allowed = pool.clients.length === 0 ? ["local-client"] : pool.clients;
        if (!audiences.some((a) => typeof a === "string" && allowed.includes(a))) continue;
        return payload as Record<string, unknown>;
      } catch {
        continue;
      }
    }
    return undefined;
  }
}

/** IAM-style wildcard match (`*` any run, `?` one character). */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "s").test(value);
}

export interface PolicyDocument {
  Statement?: { Effect?: string; Action?: string | string[]; Resource?: string | string[] }[] | { Effect?: string; Action?: string | string[]; Resource?: string | string[] };
}

/** Evaluates an authorizer's policy for a method ARN: an explicit Deny wins, then an Allow. */
export function policyAllows(policy: PolicyDocument | undefined, methodArn: string): boolean {
  const statements = policy?.Statement === undefined ? [] : Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const matches = (s: (typeof statements)[number]) => {
    const actions = s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
    const resources = s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    return actions.some((a) => globMatch(a.toLowerCase(), "execute-api:invoke")) && resources.some((r) => globMatch(r, methodArn));
  };
  if (statements.some((s) => s.Effect?.toLowerCase() === "deny" && matches(s))) return false;
  return statements.some((s) => s.Effect?.toLowerCase() === "allow" && matches(s));
}
