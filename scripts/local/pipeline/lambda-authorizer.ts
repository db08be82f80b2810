/**
 * Lambda `TOKEN` and `REQUEST` authorizers: identity sources and validation expression, the
 * authorizer's invocation (with its own Lambda permission), its policy evaluated against the
 * method ARN, and results cached by identity for the authorizer's TTL.
 */
import { policyAllows, type PolicyDocument } from "../authorizers";
import { functionArnOf, permitted, resolveTarget, substituteStageVariables } from "../lambda";
import type { AuthorizerModel } from "../model/types";
import { proxyEvent } from "../proxy-event";
import { authorizerArnOf, methodArnOf } from "./arn";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";
import { invokeFunction } from "./invoke";
import type { AuthorizerEntry } from "./state";

export interface Authorized {
  readonly context: Record<string, unknown>;
  readonly usageKey?: string;
}

/** Lambda's limit on an authorizer's run, as API Gateway waits for it. */
const AUTHORIZER_TIMEOUT_MS = 30_000;

export async function lambdaAuthorizer(inv: Invocation, authorizer: AuthorizerModel, values: (string | undefined)[]): Promise<Authorized> {
  if (values.some((v) => v === undefined || v === "")) throw new GatewayError("UNAUTHORIZED");
  if (authorizer.type === "TOKEN" && authorizer.identityValidationExpression && !new RegExp(`^(?:${authorizer.identityValidationExpression})$`).test(values[0]!)) throw new GatewayError("UNAUTHORIZED");
  const methodArn = methodArnOf(inv);
  const cacheKey = `${inv.api.id}/${authorizer.id}/${values.join("\u0000")}`;
  const entry = inv.gw.authCache.get(cacheKey) ?? (await runAuthorizer(inv, authorizer, values, methodArn, cacheKey));
  if (entry === "unauthorized") throw new GatewayError("UNAUTHORIZED");
  if (!policyAllows(entry.policy, methodArn)) throw new GatewayError("ACCESS_DENIED");
  return { context: { ...entry.context, principalId: entry.principalId }, usageKey: entry.usageKey };
}

function authorizerEvent(inv: Invocation, authorizer: AuthorizerModel, values: (string | undefined)[], methodArn: string): unknown {
  if (authorizer.type === "TOKEN") return { type: "TOKEN", authorizationToken: values[0], methodArn };
  const e = proxyEvent(inv.api, inv.stage, inv.method!, inv.req, inv.ctx, inv.pathParameters);
  return {
    type: "REQUEST",
    methodArn,
    resource: e.resource,
    path: e.path,
    httpMethod: e.httpMethod,
    headers: e.headers,
    multiValueHeaders: e.multiValueHeaders,
    queryStringParameters: e.queryStringParameters,
    multiValueQueryStringParameters: e.multiValueQueryStringParameters,
    pathParameters: e.pathParameters,
    stageVariables: e.stageVariables,
    requestContext: e.requestContext,
  };
}

async function runAuthorizer(inv: Invocation, authorizer: AuthorizerModel, values: (string | undefined)[], methodArn: string, cacheKey: string): Promise<AuthorizerEntry> {
  const { gw, api, stage } = inv;
  const arn = functionArnOf(substituteStageVariables(authorizer.uri ?? "", stage.variables));
  const target = arn ? resolveTarget(gw.model.functions, arn) : undefined;
  if (!target) throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  if (!permitted(gw.model.permissions, target, [authorizerArnOf(inv, authorizer.id)])) throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  const result = await invokeFunction(inv, target, authorizerEvent(inv, authorizer, values, methodArn), AUTHORIZER_TIMEOUT_MS);
  if (result === "integration-timeout") throw new GatewayError("AUTHORIZER_FAILURE");
  if (!result.ok) {
    if (result.error.errorMessage === "Unauthorized") {
      gw.authCache.set(cacheKey, "unauthorized", authorizer.ttlSeconds);
      return "unauthorized";
    }
    gw.notice(`[${api.stack}/${stage.name}] authorizer ${authorizer.name}: ${result.error.errorMessage}`);
    throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  }
  let out: { principalId?: unknown; policyDocument?: PolicyDocument; context?: Record<string, unknown>; usageIdentifierKey?: unknown };
  try {
    out = JSON.parse(result.payload) as typeof out;
  } catch {
    throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  }
  if (!out || typeof out !== "object" || !out.policyDocument) throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  const entry: AuthorizerEntry = {
    policy: out.policyDocument,
    principalId: out.principalId === undefined ? undefined : String(out.principalId),
    context: out.context ?? {},
    usageKey: typeof out.usageIdentifierKey === "string" ? out.usageIdentifierKey : undefined,
  };
  gw.authCache.set(cacheKey, entry, authorizer.ttlSeconds);
  return entry;
}
