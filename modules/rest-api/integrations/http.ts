/**
 * HTTP integrations to a backend URL: proxy (`HTTP_PROXY`, the request as it came) and
 * non-proxy (`HTTP`, request and response templates); path parameters named in the URL
 * (`{proxy}`) are mapped from the method's.
 */
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { isResolved, PropError } from "../../core/errors";
import { escapeMap } from "../terraform-text";
import type { IntegrationKind } from "./kind";
import { checkIntegrationParameters } from "./parameters";
import { checkRequestTemplates, checkResponses, withDefaultResponse, type IntegrationResponse, type PassthroughBehavior } from "./responses";

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

/** The URL's `{name}` path parameters, each a parameter of the route's path. */
function checkUrl(where: string, url: string, path: string, pathParams: readonly string[], prop: string): void {
  if (isResolved(url) && !/^https?:\/\/[^\s]+$/.test(url)) {
    throw new PropError(where, `${prop}.integration.url`, url, 'use an http:// or https:// URL, e.g. "https://backend.example.com/{proxy}".');
  }
  for (const [, name] of url.matchAll(/\{([A-Za-z0-9_.-]+)\}/g)) {
    if (!pathParams.includes(name!)) {
      throw new PropError(where, `${prop}.integration.url`, url, `"{${name}}" is not a parameter of ${path}.`);
    }
  }
}

/** `integration.request.path.X` ← `method.request.path.X` for each `{X}` of the URL, then the given mappings. */
function urlParameters(url: string, extra: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [, name] of url.matchAll(/\{([A-Za-z0-9_.-]+)\}/g)) params[`integration.request.path.${name}`] = `method.request.path.${name}`;
  Object.assign(params, extra);
  return Object.keys(params).length > 0 ? params : undefined;
}

export const httpProxyKind: IntegrationKind<HttpProxyIntegration> = {
  check(i, ctx) {
    checkUrl(ctx.where, i.url, ctx.path, ctx.pathParams, ctx.prop);
  },
  render(i, ctx) {
    const integration = new ApiGatewayIntegration(ctx.scope, `Integration ${ctx.label}`, {
      ...ctx.common,
      type: "HTTP_PROXY",
      integrationHttpMethod: i.httpMethod ?? ctx.def.method,
      uri: i.url,
      requestParameters: urlParameters(i.url, i.requestParameters),
      timeoutMilliseconds: i.timeoutMs,
    });
    return { integration, responses: [] };
  },
  hashInput(i, ctx) {
    return { ...i, url: ctx.stable(i.url) };
  },
};

export interface HttpIntegration {
  readonly type: "HTTP";
  readonly url: string;
  readonly httpMethod?: string;
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly passthroughBehavior: PassthroughBehavior;
  /** Selection patterns match the backend's status code (`"4\\d{2}"`). */
  readonly integrationResponses: readonly IntegrationResponse[];
  readonly requestParameters: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface HttpIntegrationOptions {
  /** @default the route's method */
  readonly httpMethod?: string;
  /** Request mapping templates by content type. @default none (the body passes through) */
  readonly requestTemplates?: Readonly<Record<string, string>>;
  /** @default "WHEN_NO_TEMPLATES" */
  readonly passthroughBehavior?: PassthroughBehavior;
  /**
   * Integration responses; `selectionPattern` is matched against the backend's HTTP status
   * code (`"404"`, `"5\\d{2}"`). A default `200` is added when none is the default and none answers 200.
   * @default [{ statusCode: "200" }]
   */
  readonly integrationResponses?: readonly IntegrationResponse[];
  /** Extra `integration.request.*` mappings; `{name}` path parameters of the URL are mapped automatically. @default {} */
  readonly requestParameters?: Readonly<Record<string, string>>;
  /** @default 29000 */
  readonly timeoutMs?: number;
}

/**
 * HTTP non-proxy integration (`HTTP`): request templates shape what the backend gets,
 * integration responses map its status codes and reshape its body with response templates.
 */
export function httpIntegration(url: string, options: HttpIntegrationOptions = {}): HttpIntegration {
  return {
    type: "HTTP",
    url,
    ...(options.httpMethod !== undefined ? { httpMethod: options.httpMethod.toUpperCase() } : {}),
    requestTemplates: options.requestTemplates ?? {},
    passthroughBehavior: options.passthroughBehavior ?? "WHEN_NO_TEMPLATES",
    integrationResponses: withDefaultResponse(options.integrationResponses ?? []),
    requestParameters: options.requestParameters ?? {},
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

export const httpKind: IntegrationKind<HttpIntegration> = {
  check(i, ctx) {
    checkUrl(ctx.where, i.url, ctx.path, ctx.pathParams, ctx.prop);
    checkRequestTemplates(ctx.where, i.requestTemplates, i.passthroughBehavior, ctx.prop);
    checkIntegrationParameters(ctx.where, i.requestParameters, ctx.pathParams, ctx.prop);
    checkResponses(ctx.where, i.integrationResponses, ctx.prop);
  },
  render(i, ctx) {
    const integration = new ApiGatewayIntegration(ctx.scope, `Integration ${ctx.label}`, {
      ...ctx.common,
      type: "HTTP",
      integrationHttpMethod: i.httpMethod ?? ctx.def.method,
      uri: i.url,
      requestParameters: urlParameters(i.url, i.requestParameters),
      requestTemplates: Object.keys(i.requestTemplates).length > 0 ? escapeMap(i.requestTemplates) : undefined,
      passthroughBehavior: i.passthroughBehavior,
      timeoutMilliseconds: i.timeoutMs,
    });
    return { integration, responses: i.integrationResponses };
  },
  hashInput(i, ctx) {
    return { ...i, url: ctx.stable(i.url) };
  },
};
