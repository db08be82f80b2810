/**
 * The local hosted UI: the OAuth 2.0 endpoints of a Cognito user-pool domain that the image
 * gallery page signs in through (the authorization-code grant with PKCE), on the local
 * user-pool API's origin.
 *
 *   GET  /oauth2/authorize  checks client_id, redirect_uri (a callback URL of the client),
 *                           response_type=code, scope and code_challenge_method=S256, then
 *                           shows a sign-in form (no session is kept: every sign-in asks)
 *   POST /login             the form: a right name and password redirect to
 *                           `redirect_uri?code=…&state=…` (a one-time code, five minutes)
 *   POST /oauth2/token      authorization_code (with code_verifier when the code was asked
 *                           for with a code_challenge: BASE64URL(SHA-256(verifier)) must
 *                           equal it) and refresh_token grants; JSON tokens or
 *                           `{"error": …}` with a 400, and `Access-Control-Allow-Origin: *`
 *   GET  /logout            redirects to logout_uri when it is a sign-out URL of the client
 *
 * Request and response shapes, error codes and the CORS header as in the Amazon Cognito
 * Developer Guide: "The authorize endpoint", "The token issuer endpoint", "The logout endpoint".
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppClientModel } from "../model/types";
import type { LocalUser, LocalUserPools } from "./cognito-idp";

/** A code is redeemable once, for five minutes (the authorize endpoint's documentation). */
const CODE_MS = 5 * 60_000;
const PATHS = new Set(["/oauth2/authorize", "/login", "/oauth2/token", "/logout"]);

interface Grant {
  readonly user: LocalUser;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly challenge?: string;
  readonly expiresAt: number;
}

/** The authorize request, checked: what the form carries back on POST /login. */
interface AuthorizeRequest {
  readonly client: AppClientModel;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scope: string;
  readonly challenge?: string;
  readonly query: string;
}

