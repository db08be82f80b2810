/**
 * HTTP proxy integration (`HTTP_PROXY`) to a backend URL; path parameters named in the URL
 * (`{proxy}`) are mapped from the method's.
 */
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { isResolved, PropError } from "../../core/errors";
import type { IntegrationKind } from "./kind";

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
