/**
 * The request pipeline of the local API Gateway: stage lookup, routing, authorizers, API
 * keys and usage plans, throttling, validation, stage cache, integrations, gateway
 * responses and access logs.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { AuthorizerCache, policyAllows, type LocalCognito, type PolicyDocument } from "./authorizers";
import { StageCache } from "./cache";
import { chooseRequestTemplate, errorInput, httpIntegration, methodResponse, mockIntegration, proxyResponse, render, selectResponse, type TemplateScope } from "./integrations";
import { functionArnOf, permitted, resolveTarget, substituteStageVariables, type LambdaTarget } from "./lambda";
import { ACCOUNT_ID } from "./model/terraform";
import type { ApiKeyModel, ApiModel, AuthorizerModel, GatewayModel, MethodModel, MethodSettingsModel, StageModel, UsagePlanModel } from "./model/types";
import { evaluateResourcePolicy, policyDenialMessage, type PolicyDecision } from "./policy";
import { header, newContext, proxyEvent, readRequest, setResource, type GatewayRequest, type RequestContext } from "./request";
import { gatewayError, mappingValue, type GatewayResponseType, type HttpResponse } from "./responses";
import { route } from "./router";
import { normalizeMethodPath, Quotas, Throttles } from "./throttle";
import { missingParameters, ModelValidators, requestModel } from "./validation";
import type { FunctionPool, InvokeResult } from "./workers";

const MAX_BODY = 10 * 1024 * 1024;

export interface RuntimeOptions {
  /** Folder for `<stack>-<stage>.log` access logs; none when undefined. */
  readonly logDir?: string;
  /** Where access log lines and gateway notices go (default: console). */
  readonly log?: (line: string) => void;
}

interface Served {
  readonly api: ApiModel;
  readonly stage: StageModel;
}

interface LogFile {
  readonly stream: WriteStream;
  /** Lines not yet handed to the stream. */
  pending: string;
}

function flushLog(file: LogFile): void {
  if (file.pending === "") return;
  const text = file.pending;
  file.pending = "";
  if (!file.stream.writableEnded) file.stream.write(text);
}

type AuthorizerResult = { ok: true; context: Record<string, unknown>; usageKey?: string } | { ok: false; type: GatewayResponseType };

class GatewayFailure extends Error {
  constructor(readonly type: GatewayResponseType) {
    super(type);
  }
}

export class GatewayRuntime {
  private served = new Map<string, Served>();
  private validators = new Map<string, ModelValidators>();
  private readonly throttles = new Throttles();
  private readonly quotas = new Quotas();
  private readonly authCache = new AuthorizerCache<{ policy?: PolicyDocument; context: Record<string, unknown>; principalId?: string; usageKey?: string } | "unauthorized">();
  private readonly cache = new StageCache();
  private keysByValue = new Map<string, ApiKeyModel>();
  private readonly logFiles = new Map<string, LogFile>();
  /** Effective method settings by stage and method path, computed once (a swap brings new stage objects). */
  private readonly settingsCache = new WeakMap<StageModel, Map<string, MethodSettingsModel & { source: string }>>();

  constructor(
    private model: GatewayModel,
    private pool: FunctionPool,
    private readonly cognito: LocalCognito,
    private readonly options: RuntimeOptions = {},
  ) {
    this.index();
  }

  /** Replaces the model and functions (watch mode); counters, quotas and caches survive. */
  swap(model: GatewayModel, pool: FunctionPool): FunctionPool {
    const old = this.pool;
    this.model = model;
    this.pool = pool;
    this.index();
    return old;
  }

  get current(): GatewayModel {
    return this.model;
  }

