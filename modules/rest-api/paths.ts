/**
 * Pure functions over routes and paths: parsing `METHOD /path`, path parameters, and the
 * path formats API Gateway uses in method settings, usage-plan throttles and execute-api ARNs.
 */
import { PropError } from "../core/errors";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ParsedRoute {
  readonly method: HttpMethod;
  /** Normalized path: leading slash, no trailing slash (except the root `/`). */
  readonly path: string;
  /** Path segments, without the root: `/items/{ID}` → `["items", "{ID}"]`. */
  readonly segments: readonly string[];
  /** Path parameter names in order: `/items/{ID}` → `["ID"]`; `{proxy+}` → `proxy`. */
  readonly pathParams: readonly string[];
}

const LITERAL = /^[A-Za-z0-9._~:@!$&'()*+,;=-]+$/;
const PARAM = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/;

/**
 * Parses `"GET /items/{ID}"`. Throws a PropError (prop `route`) for an unknown method, a
 * path without a leading slash, an empty segment, a bad parameter, a greedy parameter that
 * is not last, or a repeated parameter name.
 */
export function parseRoute(route: string, where = "RestApi"): ParsedRoute {
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(route);
  if (!match) {
    throw new PropError(where, "route", route, 'write a route as "METHOD /path", for example "GET /items/{ID}".');
  }
  const method = match[1]!.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new PropError(where, "route", route, `use one of the methods ${HTTP_METHODS.join(", ")}.`);
  }
  const parsed = parsePath(match[2]!, where, route);
  return { method: method as HttpMethod, ...parsed };
}

/** Parses and normalizes a resource path; see {@link parseRoute}. */
export function parsePath(
  rawPath: string,
  where = "RestApi",
  shown: string = rawPath,
): Omit<ParsedRoute, "method"> {
  if (!rawPath.startsWith("/")) {
    throw new PropError(where, "route", shown, 'start the path with "/", for example "/items".');
  }
  const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath;
  const segments = path === "/" ? [] : path.slice(1).split("/");
  const pathParams: string[] = [];
  segments.forEach((segment, i) => {
    if (segment === "") {
      throw new PropError(where, "route", shown, "remove the empty path segment (a double slash).");
    }
    const param = PARAM.exec(segment);
    if (param) {
      const name = param[1]!;
      if (param[2] === "+" && i !== segments.length - 1) {
        throw new PropError(where, "route", shown, `the greedy parameter "{${name}+}" must be the last segment.`);
      }
      if (pathParams.includes(name)) {
        throw new PropError(where, "route", shown, `path parameter "${name}" appears twice; give each a distinct name.`);
      }
      pathParams.push(name);
      return;
    }
    if (!LITERAL.test(segment)) {
      throw new PropError(
        where,
        "route",
        shown,
        `segment "${segment}" is neither a literal (letters, digits, . _ - ~ :) nor a parameter like {id} or {proxy+}.`,
      );
    }
  });
  return { path, segments, pathParams };
}

/** `/items/{ID}` → `/items`; the root's parent is undefined. */
export function parentPath(path: string): string | undefined {
  if (path === "/") return undefined;
  const i = path.lastIndexOf("/");
  return i === 0 ? "/" : path.slice(0, i);
}

/**
 * The method path API Gateway uses for per-method stage settings
 * (`aws_api_gateway_method_settings.method_path`): every `/` of the resource path is
 * escaped as `~1`, then `/METHOD`. `GET /items/{ID}` → `~1items~1{ID}/GET`; the root is
 * `~1/GET`. This is the form `aws apigateway get-stage` reports and the provider passes
 * through unchanged.
 */
export function methodSettingsPath(method: string, path: string): string {
  const normalized = parsePath(path).path;
  return `${normalized.replace(/\//g, "~1")}/${method.toUpperCase()}`;
}

/** The per-method throttle path of a usage plan: `/items/{ID}/GET`. */
export function usagePlanThrottlePath(method: string, path: string): string {
  const normalized = parsePath(path).path;
  return `${normalized === "/" ? "" : normalized}/${method.toUpperCase()}`;
}

/**
 * The `<METHOD>/<path>` tail of an execute-api ARN: path parameters become `*`, as does
 * `ANY`. `GET /items/{ID}` → `GET/items/*`.
 */
export function executeApiArnTail(method: string, path: string): string {
  const verb = method.toUpperCase() === "ANY" ? "*" : method.toUpperCase();
  const normalized = parsePath(path).path;
  const p = normalized === "/" ? "/" : normalized.replace(/\{[^}]+\}/g, "*");
  return `${verb}${p}`;
}
