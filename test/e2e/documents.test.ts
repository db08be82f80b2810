/**
 * The five source documents, replayed: every request they show (curl lines, console test
 * events, the todo page's fetch calls) is sent as written against the real app's local
 * gateway, adding only the API key or token the project requires, and the document's
 * outcome is asserted. Where a document is unsafe (`*` CORS, a public bucket,
 * AdministratorAccess), the safe behaviour is asserted instead and README's departures
 * table says why.
 *
 * Console "Test" events of a Lambda function are run by the gateway's own Lambda runtime
 * (the function's synthesized zip, its environment, the same local back ends); console
 * "Test" of an API method is the same request over HTTP.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { FunctionPool, type InvokeResult } from "../../scripts/local/workers";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, eventually, s3Client, startApp, synthApp, type RunningApp } from "./support/app";
import { loadStack } from "../../modules/tfjson";

/** One line of a document, as its shell would send it: `-H 'name:value'` headers trimmed as curl does. */
function curlHeaders(...lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]));
}

describe("e2e: the documents' requests, replayed verbatim (plus the key or token)", function () {
  let app: RunningApp;
  let pool: FunctionPool;
  const origin = environment.webOrigins[0]!;

  /** A Lambda console test: the event, as typed in the document, to the function's $LATEST. */
  async function consoleTest(functionSuffix: string, event: unknown): Promise<InvokeResult> {
    const fn = app.gateway.model().functions.find((f) => f.functionName.endsWith(functionSuffix));
    expect(fn, functionSuffix).to.not.equal(undefined);
    const runner = pool.get(fn!.functionName, "$LATEST")!;
    return runner.invoke(event, { invokedArn: `arn:aws:lambda:${fn!.region}:000000000000:function:${fn!.functionName}` });
  }

  before(async function () {
    app = await startApp();
    const model = app.gateway.model();
    pool = await FunctionPool.create(model.functions, mkdtempSync(path.join(os.tmpdir(), "console-")), { dynamodb: app.endpoints.dynamodb, s3: app.endpoints.s3 }, 0, () => {});
  });

  after(async function () {
    await pool?.close();
    await app?.close();
  });

  describe("todo-crud-api.md (todo-api, stage prod; no key: the document's API is open)", function () {
    let api: ApiEndpoint;
    let url: string;
    let todoId: string;
    before(function () {
      api = app.api("todos", "prod");
      url = api.url; // https://your-api-id.execute-api.region.amazonaws.com/prod
    });

    it("Phase 6: curl -X POST …/prod/todos with the document's body creates the todo (201)", async function () {
      const res = await fetch(`${url}/todos`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: `{
        "title": "Learn AWS",
        "description": "Complete the serverless API project",
        "completed": false
      }`,
      });
      expect(res.status).to.equal(201);
      const todo = await body<Record<string, unknown>>(res);
      expect(todo).to.include({ title: "Learn AWS", description: "Complete the serverless API project", completed: false });
      expect(todo.id).to.be.a("string");
      expect(todo.createdAt).to.equal(todo.updatedAt);
      todoId = String(todo.id);
    });

    it("curl …/prod/todos lists { items, count }", async function () {
      const res = await fetch(`${url}/todos`);
      expect(res.status).to.equal(200);
      const page = await body<{ items: { id: string }[]; count: number }>(res);
      expect(page.items.map((t) => t.id)).to.include(todoId);
      expect(page.count).to.equal(page.items.length);
    });

    it("curl …/prod/todos/{todo-id} gets the todo", async function () {
      const res = await fetch(`${url}/todos/${todoId}`);
      expect(res.status).to.equal(200);
      expect(await body(res)).to.include({ id: todoId, title: "Learn AWS" });
    });

    it('curl -X PUT …/prod/todos/{todo-id} with {"title": "Learn AWS - Updated", "completed": true} updates it (no version needed)', async function () {
      const res = await fetch(`${url}/todos/${todoId}`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: `{
        "title": "Learn AWS - Updated",
        "completed": true
      }`,
      });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.include({ id: todoId, title: "Learn AWS - Updated", description: "Complete the serverless API project", completed: true });
    });

    it("curl -X DELETE …/prod/todos/{todo-id} deletes it ('Todo deleted successfully'), then it is 404", async function () {
      const res = await fetch(`${url}/todos/${todoId}`, { method: "DELETE" });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.include({ message: "Todo deleted successfully" });
      expect((await fetch(`${url}/todos/${todoId}`)).status).to.equal(404);
      expect((await fetch(`${url}/todos/${todoId}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: '{"completed": true}' })).status).to.equal(404);
    });

    it("Phase 7 page: createTodo, loadTodos (data.items), toggleComplete and deleteTodo, from the page's origin", async function () {
      // The page's fetch calls, as a browser on the page's origin sends them.
      const page = { Origin: origin };
      const title = "Page todo";
      const description = "from the Phase 7 page";
      const created = await fetch(`${url}/todos`, {
        method: "POST",
        headers: { ...page, "Content-Type": "application/json" },
        body: JSON.stringify({ title, description, completed: false }),
      });
      expect(created.ok).to.equal(true);
      expect(created.headers.get("access-control-allow-origin")).to.equal(origin);

      const response = await fetch(`${url}/todos`, { headers: page });
      const data = await body<{ items: { id: string; title: string; description: string; completed: boolean; createdAt: string }[] }>(response);
      expect(response.headers.get("access-control-allow-origin")).to.equal(origin);
      const todo = data.items.find((t) => t.title === title)!;
      expect(todo).to.include({ description, completed: false });
      expect(Number.isNaN(new Date(todo.createdAt).getTime())).to.equal(false);

      // toggleComplete(id, !todo.completed): a preflight, then PUT { completed }
      const preflight = await fetch(`${url}/todos/${todo.id}`, {
        method: "OPTIONS",
        headers: { ...page, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" },
      });
      expect(preflight.status).to.be.within(200, 204);
      expect(preflight.headers.get("access-control-allow-origin")).to.equal(origin);
      expect(preflight.headers.get("access-control-allow-methods")).to.include("PUT");
      const completed = !todo.completed;
      const toggled = await fetch(`${url}/todos/${todo.id}`, { method: "PUT", headers: { ...page, "Content-Type": "application/json" }, body: JSON.stringify({ completed }) });
      expect(toggled.status).to.equal(200);
      expect(await body(toggled)).to.include({ completed: true, title });
      const again = await body<{ items: { id: string; completed: boolean }[] }>(await fetch(`${url}/todos`, { headers: page }));
      expect(again.items.find((t) => t.id === todo.id)?.completed).to.equal(true);

      const deleted = await fetch(`${url}/todos/${todo.id}`, { method: "DELETE", headers: page });
      expect(deleted.status).to.equal(200);
      expect(deleted.headers.get("access-control-allow-origin")).to.equal(origin);
    });

    it("departs from Access-Control-Allow-Origin: * (the safe behaviour): another site's page is not allowed", async function () {
      const res = await fetch(`${url}/todos`, { headers: { Origin: "https://evil.example" } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("access-control-allow-origin")).to.equal(null);
      const preflight = await fetch(`${url}/todos`, { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } });
      expect(preflight.headers.get("access-control-allow-origin")).to.not.equal("*");
      expect(preflight.headers.get("access-control-allow-origin")).to.not.equal("https://evil.example");
    });
  });

  it("departs from AdministratorAccess, AmazonDynamoDBFullAccess and wildcard policies (todo, music documents): no stack grants them", async function () {
    const outdir = await synthApp();
    for (const stack of readdirSync(path.join(outdir, "stacks"))) {
      const text = readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text, stack).not.to.match(/AdministratorAccess|AmazonDynamoDBFullAccess/);
      expect(text, stack).not.to.match(/\\"Action\\":\s*\\"\*\\"|\\"Action\\":\s*\[\s*\\"\*\\"/);
      expect(text, stack).not.to.match(/\\"Action\\":\s*\\"dynamodb:\*\\"/);
    }
  });

  describe("music-table-api.txt (DemoRESTAPI, stage Test; + x-api-key, the project requires a key)", function () {
    let api: ApiEndpoint;
    let key: Record<string, string>;
    const tableUrl = () => `${api.url}/DemoResourceMusic/DemoResourceMusicTable`;
    const itemUrl = () => `${api.url}/DemoResourceMusic/DemoResourceMusicItem`;
    before(function () {
      api = app.api("music-library", "Test");
      key = { "x-api-key": apiKey(api, "DemoApiKey") };
    });

    it('Lambda console test DemoEventCreateTable {"headers":{"table":"Music"}}: "Table created"', async function () {
      const result = await consoleTest("DemoCreateTable", { headers: { table: "Music" } });
      expect(result.ok, JSON.stringify(result)).to.equal(true);
      const response = JSON.parse((result as { payload: string }).payload) as { statusCode: number; body: string };
      expect(response.statusCode).to.equal(200);
      expect(JSON.parse(response.body)).to.deep.equal({ message: "Table created", table: "Music" });
      // the environment's table behind the document's name
      const res = await fetch(tableUrl(), { method: "DELETE", headers: { ...key, table: "Music" } });
      expect(await body(res)).to.deep.equal({ message: "Table deleted", table: "Music" });
    });

    it('API console test: "table:Music" in the Headers box, PUT: "Table created"', async function () {
      const res = await fetch(tableUrl(), { method: "PUT", headers: { ...key, ...curlHeaders("table:Music") } });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({ message: "Table created", table: "Music" });
      const cleanup = await fetch(tableUrl(), { method: "DELETE", headers: { ...key, table: "Music" } });
      expect(cleanup.status).to.equal(200);
    });

    it("curl -X PUT …/Test/DemoResourceMusic/DemoResourceMusicTable -H 'content-type: application/json' -H 'table:Music': table created", async function () {
      const res = await fetch(tableUrl(), { method: "PUT", headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music") } });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({ message: "Table created", table: "Music" });
    });

    it("Put an item: curl -X PUT …/DemoResourceMusicItem -H 'table:Music' -H 'artist:No One You Know' -H 'albumtitle:Somewhat Famous' -H 'songtitle:Call Me Today'", async function () {
      const res = await fetch(itemUrl(), {
        method: "PUT",
        headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music", "artist:No One You Know", "albumtitle:Somewhat Famous", "songtitle:Call Me Today") },
      });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.include({ message: "Item added", table: "Music" });
    });

    it("Update an item: curl -X POST … -H 'albumtitle: Louder Than Ever'", async function () {
      const res = await fetch(itemUrl(), {
        method: "POST",
        headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music", "artist:No One You Know", "albumtitle: Louder Than Ever", "songtitle:Call Me Today") },
      });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({
        message: "Item updated",
        table: "Music",
        item: { Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Louder Than Ever" },
      });
    });

    it("Get an item: curl -X GET … -H 'table:Music' -H 'artist:No One You Know' -H 'songtitle:Call Me Today'", async function () {
      const res = await fetch(itemUrl(), { method: "GET", headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music", "artist:No One You Know", "songtitle:Call Me Today") } });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({ Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Louder Than Ever" });
    });

    it("Delete an item: curl -X DELETE … -H 'table:Music' -H 'artist:No One You Know' -H 'songtitle:Call Me Today'", async function () {
      const res = await fetch(itemUrl(), { method: "DELETE", headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music", "artist:No One You Know", "songtitle:Call Me Today") } });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.include({ message: "Item deleted", table: "Music" });
    });

    it("Delete a table: curl -X DELETE …/DemoResourceMusicTable -H 'content-type: application/json' -H 'table:Music'", async function () {
      const res = await fetch(tableUrl(), { method: "DELETE", headers: { ...key, ...curlHeaders("content-type: application/json", "table:Music") } });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({ message: "Table deleted", table: "Music" });
    });

    it("departs from the open API and the full-access role: no key is 403, and no request reaches a table outside the environment's prefix", async function () {
      const open = await fetch(tableUrl(), { method: "PUT", headers: curlHeaders("content-type: application/json", "table:Music") });
      expect(open.status).to.equal(403);
      expect(await body(open)).to.deep.equal({ message: "Forbidden" });
      const other = await fetch(tableUrl(), { method: "DELETE", headers: { ...key, table: "studentData" } });
      expect(other.status).to.equal(400);
      expect(await body(other)).to.include({ parameter: "table" });
    });
  });

  describe("items-api-lab.md (ItemsAPI, stages dev and prod; + x-api-key LabKey)", function () {
    let dev: ApiEndpoint;
    let prod: ApiEndpoint;
    let key: Record<string, string>;
    before(function () {
      dev = app.api("items-catalog", "dev");
      prod = app.api("items-catalog", "prod");
      key = { "x-api-key": apiKey(prod, "LabKey") };
    });

    it("the mock GET /items test: three generated items (the mock is served at /preview/items)", async function () {
      const res = await fetch(`${dev.url}/preview/items`, { headers: key });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal([
        { ID: 1, name: "foo1", price: 1.5 },
        { ID: 2, name: "foo2", price: 3 },
        { ID: 3, name: "foo3", price: 4.5 },
      ]);
    });

    it("the mock /items/{ID} test with ID 1 and Headers header1:value1, header2:value2: {\"ID\" : 1, \"name\" : \"foo1\", \"price\" : 1.5}, Content-Type application/json", async function () {
      const res = await fetch(`${dev.url}/preview/items/1`, { headers: { ...key, ...curlHeaders("header1:value1", "header2:value2") } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/json");
      expect(await body(res)).to.deep.equal({ ID: 1, name: "foo1", price: 1.5 });
    });

    it("Lambda console test GetItems {}: the four items", async function () {
      const result = await consoleTest("ItemsFunction", {});
      expect(result.ok, JSON.stringify(result)).to.equal(true);
      expect(JSON.parse((result as { payload: string }).payload)).to.deep.equal([
        { ID: 1, name: "Pen", price: 2.5 },
        { ID: 2, name: "Pencil", price: 1.5 },
        { ID: 3, name: "Highlighter", price: 3 },
        { ID: 4, name: "Ruler", price: 5 },
      ]);
    });

    it('Lambda console tests {"ID": 1} (one item) and {"ID": 5} (NotFoundError)', async function () {
      const one = await consoleTest("ItemsFunction", { ID: 1 });
      expect(JSON.parse((one as { payload: string }).payload)).to.deep.equal({ ID: 1, name: "Pen", price: 2.5 });
      const missing = await consoleTest("ItemsFunction", { ID: 5 });
      expect(missing.ok).to.equal(false);
      expect((missing as { error: { errorMessage: string } }).error.errorMessage).to.match(/^NotFoundError/);
    });

    it("the prod Invoke URL + /items in a browser: the four items, then {\"message\": \"Forbidden\"} once the key is required", async function () {
      const res = await fetch(`${prod.url}/items`);
      expect(res.status).to.equal(403);
      expect(await body(res)).to.deep.equal({ message: "Forbidden" });
    });

    it('curl -H "x-api-key: YOUR_API_KEY" YOUR_API_HOST/prod/items/: the four items', async function () {
      const res = await fetch(`${prod.url}/items/`, { headers: key });
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal([
        { ID: 1, name: "Pen", price: 2.5 },
        { ID: 2, name: "Pencil", price: 1.5 },
        { ID: 3, name: "Highlighter", price: 3 },
        { ID: 4, name: "Ruler", price: 5 },
      ]);
    });

    it("the dev stage serves the same API through the dev alias", async function () {
      const res = await fetch(`${dev.url}/items/1`, { headers: key });
      expect(await body(res)).to.deep.equal({ ID: 1, name: "Pen", price: 2.5 });
    });

    it("departs from Access-Control-Allow-Origin: * (the safe behaviour): the configured origin, never *", async function () {
      const res = await fetch(`${prod.url}/items/2`, { headers: { ...key, Origin: origin } });
      expect(res.headers.get("access-control-allow-origin")).to.equal(origin);
      const preflight = await fetch(`${prod.url}/items`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-api-key" } });
      expect(preflight.headers.get("access-control-allow-origin")).to.equal(origin);
      expect(preflight.headers.get("access-control-allow-methods")).to.include("GET");
    });
  });

  describe("student-records-backup-api.md (student, stage prod; x-api-key StudentApiKey as the document says)", function () {
    let api: ApiEndpoint;
    let key: Record<string, string>;
    before(function () {
      api = app.api("student-records", "prod");
      key = { "x-api-key": apiKey(api, "StudentApiKey") };
    });

    it('POST /backup without the key: 403 "Forbidden", as the document warns', async function () {
      const res = await fetch(`${api.url}/backup`, { method: "POST" });
      expect(res.status).to.equal(403);
      expect(await body(res)).to.deep.equal({ message: "Forbidden" });
    });

    it("POST /backup with x-api-key (Postman or curl): a backup file in the backup bucket and an email to the admin", async function () {
      this.timeout(120_000);
      const student = { studentid: "SV001", name: "Nguyen Van A", class: "12A1", birthdate: "2007-05-14", email: "a.nguyen@example.edu" };
      const added = await fetch(`${api.url}/students`, { method: "POST", headers: { ...key, "Content-Type": "application/json" }, body: JSON.stringify(student) });
      expect(added.status).to.be.oneOf([200, 201]);
      const listed = await fetch(`${api.url}/students`, { headers: key });
      expect(listed.status).to.equal(200);
      expect(JSON.stringify(await body(listed))).to.include("SV001");

      const mailsBefore = existsSync(app.endpoints.mailbox) ? readdirSync(app.endpoints.mailbox).length : 0;
      const res = await fetch(`${api.url}/backup`, { method: "POST", headers: key });
      // A small table finishes inside the request (200); a job answers 202 and finishes later.
      expect(res.status, await res.clone().text()).to.be.oneOf([200, 202]);
      expect(res.headers.get("content-type")).to.match(/application\/json/);
      const fn = app.gateway.model().functions.find((f) => f.functionName.endsWith("BackupDynamoDBAndSendEmail"))!;
      const bucket = fn.environment.BUCKET_NAME!;
      const s3 = s3Client(app.endpoints);
      const found = await eventually(() => existsSync(app.endpoints.mailbox) && readdirSync(app.endpoints.mailbox).length > mailsBefore, 9000);
      expect(found, "the admin's email arrived").to.equal(true);
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "backups/" }))).Contents ?? []).map((o) => o.Key!);
      const data = keys.filter((k) => k.endsWith(".json") && !k.endsWith(".manifest.json"));
      expect(data, keys.join(", ")).to.have.length.at.least(1);
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: data[data.length - 1]! }));
      expect(await object.Body!.transformToString()).to.include("SV001");
      s3.destroy();
    });
  });

  describe("image-upload-api.md (ImageAPI, stage prod; + the Cognito token)", function () {
    let api: ApiEndpoint;
    let token: string;
    before(function () {
      api = app.api("image-gallery", "prod");
      token = Object.values(api.tokens)[0]!;
    });

    it("POST /upload/{filename} with an image (binary media type) from the front end, then GET /view-all lists it, with CORS for the front end", async function () {
      const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/2e0D8wAAAABJRU5ErkJggg==", "base64");
      const up = await fetch(`${api.url}/upload/doc.png`, { method: "POST", headers: { Authorization: token, Origin: origin, "Content-Type": "image/png" }, body: png });
      expect(up.status).to.equal(201);
      expect(up.headers.get("access-control-allow-origin")).to.equal(origin);
      const list = await fetch(`${api.url}/view-all`, { headers: { Authorization: token, Origin: origin } });
      expect(list.status).to.equal(200);
      expect(list.headers.get("access-control-allow-origin")).to.equal(origin);
      const page = await body<{ items: { filename: string; url: string }[] }>(list);
      expect(page.items.map((i) => i.filename)).to.include("doc.png");
    });

    it("departs from a public bucket (the safe behaviour): every bucket of every stack blocks public access", async function () {
      const outdir = await synthApp();
      for (const stack of readdirSync(path.join(outdir, "stacks"))) {
        const doc = loadStack(outdir, stack);
        const buckets = doc.ofType("aws_s3_bucket");
        const blocks = doc.ofType("aws_s3_bucket_public_access_block").map((r) => r.attrs);
        expect(blocks.length, `${stack}: one public access block per bucket`).to.equal(buckets.length);
        for (const block of blocks) {
          expect(block, stack).to.include({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
        }
      }
    });

    it("departs from a public bucket: an unsigned read of an uploaded image is refused, its presigned URL serves it", async function () {
      const list = await body<{ items: { key: string; filename: string; url: string }[] }>(await fetch(`${api.url}/view-all`, { headers: { Authorization: token } }));
      const picture = list.items.find((i) => i.filename === "doc.png")!;
      const bucket = app.gateway.model().functions.find((f) => f.functionName.endsWith("savePicture"))!.environment.BUCKET_NAME!;
      const anonymous = await fetch(`${app.endpoints.s3}/${bucket}/${picture.key}`);
      expect(anonymous.status, "an unsigned read").to.equal(403);
      const signed = await fetch(picture.url);
      expect(signed.status, "the presigned URL").to.equal(200);
    });

    it("refuses the API without the Cognito token (401), as the document's Cognito authentication intends", async function () {
      const res = await fetch(`${api.url}/view-all`);
      expect(res.status).to.equal(401);
    });
  });
});