  private index(): void {
    this.served = new Map();
    this.validators = new Map();
    for (const api of this.model.apis) {
      this.validators.set(api.id, new ModelValidators(api));
      for (const stage of api.stages.values()) {
        const key = `${api.stack}/${stage.name}`;
        if (this.served.has(key)) this.notice(`two APIs in ${api.stack} have a stage "${stage.name}"; serving ${this.served.get(key)!.api.name}`);
        else this.served.set(key, { api, stage });
      }
    }
    this.keysByValue = new Map(this.model.apiKeys.map((k) => [k.value, k]));
  }

  private notice(line: string): void {
    (this.options.log ?? console.log)(line);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? "" : url.slice(q + 1);
    const parts = rawPath.split("/");
    const served = this.served.get(`${parts[1] ?? ""}/${parts[2] ?? ""}`);
    let body: Buffer;
    try {
      // A request that announces no body (no Content-Length, or 0, and no Transfer-Encoding) has none to wait for.
      body = hasNoBody(req) ? Buffer.alloc(0) : await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) return send(res, gatewayError("REQUEST_TOO_LARGE"));
      res.destroy();
      return;
    }
    if (!served) return send(res, gatewayError("MISSING_AUTHENTICATION_TOKEN"));
    const path = "/" + parts.slice(3).join("/");
    const greq = readRequest(req, path, rawQuery, body);
    const ctx = newContext(served.api, served.stage, greq, served.api.stack);
    let response: HttpResponse;
    try {
      response = await this.process(served.api, served.stage, greq, ctx);
    } catch (error) {
      const type = error instanceof GatewayFailure ? error.type : "API_CONFIGURATION_ERROR";
      if (!(error instanceof GatewayFailure)) this.notice(`[${served.api.stack}/${served.stage.name}] ${greq.httpMethod} ${greq.path}: ${(error as Error).message}`);
      response = gatewayError(type, { api: served.api, stage: served.stage, req: greq, ctx });
    }
    response.headers["x-amzn-RequestId"] = ctx.requestId;
    response.headers["x-amz-apigw-id"] = ctx.extendedRequestId;
    ctx.status = response.status;
    ctx.responseLength = response.body.length;
    ctx.responseLatency = Math.round(performance.now() - started);
    send(res, response, greq.httpMethod === "HEAD");
    this.accessLog(served.api, served.stage, ctx);
  }

  private accessLog(api: ApiModel, stage: StageModel, ctx: RequestContext): void {
    if (!stage.accessLogFormat) return;
    const line = renderAccessLog(stage.accessLogFormat, ctx);
    (this.options.log ?? console.log)(line);
    if (this.options.logDir) {
      const key = `${api.stack}-${stage.name}`;
      let file = this.logFiles.get(key);
      if (!file) {
        mkdirSync(this.options.logDir, { recursive: true });
        const stream = createWriteStream(join(this.options.logDir, `${key}.log`), { flags: "a" });
        stream.on("error", () => undefined);
        file = { stream, pending: "" };
        this.logFiles.set(key, file);
      }
      // The lines of one turn of the event loop reach the file in one write.
      if (file.pending === "") setImmediate(flushLog, file);
      file.pending += line + "\n";
    }
  }

  /** Flushes and closes the access log files. */
  async close(): Promise<void> {
    const files = [...this.logFiles.values()];
    this.logFiles.clear();
    await Promise.all(
      files.map((f) => {
        flushLog(f);
        return new Promise<void>((ok) => f.stream.end(() => ok()));
      }),
    );
  }

  private async process(api: ApiModel, stage: StageModel, req: GatewayRequest, ctx: RequestContext): Promise<HttpResponse> {
    const match = route(api.root, req.path, req.httpMethod);
    const request: ErrorRequest = { api, stage, req, ctx };
    if (!match?.method) return failWith(request, "MISSING_AUTHENTICATION_TOKEN");
    const { method, pathParameters } = match;
    setResource(ctx, method.resource);
    const methodPath = `${method.resource.path === "/" ? "/" : method.resource.path}/${req.httpMethod}`;
    const scope: TemplateScope = { api, stage, method, req, ctx, pathParameters };

    // 1. Resource policy and authorization. Without authorization the policy must allow; a Lambda
    // authorizer's Allow overrides the policy's implicit deny but not an explicit one, which stops the
    // request before the authorizer runs; Cognito and IAM callers are authenticated first, then an
    // explicit deny (and, for Cognito, an implicit one) stops them.
    const decision: PolicyDecision = api.policy ? evaluateResourcePolicy(api.policy, { arn: methodArnOf(api, stage, req), sourceIp: req.sourceIp, header: (name) => header(req, name) }) : "allow";
    const auth = method.authorization;
    if (decision !== "allow" && (auth === "NONE" || (auth === "CUSTOM" && decision === "explicit-deny"))) return policyDenied(request, decision, pathParameters);
    let usageKeyFromAuthorizer: string | undefined;
    if (auth === "AWS_IAM") {
      if (!header(req, "authorization")?.startsWith("AWS4-HMAC-SHA256")) return failWith(request, "MISSING_AUTHENTICATION_TOKEN", pathParameters);
      if (decision === "explicit-deny") return policyDenied(request, decision, pathParameters);
    } else if (auth === "COGNITO_USER_POOLS" || auth === "CUSTOM") {
      const authorizer = method.authorizerId ? api.authorizers.get(method.authorizerId) : undefined;
      if (!authorizer) return failWith(request, "AUTHORIZER_CONFIGURATION_ERROR", pathParameters);
      const result = await this.authorize(authorizer, scope, methodPath);
      if (!result.ok) return failWith(request, result.type, pathParameters);
      if (auth === "COGNITO_USER_POOLS" && decision !== "allow") return policyDenied(request, decision, pathParameters);
      ctx.authorizer = result.context;
      usageKeyFromAuthorizer = result.usageKey;
    }

    // 2. API key and usage plan
    if (method.apiKeyRequired) {
      const value = api.apiKeySource === "AUTHORIZER" ? usageKeyFromAuthorizer : header(req, "x-api-key");
      const key = value === undefined ? undefined : this.keysByValue.get(value);
      const plan = key?.enabled ? this.planFor(key, api, stage) : undefined;
      if (!key || !plan) return failWith(request, "INVALID_API_KEY", pathParameters);
      ctx.identity.apiKey = key.value;
      ctx.identity.apiKeyId = key.id;
      const apiStage = plan.apiStages.find((s) => s.apiId === api.id && s.stage === stage.name);
      const methodThrottle = [...(apiStage?.throttle ?? new Map())].find(([p]) => normalizeMethodPath(p) === methodPath)?.[1];
      const throttle = methodThrottle ?? plan.throttle;
      if (throttle && !this.throttles.take(`plan/${plan.id}/${key.id}${methodThrottle ? methodPath : ""}`, throttle.rateLimit, throttle.burstLimit)) return failWith(request, "THROTTLED", pathParameters);
      if (plan.quota && !this.quotas.take(`${plan.id}/${key.id}`, plan.quota.limit, plan.quota.period, plan.quota.offset)) return failWith(request, "QUOTA_EXCEEDED", pathParameters);
    }

    // 3. Stage and method throttling
    const settings = this.settingsFor(stage, methodPath);
    if (settings.throttlingRateLimit !== undefined || settings.throttlingBurstLimit !== undefined) {
      const rate = settings.throttlingRateLimit ?? Number.POSITIVE_INFINITY;
      const burst = settings.throttlingBurstLimit ?? Math.max(1, Math.ceil(rate));
      if (!this.throttles.take(`stage/${api.id}/${stage.name}/${settings.source}`, rate, burst)) return failWith(request, "THROTTLED", pathParameters);
    }

    // 4. Request validation
    const validator = method.validatorId ? api.validators.get(method.validatorId) : undefined;
    if (validator?.params) {
      const missing = missingParameters(method, req, pathParameters);
      if (missing.length > 0) return failWith(request, "BAD_REQUEST_PARAMETERS", pathParameters, `Missing required request parameters: [${missing.join(", ")}]`);
    }
    if (validator?.body) {
      const modelName = requestModel(method, req);
      const validate = modelName ? this.validators.get(api.id)?.validator(modelName) : undefined;
      if (validate) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(req.body.toString("utf8"));
        } catch {
          return failWith(request, "BAD_REQUEST_BODY", pathParameters);
        }
        if (!validate(parsed)) return failWith(request, "BAD_REQUEST_BODY", pathParameters);
      }
    }

    // 5. Stage cache
    const integration = method.integration;
    if (!integration) return failWith(request, "API_CONFIGURATION_ERROR", pathParameters);
    const caching = stage.cacheClusterEnabled && settings.cachingEnabled === true && (settings.cacheTtlInSeconds ?? 300) > 0;
    let cacheKey: string | undefined;
    const extraHeaders: Record<string, string> = {};
    if (caching) {
      const keyParts = integration.cacheKeyParameters.map((p) => `${p}=${mappingValue(p, req, pathParameters, stage, ctx) ?? ""}`);
      cacheKey = `${api.id}/${stage.name}/${methodPath}?${keyParts.join("&")}`;
      const invalidate = /max-age=0/i.test(header(req, "cache-control") ?? "");
      let useCache = true;
      if (invalidate) {
        const authorized = header(req, "authorization")?.startsWith("AWS4-HMAC-SHA256") ?? false;
        if (!(settings.requireAuthorizationForCacheControl ?? true) || authorized) {
          this.cache.delete(cacheKey);
          useCache = false;
        } else {
          const strategy = settings.unauthorizedCacheControlHeaderStrategy ?? "SUCCEED_WITH_RESPONSE_HEADER";
          if (strategy === "FAIL_WITH_403") return failWith(request, "ACCESS_DENIED", pathParameters, "User is not authorized to perform: execute-api:InvalidateCache");
          if (strategy === "SUCCEED_WITH_RESPONSE_HEADER") extraHeaders["x-apigw-cache-control"] = "Ignored: not authorized to invalidate the cache";
        }
      }
      const hit = useCache ? this.cache.get(cacheKey) : undefined;
      if (hit) return { status: hit.status, headers: { ...hit.headers, ...extraHeaders }, body: hit.body };
    }

    // 6. Integration
    const started = performance.now();
    let response: HttpResponse;
    switch (integration.type) {
      case "MOCK":
        response = mockIntegration(scope, integration);
        break;
      case "AWS_PROXY":
      case "AWS":
        response = await this.lambdaIntegration(scope, methodPath, integration.type === "AWS_PROXY");
        break;
      case "HTTP":
      case "HTTP_PROXY":
        response = await httpIntegration(scope, integration);
        break;
      default:
        response = failWith(request, "API_CONFIGURATION_ERROR", pathParameters);
    }
    ctx.integrationLatency = Math.round(performance.now() - started);
    ctx.integration = { latency: ctx.integrationLatency, status: response.status, integrationStatus: response.status, error: ctx.integrationErrorMessage };
    if (cacheKey && response.status < 300) this.cache.set(cacheKey, response, settings.cacheTtlInSeconds ?? 300);
    Object.assign(response.headers, extraHeaders);
    return response;
  }

  private planFor(key: ApiKeyModel, api: ApiModel, stage: StageModel): UsagePlanModel | undefined {
    return this.model.usagePlans.find((p) => p.keyIds.includes(key.id) && p.apiStages.some((s) => s.apiId === api.id && s.stage === stage.name));
  }

  private settingsFor(stage: StageModel, methodPath: string): MethodSettingsModel & { source: string } {
    let byPath = this.settingsCache.get(stage);
    if (!byPath) {
      byPath = new Map();
      this.settingsCache.set(stage, byPath);
    }
    let settings = byPath.get(methodPath);
    if (!settings) {
      settings = this.computeSettings(stage, methodPath);
      byPath.set(methodPath, settings);
    }
    return settings;
  }

  private computeSettings(stage: StageModel, methodPath: string): MethodSettingsModel & { source: string } {
    for (const [path, settings] of stage.methodSettings) {
      if (path !== "*/*" && normalizeMethodPath(path) === methodPath) return { ...(stage.methodSettings.get("*/*") ?? {}), ...stripUndefined(settings), source: methodPath };
    }
    return { ...(stage.methodSettings.get("*/*") ?? {}), source: "*/*" };
  }

  private sourceArns(api: ApiModel, stage: StageModel, req: GatewayRequest, method: MethodModel): string[] {
    const base = `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.id}/${stage.name}/${req.httpMethod}`;
    return [`${base}${req.path}`, `${base}${method.resource.path}`];
  }

  private async invokeTarget(target: LambdaTarget, event: unknown, timeoutMs: number): Promise<InvokeResult | "integration-timeout"> {
    const runner = this.pool.get(target.fn.functionName, target.version);
    if (!runner) return { ok: false, kind: "crash", error: { errorType: "ResourceNotFoundException", errorMessage: `Function not found: ${target.invokedArn}` } };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"integration-timeout">((resolve) => (timer = setTimeout(() => resolve("integration-timeout"), timeoutMs)));
    try {
      return await Promise.race([runner.invoke(event, { invokedArn: target.invokedArn }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lambdaIntegration(scope: TemplateScope, methodPath: string, proxy: boolean): Promise<HttpResponse> {
    const { api, stage, method, req, ctx } = scope;
    const integration = method.integration!;
    const fail = (type: GatewayResponseType, message?: string) => gatewayError(type, { ...errorInput(scope), message });
    const uri = substituteStageVariables(integration.uri ?? "", stage.variables);
    const arn = functionArnOf(uri);
    const target = arn ? resolveTarget(this.model.functions, arn) : undefined;
    if (!target) {
      ctx.integrationErrorMessage = `Lambda function not found: ${arn ?? uri}`;
      this.notice(`[${api.stack}/${stage.name}] ${methodPath}: ${ctx.integrationErrorMessage}`);
      return fail("API_CONFIGURATION_ERROR");
    }
    if (!permitted(this.model.permissions, target, this.sourceArns(api, stage, req, method))) {
      ctx.integrationErrorMessage = "Execution failed due to configuration error: Invalid permissions on Lambda function";
      this.notice(`[${api.stack}/${stage.name}] ${methodPath}: ${ctx.integrationErrorMessage} (${target.invokedArn})`);
      return fail("API_CONFIGURATION_ERROR");
    }
    let event: unknown;
    if (proxy) {
      event = proxyEvent(api, stage, method, req, ctx, scope.pathParameters);
    } else {
      const choice = chooseRequestTemplate(integration, req);
      if (choice.kind === "unsupported") return fail("UNSUPPORTED_MEDIA_TYPE");
      const payload = choice.kind === "template" ? render(choice.template, scope, req.body.toString("utf8")) : req.body.toString("utf8");
      try {
        event = payload.trim() === "" ? {} : JSON.parse(payload);
      } catch {
        ctx.integrationErrorMessage = "Lambda rejected a payload that is not JSON";
        return fail("API_CONFIGURATION_ERROR");
      }
    }
    const result = await this.invokeTarget(target, event, integration.timeoutMs);
    if (result === "integration-timeout") {
      ctx.integrationErrorMessage = "Endpoint request timed out";
      return fail("INTEGRATION_TIMEOUT");
    }
    if (proxy) {
      if (!result.ok) {
        ctx.integrationErrorMessage = `${result.error.errorType}: ${result.error.errorMessage}`;
        this.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: ${ctx.integrationErrorMessage}`);
        return fail("INTEGRATION_FAILURE");
      }
      const response = proxyResponse(result.payload);
      if (!response) {
        ctx.integrationErrorMessage = "Malformed Lambda proxy response";
        this.notice(`[${api.stack}/${stage.name}] ${target.fn.functionName}: malformed Lambda proxy response: ${result.payload.slice(0, 200)}`);
        return fail("INTEGRATION_FAILURE");
      }
      return response;
    }
    const body = result.ok ? result.payload : JSON.stringify({ errorMessage: result.error.errorMessage, errorType: result.error.errorType, ...(result.error.trace ? { stackTrace: result.error.trace } : {}) });
    if (!result.ok) ctx.integrationErrorMessage = result.error.errorMessage;
    const chosen = selectResponse(integration.responses, result.ok ? undefined : result.error.errorMessage);
    if (!chosen) return fail("API_CONFIGURATION_ERROR");
    return methodResponse(scope, chosen, body, {});
  }

  private async authorize(authorizer: AuthorizerModel, scope: TemplateScope, methodPath: string): Promise<AuthorizerResult> {
    const { api, stage, req } = scope;
    const sources = authorizer.identitySource
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const values = sources.map((s) => mappingValue(s, req, scope.pathParameters, stage, scope.ctx));
    if (authorizer.type === "COGNITO_USER_POOLS") {
      const token = values[0];
      if (!token) return { ok: false, type: "UNAUTHORIZED" };
      const claims = await this.cognito.verify(authorizer.providerArns, token);
      if (!claims) return { ok: false, type: "UNAUTHORIZED" };
      const stringClaims: Record<string, string> = {};
      for (const [k, v] of Object.entries(claims)) stringClaims[k] = typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : String(v);
      return { ok: true, context: { claims: stringClaims } };
    }
    // Lambda TOKEN or REQUEST authorizer
    if (values.some((v) => v === undefined || v === "")) return { ok: false, type: "UNAUTHORIZED" };
    if (authorizer.type === "TOKEN" && authorizer.identityValidationExpression && !new RegExp(`^(?:${authorizer.identityValidationExpression})$`).test(values[0]!)) return { ok: false, type: "UNAUTHORIZED" };
    const methodArn = methodArnOf(api, stage, req);
    const cacheKey = `${api.id}/${authorizer.id}/${values.join("\u0000")}`;
    let entry = this.authCache.get(cacheKey);
    if (!entry) {
      const arn = functionArnOf(substituteStageVariables(authorizer.uri ?? "", stage.variables));
      const target = arn ? resolveTarget(this.model.functions, arn) : undefined;
      if (!target) return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR" };
      const authorizerArn = `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.id}/authorizers/${authorizer.id}`;
      if (!permitted(this.model.permissions, target, [authorizerArn])) return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR" };
      const event =
        authorizer.type === "TOKEN"
          ? { type: "TOKEN", authorizationToken: values[0], methodArn }
          : (() => {
              const e = proxyEvent(api, stage, scope.method, req, scope.ctx, scope.pathParameters);
              return { type: "REQUEST", methodArn, resource: e.resource, path: e.path, httpMethod: e.httpMethod, headers: e.headers, multiValueHeaders: e.multiValueHeaders, queryStringParameters: e.queryStringParameters, multiValueQueryStringParameters: e.multiValueQueryStringParameters, pathParameters: e.pathParameters, stageVariables: e.stageVariables, requestContext: e.requestContext };
            })();
      const result = await this.invokeTarget(target, event, 30_000);
      if (result === "integration-timeout") return { ok: false, type: "AUTHORIZER_FAILURE" };
      if (!result.ok) {
        if (result.error.errorMessage === "Unauthorized") {
          this.authCache.set(cacheKey, "unauthorized", authorizer.ttlSeconds);
          return { ok: false, type: "UNAUTHORIZED" };
        }
        this.notice(`[${api.stack}/${stage.name}] authorizer ${authorizer.name}: ${result.error.errorMessage}`);
        return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR" };
      }
      let out: { principalId?: unknown; policyDocument?: PolicyDocument; context?: Record<string, unknown>; usageIdentifierKey?: unknown };
      try {
        out = JSON.parse(result.payload) as typeof out;
      } catch {
        return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR" };
      }
      if (!out || typeof out !== "object" || !out.policyDocument) return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR" };
      entry = {
        policy: out.policyDocument,
        principalId: out.principalId === undefined ? undefined : String(out.principalId),
        context: out.context ?? {},
        usageKey: typeof out.usageIdentifierKey === "string" ? out.usageIdentifierKey : undefined,
      };
      this.authCache.set(cacheKey, entry, authorizer.ttlSeconds);
    }
    if (entry === "unauthorized") return { ok: false, type: "UNAUTHORIZED" };
    if (!policyAllows(entry.policy, methodArn)) return { ok: false, type: "ACCESS_DENIED" };
    void methodPath;
    return { ok: true, context: { ...entry.context, principalId: entry.principalId }, usageKey: entry.usageKey };
  }
}

interface ErrorRequest {
  readonly api: ApiModel;
  readonly stage: StageModel;
  readonly req: GatewayRequest;
  readonly ctx: RequestContext;
}

/** The gateway response of an error type for a request (a function, not a closure made per request). */
function failWith(request: ErrorRequest, type: GatewayResponseType, pathParameters: Record<string, string> = {}, message?: string): HttpResponse {
  return gatewayError(type, { ...request, pathParameters, message });
}

/** 403 AccessDeniedException with API Gateway's `{"Message": ...}` body, through the ACCESS_DENIED gateway response. */
function policyDenied(request: ErrorRequest, decision: "implicit-deny" | "explicit-deny", pathParameters: Record<string, string>): HttpResponse {
  return gatewayError("ACCESS_DENIED", { ...request, pathParameters, message: policyDenialMessage(decision, methodArnOf(request.api, request.stage, request.req)), messageKey: "Message" });
}

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path as requested>` */
function methodArnOf(api: ApiModel, stage: StageModel, req: GatewayRequest): string {
  return `arn:aws:execute-api:${api.region}:${ACCOUNT_ID}:${api.id}/${stage.name}/${req.httpMethod}${req.path}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

class BodyTooLarge extends Error {}

function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge("request too large"));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: HttpResponse, head = false): void {
  // Every response's headers object is this request's own (a cache hit is a copy): it takes Content-Length.
  response.headers["Content-Length"] = String(response.body.length);
  res.writeHead(response.status, response.headers);
  res.end(head ? undefined : response.body);
}

/** An access log format split once into its literal text and its `$context.*` paths. */
interface CompiledFormat {
  readonly literals: readonly string[];
  readonly paths: readonly (readonly string[])[];
}
const compiledFormats = new Map<string, CompiledFormat>();

function compileFormat(format: string): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (!compiled) {
    const literals: string[] = [];
    const paths: string[][] = [];
    const re = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(format)) !== null) {
      literals.push(format.slice(last, m.index));
      paths.push(m[1]!.split("."));
      last = re.lastIndex;
    }
    literals.push(format.slice(last));
    compiled = { literals, paths };
    compiledFormats.set(format, compiled);
  }
  return compiled;
}

/** Substitutes `$context.*` variables in an access log format; values JSON-escaped, missing → `-`. */
export function renderAccessLog(format: string, ctx: RequestContext): string {
  const { literals, paths } = compileFormat(format);
  let line = literals[0]!;
  for (let i = 0; i < paths.length; i += 1) {
    let v: unknown = ctx;
    for (const part of paths[i]!) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
    if (v === undefined || v === null || v === "") line += "-";
    else {
      const text = typeof v === "object" ? JSON.stringify(v) : String(v);
      line += text.includes("\\") || text.includes('"') ? text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') : text;
    }
    line += literals[i + 1]!;
  }
  return line;
}
