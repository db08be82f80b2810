/**
 * A local Cognito user-pool API (the `cognito-idp` JSON protocol: POST / with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`) for the calls the image
 * gallery page makes: InitiateAuth with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, and
 * GetUser. Tokens come from the gateway's LocalCognito issuer, so the gateway's Cognito
 * authorizer accepts them and nothing else; each pool gets one seeded user whose name and
 * password `npm start` prints.
 *
 * Wire format (targets, `__type` error bodies, `x-amzn-ErrorType`, AuthenticationResult
 * fields) as in the Amazon Cognito API reference, InitiateAuth and GetUser.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalCognito } from "../authorizers";
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
  private readonly users = new Map<string, LocalUser>(); // pool ARN → seeded user
  private readonly refreshTokens = new Map<string, { poolArn: string; clientId: string; username: string }>();

  constructor(private readonly cognito: LocalCognito) {}

  /** The pools and their app clients; a pool seen for the first time gets its user. */
  setPools(pools: ReadonlyMap<string, readonly string[]>): void {
    this.pools = [...pools].map(([arn, clients]) => ({ arn, clients }));
    for (const { arn } of this.pools) {
      const pool = poolOf(arn);
      if (!pool || this.users.has(arn)) continue;
      this.users.set(arn, { poolArn: arn, userPoolId: pool.userPoolId, username: "local-user@example.com", password: newPassword(), sub: randomUUID() });
    }
  }

  seededUsers(): LocalUser[] {
    return this.pools.flatMap((p) => this.users.get(p.arn) ?? []);
  }

  private poolOfClient(clientId: unknown): Pool {
    const pool = typeof clientId === "string" ? this.pools.find((p) => p.clients.includes(clientId)) : undefined;
    if (!pool) throw new CognitoError("ResourceNotFoundException", `User pool client ${String(clientId)} does not exist.`);
    return pool;
  }

  private async tokens(user: LocalUser, clientId: string, withRefresh: boolean): Promise<Record<string, unknown>> {
    const common = { sub: user.sub, "cognito:username": user.username, email: user.username, email_verified: true };
    const idToken = await this.cognito.issue(user.poolArn, { ...common, token_use: "id" }, TOKEN_SECONDS, clientId);
    const accessToken = await this.cognito.issue(user.poolArn, { sub: user.sub, username: user.username, token_use: "access", client_id: clientId, scope: "aws.cognito.signin.user.admin" }, TOKEN_SECONDS, clientId);
    const result: Record<string, unknown> = { AccessToken: accessToken, ExpiresIn: TOKEN_SECONDS, IdToken: idToken, TokenType: "Bearer" };
    if (withRefresh) {
      const refresh = randomBytes(48).toString("base64url");
      this.refreshTokens.set(refresh, { poolArn: user.poolArn, clientId, username: user.username });
      result.RefreshToken = refresh;
    }
    return { AuthenticationResult: result, ChallengeParameters: {} };
  }

  async initiateAuth(input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const pool = this.poolOfClient(input.ClientId);
    const clientId = input.ClientId as string;
    const params = (typeof input.AuthParameters === "object" && input.AuthParameters !== null ? input.AuthParameters : {}) as Record<string, unknown>;
    switch (input.AuthFlow) {
      case "USER_PASSWORD_AUTH": {
        if (typeof params.USERNAME !== "string" || typeof params.PASSWORD !== "string") {
          throw new CognitoError("InvalidParameterException", "Missing required parameter USERNAME or PASSWORD");
        }
        const user = this.users.get(pool.arn);
        // One message for an unknown user and a wrong password (prevent_user_existence_errors).
        if (!user || user.username !== params.USERNAME.toLowerCase() || user.password !== params.PASSWORD) {
          throw new CognitoError("NotAuthorizedException", "Incorrect username or password.");
        }
        return this.tokens(user, clientId, true);
      }
      case "REFRESH_TOKEN_AUTH":
      case "REFRESH_TOKEN": {
        const entry = typeof params.REFRESH_TOKEN === "string" ? this.refreshTokens.get(params.REFRESH_TOKEN) : undefined;
        const user = entry && entry.clientId === clientId ? this.users.get(entry.poolArn) : undefined;
        if (!user) throw new CognitoError("NotAuthorizedException", "Invalid Refresh Token");
        return this.tokens(user, clientId, false);
      }
      default:
        throw new CognitoError("InvalidParameterException", `AuthFlow ${String(input.AuthFlow)} is not supported by the local user pools (use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH).`);
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

/** Serves the pools on 127.0.0.1 (port 0 picks a free one). */
export async function startCognitoIdp(pools: LocalUserPools, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
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