/** An answer to the person (400, a page) rather than to the client's redirect_uri. */
class PageError extends Error {}
/** An answer to the client: `redirect_uri?error=<code>` (the authorize endpoint's negative responses). */
class RedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly code: string,
    readonly state: string | undefined,
  ) {
    super(code);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export class HostedUi {
  private readonly codes = new Map<string, Grant>();

  constructor(private readonly pools: LocalUserPools) {}

  /** Whether the request is the hosted UI's; false for a request target that is not a URL (the user-pool API answers it). */
  serves(req: IncomingMessage): boolean {
    return URL.canParse(req.url ?? "/", "http://localhost") && PATHS.has(new URL(req.url ?? "/", "http://localhost").pathname);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      switch (`${req.method} ${url.pathname}`) {
        case "GET /oauth2/authorize":
          return this.page(res, 200, this.authorizeRequest(url.searchParams));
        case "POST /login":
          return await this.login(req, res, url.searchParams);
        case "OPTIONS /oauth2/token":
          res.writeHead(204, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type, authorization" }).end();
          return;
        case "POST /oauth2/token":
          return await this.token(req, res);
        case "GET /logout":
          return this.logout(res, url.searchParams);
        default:
          throw new PageError(`${req.method} ${url.pathname} is not served: use GET /oauth2/authorize, POST /oauth2/token or GET /logout`);
      }
    } catch (error) {
      if (error instanceof RedirectError) {
        res.writeHead(302, { Location: withParams(error.redirectUri, { error: error.code, state: error.state }) }).end();
      } else if (error instanceof PageError) {
        this.errorPage(res, error.message);
      } else {
        this.errorPage(res, "The request could not be handled.", 500);
      }
    }
  }

  /** GET /oauth2/authorize's checks, in the documented order: client and redirect_uri first (an error page), then the rest (an error to the redirect_uri). */
  private authorizeRequest(q: URLSearchParams): AuthorizeRequest {
    const clientId = q.get("client_id");
    if (!clientId) throw new PageError("Required String parameter 'client_id' is not present.");
    let client: AppClientModel;
    try {
      client = this.pools.client(clientId);
    } catch {
      throw new PageError(`invalid_request: client_id ${clientId} is not an app client of any local user pool.`);
    }
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!client.callbackUrls.includes(redirectUri)) throw new PageError(`redirect_mismatch: ${redirectUri || "(no redirect_uri)"} is not a callback URL of the app client (${client.callbackUrls.join(", ") || "none"}).`);
    const state = q.get("state") ?? undefined;
    const fail = (code: string) => new RedirectError(redirectUri, code, state);
    if (q.get("response_type") !== "code") throw fail(q.get("response_type") === "token" ? "unauthorized_client" : "invalid_request");
    if (!client.oauthEnabled || !client.oauthFlows.includes("code")) throw fail("unauthorized_client");
    const challenge = q.get("code_challenge") ?? undefined;
    const method = q.get("code_challenge_method");
    if ((challenge !== undefined || method !== null) && (method !== "S256" || !challenge)) throw fail("invalid_request");
    const requested = (q.get("scope") ?? "").split(/[ +]/).filter(Boolean);
    if (requested.some((s) => !client.oauthScopes.includes(s))) throw fail("invalid_scope");
    const scope = (requested.length > 0 ? requested : client.oauthScopes).join(" ");
    return { client, redirectUri, scope, query: q.toString(), ...(state !== undefined ? { state } : {}), ...(challenge ? { challenge } : {}) };
  }

  private async login(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
    const request = this.authorizeRequest(q);
    const form = new URLSearchParams(await readBody(req));
    const user = this.pools.authenticate(request.client.poolArn, form.get("username") ?? "", form.get("password") ?? "");
    if (!user) return this.page(res, 400, request, "Incorrect username or password.", form.get("username") ?? "");
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, { user, clientId: request.client.id, redirectUri: request.redirectUri, scope: request.scope, expiresAt: Date.now() + CODE_MS, ...(request.challenge ? { challenge: request.challenge } : {}) });
    res.writeHead(302, { Location: withParams(request.redirectUri, { code, state: request.state }) }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: Record<string, unknown>): void => {
      res.writeHead(status, { "Content-Type": "application/json;charset=UTF-8", "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" }).end(JSON.stringify(body));
    };
    const refuse = (error: string, description: string): void => answer(400, { error, error_description: description });
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return refuse("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    const body = new URLSearchParams(await readBody(req));
    const grantType = body.get("grant_type");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") return refuse("unsupported_grant_type", `grant_type ${grantType ?? "(none)"} is not authorization_code or refresh_token`);
    let client: AppClientModel;
    try {
      client = this.pools.client(body.get("client_id") ?? undefined);
    } catch {
      return refuse("invalid_client", "client_id is not an app client of any local user pool");
    }
    if (!client.oauthEnabled) return refuse("unauthorized_client", "the app client is not enabled for the OAuth flows");
    if (grantType === "refresh_token") {
      const token = body.get("refresh_token");
      if (!token) return refuse("invalid_request", "refresh_token is required for grant_type refresh_token");
      const user = this.pools.refreshed(token, client.id);
      if (!user) return refuse("invalid_grant", "Invalid Refresh Token");
      const t = await this.pools.issue(user, client.id, { refresh: false, scope: client.oauthScopes.join(" ") });
      return answer(200, { id_token: t.idToken, access_token: t.accessToken, expires_in: t.expiresIn, token_type: "Bearer" });
    }
    const code = body.get("code");
    if (!code) return refuse("invalid_request", "code is required for grant_type authorization_code");
    const grant = this.codes.get(code);
    this.codes.delete(code); // one use, right or wrong
    if (!grant || grant.expiresAt < Date.now() || grant.clientId !== client.id) return refuse("invalid_grant", "the code is unknown, used, expired or another client's");
    if (grant.redirectUri !== body.get("redirect_uri")) return refuse("invalid_grant", "redirect_uri is not the one the code was asked for with");
    if (grant.challenge !== undefined) {
      const verifier = body.get("code_verifier");
      if (!verifier) return refuse("invalid_request", "code_verifier is required: the code was asked for with a code_challenge");
      if (s256(verifier) !== grant.challenge) return refuse("invalid_grant", "code_verifier does not match the code_challenge");
    }
    const t = await this.pools.issue(grant.user, client.id, { refresh: true, scope: grant.scope });
    return answer(200, { id_token: t.idToken, access_token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, token_type: "Bearer" });
  }

  private logout(res: ServerResponse, q: URLSearchParams): void {
    let client: AppClientModel;
    try {
      client = this.pools.client(q.get("client_id") ?? undefined);
    } catch {
      throw new PageError("Required String parameter 'client_id' is not present or not an app client.");
    }
    const logoutUri = q.get("logout_uri") ?? "";
    if (!client.logoutUrls.includes(logoutUri)) throw new PageError(`${logoutUri || "(no logout_uri)"} is not a sign-out URL of the app client (${client.logoutUrls.join(", ") || "none"}).`);
    res.writeHead(302, { Location: logoutUri }).end();
  }

  /** The sign-in form: labelled fields, an alert for a refused password; posts back here, then redirects to the client. */
  private page(res: ServerResponse, status: number, request: AuthorizeRequest, error?: string, username = ""): void {
    const alert = error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : "";
    const body = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in: local user pool</title></head>
  <body>
    <main>
      <h1>Sign in</h1>
      <p>Local user pool, app client ${escapeHtml(request.client.id)}. You return to ${escapeHtml(new URL(request.redirectUri).origin)} after signing in.</p>
      ${alert}
      <form method="post" action="/login?${escapeHtml(request.query)}">
        <p><label for="username">Email</label><br><input id="username" name="username" type="email" required autocomplete="username" value="${escapeHtml(username)}"></p>
        <p><label for="password">Password</label><br><input id="password" name="password" type="password" required autocomplete="current-password"></p>
        <p><button type="submit">Sign in</button></p>
      </form>
    </main>
  </body>
</html>
`;
    res
      .writeHead(status, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        // the form posts here and is redirected to the client's origin: form-action names both
        "Content-Security-Policy": `default-src 'none'; form-action 'self' ${new URL(request.redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
        "X-Content-Type-Options": "nosniff",
      })
      .end(body);
  }

  private errorPage(res: ServerResponse, message: string, status = 400): void {
    res
      .writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff" })
      .end(`<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>\n`);
  }
}
