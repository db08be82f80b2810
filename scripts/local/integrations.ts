/**
 * Integration request and response mapping, which the integrations in `pipeline/integrations/`
 * share: mapping templates, request template choice by content type and passthrough
 * behaviour, integration response selection, method responses.
 */
import { responseHeaderName } from "./headers";
import type { ApiModel, IntegrationModel, IntegrationResponseModel, MethodModel, StageModel } from "./model/types";
import { header, requestParams, type GatewayRequest, type RequestContext } from "./request";
import { mappingValue, type HttpResponse } from "./responses";
import { inputVariable, isStaticTemplate, jsonPath, renderTemplate, util } from "./vtl";

export interface TemplateScope {
  readonly api: ApiModel;
  readonly stage: StageModel;
  readonly method: MethodModel;
  readonly req: GatewayRequest;
  readonly ctx: RequestContext;
  readonly pathParameters: Record<string, string>;
}

/** Renders a template with `$input` over `body`, the request's params and the rest of API Gateway's variables. */
export function render(template: string, scope: TemplateScope, body: string): string {
  if (isStaticTemplate(template)) return template;
  return renderTemplate(template, {
    input: inputVariable(body, requestParams(scope.req, scope.pathParameters)),
    util,
    context: scope.ctx,
    stageVariables: scope.stage.variables,
  });
}

export type RequestTemplateChoice = { kind: "template"; template: string } | { kind: "passthrough" } | { kind: "unsupported" };

/** The request template for the request's content type, under the integration's passthrough behaviour. */
export function chooseRequestTemplate(integration: IntegrationModel, req: GatewayRequest): RequestTemplateChoice {
  const contentType = (header(req, "content-type") ?? "application/json").split(";")[0]!.trim().toLowerCase();
  const templates = integration.requestTemplates;
  const keys = Object.keys(templates);
  const match = keys.find((k) => k.toLowerCase() === contentType);
  if (match !== undefined) return { kind: "template", template: templates[match]! };
  const behavior = integration.passthroughBehavior.toUpperCase();
  if (behavior === "WHEN_NO_MATCH") return { kind: "passthrough" };
  if (behavior === "WHEN_NO_TEMPLATES") {
    if (keys.length === 0) return { kind: "passthrough" };
    // API Gateway falls back to application/json when the request has no content type.
    if (header(req, "content-type") === undefined && templates["application/json"] !== undefined) return { kind: "template", template: templates["application/json"] };
    return { kind: "unsupported" };
  }
  return { kind: "unsupported" };
}

/** Selection patterns compiled once (matched in full); null for a pattern that does not compile. */
const selectionPatterns = new Map<string, RegExp | null>();

function selectionRegExp(pattern: string): RegExp | null {
  let re = selectionPatterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, "s");
    } catch {
      re = null;
    }
    selectionPatterns.set(pattern, re);
  }
  return re;
}

/** The integration response chosen by a selection pattern (full match), else the default one. */
export function selectResponse(responses: readonly IntegrationResponseModel[], subject: string | undefined): IntegrationResponseModel | undefined {
  if (subject !== undefined) {
    for (const r of responses) {
      if (r.selectionPattern === undefined || r.selectionPattern === "") continue;
      if (selectionRegExp(r.selectionPattern)?.test(subject)) return r;
    }
  }
  return responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === "");
}

/** Builds the method response from an integration response: template, parameters, status. */
export function methodResponse(
  scope: TemplateScope,
  chosen: IntegrationResponseModel,
  integrationBody: string,
  integrationHeaders: Record<string, string>,
): HttpResponse {
  const templates = chosen.responseTemplates;
  const accept = (header(scope.req, "accept") ?? "application/json").toLowerCase();
  const key = Object.keys(templates).find((k) => accept.includes(k.toLowerCase())) ?? (templates["application/json"] !== undefined ? "application/json" : Object.keys(templates)[0]);
  const template = key === undefined ? undefined : templates[key];
  const body = template === undefined || template === "" ? integrationBody : render(template, scope, integrationBody);
  const headers: Record<string, string | string[]> = { "Content-Type": key ?? "application/json" };
  let parsedBody: unknown;
  for (const [target, expr] of Object.entries(chosen.responseParameters)) {
    const m = /^method\.response\.header\.(.+)$/.exec(target);
    if (!m) continue;
    let value: string | undefined;
    const e = expr.trim();
    let im: RegExpExecArray | null;
    if ((im = /^integration\.response\.header\.(.+)$/.exec(e))) {
      value = Object.entries(integrationHeaders).find(([k]) => k.toLowerCase() === im![1]!.toLowerCase())?.[1];
    } else if (e === "integration.response.body") {
      value = integrationBody;
    } else if ((im = /^integration\.response\.body\.(.+)$/.exec(e))) {
      try {
        parsedBody ??= JSON.parse(integrationBody);
        const v = jsonPath(parsedBody, `$.${im[1]}`);
        value = v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
      } catch {
        value = undefined;
      }
    } else {
      value = mappingValue(e, scope.req, scope.pathParameters, scope.stage, scope.ctx);
    }
    // Restricted names arrive as x-amzn-Remapped-<name> (Transfer-Encoding not at all).
    const name = responseHeaderName(m[1]!);
    if (value !== undefined && name !== undefined) headers[name] = value;
  }
  return { status: Number(chosen.statusCode), headers, body: Buffer.from(body) };
}
