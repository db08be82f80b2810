/**
 * A local Cognito user pool: the user-pool API (the `cognito-idp` JSON protocol: POST / with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`: InitiateAuth with
 * USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH where the app client allows them, and GetUser)
 * and, on the same origin, the hosted UI's OAuth endpoints (hosted-ui.ts) that the image
 * gallery page signs in through. Tokens come from the gateway's LocalCognito issuer, so the
 * gateway's Cognito authorizer accepts them and nothing else; each pool gets one seeded
 * user whose name and password `npm start` prints.
 *
 * Wire format (targets, `__type` error bodies, `x-amzn-ErrorType`, AuthenticationResult
 * fields) as in the Amazon Cognito API reference, InitiateAuth and GetUser.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalCognito } from "../authorizers";
import type { AppClientModel } from "../model/types";
import { HostedUi } from "./hosted-ui";
import { poolOf } from "./site-config";

export interface LocalUser {
  readonly poolArn: string;
  readonly userPoolId: string;
  readonly username: string;
  readonly password: string;
  readonly sub: string;
}

interface Pool {
  readonly arn: string;
  readonly clients: readonly string[];
}

/** What a sign-in issues (the JSON API and the token endpoint spell it differently). */
export interface IssuedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresIn: number;
}

const TOKEN_SECONDS = 3600;
const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A password that meets the pools' policy (upper, lower, digits, 12+), new at every start. */
function newPassword(): string {
  return `Local-${randomBytes(9).toString("base64url")}-9a`;
}

export class LocalUserPools {
  private pools: Pool[] = [];
  private clients = new Map<string, AppClientModel>();
  private readonly users = new Map<string, LocalUser>(); // pool ARN → seeded user
  private readonly refreshTokens = new Map<string, { poolArn: string; clientId: string; username: string }>();

  constructor(private readonly cognito: LocalCognito) {}

  /** The pools and their app clients; a pool seen for the first time gets its user. */
  setPools(pools: ReadonlyMap<string, readonly string[]>, clients: readonly AppClientModel[]): void {
    this.pools = [...pools].map(([arn, ids]) => ({ arn, clients: ids }));
    this.clients = new Map(clients.map((c) => [c.id, c]));
    for (const { arn } of this.pools) {
      const pool = poolOf(arn);
      if (!pool || this.users.has(arn)) continue;
      this.users.set(arn, { poolArn: arn, userPoolId: pool.userPoolId, username: "local-user@example.com", password: newPassword(), sub: randomUUID() });
    }
  }

  seededUsers(): LocalUser[] {
    return this.pools.flatMap((p) => this.users.get(p.arn) ?? []);
  }

  /** The app client with this id, or ResourceNotFoundException. */
  client(clientId: unknown): AppClientModel {
    const client = typeof clientId === "string" ? this.clients.get(clientId) : undefined;
    if (!client || !this.pools.some((p) => p.arn === client.poolArn && p.clients.includes(client.id))) {
      throw new CognitoError("ResourceNotFoundException", `User pool client ${String(clientId)} does not exist.`);
    }
    return client;
  }

  /** The pool's user when the name and password are right; one answer for both mistakes (prevent_user_existence_errors). */
  authenticate(poolArn: string, username: string, password: string): LocalUser | undefined {
    const user = this.users.get(poolArn);
    return user && user.username === username.toLowerCase() && user.password === password ? user : undefined;
  }

  /** The user a refresh token was issued to, for that client only. */
  refreshed(refreshToken: unknown, clientId: string): LocalUser | undefined {
    const entry = typeof refreshToken === "string" ? this.refreshTokens.get(refreshToken) : undefined;
    return entry && entry.clientId === clientId ? this.users.get(entry.poolArn) : undefined;
  }

  async issue(user: LocalUser, clientId: string, options: { refresh: boolean; scope?: string }): Promise<IssuedTokens> {
    const common = { sub: user.sub, "cognito:username": user.username, email: user.username, email_verified: true };
    const idToken = await this.cognito.issue(user.poolArn, { ...common, token_use: "id" }, TOKEN_SECONDS, clientId);
    const accessToken = await this.cognito.issue(user.poolArn, { sub: user.sub, username: user.username, token_use: "access", client_id: clientId, scope: options.scope ?? "aws.cognito.signin.user.admin" }, TOKEN_SECONDS, clientId);
    if (!options.refresh) return { idToken, accessToken, expiresIn: TOKEN_SECONDS };
    const refreshToken = randomBytes(48).toString("base64url");
    this.refreshTokens.set(refreshToken, { poolArn: user.poolArn, clientId, username: user.username });
    return { idToken, accessToken, refreshToken, expiresIn: TOKEN_SECONDS };
  }

