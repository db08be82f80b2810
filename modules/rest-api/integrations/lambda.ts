/**
 * Lambda integrations: proxy (`AWS_PROXY`, the handler gets the whole request) and
 * non-proxy (`AWS`, request templates shape the event, integration responses map the
 * result or the error message to status codes). Each binds itself: its checks, its
 * `aws_api_gateway_integration`, the `aws_lambda_permission`s it needs and its hash input.
 */
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { renderRoutePermissions } from "../permissions";
import { escapeMap } from "../terraform-text";
import type { HashContext, IntegrationKind } from "./kind";
import { checkIntegrationParameters } from "./parameters";
import { checkCatchAll, checkRequestTemplates, checkResponses, withDefaultResponse, type IntegrationResponse, type PassthroughBehavior } from "./responses";
import { aliasName, checkTarget, isAliasTarget, isStageVariableTarget, lambdaUri, targetFunction, type LambdaTarget } from "./target";

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
  /** `integration.request.*` ← source mappings (see `requestParameters` of the options). */
  readonly requestParameters?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

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
  /**
   * Integration request parameters: `{ "integration.request.header.X-Amz-Invocation-Type": "'Event'" }`
   * (an asynchronous invocation), or from the method request, `context.*`, `stageVariables.*`.
   * @default {}
   */
  readonly requestParameters?: Readonly<Record<string, string>>;
  /** @default 29000 */
  readonly timeoutMs?: number;
}

/**
 * Lambda non-proxy integration (`AWS`, POST to the invoke API): request templates shape
 * the event, integration responses map the result or the error message to status codes.
 * The responses must end with a catch-all for unexpected errors (`catchAllErrorResponse`),
 * or the synth refuses the route.
 */
export function lambdaIntegration(target: LambdaTarget, options: LambdaIntegrationOptions = {}): LambdaIntegration {
  return {
    type: "AWS",
    target,
    requestTemplates: options.requestTemplates ?? {},
    passthroughBehavior: options.passthroughBehavior ?? "WHEN_NO_TEMPLATES",
    integrationResponses: withDefaultResponse(options.integrationResponses ?? []),
    ...(options.requestParameters !== undefined ? { requestParameters: options.requestParameters } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/**
 * The target as the deployment hash sees it: what the integration URI resolves to, so a
 * renamed function (or a new environment prefix), another alias or an alias moved to
 * another version each give a new deployment. Names and versions known at synth are
 * literals; the rest are their Terraform expressions.
 */
function targetForHash(t: LambdaTarget, ctx: HashContext): unknown {
  const fn = targetFunction(t);
  const qualifier = (alias: string) => ({
    alias,
    ...(fn.aliasNames.includes(alias) ? { version: ctx.stable(fn.alias(alias).functionVersion) } : {}),
  });
  return {
    fn: fn.id,
    arn: ctx.stable(fn.arn),
    functionName: ctx.stable(fn.functionName),
    region: ctx.stable(fn.region),
    ...(isAliasTarget(t) ? { alias: aliasName(t), qualifier: qualifier(aliasName(t)) } : {}),
    ...(isStageVariableTarget(t)
      ? {
          stageVariable: t.variable,
          qualifierByStage: Object.fromEntries([...ctx.stages].map((s) => [s.name, qualifier(s.variables[t.variable] ?? "")])),
        }
      : {}),
  };
}

export const lambdaProxyKind: IntegrationKind<LambdaProxyIntegration> = {
  check(i, ctx) {
    checkTarget(ctx.where, i.target, ctx.stages, `${ctx.prop}.integration`);
  },
  render(i, ctx) {
    const integration = new ApiGatewayIntegration(ctx.scope, `Integration ${ctx.label}`, {
      ...ctx.common,
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: lambdaUri(i.target),
      timeoutMilliseconds: i.timeoutMs,
    });
    renderRoutePermissions(ctx.scope, ctx.api, ctx.def, i.target, ctx.stages);
    return { integration, responses: [] };
  },
  hashInput(i, ctx) {
    return { ...i, target: targetForHash(i.target, ctx) };
  },
};

export const lambdaKind: IntegrationKind<LambdaIntegration> = {
  check(i, ctx) {
    checkTarget(ctx.where, i.target, ctx.stages, `${ctx.prop}.integration`);
    checkRequestTemplates(ctx.where, i.requestTemplates, i.passthroughBehavior, ctx.prop);
    checkIntegrationParameters(ctx.where, i.requestParameters ?? {}, ctx.pathParams, ctx.prop);
    checkResponses(ctx.where, i.integrationResponses, ctx.prop);
    checkCatchAll(ctx.where, i.integrationResponses, ctx.prop, ctx.route);
  },
  render(i, ctx) {
    const integration = new ApiGatewayIntegration(ctx.scope, `Integration ${ctx.label}`, {
      ...ctx.common,
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: lambdaUri(i.target),
      requestTemplates: Object.keys(i.requestTemplates).length > 0 ? escapeMap(i.requestTemplates) : undefined,
      requestParameters: i.requestParameters && Object.keys(i.requestParameters).length > 0 ? { ...i.requestParameters } : undefined,
      passthroughBehavior: i.passthroughBehavior,
      timeoutMilliseconds: i.timeoutMs,
    });
    renderRoutePermissions(ctx.scope, ctx.api, ctx.def, i.target, ctx.stages);
    return { integration, responses: i.integrationResponses };
  },
  hashInput(i, ctx) {
    return { ...i, target: targetForHash(i.target, ctx) };
  },
};
