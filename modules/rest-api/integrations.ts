/**
 * Integrations are plain data: the RestApi construct turns them into Terraform, and the
 * deployment hash and route table read them without a synth.
 */
import type { LambdaAliasRef, LambdaFunctionRef, StageVariableTarget } from "../core/function-ref";

/** A Lambda function pinned to one of its aliases. */
export interface LambdaAliasTarget {
  readonly fn: LambdaFunctionRef;
  /** Alias name, or the alias itself (its `name` is used). */
  readonly alias: string | LambdaAliasRef;
}

/**
 * What a Lambda integration invokes: the unqualified function (`$LATEST`), one alias, or
 * the alias a stage variable names (`fn.aliasFromStageVariable("lambdaAlias")`).
 */
export type LambdaTarget = LambdaFunctionRef | LambdaAliasTarget | StageVariableTarget;

export function isStageVariableTarget(t: LambdaTarget): t is StageVariableTarget {
  return (t as StageVariableTarget).kind === "stage-variable";
}

export function isAliasTarget(t: LambdaTarget): t is LambdaAliasTarget {
  if (isStageVariableTarget(t)) return false;
  const candidate = t as Partial<LambdaAliasTarget>;
  return candidate.fn !== undefined && typeof candidate.alias !== "function";
}

/** The function behind any target. */
export function targetFunction(t: LambdaTarget): LambdaFunctionRef {
  if (isStageVariableTarget(t) || isAliasTarget(t)) return t.fn;
  return t;
}

/** The alias name of an alias target. */
export function aliasName(t: LambdaAliasTarget): string {
  return typeof t.alias === "string" ? t.alias : t.alias.name;
}

/** Human description of a target: `ItemsFunction`, `ItemsFunction:prod`, `ItemsFunction:${stageVariables.lambdaAlias}`. */
export function describeTarget(t: LambdaTarget): string {
  if (isStageVariableTarget(t)) return `${t.fn.id}:\${stageVariables.${t.variable}}`;
  if (isAliasTarget(t)) return `${t.fn.id}:${aliasName(t)}`;
  return t.id;
}

/** One integration response, and the method response of the same status code. */
export interface IntegrationResponse {
  /** HTTP status code the client sees, e.g. `"404"`. */
  readonly statusCode: string;
  /**
   * Regular expression matched against the Lambda error message (AWS) or the backend
   * status code (HTTP); `undefined` makes this the default response.
   * @default undefined (default response)
   */
  readonly selectionPattern?: string;
  /**
   * Mapping templates by content type.
   * @default none (passthrough)
   */
  readonly responseTemplates?: Readonly<Record<string, string>>;
  /**
   * Response header mappings: `{ "method.response.header.X-Id": "integration.response.body.id" }`
   * (the `method.response.header.` prefix may be left out). Each is declared on the
   * method response automatically.
   * @default none
   */
  readonly responseParameters?: Readonly<Record<string, string>>;
  /**
   * `CONVERT_TO_BINARY` or `CONVERT_TO_TEXT`.
   * @default passthrough
   */
  readonly contentHandling?: "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT";
}

export type PassthroughBehavior = "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";

export interface LambdaProxyIntegration {
  readonly type: "AWS_PROXY";
  readonly target: LambdaTarget;
  /** @default 29000 (API Gateway's own default) */
  readonly timeoutMs?: number;
}

export interface LambdaIntegration {
  readonly type: "AWS";
  readonly target: LambdaTarget;
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly integrationResponses: readonly IntegrationResponse[];
  readonly timeoutMs?: number;
}

export interface MockIntegration {
  readonly type: "MOCK";
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly integrationResponses: readonly IntegrationResponse[];
}

