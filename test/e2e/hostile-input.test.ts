/**
 * Issue 9's goal, measured: no input to any route yields a 5xx, and no answer carries a stack
 * trace, a file path or Lambda's error fields. Every method of every API stage the real app
 * serves (read from the gateway's model, so a new route is covered without editing this file)
 * gets the same hostile requests, with the key or token it requires: query and header names
 * that are JavaScript's own (`__proto__`, `constructor`), malformed and 10,000-deep JSON, the
 * wrong content type, hostile path parameters (`%00`, `..%2F`, 3000 characters, `1%22`), a
 * garbage `If-Match` and a foreign `Origin`. Writes are never made: bodies are invalid, ids
 * name nothing.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import type { MethodModel } from "../../scripts/local/model/types";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { startApp, type RunningApp } from "./support/app";

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** node:http, because fetch drops a header named __proto__. */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: body === undefined ? headers : { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** What no answer may carry: a stack frame, a file path, Lambda's error fields, an exception class. */
const LEAKS = /\bat [\w.<>]+ \(|node_modules|\/var\/task|[\w-]+\.(?:ts|js|mjs):\d+|errorType|stackTrace|Traceback|TypeError|ReferenceError/;

interface Route {
  readonly api: ApiEndpoint;
  readonly method: MethodModel;
}

const DEEP = "[".repeat(10_000) + "]".repeat(10_000);
const PATH_VALUES = ["%00", "..%2F..%2Fetc%2Fpasswd", "x".repeat(3000), "1%22", "%E2%80%AE"];

describe("e2e: hostile input to every route of every service (no 5xx, no leak)", function () {
  let app: RunningApp;
  const routes: Route[] = [];

  before(async function () {
    app = await startApp();
    for (const api of app.endpoints.apis) {
      const model = app.gateway.model().apis.find((a) => a.stack === api.stack)!;
      for (const resource of model.resources.values()) {
        for (const method of resource.methods.values()) if (method.httpMethod !== "OPTIONS") routes.push({ api, method });
      }
    }
  });

  after(() => app?.close());

  /** The key or token the route requires, and nothing else. */
  function credentials({ api, method }: Route): Record<string, string> {
    const headers: Record<string, string> = {};
    if (method.apiKeyRequired) headers["x-api-key"] = Object.values(api.apiKeys)[0]!;
    if (method.authorization === "COGNITO_USER_POOLS") headers.Authorization = Object.values(api.tokens)[0]!;
    return headers;
  }

  /** The route's URL with every `{param}` (and `{proxy+}`) replaced by `value`. */
  const url = ({ api, method }: Route, value: string, query = "") => `${api.url}${method.resource.path.replace(/\{[^}]+\}/g, value)}${query}`;

  function check(route: Route, what: string, reply: Reply): void {
    const where = `${route.method.httpMethod} ${route.api.stack}/${route.api.stage}${route.method.resource.path} (${what})`;
    expect(reply.status, `${where}: ${reply.text.slice(0, 300)}`).to.be.within(200, 499);
    expect(reply.text, where).to.not.match(LEAKS);
    if (reply.status >= 400) {
      expect(reply.contentType, where).to.match(/^application\/json/);
      expect((JSON.parse(reply.text) as { message?: unknown }).message, `${where}: ${reply.text.slice(0, 300)}`).to.be.a("string");
    }
  }

  const withBody = (m: MethodModel) => m.httpMethod === "POST" || m.httpMethod === "PUT" || m.httpMethod === "PATCH";

  it("covers every route the documents describe", function () {
    const served = new Set(routes.map((r) => `${r.method.httpMethod} ${r.method.resource.path}`));
    for (const route of ["POST /todos", "PUT /todos/{id}", "PUT /DemoResourceMusic/DemoResourceMusicTable", "GET /DemoResourceMusic/DemoResourceMusicItem", "GET /items/{ID}", "GET /preview/items/{ID}", "POST /students", "POST /backup", "POST /upload/{filename}", "GET /view-all"]) {
      expect(served, route).to.include(route);
    }
  });

  it("answers query parameters and headers named __proto__, constructor, toString and hasOwnProperty like any other", async function () {
    this.timeout(120_000);
    for (const route of routes) {
      const headers = { ...credentials(route), constructor: "1", hasOwnProperty: "1", ...(withBody(route.method) ? { "Content-Type": "application/json" } : {}) };
      Object.defineProperty(headers, "__proto__", { value: "1", enumerable: true });
      const reply = await send(url(route, "1", "?__proto__=1&constructor=1&toString=1&hasOwnProperty=1&valueOf=1&valueOf=2"), route.method.httpMethod, headers, withBody(route.method) ? "{" : undefined);
      check(route, "JavaScript's own names", reply);
    }
  });

  it("answers malformed JSON, JSON 10,000 levels deep, the wrong content type and no body with a 4xx", async function () {
    this.timeout(180_000);
    for (const route of routes.filter((r) => withBody(r.method))) {
      const auth = credentials(route);
      for (const [what, contentType, body] of [
        ["malformed JSON", "application/json", '{"title": '],
        ["nested 10,000 deep", "application/json", DEEP],
        ["a JSON string", "application/json", '"x"'],
        ["text/plain", "text/plain", "hello"],
        ["no body", "application/json", ""],
      ] as const) {
        // A route without a body model (POST /backup) takes no body: an empty one is a valid request.
        if (what === "no body" && Object.keys(route.method.requestModels).length === 0) continue;
        check(route, what, await send(url(route, "none"), route.method.httpMethod, { ...auth, "Content-Type": contentType }, body));
      }
    }
  });

  it("answers hostile path parameters with a 4xx (or the item they name), never a 5xx", async function () {
    this.timeout(180_000);
    for (const route of routes.filter((r) => r.method.resource.path.includes("{"))) {
      const auth = credentials(route);
      for (const value of PATH_VALUES) {
        const reply = await send(url(route, value), route.method.httpMethod, { ...auth, ...(withBody(route.method) ? { "Content-Type": "application/json" } : {}) }, withBody(route.method) ? "{" : undefined);
        check(route, `path ${value.slice(0, 24)}`, reply);
      }
    }
  });

  it("answers a garbage If-Match and a foreign Origin without a 5xx, and never allows the foreign origin", async function () {
    this.timeout(120_000);
    for (const route of routes) {
      const reply = await send(url(route, "none"), route.method.httpMethod, { ...credentials(route), "If-Match": '"\u00ff*, W/x', Origin: "https://evil.example", ...(withBody(route.method) ? { "Content-Type": "application/json" } : {}) }, withBody(route.method) ? "{" : undefined);
      check(route, "If-Match and Origin", reply);
    }
    const preflights = await Promise.all(routes.map((r) => fetch(url(r, "1"), { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": r.method.httpMethod } })));
    for (const [i, res] of preflights.entries()) {
      expect(res.status, `${routes[i]!.method.resource.path} preflight`).to.be.below(500);
      expect(res.headers.get("access-control-allow-origin"), `${routes[i]!.method.resource.path} preflight`).to.not.be.oneOf(["*", "https://evil.example"]);
    }
  });
});
