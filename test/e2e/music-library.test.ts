/**
 * music-library end to end: the real synthesized `DemoRESTAPI` served by the local gateway
 * over HTTP. Parameters come from the JSON body, the query string or headers, as the
 * document's curl commands send them.
 */
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, startApp, type RunningApp } from "./support/app";

describe("e2e: music-library (real stack over HTTP)", function () {
  let app: RunningApp;
  let api: ApiEndpoint;
  let key: string;
  let ddb: DynamoDBClient;
  const prefix = environment.services.musicLibrary.tablePrefix;
  // the logical name a request sends, and the environment's table it names
  const table = "MusicE2E";
  const physical = `${prefix}E2E`;
  const tableRoute = "/DemoResourceMusic/DemoResourceMusicTable";
  const itemRoute = "/DemoResourceMusic/DemoResourceMusicItem";

  const call = (method: string, route: string, options: { json?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const qs = options.query ? `?${new URLSearchParams(options.query).toString()}` : "";
    return fetch(`${api.url}${route}${qs}`, {
      method,
      headers: { "x-api-key": key, ...(options.json === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
  };

  before(async function () {
    app = await startApp();
    api = app.api("music-library", "Test");
    key = apiKey(api, "DemoApiKey");
    ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  });

  after(async function () {
    ddb?.destroy();
    await app?.close();
  });

  it("refuses a request without the key with 403 Forbidden", async function () {
    const res = await fetch(`${api.url}${tableRoute}`, { method: "PUT", headers: { table } });
    expect(res.status).to.equal(403);
    expect(await body(res)).to.deep.equal({ message: "Forbidden" });
  });

  it("creates a Music-shaped table under the configured prefix for the logical name (200), and answers 409 when it exists", async function () {
    const res = await call("PUT", tableRoute, { json: { table } });
    expect(res.status).to.equal(200);
    expect(await body(res)).to.deep.equal({ message: "Table created", table });
    const described = await ddb.send(new DescribeTableCommand({ TableName: physical }));
    expect(described.Table?.KeySchema).to.deep.equal([
      { AttributeName: "Artist", KeyType: "HASH" },
      { AttributeName: "SongTitle", KeyType: "RANGE" },
    ]);

    const again = await call("PUT", tableRoute, { headers: { table } });
    expect(again.status).to.equal(409);
    expect(JSON.stringify(await body(again))).to.include(table);
  });

  it("refuses a name that is not a logical Music table with 400 stating the pattern, creating nothing", async function () {
    const res = await call("PUT", tableRoute, { query: { table: "Movies" } });
    expect(res.status).to.equal(400);
    expect(await body(res)).to.include({ parameter: "table" });
    const missing = await ddb.send(new DescribeTableCommand({ TableName: "Movies" })).then(
      () => "exists",
      (err: Error) => err.name,
    );
    expect(missing).to.equal("ResourceNotFoundException");
  });

  it("puts (body), gets (query string), updates (headers) and deletes an item", async function () {
    const put = await call("PUT", itemRoute, { json: { table, artist: "No One You Know", songtitle: "Call Me Today", albumtitle: "Somewhat Famous" } });
    expect(put.status).to.equal(200);
    expect(await body(put)).to.deep.equal({ message: "Item added", table, item: { Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Somewhat Famous" } });

    const got = await call("GET", itemRoute, { query: { table, artist: "No One You Know", songtitle: "Call Me Today" } });
    expect(got.status).to.equal(200);
    expect(await body(got)).to.deep.equal({ Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Somewhat Famous" });

    // The document's curl form: every parameter as a header.
    const updated = await call("POST", itemRoute, { headers: { table, artist: "No One You Know", songtitle: "Call Me Today", albumtitle: "Louder Than Ever" } });
    expect(updated.status).to.equal(200);
    expect(await body(updated)).to.deep.equal({ message: "Item updated", table, item: { Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Louder Than Ever" } });

    // The body wins over the query string, which wins over headers.
    const mixed = await call("POST", itemRoute, {
      json: { songtitle: "Call Me Today" },
      query: { artist: "No One You Know", songtitle: "not this one" },
      headers: { table, artist: "not this one", albumtitle: "Third Time" },
    });
    expect(mixed.status).to.equal(200);
    expect(await body(mixed)).to.deep.equal({ message: "Item updated", table, item: { Artist: "No One You Know", SongTitle: "Call Me Today", AlbumTitle: "Third Time" } });
    const reread = await call("GET", itemRoute, { headers: { table, artist: "No One You Know", songtitle: "Call Me Today" } });
    expect(await body(reread)).to.include({ AlbumTitle: "Third Time" });

    const deleted = await call("DELETE", itemRoute, { query: { table, artist: "No One You Know", songtitle: "Call Me Today" } });
    expect(deleted.status).to.equal(200);
    expect(await body(deleted)).to.deep.equal({ message: "Item deleted", table, Artist: "No One You Know", SongTitle: "Call Me Today" });
    const gone = await call("GET", itemRoute, { query: { table, artist: "No One You Know", songtitle: "Call Me Today" } });
    expect(gone.status).to.equal(404);
  });

  it("answers 400 naming a missing parameter", async function () {
    for (const [missing, params] of [
      ["songtitle", { table, artist: "A" }],
      ["artist", { table, songtitle: "S" }],
      ["table", { artist: "A", songtitle: "S" }],
    ] as const) {
      const res = await call("GET", itemRoute, { query: params });
      expect(res.status, missing).to.equal(400);
      const answer = await body<{ message: string; parameter: string }>(res);
      expect(answer.parameter).to.equal(missing);
      expect(answer.message).to.include(`"${missing}"`);
    }
    const noAlbum = await call("PUT", itemRoute, { json: { table, artist: "A", songtitle: "S" } });
    expect(noAlbum.status).to.equal(400);
    expect(await body(noAlbum)).to.include({ parameter: "albumtitle" });
  });

  it("answers 404 for an item or a table that does not exist", async function () {
    const noItem = await call("POST", itemRoute, { json: { table, artist: "Nobody", songtitle: "Nothing", albumtitle: "X" } });
    expect(noItem.status).to.equal(404);
    const noTable = await call("DELETE", itemRoute, { json: { table: "MusicMissing", artist: "A", songtitle: "S" } });
    expect(noTable.status).to.equal(404);
    expect(await body(noTable)).to.deep.equal({ message: "Table MusicMissing does not exist.", table: "MusicMissing" });
    const deleteMissing = await call("DELETE", tableRoute, { json: { table: "MusicMissing" } });
    expect(deleteMissing.status).to.equal(404);
  });

  it("deletes the table, after which its items are 404", async function () {
    const res = await call("DELETE", tableRoute, { headers: { table } });
    expect(res.status).to.equal(200);
    expect(await body(res)).to.deep.equal({ message: "Table deleted", table });
    const after = await call("GET", itemRoute, { query: { table, artist: "A", songtitle: "S" } });
    expect(after.status).to.equal(404);
  });

  it("throttles the Test stage past its burst with 429 Too Many Requests", async function () {
    // rate 20, burst 40: 240 requests sent at once cannot all pass unless they take more than
    // (240 - 40) / 20 = 10 s to arrive (a loaded machine spreads them over a second or two).
    const responses = await Promise.all(Array.from({ length: 240 }, () => call("GET", itemRoute, { query: { table, artist: "A" } })));
    const results = await Promise.all(responses.map(async (res) => ({ status: res.status, body: await res.text() })));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length, results.map((r) => r.status).join(",")).to.be.greaterThan(0);
    for (const r of limited) expect(JSON.parse(r.body)).to.deep.equal({ message: "Too Many Requests" });
    for (const r of results.filter((x) => x.status !== 429)) expect(JSON.parse(r.body)).to.include({ parameter: "songtitle" });
  });
});
