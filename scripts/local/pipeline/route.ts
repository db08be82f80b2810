/**
 * Step: route. The resource and method for the path below the stage (literal over `{param}`
 * over `{greedy+}`, the method over `ANY`), its path parameters and effective method settings.
 */
import { setResource } from "../request";
import { route as matchRoute } from "../router";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function route(inv: Invocation): void {
  const { api, stage, req, ctx } = inv;
  const match = matchRoute(api.root, req.path, req.httpMethod);
  if (!match?.method) throw new GatewayError("MISSING_AUTHENTICATION_TOKEN");
  const method = match.method;
  setResource(ctx, method.resource);
  inv.method = method;
  inv.pathParameters = match.pathParameters;
  inv.methodPath = `${method.resource.path}/${req.httpMethod}`;
  inv.settings = inv.gw.settingsFor(stage, inv.methodPath);
  inv.scope = { api, stage, method, req, ctx, pathParameters: match.pathParameters };
}
