import { expect } from "chai";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, tableItems, uniqueName, isolateEnv } from "../support/backends.js";
import { parseResponse, proxyEvent } from "../support/events.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;
const TABLE_RESOURCE = "/DemoResourceMusic/DemoResourceMusicTable";
const ITEM_RESOURCE = "/DemoResourceMusic/DemoResourceMusicItem";

describe("music-library handlers (DemoCreateTable, DemoDeleteTable, DemoHandleItem)", function () {
  isolateEnv();

  let createTable: Handler;
  let deleteTable: Handler;
  let handleItem: Handler;
  /** The logical name a request sends (`Music<suffix>`) and the table it maps to (`test-music-<suffix>`). */
  let table: string;
  let physical: string;
  const prefix = "test-music-";

  const call = async (h: Handler, e: APIGatewayProxyEvent) => parseResponse(await h(e));
  // The document's curl commands: parameters as headers, content-type JSON, no body.
  const viaHeaders = (h: Handler, method: string, resource: string, params: Record<string, string>) =>
    call(h, proxyEvent({ method, resource, headers: { "content-type": "application/json", ...params } }));
  const viaQuery = (h: Handler, method: string, resource: string, params: Record<string, string>) =>
    call(h, proxyEvent({ method, resource, query: params, headers: {} }));
  const viaBody = (h: Handler, method: string, resource: string, params: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(h, proxyEvent({ method, resource, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(params) }));

  before(async function () {
    await backends();
    process.env.TABLE_PREFIX = prefix;
    createTable = (await import("../../functions/demo-create-table/index.js")).handler as Handler;
    deleteTable = (await import("../../functions/demo-delete-table/index.js")).handler as Handler;
    handleItem = (await import("../../functions/demo-handle-item/index.js")).handler as Handler;
  });

  beforeEach(function () {
    process.env.TABLE_PREFIX = prefix;
    table = uniqueName("Music");
    physical = `${prefix}${table.slice("Music".length)}`;
  });

  it("creates a Music-shaped table, ACTIVE, under the environment's name for the logical one in the table header, then 409 when it exists", async function () {
    const res = await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table });
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.deep.equal({ message: "Table created", table });
    const { ddb } = await backends();
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: physical }));
    expect(Table?.TableStatus).to.equal("ACTIVE");
    expect(Table?.KeySchema).to.deep.equal([
      { AttributeName: "Artist", KeyType: "HASH" },
      { AttributeName: "SongTitle", KeyType: "RANGE" },
    ]);
    expect((await viaQuery(createTable, "PUT", TABLE_RESOURCE, { table })).statusCode).to.equal(409);
  });

  it("maps the document's own name: table Music is the environment's TABLE_PREFIX table", async function () {
    process.env.TABLE_PREFIX = `${prefix}${table.slice("Music".length)}`;
    const res = await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table: "Music" });
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.deep.equal({ message: "Table created", table: "Music" });
    expect(await tableItems(physical)).to.deep.equal([]);
    expect((await viaHeaders(deleteTable, "DELETE", TABLE_RESOURCE, { table: "Music" })).body).to.deep.equal({ message: "Table deleted", table: "Music" });
  });

  it("runs the document's console test event, which has no method or resource", async function () {
    const res = await call(createTable, { headers: { table } } as unknown as APIGatewayProxyEvent);
    expect(res.statusCode).to.equal(200);
    expect(res.body).to.deep.equal({ message: "Table created", table });
  });

  it("refuses physical, unknown and malformed table names and missing names with 400 stating the allowed pattern", async function () {
    for (const name of [physical, "Movies", "music", `${table}/x`, " ", "M".repeat(300), `Music${"x".repeat(250)}`]) {
      const outside = await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table: name });
      expect(outside.statusCode, name).to.equal(400);
      if (name.trim() === "") continue;
      expect(outside.body, name).to.include({ parameter: "table" });
      expect((outside.body as { pattern: string }).pattern).to.match(/^\^Music\[A-Za-z0-9_\.-\]\{0,\d+\}\$$/);
      expect((outside.body as { message: string }).message).to.contain((outside.body as { pattern: string }).pattern);
    }
    const missing = await viaHeaders(createTable, "PUT", TABLE_RESOURCE, {});
    expect(missing.statusCode).to.equal(400);
    expect(missing.body).to.include({ parameter: "table" });
    expect((await viaBody(createTable, "PUT", TABLE_RESOURCE, { table: 42 })).statusCode).to.equal(400);
    expect((await viaBody(createTable, "PUT", TABLE_RESOURCE, { table: "Musica/b" })).statusCode).to.equal(400);
  });

  it("prefers the JSON body over the query string over headers", async function () {
    const wrong = `Musicwrong-${table.slice(-8)}`;
    const res = await call(
      createTable,
      proxyEvent({ method: "PUT", resource: TABLE_RESOURCE, headers: { "content-type": "application/json", table: wrong }, query: { table: wrong }, body: JSON.stringify({ table }) }),
    );
    expect(res.body).to.include({ table });
    const res2 = await call(createTable, proxyEvent({ method: "PUT", resource: TABLE_RESOURCE, headers: { table: `${wrong}-h` }, query: { table: `${table}-q` } }));
    expect(res2.body).to.include({ table: `${table}-q` });
  });

  it("deletes a table, answering once it is gone, and answers 404 when it does not exist", async function () {
    await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table });
    expect((await viaHeaders(deleteTable, "DELETE", TABLE_RESOURCE, { table })).statusCode).to.equal(200);
    // Gone, not DELETING: DynamoDB answers DeleteTable on a DELETING table with success and
    // CreateTable with ResourceInUseException, so the answer waits for DescribeTable's 404.
    const { ddb } = await backends();
    const described = await ddb.send(new DescribeTableCommand({ TableName: physical })).catch((err: Error) => err);
    expect(described).to.be.instanceOf(Error).with.property("name", "ResourceNotFoundException");
    expect((await viaHeaders(deleteTable, "DELETE", TABLE_RESOURCE, { table })).statusCode).to.equal(404);
    expect((await viaHeaders(deleteTable, "DELETE", TABLE_RESOURCE, { table: physical })).statusCode).to.equal(400);
  });

  it("puts, gets, updates and deletes an item with the document's curl parameters", async function () {
    await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table });
    const key = { table, artist: "No One You Know", songtitle: "Call Me Today" };
    const put = await viaHeaders(handleItem, "PUT", ITEM_RESOURCE, { ...key, albumtitle: "Somewhat Famous" });
    expect(put.statusCode).to.equal(200);
    expect(put.body).to.include({ message: "Item added", table });
    const got = await viaHeaders(handleItem, "GET", ITEM_RESOURCE, key);
    expect(got.statusCode).to.equal(200);
    expect(got.body).to.deep.equal({ Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Somewhat Famous" });
    const updated = await viaHeaders(handleItem, "POST", ITEM_RESOURCE, { ...key, albumtitle: " Louder Than Ever" });
    expect(updated.statusCode).to.equal(200);
    expect((updated.body as { item: { AlbumTitle: string } }).item.AlbumTitle).to.equal("Louder Than Ever");
    expect((await viaHeaders(handleItem, "DELETE", ITEM_RESOURCE, key)).statusCode).to.equal(200);
    expect((await viaHeaders(handleItem, "GET", ITEM_RESOURCE, key)).statusCode).to.equal(404);
    expect((await viaHeaders(handleItem, "DELETE", ITEM_RESOURCE, key)).statusCode).to.equal(404);
    expect(await tableItems(physical)).to.deep.equal([]);
  });

  it("answers 404 for an update of a missing item without creating it, and for a missing table", async function () {
    await viaHeaders(createTable, "PUT", TABLE_RESOURCE, { table });
    const res = await viaBody(handleItem, "POST", ITEM_RESOURCE, { table, artist: "A", songtitle: "S", albumtitle: "X" });
    expect(res.statusCode).to.equal(404);
    expect(await tableItems(physical)).to.deep.equal([]);
    const missingTable = await viaQuery(handleItem, "GET", ITEM_RESOURCE, { table: "Musicabsent", artist: "A", songtitle: "S" });
    expect(missingTable.statusCode).to.equal(404);
    expect(missingTable.body).to.deep.equal({ message: "Table Musicabsent does not exist.", table: "Musicabsent" });
  });

  it("answers 400 naming each missing parameter", async function () {
    for (const [method, params, missing] of [
      ["GET", { table }, "artist"],
      ["GET", { table, artist: "A" }, "songtitle"],
      ["PUT", { table, artist: "A", songtitle: "S" }, "albumtitle"],
      ["POST", { table, artist: "A", songtitle: "S" }, "albumtitle"],
    ] as const) {
      const res = await viaQuery(handleItem, method, ITEM_RESOURCE, params);
      expect(res.statusCode, `${method} ${missing}`).to.equal(400);
      expect(res.body).to.include({ parameter: missing });
    }
    expect((await viaBody(handleItem, "GET", ITEM_RESOURCE, { table, artist: "A", songtitle: "S" }, { "Content-Type": "text/plain" })).statusCode).to.equal(415);
    expect((await call(handleItem, proxyEvent({ method: "GET", resource: ITEM_RESOURCE, headers: { "content-type": "application/json" }, body: "[1]" }))).statusCode).to.equal(400);
    expect((await call(handleItem, proxyEvent({ method: "PATCH", resource: ITEM_RESOURCE, headers: {} }))).statusCode).to.equal(405);
  });
});
