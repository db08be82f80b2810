/**
 * Integration responses of non-proxy integrations (AWS, MOCK): their definition and checks,
 * and their Terraform with the method responses they need: one
 * `aws_api_gateway_method_response` per status code (plus declared ones) and one
 * `aws_api_gateway_integration_response` per selection pattern, CORS headers included.
 */
import type { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import type { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { PropError } from "../../core/errors";
import { corsResponseHeaders, originEchoTemplate, type ResolvedCors } from "../cors";
import { shortHash } from "../hash";
import type { Models } from "../model";
import { escapeMap, terraformLiteral } from "../terraform-text";
import type { RouteDefinition } from "../types";

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

/**
 * Adds a default `200` response when no response is the default one and none answers 200
 * already: API Gateway keys integration responses by status code, so a second `200` (next
 * to `{ statusCode: "200", selectionPattern: "2\\d{2}" }`) would be refused.
 */
export function withDefaultResponse(responses: readonly IntegrationResponse[]): readonly IntegrationResponse[] {
  if (responses.some((r) => r.selectionPattern === undefined || r.statusCode === "200")) return responses;
  return [{ statusCode: "200" }, ...responses];
}

/** `X-Id` or `method.response.header.X-Id` → `method.response.header.X-Id`. */
export function responseHeaderKey(name: string): string {
  return name.startsWith("method.response.") ? name : `method.response.header.${name}`;
}

export interface CatchAllErrorOptions {
  /**
   * The selection patterns of the other error responses: the catch-all leaves the messages
   * they match to them, so the patterns exclude each other and the order in which API
   * Gateway tries them does not matter.
   * @default []
   */
  readonly except?: readonly string[];
  /** @default "500" */
  readonly statusCode?: string;
  /** @default '{"message": "Internal server error"}' (API Gateway's own 500 body) */
  readonly body?: string;
}

/**
 * The last error response of a non-proxy Lambda integration: every Lambda error no other
 * pattern claims (a timeout, a missing table, a crash) becomes a 500 with API Gateway's own
 * body. Without it such an error takes the default response: 200 with the Lambda error
 * object (errorMessage, errorType and a stackTrace naming file paths).
 */
export function catchAllErrorResponse(options: CatchAllErrorOptions = {}): IntegrationResponse {
  const except = options.except ?? [];
  const guard = except.length > 0 ? `(?!(?:${except.join("|")})$)` : "";
  return {
    statusCode: options.statusCode ?? "500",
    selectionPattern: `${guard}[\\s\\S]+`,
    responseTemplates: { "application/json": options.body ?? '{"message": "Internal server error"}' },
  };
}

/**
 * Lambda error messages no application pattern should claim, one of them on several lines
 * (API Gateway matches a selection pattern against the whole errorMessage, and `.` stops at
 * a line end): each must select some error response, or it would reach the client as 200.
 */
const UNEXPECTED_ERRORS = [
  "Task timed out after 29.00 seconds",
  "Requested resource not found",
  "Cannot read properties of undefined (reading 'Items')",
  "RequestId: 4f1b2c3d Error: Runtime exited with error: signal: killed",
  "Error: boom\n    at handler (/var/task/index.mjs:1:2)",
];

/**
 * A non-proxy Lambda integration must answer every error it does not expect through an error
 * response (see {@link catchAllErrorResponse}). Patterns JavaScript cannot compile (Java-only
 * syntax) cannot be judged and are taken as catching everything.
 */
export function checkCatchAll(where: string, responses: readonly IntegrationResponse[], prop: string, route: string): void {
  const patterns = responses.flatMap((r) => (r.selectionPattern === undefined ? [] : [r.selectionPattern]));
  const compiled: RegExp[] = [];
  for (const p of patterns) {
    try {
      compiled.push(new RegExp(`^(?:${p})$`));
    } catch {
      return;
    }
  }
  const leaked = UNEXPECTED_ERRORS.find((message) => !compiled.some((re) => re.test(message)));
  if (leaked === undefined) return;
  throw new PropError(
    where,
    `${prop}.integration.integrationResponses`,
    patterns,
    `a Lambda error that matches no selectionPattern (such as ${JSON.stringify(leaked)}) takes the default response: ${route} would answer 200 with the error's message, type and stack trace. ` +
      `Add a catch-all error response last: catchAllErrorResponse({ except: ${JSON.stringify(patterns)} }) gives { statusCode: "500", selectionPattern: "(?!(?:<the other patterns>)$)[\\s\\S]+", body {"message": "Internal server error"} }.`,
  );
}

/** With passthrough NEVER a request whose content type has no template gets 415: at least one template, and media types as keys. */
export function checkRequestTemplates(
  where: string,
  templates: Readonly<Record<string, string>>,
  passthrough: PassthroughBehavior,
  prop: string,
): void {
  for (const ct of Object.keys(templates)) {
    if (!/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+*-]+$/.test(ct)) {
      throw new PropError(where, `${prop}.integration.requestTemplates`, ct, 'key a request template by media type, e.g. "application/json".');
    }
  }
  if (passthrough === "NEVER" && Object.keys(templates).length === 0) {
    throw new PropError(
      where,
      `${prop}.integration.passthroughBehavior`,
      passthrough,
      'with "NEVER" API Gateway answers 415 to a request whose content type has no template, so every request would fail: add requestTemplates { "application/json": ... } (a request without Content-Type is taken as application/json).',
    );
  }
}

/** True when a request body can reach the backend untemplated (passed through as it came). */
export function bodyPassesThrough(templates: Readonly<Record<string, string>>, passthrough: PassthroughBehavior): boolean {
  return passthrough === "WHEN_NO_MATCH" || (passthrough === "WHEN_NO_TEMPLATES" && Object.keys(templates).length === 0);
}

/** Status codes, one response per selection pattern, one default at most. */
export function checkResponses(where: string, responses: readonly IntegrationResponse[], prop: string): void {
  const seen = new Set<string>();
  const statuses = new Set<string>();
  let defaults = 0;
  for (const r of responses) {
    if (!/^[1-5]\d\d$/.test(r.statusCode)) {
      throw new PropError(where, `${prop}.integration.integrationResponses`, r.statusCode, 'use a status code such as "404".');
    }
    const k = r.selectionPattern ?? "<default>";
    if (seen.has(k)) {
      throw new PropError(where, `${prop}.integration.integrationResponses`, k, "two responses have the same selection pattern; merge them.");
    }
    seen.add(k);
    if (statuses.has(r.statusCode)) {
      throw new PropError(
        where,
        `${prop}.integration.integrationResponses`,
        r.statusCode,
        "API Gateway keeps one integration response per status code (one selection pattern each): merge the patterns into one, e.g. \"a|b\".",
      );
    }
    statuses.add(r.statusCode);
    if (r.selectionPattern === undefined) defaults++;
  }
  if (defaults > 1) {
    throw new PropError(where, `${prop}.integration.integrationResponses`, defaults, "only one response may omit selectionPattern (the default).");
  }
}

export interface ResponsesInput {
  readonly scope: Construct;
  readonly api: ApiGatewayRestApi;
  readonly models: Models;
  readonly def: RouteDefinition;
  readonly method: ApiGatewayMethod;
  readonly resourceId: string;
  readonly integration: ApiGatewayIntegration;
  readonly responses: readonly IntegrationResponse[];
  readonly cors: ResolvedCors | undefined;
  /** With several CORS origins, a response without a template of its own keeps the body: `$input.json('$')`, or nothing for a mock. */
  readonly emptyBody: boolean;
}

/** The method responses (one per status code of the integration responses, plus declared ones) and the integration responses. */
export function renderResponses(x: ResponsesInput): ITerraformDependable[] {
  const { scope, api, def, method, resourceId, responses, cors } = x;
  const label = `${def.method} ${def.path}`;
  const out: ITerraformDependable[] = [];
  const methodResponses = new Map<string, { models: Record<string, string>; params: Record<string, boolean> }>();
  const corsHeaders = cors ? corsResponseHeaders(cors) : {};
  for (const r of responses) {
    const entry = methodResponses.get(r.statusCode) ?? { models: {}, params: {} };
    for (const k of Object.keys(r.responseParameters ?? {})) entry.params[responseHeaderKey(k)] = true;
    for (const h of Object.keys(corsHeaders)) entry.params[`method.response.header.${h}`] = true;
    methodResponses.set(r.statusCode, entry);
  }
  for (const mr of def.methodResponses) {
    const entry = methodResponses.get(mr.statusCode) ?? { models: {}, params: {} };
    Object.assign(entry.models, mr.responseModels ?? {});
    for (const [k, v] of Object.entries(mr.responseParameters ?? {})) entry.params[responseHeaderKey(k)] = v;
    methodResponses.set(mr.statusCode, entry);
  }
  const mrResources = new Map<string, ApiGatewayMethodResponse>();
  for (const [status, entry] of methodResponses) {
    const mr = new ApiGatewayMethodResponse(scope, `MethodResponse ${label} ${status}`, {
      restApiId: api.id,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: status,
      responseModels: x.models.resourceNames(entry.models),
      responseParameters: Object.keys(entry.params).length > 0 ? entry.params : undefined,
    });
    mrResources.set(status, mr);
    out.push(mr);
  }
  const echo = cors ? originEchoTemplate(cors) : "";
  for (const r of responses) {
    const params: Record<string, string> = {};
    for (const [h, v] of Object.entries(corsHeaders)) params[`method.response.header.${h}`] = v;
    for (const [k, v] of Object.entries(r.responseParameters ?? {})) params[responseHeaderKey(k)] = v;
    let templates: Record<string, string> | undefined = r.responseTemplates ? { ...r.responseTemplates } : undefined;
    if (echo) {
      // no template of its own: keep the body as it was (a mock has none)
      templates = templates ?? { "application/json": x.emptyBody ? "" : "$input.json('$')" };
      templates = Object.fromEntries(Object.entries(templates).map(([ct, t]) => [ct, `${echo}${t}`]));
    }
    const ir = new ApiGatewayIntegrationResponse(scope, `IntegrationResponse ${label} ${r.statusCode}${r.selectionPattern === undefined ? "" : ` ${shortHash(r.selectionPattern, 6)}`}`, {
      restApiId: api.id,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: mrResources.get(r.statusCode)!.statusCode,
      selectionPattern: r.selectionPattern === undefined ? undefined : terraformLiteral(r.selectionPattern),
      responseTemplates: templates ? escapeMap(templates) : undefined,
      responseParameters: Object.keys(params).length > 0 ? params : undefined,
      contentHandling: r.contentHandling,
      dependsOn: [x.integration],
    });
    out.push(ir);
  }
  return out;
}
