/**
 * A router for proxy handlers, keyed by the API Gateway resource (`event.resource`, e.g.
 * `/todos/{id}`) and the method: the same strings the stack's `api.addRoute("GET /todos/{id}")`
 * uses, so adding a route is one `addRoute` line in the stack and one `on` line here.
 * An unknown resource is a 404 and a known resource with another method a 405 with `Allow`,
 * both answered by the router itself (NotFoundError, MethodNotAllowedError).
 *
 * ```ts
 * const router = new Router()
 *   .on("GET /todos", listTodos)
 *   .on("POST /todos", createTodo);
 * export const handler = withHttp("todo-api-handler", router.handle);
 * ```
 */
import { MethodNotAllowedError, NotFoundError } from "./errors.js";
import type { ProxyResult } from "./http.js";
import type { RequestContext } from "./handler.js";

export type RouteHandler = (req: RequestContext) => Promise<ProxyResult>;

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/[^\s]*)$/;

export class Router {
  private readonly routes = new Map<string, Map<string, RouteHandler>>();

  /** Adds `"<METHOD> <resource>"`, e.g. `"PUT /todos/{id}"`; `ANY` matches every method. */
  on(route: string, handler: RouteHandler): this {
    const m = ROUTE.exec(route);
    if (!m) throw new Error(`Route ${JSON.stringify(route)} must read "<METHOD> /<resource>", e.g. "GET /todos/{id}".`);
    const [, method, resource] = m as unknown as [string, string, string];
    let methods = this.routes.get(resource);
    if (methods === undefined) {
      methods = new Map();
      this.routes.set(resource, methods);
    }
    if (methods.has(method)) throw new Error(`Route ${route} is declared twice.`);
    methods.set(method, handler);
    return this;
  }

  /** The routes, `"<METHOD> <resource>"`, in the order they were added. */
  get routeKeys(): string[] {
    return [...this.routes].flatMap(([resource, methods]) => [...methods.keys()].map((m) => `${m} ${resource}`));
  }

  /** Dispatches on `event.resource` and `event.httpMethod`. */
  readonly handle = (req: RequestContext): Promise<ProxyResult> => {
    const resource = String(req.event.resource ?? "");
    const method = String(req.event.httpMethod ?? "").toUpperCase();
    const methods = this.routes.get(resource);
    if (methods === undefined) throw new NotFoundError(`No route for ${resource === "" ? "this request" : resource}.`);
    const handler = methods.get(method) ?? methods.get("ANY");
    if (handler === undefined) throw new MethodNotAllowedError(method === "" ? "(none)" : method, [...methods.keys()]);
    return handler(req);
  };
}
