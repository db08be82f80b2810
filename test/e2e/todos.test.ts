/**
 * todos end to end: the real synthesized stack served by the local gateway over HTTP.
 * The document's API is open unless `<ENV>_TODOS_API_KEY_REQUIRED` is set; the test sends
 * the stage's key when endpoints.json lists one.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { body, environment, startApp, type RunningApp } from "./support/app";
import type { Todo } from "../../functions/todos/schema";

describe("e2e: todos (real stack over HTTP)", function () {
  let app: RunningApp;
  let api: ApiEndpoint;
  let keyHeader: Record<string, string>;

  const call = (method: string, route: string, payload?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${route}`, {
      method,
      headers: { ...keyHeader, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: payload === undefined ? undefined : typeof payload === "string" ? payload : JSON.stringify(payload),
    });

  before(async function () {
    app = await startApp();
    api = app.api("todos", "prod");
    const keys = Object.values(api.apiKeys);
    keyHeader = keys.length > 0 ? { "x-api-key": keys[0]! } : {};
    expect(keys.length > 0, "endpoints.json lists a key exactly when the config requires one").to.equal(environment.services.todos.apiKeyRequired);
  });

  after(async function () {
    await app?.close();
  });

  it("creates, reads, lists, updates (with optimistic concurrency) and deletes a todo", async function () {
    const created = await call("POST", "/todos", { title: "Write the e2e tests" });
    expect(created.status).to.equal(201);
    const todo = await body<Todo>(created);
    expect(todo).to.include({ title: "Write the e2e tests", description: "", completed: false, version: 1 });
    expect(todo.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.headers.get("location")).to.equal(`/todos/${todo.id}`);

    const second = await body<Todo>(await call("POST", "/todos", { title: "Second", description: "more", completed: true }));
    expect(second).to.include({ title: "Second", description: "more", completed: true });

    const got = await call("GET", `/todos/${todo.id}`);
    expect(got.status).to.equal(200);
    expect(await body<Todo>(got)).to.deep.equal(todo);

    const list = await call("GET", "/todos");
    expect(list.status).to.equal(200);
    const page = await body<{ items: Todo[]; count: number }>(list);
    expect(page.items.map((t) => t.id).sort()).to.deep.equal([todo.id, second.id].sort());
    expect(page.count).to.equal(2);

    const updated = await call("PUT", `/todos/${todo.id}`, { completed: true, version: 1 });
    expect(updated.status).to.equal(200);
    expect(await body<Todo>(updated)).to.include({ id: todo.id, title: todo.title, completed: true, version: 2 });
    const stale = await call("PUT", `/todos/${todo.id}`, { title: "Lost update", version: 1 });
    expect(stale.status).to.equal(409);
    expect(await body(stale)).to.have.property("currentVersion", 2);

    const deleted = await call("DELETE", `/todos/${todo.id}`);
    expect(deleted.status).to.equal(200);
    expect(await body(deleted)).to.deep.equal({ message: "Todo deleted successfully", deleted: todo.id });
    expect((await call("GET", `/todos/${todo.id}`)).status).to.equal(404);
  });

  it("refuses bodies that do not match the models with API Gateway's own 400, before the handler runs", async function () {
    const before = (await body<{ count: number }>(await call("GET", "/todos"))).count;
    for (const bad of [{}, { title: "" }, { title: 42 }, { title: "x", completed: "yes" }, { title: "x", extra: 1 }, "not json"]) {
      const res = await call("POST", "/todos", bad);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
      expect(res.headers.get("x-amzn-errortype")).to.equal("BadRequestException");
      expect(await body(res)).to.deep.equal({ message: "Invalid request body" });
    }
    for (const bad of [{}, { version: 1 }, { completed: "yes" }, { title: "x", extra: 1 }]) {
      const update = await call("PUT", `/todos/${randomUUID()}`, bad);
      expect(update.status, JSON.stringify(bad)).to.equal(400);
      expect(await body(update)).to.deep.equal({ message: "Invalid request body" });
    }
    const after = (await body<{ count: number }>(await call("GET", "/todos"))).count;
    expect(after, "nothing was written").to.equal(before);
  });

  it("answers 404 for a missing id on GET, PUT and DELETE, and 400 for an id that is not a todo id", async function () {
    const missing = randomUUID();
    for (const [method, payload] of [["GET"], ["PUT", { title: "x", version: 1 }], ["DELETE"]] as const) {
      const res = await call(method, `/todos/${missing}`, payload);
      expect(res.status, method).to.equal(404);
      expect(JSON.stringify(await body(res))).to.include(missing);
    }
    const invalid = await call("GET", "/todos/not-a-uuid");
    expect(invalid.status).to.equal(400);
  });

  it("answers an unknown route with 403 Missing Authentication Token", async function () {
    const res = await call("PATCH", "/todos");
    expect(res.status).to.equal(403);
    expect(await body(res)).to.deep.equal({ message: "Missing Authentication Token" });
  });
});
