/**
 * items-catalog end to end: the real synthesized stack served by the local gateway over
 * HTTP: the document's VTL mock templates, the non-proxy Lambda integration with its error
 * selection patterns, the stage variable that picks the Lambda alias, the prod stage cache
 * and the dev stage throttle. The usage plan's daily quota has its own file (it uses up the
 * key for the rest of the day).
 */
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { SEED_ITEMS } from "../../functions/items/schema";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { accessLog, apiKey, body, environment, eventually, startApp, type RunningApp } from "./support/app";

describe("e2e: items-catalog (real stack over HTTP)", function () {
  let app: RunningApp;
  let dev: ApiEndpoint;
  let prod: ApiEndpoint;
  let key: Record<string, string>;
  const stack = `items-catalog-${environment.name}`;

  const get = (api: ApiEndpoint, route: string, headers: Record<string, string> = {}) => fetch(`${api.url}${route}`, { headers: { ...key, ...headers } });

  /** The access-log entry of one response (the log file is appended through a stream). */
  async function logged(stage: string, res: Response): Promise<Record<string, string>> {
    const id = res.headers.get("x-amzn-requestid");
    expect(id, "x-amzn-RequestId").to.be.a("string");
    await eventually(() => accessLog(app, "items-catalog", stage).some((e) => e.requestId === id));
    const entry = accessLog(app, "items-catalog", stage).find((e) => e.requestId === id);
    expect(entry, `access log line of ${id}`).to.not.equal(undefined);
    return entry!;
  }

  before(async function () {
    app = await startApp();
    dev = app.api("items-catalog", "dev");
    prod = app.api("items-catalog", "prod");
    key = { "x-api-key": apiKey(dev, "LabKey") };
    expect(apiKey(prod, "LabKey"), "one key, in one plan over both stages").to.equal(key["x-api-key"]);
  });

  after(async function () {
    await app?.close();
  });

  describe("the document's mock templates (/preview)", function () {
    it("renders the #foreach list template as API Gateway does", async function () {
      for (const api of [dev, prod]) {
        const res = await get(api, "/preview/items");
        expect(res.status).to.equal(200);
        expect(res.headers.get("content-type")).to.equal("application/json");
        const text = await res.text();
        // Java's Velocity prints a Double: 2 * 1.5 is "3.0", not "3".
        expect(text).to.include('"price" : 3.0').and.include('"name" : "foo2"');
        expect(JSON.parse(text)).to.deep.equal([
          { ID: 1, name: "foo1", price: 1.5 },
          { ID: 2, name: "foo2", price: 3 },
          { ID: 3, name: "foo3", price: 4.5 },
        ]);
      }
    });

    it("renders the $Integer.parseInt item template with the path's ID", async function () {
      for (const id of [1, 2, 7, 42]) {
        const res = await get(dev, `/preview/items/${id}`);
        expect(res.status).to.equal(200);
        const text = await res.text();
        expect(text).to.include(`"ID" : ${id},`).and.include(`"price" : ${Number.isInteger(id * 1.5) ? (id * 1.5).toFixed(1) : id * 1.5}`);
        expect(JSON.parse(text)).to.deep.equal({ ID: id, name: `foo${id}`, price: id * 1.5 });
      }
    });

    it("answers 400 naming the expected id, never 500, when the document's template could not parse the ID", async function () {
      for (const id of ["abc", "1%22", "-1", "1.5"]) {
        const res = await get(dev, `/preview/items/${id}`);
        expect(res.status, id).to.equal(400);
        expect(await body(res), id).to.deep.equal({ message: "ID must be a whole number of at most 9 digits, e.g. /preview/items/1" });
      }
    });

    it("refuses the preview without the lab key with 403, with CORS headers for the web origin", async function () {
      const origin = environment.webOrigins[0]!;
      const res = await fetch(`${dev.url}/preview/items`, { headers: { Origin: origin } });
      expect(res.status).to.equal(403);
      expect(await body(res)).to.deep.equal({ message: "Forbidden" });
      expect(res.headers.get("access-control-allow-origin")).to.equal(origin);
    });
  });

  describe("the non-proxy Lambda integration", function () {
    it("lists the seeded items through ItemsFunction on both stages", async function () {
      const seeded = [...SEED_ITEMS].sort((a, b) => a.ID - b.ID);
      for (const api of [dev, prod]) {
        const res = await get(api, "/items");
        expect(res.status, api.stage).to.equal(200);
        expect(await body(res)).to.deep.equal(seeded);
      }
    });

    it("gets one item through the document's request template", async function () {
      for (const item of SEED_ITEMS) {
        const res = await get(dev, `/items/${item.ID}`);
        expect(res.status).to.equal(200);
        expect(await body(res)).to.deep.equal(item);
      }
    });

    it("maps ItemsFunction's NotFoundError to 404 through the selection pattern", async function () {
      const res = await get(dev, "/items/99");
      expect(res.status).to.equal(404);
      expect(await body(res)).to.deep.equal({ message: "NotFoundError: item 99 does not exist" });
      const entry = await logged("dev", res);
      expect(entry.status).to.equal("404");
      expect(entry.integrationErrorMessage).to.equal("NotFoundError: item 99 does not exist");
    });

    it("maps an invalid ID to 400 through BadRequestError", async function () {
      const res = await get(dev, "/items/abc");
      expect(res.status).to.equal(400);
      expect((await body<{ message: string }>(res)).message).to.match(/^BadRequestError: ID must be a positive integer/);
    });
  });

  describe("stage variables and aliases", function () {
    it("sends each stage to its own alias: dev → $LATEST, prod → the published version", async function () {
      const model = app.gateway.model();
      const fn = model.functions.find((f) => f.functionName.endsWith("ItemsFunction"))!;
      const api = model.apis.find((a) => a.stack === stack)!;
      expect(api.stages.get("dev")!.variables).to.deep.equal({ lambdaAlias: "dev" });
      expect(api.stages.get("prod")!.variables).to.deep.equal({ lambdaAlias: "prod" });
      expect(fn.aliases.get("dev")).to.equal("$LATEST");
      expect(fn.aliases.get("prod")).to.match(/^\d+$/);

      // Each alias's aws_lambda_permission names one stage in its source ARN, so a stage
      // answers 200 only when it invoked its own alias (any other gives 500: see
      // misconfigured.test.ts).
      for (const api of [dev, prod]) {
        const res = await get(api, "/items/2");
        expect(res.status, api.stage).to.equal(200);
        const entry = await logged(api.stage, res);
        expect(entry.integrationLatency, "the function ran").to.match(/^\d+$/);
        expect(entry.integrationErrorMessage).to.equal("-");
      }
    });
  });

  describe("prod stage cache", function () {
    let tableName: string;
    let ddb: DynamoDBClient;

    before(function () {
      tableName = app.gateway.model().functions.find((f) => f.functionName.endsWith("ItemsFunction"))!.environment.TABLE_NAME!;
      ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    });

    after(function () {
      ddb?.destroy();
    });

    it("serves GET /items/{ID} from the cache on prod (keyed by ID) while dev calls the function every time", async function () {
      const first = await get(prod, "/items/3");
      expect(await body(first)).to.deep.equal({ ID: 3, name: "Highlighter", price: 3 });
      expect((await logged("prod", first)).integrationLatency).to.match(/^\d+$/);

      // The item changes behind the API's back.
      await ddb.send(new PutItemCommand({ TableName: tableName, Item: { ID: { N: "3" }, name: { S: "Marker" }, price: { N: "3.5" } } }));

      const cached = await get(prod, "/items/3");
      expect(cached.status).to.equal(200);
      expect(await body(cached), "prod answers from its cache").to.deep.equal({ ID: 3, name: "Highlighter", price: 3 });
      expect((await logged("prod", cached)).integrationLatency, "no integration on a cache hit").to.equal("-");

      const other = await get(prod, "/items/4");
      expect(await body(other), "another ID is another cache key").to.deep.equal({ ID: 4, name: "Ruler", price: 5 });

      const fresh = await get(dev, "/items/3");
      expect(await body(fresh), "dev has no cache").to.deep.equal({ ID: 3, name: "Marker", price: 3.5 });
    });

    it("refuses Cache-Control: max-age=0 without authorization with 403 and keeps the cached entry", async function () {
      const res = await get(prod, "/items/3", { "Cache-Control": "max-age=0" });
      expect(res.status).to.equal(403);
      expect((await body<{ message: string }>(res)).message).to.match(/not authorized/);
      const still = await get(prod, "/items/3");
      expect(await body(still)).to.deep.equal({ ID: 3, name: "Highlighter", price: 3 });
    });
  });

  describe("dev stage throttle", function () {
    it("answers 429 Too Many Requests past the stage's burst", async function () {
      // 100 rps with a burst of 50: 300 requests at once cannot all pass unless they take
      // more than 2.5 s to arrive.
      const results = await Promise.all(
        Array.from({ length: 300 }, async () => {
          const res = await get(dev, "/preview/items/5");
          return { status: res.status, body: await res.text() };
        }),
      );
      const limited = results.filter((r) => r.status === 429);
      expect(limited.length, results.map((r) => r.status).join(",")).to.be.greaterThan(0);
      for (const r of limited) expect(JSON.parse(r.body)).to.deep.equal({ message: "Too Many Requests" });
      for (const r of results.filter((x) => x.status !== 429)) expect(JSON.parse(r.body)).to.deep.equal({ ID: 5, name: "foo5", price: 7.5 });
    });
  });
});
