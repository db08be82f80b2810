/**
 * Integration request parameters: `integration.request.<kind>.<name>` ← a method request
 * parameter, a quoted literal (`'Event'`), `context.*` or `stageVariables.*`. Method request
 * parameters they read are declared on the method (not required) when the route did not.
 */
import { PropError } from "../../core/errors";

const TARGET = /^integration\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[A-Za-z0-9_.-]+$/;
const SOURCE = /^(method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[A-Za-z0-9_.-]+|'[^']*'|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

export function checkIntegrationParameters(
  where: string,
  params: Readonly<Record<string, string>>,
  pathParams: readonly string[],
  prop: string,
): void {
  for (const [target, source] of Object.entries(params)) {
    if (!TARGET.test(target)) {
      throw new PropError(where, `${prop}.integration.requestParameters`, target, 'name the backend parameter "integration.request.<header|querystring|path>.<name>", e.g. "integration.request.header.X-Amz-Invocation-Type".');
    }
    if (!SOURCE.test(source)) {
      throw new PropError(
        where,
        `${prop}.integration.requestParameters.${target}`,
        source,
        `map from "method.request.<header|querystring|path>.<name>", a quoted literal such as "'Event'", "context.<var>" or "stageVariables.<name>".`,
      );
    }
    const path = /^method\.request\.path\.(.+)$/.exec(source);
    if (path && !pathParams.includes(path[1]!)) {
      throw new PropError(where, `${prop}.integration.requestParameters.${target}`, source, `"${path[1]}" is not a parameter of the route's path.`);
    }
  }
}

/** The method request parameters (`method.request.querystring.x`) the mappings read. */
export function methodParametersRead(params: Readonly<Record<string, string>>): string[] {
  return Object.values(params).filter((s) => s.startsWith("method.request."));
}
