/**
 * items-catalog end to end: the security holes of issue 9, each against the real stack
 * served by the local gateway. Each of these failed before the fix:
 * - a body sent with GET /items reached ItemsFunction (no request template) and the answer
 *   to `{"ID":2}` filled the 1-hour prod cache for every caller;
 * - a Lambda error that matched no selection pattern (the table deleted under a running
 *   API) came back as 200 with errorMessage, errorType and a stackTrace naming file paths.
 * The preview 400 is in items-catalog.test.ts.
 */
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { request } from "node:http";
import { SEED_ITEMS } from "../../functions/items/schema";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, environment, startApp, type RunningApp } from "./support/app";

/** An HTTP request with any method and body (fetch refuses a body on GET). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const length = options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) };
    const req = request(url, { method: options.method ?? "GET", headers: { ...options.headers, ...length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("e2e: items-catalog holes (real stack over HTTP)", function () {
  let app: RunningApp;
  let dev: ApiEndpoint;
  let prod: ApiEndpoint;
  let key: string;

  before(async function () {
    app = await startApp();
    dev = app.api("items-catalog", "dev");
    prod = app.api("items-catalog", "prod");
    key = apiKey(prod, "LabKey");
  });

  after(async function () {
    await app?.close();
  });

  it("ignores a body sent with GET /items: the prod cache keeps answering the whole list", async function () {
    const poisoned = await send(`${prod.url}/items`, { headers: { "x-api-key": key, "content-type": "application/json" }, body: '{"ID":2}' });
    expect(poisoned.status).to.equal(200);
    expect(JSON.parse(poisoned.text), "the body never reaches the function").to.deep.equal(SEED_ITEMS);
    for (const headers of [{ "x-api-key": key }, { "x-api-key": key, "content-type": "application/json" }] as Record<string, string>[]) {
      const next = await send(`${prod.url}/items`, { headers });
      expect(next.status).to.equal(200);
      expect(JSON.parse(next.text), "every other caller gets the list from the cache").to.deep.equal(SEED_ITEMS);
    }
    const byQuery = await send(`${prod.url}/items?ID=2`, { headers: { "x-api-key": key } });
    expect(JSON.parse(byQuery.text), "an undeclared query string is not passed either").to.deep.equal(SEED_ITEMS);
  });

  it("ignores a body sent with GET /items/{ID}: only the path's ID reaches the function", async function () {
    const res = await send(`${prod.url}/items/1`, { headers: { "x-api-key": key, "content-type": "application/json" }, body: '{"ID":2}' });
    expect(JSON.parse(res.text)).to.deep.equal(SEED_ITEMS[0]);
    const plain = await send(`${prod.url}/items/1`, { headers: { "x-api-key": key } });
    expect(JSON.parse(plain.text)).to.deep.equal(SEED_ITEMS[0]);
  });

  it("answers 415 for a body of another content type on every route, without calling the function", async function () {
    for (const route of ["/items", "/items/1", "/preview/items", "/preview/items/1"]) {
      const res = await send(`${dev.url}${route}`, { headers: { "x-api-key": key, "content-type": "text/plain" }, body: '{"ID":2}' });
      expect(res.status, route).to.equal(415);
      expect(JSON.parse(res.text), route).to.deep.equal({ message: "Unsupported Media Type" });
    }
  });

  it("answers API Gateway's 500 without any Lambda error detail when the table is deleted under the running API", async function () {
    const fn = app.gateway.model().functions.find((f) => f.functionName.endsWith("ItemsFunction"))!;
    const ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    try {
      await ddb.send(new DeleteTableCommand({ TableName: fn.environment.TABLE_NAME! }));
    } finally {
      ddb.destroy();
    }
    for (const route of ["/items", "/items/1", "/items/5"]) {
      const res = await send(`${dev.url}${route}`, { headers: { "x-api-key": key } });
      expect(res.status, route).to.equal(500);
      expect(JSON.parse(res.text), route).to.deep.equal({ message: "Internal server error" });
      expect(res.text, route).not.to.match(/errorMessage|errorType|stackTrace|\.m?js|\/var\/task|\/tmp\//);
    }
    // A client error still maps to its own status.
    const bad = await send(`${dev.url}/items/abc`, { headers: { "x-api-key": key } });
    expect(bad.status).to.equal(400);
  });
});
