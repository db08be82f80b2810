import { expect } from "chai";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, tableItems, isolateEnv } from "../support/backends.js";
import { JSON_HEADERS, parseResponse, proxyEvent } from "../support/events.js";
import type { Todo } from "../../functions/todos/schema.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;

describe("todo-api-handler", function () {
  isolateEnv();

  let handler: Handler;
  let table: string;
  const call = async (e: APIGatewayProxyEvent) => parseResponse(await handler(e));
  const create = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
    call(proxyEvent({ method: "POST", resource: "/todos", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
  const one = (method: string, id: string, body?: unknown) =>
    call(proxyEvent({ method, resource: "/todos/{id}", pathParameters: { id }, headers: JSON_HEADERS, body: body === undefined ? null : JSON.stringify(body) }));
  const list = (query: Record<string, string> = {}) => call(proxyEvent({ method: "GET", resource: "/todos", query, headers: JSON_HEADERS }));

  before(async function () {
    await backends();
    process.env.ALLOWED_ORIGINS = "https://app.example.com";
    handler = (await import("../../functions/todos/index.js")).handler as Handler;
  });

  beforeEach(async function () {
    table = await createServiceTable("todos", "TodoItems");
    process.env.TABLE_NAME = table;
  });

  it("creates a todo with a server id, timestamps, version 1 and defaults", async function () {
    const res = await create({ title: "Learn AWS", id: "client-chosen" });
    expect(res.statusCode).to.equal(400); // clients cannot choose ids
    const ok = await create({ title: "Learn AWS", description: "Complete the serverless API project" });
    expect(ok.statusCode).to.equal(201);
    const todo = ok.body as Todo;
    expect(todo.id).to.match(/^[0-9a-f-]{36}$/);
    expect(todo).to.include({ title: "Learn AWS", completed: false, version: 1 });
    expect(todo.createdAt).to.equal(todo.updatedAt);
    expect(Number.isNaN(Date.parse(todo.createdAt))).to.equal(false);
    expect(ok.headers["Access-Control-Allow-Origin"]).to.equal("https://app.example.com");
    expect((await one("GET", todo.id)).body).to.deep.equal(todo);
  });

  for (const [what, body] of [
    ["a missing title", { completed: false }],
    ["an empty title", { title: "" }],
    ["a blank title", { title: "   " }],
    ["a title over 200 characters", { title: "t".repeat(201) }],
    ["a description over 2000 characters", { title: "ok", description: "d".repeat(2001) }],
    ["a completed that is not a boolean", { title: "ok", completed: "yes" }],
    ["a title that is not a string", { title: 5 }],
  ] as const) {
    it(`answers 400 for ${what} and writes nothing`, async function () {
      const res = await create(body);
      expect(res.statusCode).to.equal(400);
      expect((res.body as { message: string }).message).to.match(/body/);
      expect(await tableItems(table)).to.deep.equal([]);
    });
  }

  it("answers 415, 400 and 413 for the wrong content type, malformed JSON and a huge body", async function () {
    expect((await create({ title: "x" }, { "Content-Type": "application/x-www-form-urlencoded" })).statusCode).to.equal(415);
    expect((await create("{'title': 'x'}")).statusCode).to.equal(400);
    expect((await create({ title: "x", description: "d".repeat(70000) })).statusCode).to.equal(413);
    expect((await create('{"title":"x","__proto__":{"polluted":true}}')).statusCode).to.equal(400);
    expect(await tableItems(table)).to.deep.equal([]);
  });

  it("lists todos a page at a time", async function () {
    for (let i = 0; i < 5; i += 1) await create({ title: `t${i}` });
    const titles: string[] = [];
    let token: string | undefined;
    do {
      const res = await list({ limit: "2", ...(token ? { nextToken: token } : {}) });
      expect(res.statusCode).to.equal(200);
      const body = res.body as { items: Todo[]; nextToken?: string };
      titles.push(...body.items.map((t) => t.title));
      token = body.nextToken;
    } while (token);
    expect(titles.sort()).to.deep.equal(["t0", "t1", "t2", "t3", "t4"]);
    expect((await list({ nextToken: "eyJ2IjoxLCJrIjp7ImlkIjo1fX0" })).statusCode).to.equal(400);
  });

  it("updates only the fields sent, without a version (last writer wins), bumping version and updatedAt", async function () {
    const todo = (await create({ title: "Learn AWS", description: "keep me" })).body as Todo;
    // the document's own bodies: no version
    const res = await one("PUT", todo.id, { title: "Learn AWS - Updated", completed: true });
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.include({ title: "Learn AWS - Updated", description: "keep me", completed: true, version: 2, createdAt: todo.createdAt });
    expect(res.headers.ETag).to.equal('"2"');
    const toggled = await one("PUT", todo.id, { completed: false });
    expect(toggled.body).to.include({ title: "Learn AWS - Updated", completed: false, version: 3 });
    expect(await one("PUT", todo.id, { version: 3 })).to.have.property("statusCode", 400); // nothing to update
    expect(await one("PUT", todo.id, {})).to.have.property("statusCode", 400);
    expect(await one("PUT", todo.id, { done: true })).to.have.property("statusCode", 400);
  });

  it("answers 404 by condition for a version-less PUT on a missing id, and creates nothing", async function () {
    const missing = "00000000-0000-4000-8000-000000000000";
    const res = await one("PUT", missing, { completed: true });
    expect(res.statusCode).to.equal(404);
    expect(await tableItems(table)).to.deep.equal([]);
  });

  it("answers 409 with the current version for a stale version (body or If-Match) and 404 for PUT or DELETE on a missing id", async function () {
    const todo = (await create({ title: "a" })).body as Todo;
    expect((await one("PUT", todo.id, { title: "b", version: 1 })).statusCode).to.equal(200);
    const stale = await one("PUT", todo.id, { title: "c", version: 1 });
    expect(stale.statusCode).to.equal(409);
    expect(stale.body).to.include({ currentVersion: 2 });
    expect(stale.headers.ETag).to.equal('"2"');
    const ifMatch = (value: string, body: unknown) =>
      call(proxyEvent({ method: "PUT", resource: "/todos/{id}", pathParameters: { id: todo.id }, headers: { ...JSON_HEADERS, "If-Match": value }, body: JSON.stringify(body) }));
    const staleHeader = await ifMatch('"1"', { title: "c" });
    expect(staleHeader.statusCode).to.equal(409);
    expect(staleHeader.body).to.include({ currentVersion: 2 });
    const fresh = await ifMatch('"2"', { title: "c" });
    expect(fresh.statusCode).to.equal(200);
    expect(fresh.body).to.include({ title: "c", version: 3 });
    expect((await ifMatch("*/*", { title: "d" })).statusCode).to.equal(400);
    expect((await ifMatch('"3"', { title: "d", version: 2 })).statusCode).to.equal(400); // they disagree
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await one("PUT", missing, { title: "c", version: 1 })).statusCode).to.equal(404);
    expect((await one("DELETE", missing)).statusCode).to.equal(404);
    expect((await one("GET", missing)).statusCode).to.equal(404);
    expect((await one("GET", "not-a-uuid")).statusCode).to.equal(400);
    expect(await tableItems(table)).to.have.length(1);
  });

  it("lets exactly one of N parallel updates with the same version win", async function () {
    const todo = (await create({ title: "race" })).body as Todo;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => one("PUT", todo.id, { title: `w${i}`, version: 1 })));
    expect(results.filter((r) => r.statusCode === 200)).to.have.length(1);
    expect(results.filter((r) => r.statusCode === 409)).to.have.length(9);
    expect(((await one("GET", todo.id)).body as Todo).version).to.equal(2);
  });

  it("deletes a todo", async function () {
    const todo = (await create({ title: "bye" })).body as Todo;
    expect((await one("DELETE", todo.id)).statusCode).to.equal(200);
    expect((await one("GET", todo.id)).statusCode).to.equal(404);
    expect((await one("DELETE", todo.id)).statusCode).to.equal(404);
  });

  it("deletes conditionally with If-Match: 409 with the current version when stale (the todo stays), 200 when current", async function () {
    const todo = (await create({ title: "keep" })).body as Todo;
    expect((await one("PUT", todo.id, { title: "changed" })).statusCode).to.equal(200);
    const del = (value: string) => call(proxyEvent({ method: "DELETE", resource: "/todos/{id}", pathParameters: { id: todo.id }, headers: { ...JSON_HEADERS, "If-Match": value }, body: null }));
    const stale = await del('"1"');
    expect(stale.statusCode).to.equal(409);
    expect(stale.body).to.include({ currentVersion: 2 });
    expect(stale.headers.ETag).to.equal('"2"');
    expect(await tableItems(table)).to.have.length(1);
    expect((await del("not-a-version")).statusCode).to.equal(400);
    expect((await del('"2"')).statusCode).to.equal(200);
    expect(await tableItems(table)).to.deep.equal([]);
    expect((await del('"2"')).statusCode).to.equal(404);
  });

  it("reads If-Match: * as any current version (RFC 9110): the write happens when the todo exists, 404 when it does not", async function () {
    const todo = (await create({ title: "any" })).body as Todo;
    const anyVersion = (method: string, id: string, body?: unknown) =>
      call(proxyEvent({ method, resource: "/todos/{id}", pathParameters: { id }, headers: { ...JSON_HEADERS, "If-Match": "*" }, body: body === undefined ? null : JSON.stringify(body) }));
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await anyVersion("PUT", missing, { title: "x" })).statusCode).to.equal(404);
    expect((await anyVersion("DELETE", missing)).statusCode).to.equal(404);
    const put = await anyVersion("PUT", todo.id, { title: "y" });
    expect(put.statusCode).to.equal(200);
    expect(put.body).to.include({ title: "y", version: 2 });
    expect((await anyVersion("DELETE", todo.id)).statusCode).to.equal(200);
    expect(await tableItems(table)).to.deep.equal([]);
  });

  it("answers 405 with Allow for other methods, 404 for an unknown resource, and 500 without leaking detail when misconfigured", async function () {
    const patch = await call(proxyEvent({ method: "PATCH", resource: "/todos", headers: JSON_HEADERS }));
    expect(patch.statusCode).to.equal(405);
    expect(patch.headers.Allow).to.equal("GET, POST");
    expect((await call(proxyEvent({ method: "GET", resource: "/todos/{id}/history", headers: JSON_HEADERS }))).statusCode).to.equal(404);
    process.env.TABLE_NAME = "no-such-table";
    const res = await list();
    expect(res.statusCode).to.equal(500);
    expect(res.body).to.include({ message: "Internal server error" });
    expect(JSON.stringify(res.body)).not.to.contain("no-such-table");
  });
});
