/**
 * The resource tree: one `aws_api_gateway_resource` per path segment of every route,
 * parents shared, created parents first; one parameter per level (API Gateway's rule).
 */
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import { PropError } from "../core/errors";
import { parentPath } from "./paths";

/** Resource id by path (`/` is the API's root resource). */
export function renderResourceTree(scope: Construct, api: ApiGatewayRestApi, routePaths: Iterable<string>): Map<string, string> {
  const ids = new Map<string, string>([["/", api.rootResourceId]]);
  const paths = new Set<string>();
  for (const path of routePaths) {
    for (let p: string | undefined = path; p !== undefined && p !== "/"; p = parentPath(p)) paths.add(p);
  }
  const sorted = [...paths].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
  const variableChild = new Map<string, string>();
  for (const p of sorted) {
    const parent = parentPath(p)!;
    const part = p.slice(p.lastIndexOf("/") + 1);
    if (part.startsWith("{")) {
      const sibling = variableChild.get(parent);
      if (sibling !== undefined) {
        throw new PropError(scope.node.path, "route", p, `${sibling} already uses a parameter at this level of ${parent}: API Gateway allows one parameter per level, use the same name.`);
      }
      variableChild.set(parent, p);
    }
    const resource = new ApiGatewayResource(scope, `Resource ${p}`, {
      restApiId: api.id,
      parentId: ids.get(parent)!,
      pathPart: part,
    });
    ids.set(p, resource.id);
  }
  return ids;
}