export interface HttpProxyIntegration {
  readonly type: "HTTP_PROXY";
  /** Backend URL; may contain `{proxy}` or other path parameters mapped from the method. */
  readonly url: string;
  /** Method used towards the backend; undefined means the route's own method. */
  readonly httpMethod?: string;
  /** `integration.request.*` ← `method.request.*` mappings. */
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export type Integration = LambdaProxyIntegration | LambdaIntegration | MockIntegration | HttpProxyIntegration;
export type IntegrationType = Integration["type"];

export interface LambdaProxyOptions {
  /** Integration timeout, 50..29000 ms. @default 29000 */
  readonly timeoutMs?: number;
}

/** Lambda proxy integration (`AWS_PROXY`): the handler gets the whole request and returns a proxy response. */
export function lambdaProxy(target: LambdaTarget, options: LambdaProxyOptions = {}): LambdaProxyIntegration {
  return { type: "AWS_PROXY", target, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
}

export interface LambdaIntegrationOptions {
  /**
   * Request mapping templates by content type: `{ "application/json": '{"ID": $input.params("ID")}' }`.
   * @default none (the body passes through)
   */
  readonly requestTemplates?: Readonly<Record<string, string>>;
  /** @default "WHEN_NO_TEMPLATES" */
  readonly passthroughBehavior?: PassthroughBehavior;
  /**
   * Integration responses; a default `200` is added when none has no selection pattern.
   * @default [{ statusCode: "200" }]
   */
  readonly integrationResponses?: readonly IntegrationResponse[];
  /** @default 29000 */
  readonly timeoutMs?: number;
}

/**
 * Lambda non-proxy integration (`AWS`, POST to the invoke API): request templates shape
 * the event, integration responses map the result or the error message to status codes.
 */
export function lambdaIntegration(target: LambdaTarget, options: LambdaIntegrationOptions = {}): LambdaIntegration {
  return {
    type: "AWS",
    target,
    requestTemplates: options.requestTemplates ?? {},
    passthroughBehavior: options.passthroughBehavior ?? "WHEN_NO_TEMPLATES",
    integrationResponses: withDefaultResponse(options.integrationResponses ?? []),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

export interface MockIntegrationOptions {
  /**
   * Request templates; the mock's status code is chosen here.
   * @default { "application/json": '{"statusCode": 200}' }
   */
  readonly requestTemplates?: Readonly<Record<string, string>>;
  /** @default "WHEN_NO_TEMPLATES" */
  readonly passthroughBehavior?: PassthroughBehavior;
  /**
   * Responses, with VTL response templates that build the body.
   * @default [{ statusCode: "200" }]
   */
  readonly integrationResponses?: readonly IntegrationResponse[];
}

/** Mock integration (`MOCK`): API Gateway answers from its templates, no backend. */
export function mockIntegration(options: MockIntegrationOptions = {}): MockIntegration {
  return {
    type: "MOCK",
    requestTemplates: options.requestTemplates ?? { "application/json": '{"statusCode": 200}' },
    passthroughBehavior: options.passthroughBehavior ?? "WHEN_NO_TEMPLATES",
    integrationResponses: withDefaultResponse(options.integrationResponses ?? []),
  };
}

export interface HttpProxyOptions {
  /** @default the route's method (`ANY` for an `ANY` route) */
  readonly httpMethod?: string;
  /**
   * Extra `integration.request.*` ← `method.request.*` mappings. Path parameters that
   * appear in the URL as `{name}` are mapped automatically.
   * @default {}
   */
  readonly requestParameters?: Readonly<Record<string, string>>;
  /** @default 29000 */
  readonly timeoutMs?: number;
}

/** HTTP proxy integration (`HTTP_PROXY`) to a backend URL. */
export function httpProxy(url: string, options: HttpProxyOptions = {}): HttpProxyIntegration {
  return {
    type: "HTTP_PROXY",
    url,
    ...(options.httpMethod !== undefined ? { httpMethod: options.httpMethod.toUpperCase() } : {}),
    requestParameters: options.requestParameters ?? {},
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

function withDefaultResponse(responses: readonly IntegrationResponse[]): readonly IntegrationResponse[] {
  if (responses.some((r) => r.selectionPattern === undefined)) return responses;
  return [{ statusCode: "200" }, ...responses];
}

/** `X-Id` or `method.response.header.X-Id` → `method.response.header.X-Id`. */
export function responseHeaderKey(name: string): string {
  return name.startsWith("method.response.") ? name : `method.response.header.${name}`;
}
