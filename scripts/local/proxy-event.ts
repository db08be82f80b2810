/**
 * The Lambda proxy integration event (v1.0) as API Gateway sends it (recorded: LocalStack's
 * AWS-validated `test_lambda_aws_proxy_integration` snapshots): `path` with leading slashes
 * collapsed, `requestContext.path` the stage and the path as sent, the requestContext's key
 * set (`deploymentId`; `authorizer` only behind an authorizer; `apiKey` fields only with a key),
 * and the trace and forwarding headers API Gateway adds.
 */
import type { ApiModel, MethodModel, StageModel } from "./model/types";
import { header, isBinary, names, type GatewayRequest, type RequestContext } from "./request";

const IDENTITY_KEYS = ["accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp", "user", "userAgent", "userArn"] as const;

function identityOf(ctx: RequestContext): Record<string, string | null> {
  const identity: Record<string, string | null> = {};
  for (const key of IDENTITY_KEYS) identity[key] = ctx.identity[key] ?? null;
  if (ctx.identity.apiKey) {
    identity.apiKey = ctx.identity.apiKey;
    identity.apiKeyId = ctx.identity.apiKeyId ?? null;
  }
  return identity;
}

/** `event.requestContext`: the keys API Gateway sends, in its order. */
export function proxyRequestContext(ctx: RequestContext): Record<string, unknown> {
  return {
    accountId: ctx.accountId,
    apiId: ctx.apiId,
    ...(ctx.authorizer ? { authorizer: ctx.authorizer } : {}),
    deploymentId: ctx.deploymentId,
    domainName: ctx.domainName,
    domainPrefix: ctx.domainPrefix,
    extendedRequestId: ctx.extendedRequestId,
    httpMethod: ctx.httpMethod,
    identity: identityOf(ctx),
    path: ctx.path,
    protocol: ctx.protocol,
    requestId: ctx.requestId,
    requestTime: ctx.requestTime,
    requestTimeEpoch: ctx.requestTimeEpoch,
    resourceId: ctx.resourceId,
    resourcePath: ctx.resourcePath,
    stage: ctx.stage,
  };
}

/** The headers API Gateway adds for a Lambda, in its order; a client's header of the same name is replaced. */
const ADDED = ["X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Prefix"] as const;
const ADDED_LOWER: ReadonlySet<string> = new Set(ADDED.map((n) => n.toLowerCase()));

/**
 * The method request's headers and the ones API Gateway adds for a Lambda: trace id,
 * `X-Forwarded-*`; and, the local gateway's own, `X-Forwarded-Prefix: /<stack>`, the path
 * prefix the client sent before the stage, so a handler can build links that work locally.
 * The client's headers keep their order; the added ones come after them.
 */
function eventHeaders(req: GatewayRequest, ctx: RequestContext, prefix: string): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  // Built afresh in one pass (never copied and then edited): V8 keeps such objects fast.
  const headers = names<string>();
  const multiValueHeaders = names<string[]>();
  for (const name of Object.keys(req.headers)) {
    if (ADDED_LOWER.has(name.toLowerCase())) continue;
    headers[name] = req.headers[name]!;
    multiValueHeaders[name] = req.multiValueHeaders[name]!;
  }
  const forwarded = header(req, "x-forwarded-for");
  const host = header(req, "host") ?? "";
  const values = [ctx.traceId, forwarded ? `${forwarded}, ${req.sourceIp}` : req.sourceIp, /:(\d+)$/.exec(host)?.[1] ?? "80", "http", prefix];
  for (let i = 0; i < ADDED.length; i += 1) {
    headers[ADDED[i]!] = values[i]!;
    multiValueHeaders[ADDED[i]!] = [values[i]!];
  }
  return { headers, multiValueHeaders };
}

/** The Lambda proxy integration event, version 1.0. */
export function proxyEvent(api: ApiModel, stage: StageModel, method: MethodModel, req: GatewayRequest, ctx: RequestContext, pathParameters: Record<string, string>) {
  const binary = isBinary(api, header(req, "content-type"));
  const hasQuery = Object.keys(req.query).length > 0;
  const { headers, multiValueHeaders } = eventHeaders(req, ctx, `/${api.stack}`);
  return {
    resource: method.resource.path,
    path: req.path,
    httpMethod: req.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? req.query : null,
    multiValueQueryStringParameters: hasQuery ? req.multiValueQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: Object.keys(stage.variables).length > 0 ? stage.variables : null,
    requestContext: proxyRequestContext(ctx),
    body: req.body.length === 0 ? null : binary ? req.body.toString("base64") : req.body.toString("utf8"),
    isBase64Encoded: binary && req.body.length > 0,
  };
}