  private async authenticationResult(user: LocalUser, clientId: string, refresh: boolean): Promise<Record<string, unknown>> {
    const t = await this.issue(user, clientId, { refresh });
    const result: Record<string, unknown> = { AccessToken: t.accessToken, ExpiresIn: t.expiresIn, IdToken: t.idToken, TokenType: "Bearer" };
    if (t.refreshToken) result.RefreshToken = t.refreshToken;
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }

  private requireFlow(client: AppClientModel, flow: string, allow: string): void {
    if (!client.explicitAuthFlows.includes(allow)) throw new CognitoError("InvalidParameterException", `${flow} flow not enabled for this client`);
  }

  async initiateAuth(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const client = this.client(input.ClientId);
    const params = (typeof input.AuthParameters === "object" && input.AuthParameters !== null ? input.AuthParameters : {}) as Record<string, unknown>;
    switch (input.AuthFlow) {
      case "USER_PASSWORD_AUTH": {
        this.requireFlow(client, "USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH");
        if (typeof params.USERNAME !== "string" || typeof params.PASSWORD !== "string") {
          throw new CognitoError("InvalidParameterException", "Missing required parameter USERNAME or PASSWORD");
        }
        const user = this.authenticate(client.poolArn, params.USERNAME, params.PASSWORD);
        if (!user) throw new CognitoError("NotAuthorizedException", "Incorrect username or password.");
        return this.authenticationResult(user, client.id, true);
      }
      case "REFRESH_TOKEN_AUTH":
      case "REFRESH_TOKEN": {
        this.requireFlow(client, "REFRESH_TOKEN_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
        const user = this.refreshed(params.REFRESH_TOKEN, client.id);
        if (!user) throw new CognitoError("NotAuthorizedException", "Invalid Refresh Token");
        return this.authenticationResult(user, client.id, false);
      }
      default:
        throw new CognitoError("InvalidParameterException", `AuthFlow ${String(input.AuthFlow)} is not supported by the local user pools (use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH, or the hosted UI's /oauth2/authorize).`);
    }
  }

  async getUser(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const token = typeof input.AccessToken === "string" ? input.AccessToken : "";
    for (const u of this.seededUsers()) {
      const claims = await this.cognito.verify([u.poolArn], token);
      if (claims?.token_use === "access" && claims.sub === u.sub) {
        return { Username: u.username, UserAttributes: [{ Name: "sub", Value: u.sub }, { Name: "email", Value: u.username }, { Name: "email_verified", Value: "true" }] };
      }
    }
    throw new CognitoError("NotAuthorizedException", "Invalid Access Token");
  }

  async handle(target: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (target) {
      case "InitiateAuth":
        return this.initiateAuth(input);
      case "GetUser":
        return this.getUser(input);
      default:
        throw new CognitoError("UnknownOperationException", `${target} is not served by the local user pools`);
    }
  }
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, cache-control",
  "Access-Control-Max-Age": "600",
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, errorType?: string): void {
  res.writeHead(status, {
    ...CORS,
    "Content-Type": "application/x-amz-json-1.1",
    "x-amzn-RequestId": randomUUID(),
    ...(errorType ? { "x-amzn-ErrorType": `${errorType}:` } : {}),
  });
  res.end(JSON.stringify(body));
}

/** Serves the pools on 127.0.0.1 (port 0 picks a free one): the user-pool API at `/`, the hosted UI beside it. */
export async function startCognitoIdp(pools: LocalUserPools, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const hostedUi = new HostedUi(pools);
  const server: Server = createServer((req, res) => {
    if (hostedUi.serves(req)) {
      void hostedUi.handle(req, res);
      return;
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    void (async () => {
      try {
        const target = String(req.headers["x-amz-target"] ?? "");
        if (req.method !== "POST" || !target.startsWith(TARGET_PREFIX)) throw new CognitoError("UnknownOperationException", "POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Operation> expected");
        let input: unknown;
        try {
          input = JSON.parse((await readBody(req)) || "{}");
        } catch {
          throw new CognitoError("SerializationException", "The request body is not JSON");
        }
        if (typeof input !== "object" || input === null || Array.isArray(input)) throw new CognitoError("SerializationException", "The request body is not a JSON object");
        send(res, 200, await pools.handle(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>));
      } catch (error) {
        const e = error instanceof CognitoError ? error : new CognitoError("InternalErrorException", "Internal error", 500);
        send(res, e.status, { __type: e.type, message: e.message }, e.type);
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
