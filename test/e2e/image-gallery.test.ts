/**
 * image-gallery end to end: the real synthesized stack served by the local gateway over
 * HTTP, with its Cognito authorizer (a token from endpoints.json), binary media types, the
 * images bucket in s3rver and presigned URLs that s3rver serves.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { accessLog, body, environment, eventually, s3Client, startApp, type RunningApp } from "./support/app";

/** A real PNG image (2×2 RGBA), built chunk by chunk. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed) >>> 0);
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0); // width
  header.writeUInt32BE(2, 4); // height
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  // rows: a filter byte (0) then 2 pixels of RGBA
  const pixels = Buffer.from([0, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 128]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

interface Picture {
  owner: string;
  filename: string;
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  url?: string;
}

describe("e2e: image-gallery (real stack over HTTP)", function () {
  let app: RunningApp;
  let api: ApiEndpoint;
  let token: string;
  const png = tinyPng();

  const upload = (filename: string, bytes: Buffer, contentType: string, headers: Record<string, string> = { Authorization: token }) =>
    fetch(`${api.url}/upload/${filename}`, { method: "POST", headers: { "content-type": contentType, ...headers }, body: bytes });

  before(async function () {
    app = await startApp();
    api = app.api("image-gallery", "prod");
    const tokens = Object.values(api.tokens);
    expect(tokens, "one ready token for the stage's Cognito authorizer").to.have.length(1);
    token = tokens[0]!;
  });

  after(async function () {
    await app?.close();
  });

  it("refuses a missing or invalid token with 401 Unauthorized, as the Cognito authorizer does", async function () {
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url")}.${s}`;
    const expired = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: 1 })).toString("base64url")}.${s}`;
    for (const headers of [{} as Record<string, string>, { Authorization: "not-a-jwt" }, { Authorization: forged }, { Authorization: expired }]) {
      const list = await fetch(`${api.url}/view-all`, { headers });
      expect(list.status, JSON.stringify(headers).slice(0, 40)).to.equal(401);
      expect(await body(list)).to.deep.equal({ message: "Unauthorized" });
      const up = await upload("refused.png", png, "image/png", headers);
      expect(up.status).to.equal(401);
    }
  });

  it("stores a binary PNG upload (201), refuses the same name again (409), and lists it with a presigned URL serving the same bytes", async function () {
    const res = await upload("pixel.png", png, "image/png");
    expect(res.status).to.equal(201);
    const saved = await body<Picture>(res);
    const sha256 = createHash("sha256").update(png).digest("hex");
    expect(saved).to.include({ filename: "pixel.png", contentType: "image/png", size: png.length, sha256 });
    const sub = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string }).sub;
    expect(saved.owner).to.equal(sub);
    expect(saved.key).to.equal(`${sub}/pixel.png`);

    const again = await upload("pixel.png", png, "image/png");
    expect(again.status).to.equal(409);

    const list = await fetch(`${api.url}/view-all`, { headers: { Authorization: token } });
    expect(list.status).to.equal(200);
    const page = await body<{ items: Picture[]; count: number }>(list);
    expect(page.count).to.equal(1);
    const listed = page.items[0]!;
    expect(listed).to.include({ filename: "pixel.png", key: saved.key, sha256 });
    expect(listed.url!.startsWith(`${app.endpoints.s3}/`), listed.url).to.equal(true);
    expect(listed.url).to.include("X-Amz-Signature=");

    const served = await fetch(listed.url!);
    expect(served.status).to.equal(200);
    expect(served.headers.get("content-type")).to.equal("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(png), "the presigned URL serves the uploaded bytes").to.equal(true);

    const bucket = app.gateway.model().functions.find((f) => f.functionName.endsWith("savePicture"))!.environment.BUCKET_NAME!;
    const object = await s3Client(app.endpoints).send(new GetObjectCommand({ Bucket: bucket, Key: saved.key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(png)).to.equal(true);
  });

  it("refuses bytes that are not the declared image type, and a type outside the binary media types", async function () {
    const text = Buffer.from("definitely not a png");
    const wrongBytes = await upload("fake.png", text, "image/png");
    expect(wrongBytes.status).to.equal(400);
    expect((await body<{ message: string }>(wrongBytes)).message).to.match(/not a recognised image/);
    const wrongType = await upload("note.png", png, "text/plain");
    expect(wrongType.status).to.equal(415);
    const mismatch = await upload("pixel.gif", png, "image/png");
    expect(mismatch.status).to.equal(400);
  });

  it("keeps CORS on cached GET /view-all answers: a request without Origin does not fill the web page's cache entry", async function () {
    const origin = environment.webOrigins[0]!;
    // 1. curl, a health check: no Origin. The answer is cached for 60 s.
    const bare = await fetch(`${api.url}/view-all?limit=7`, { headers: { Authorization: token } });
    expect(bare.status).to.equal(200);
    expect(bare.headers.get("access-control-allow-origin")).to.equal(null);
    // 2. the web page, same token and query: its own cache entry, with its origin allowed.
    const fromPage = await fetch(`${api.url}/view-all?limit=7`, { headers: { Authorization: token, Origin: origin } });
    expect(fromPage.status).to.equal(200);
    expect(fromPage.headers.get("access-control-allow-origin")).to.equal(origin);
    expect(fromPage.headers.get("vary")).to.match(/Origin/);
    // 3. the page again: from the cache (no integration), still with CORS.
    const cached = await fetch(`${api.url}/view-all?limit=7`, { headers: { Authorization: token, Origin: origin } });
    expect(cached.headers.get("access-control-allow-origin")).to.equal(origin);
    const id = cached.headers.get("x-amzn-requestid");
    await eventually(() => accessLog(app, "image-gallery", "prod").some((e) => e.requestId === id));
    expect(accessLog(app, "image-gallery", "prod").find((e) => e.requestId === id)?.integrationLatency, "a cache hit").to.equal("-");
    // 4. another page's origin is not allowed, cached or not.
    const foreign = await fetch(`${api.url}/view-all?limit=7`, { headers: { Authorization: token, Origin: "https://evil.example" } });
    expect(foreign.headers.get("access-control-allow-origin")).to.equal(null);
  });
});
