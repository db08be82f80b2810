import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as errors from "../../functions/lib/errors.js";
import { BadRequestError, ConflictError, HttpError, MethodNotAllowedError, NotFoundError } from "../../functions/lib/errors.js";
import { withHttp } from "../../functions/lib/handler.js";
import { json } from "../../functions/lib/http.js";
import { Router } from "../../functions/lib/router.js";
import { parseResponse, proxyEvent } from "../support/events.js";

const FUNCTIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../functions");

describe("functions/lib router and error family", function () {
  const quiet = { level: process.env.LOG_LEVEL };
  before(() => {
    process.env.LOG_LEVEL = "silent";
  });
  after(() => {
    if (quiet.level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = quiet.level;
  });

  const router = new Router()
    .on("GET /things", async ({ event }) => json(200, { list: true }, event))
    .on("POST /things", async ({ event }) => json(201, { created: true }, event))
    .on("GET /things/{id}", async ({ event }) => json(200, { id: event.pathParameters?.id }, event))
    .on("ANY /any", async ({ event }) => json(200, { method: event.httpMethod }, event));
  const handler = withHttp("router-test", router.handle);
  const call = async (method: string, resource: string, pathParameters?: Record<string, string>) =>
    parseResponse(await handler(proxyEvent({ method, resource, headers: {}, ...(pathParameters ? { pathParameters } : {}) })));

  it("dispatches on event.resource and the method", async function () {
    expect((await call("GET", "/things")).body).to.deep.equal({ list: true });
    expect((await call("POST", "/things")).statusCode).to.equal(201);
    expect((await call("GET", "/things/{id}", { id: "7" })).body).to.deep.equal({ id: "7" });
    expect((await call("DELETE", "/any")).body).to.deep.equal({ method: "DELETE" });
  });

  it("answers 405 with Allow for a known resource and another method, 404 for an unknown resource", async function () {
    const put = await call("PUT", "/things");
    expect(put.statusCode).to.equal(405);
    expect(put.headers.Allow).to.equal("GET, POST");
    expect(put.body).to.deep.equal({ message: "Method PUT is not allowed here; use GET, POST.", allowed: ["GET", "POST"] });
    const unknown = await call("GET", "/nothing");
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.body).to.deep.equal({ message: "No route for /nothing." });
  });

  it("lists its routes and refuses a malformed or duplicate route", function () {
    expect(router.routeKeys).to.deep.equal(["GET /things", "POST /things", "GET /things/{id}", "ANY /any"]);
    expect(() => new Router().on("GET things", async () => json(200, {}))).to.throw(/<METHOD> \/<resource>/);
    expect(() => new Router().on("GET /a", async () => json(200, {})).on("GET /a", async () => json(200, {}))).to.throw(/twice/);
  });

  it("gives every HttpError subclass a name ending in Error, its status code and an optional cause", function () {
    const cause = new Error("ConditionalCheckFailedException");
    const samples: HttpError[] = [
      new BadRequestError("bad", { cause, details: { field: "x" } }),
      new errors.UnauthorizedError(),
      new errors.ForbiddenError(),
      new NotFoundError("gone", { cause }),
      new MethodNotAllowedError("PATCH", ["GET"]),
      new ConflictError("stale", { details: { currentVersion: 2 }, headers: { ETag: '"2"' } }),
      new errors.PayloadTooLargeError("big"),
      new errors.UnsupportedMediaTypeError("xml"),
    ];
    expect(samples.map((e) => [e.name, e.statusCode])).to.deep.equal([
      ["BadRequestError", 400],
      ["UnauthorizedError", 401],
      ["ForbiddenError", 403],
      ["NotFoundError", 404],
      ["MethodNotAllowedError", 405],
      ["ConflictError", 409],
      ["PayloadTooLargeError", 413],
      ["UnsupportedMediaTypeError", 415],
    ]);
    for (const e of samples) expect(e).to.be.instanceOf(HttpError).and.instanceOf(Error);
    expect(samples[0]!.cause).to.equal(cause);
    expect(samples[2]!.cause).to.equal(undefined);
  });

  it("sends an error's details and headers, never its cause", async function () {
    const failing = withHttp("t", async () => {
      throw new ConflictError("stale", { details: { currentVersion: 2 }, headers: { ETag: '"2"' }, cause: new Error("secret cause") });
    });
    const res = parseResponse(await failing(proxyEvent({ method: "PUT", resource: "/x", headers: {} })));
    expect(res.statusCode).to.equal(409);
    expect(res.headers.ETag).to.equal('"2"');
    expect(res.body).to.deep.equal({ message: "stale", currentVersion: 2 });
  });

  it("is the only error family: no handler outside lib declares an HTTP error class or uses a name without the Error suffix", function () {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
      });
    for (const file of files(FUNCTIONS)) {
      const rel = path.relative(FUNCTIONS, file);
      if (rel.startsWith("lib")) continue;
      const source = readFileSync(file, "utf8");
      expect(source, rel).not.to.match(/class \w+ extends HttpError\b/);
      expect(source, rel).not.to.match(/class (BadRequest|NotFound|Conflict|MethodNotAllowed|Unauthorized|Forbidden|PayloadTooLarge|UnsupportedMediaType)(Error)? extends/);
      expect(source, rel).not.to.match(/\bnew (BadRequest|NotFound|Conflict|MethodNotAllowed|Unauthorized|PayloadTooLarge|UnsupportedMediaType)\(/);
    }
  });
});
