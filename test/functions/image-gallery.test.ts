import { expect } from "chai";
import { DeleteBucketCommand } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, bucketKeys, createBucket, tableItems, uniqueName, isolateEnv } from "../support/backends.js";
import { parseResponse, proxyEvent } from "../support/events.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("fake png body")]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("jfif")]);
const GIF = Buffer.from("GIF89a....");
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([1, 0, 0, 0]), Buffer.from("WEBPVP8 ")]);
const ALICE = "11111111-aaaa-4aaa-8aaa-111111111111";
const BOB = "22222222-bbbb-4bbb-8bbb-222222222222";

describe("image-gallery handlers (savePicture, scan_lambda)", function () {
  isolateEnv();

  let savePicture: Handler;
  let scan: Handler;
  let table: string;
  let bucket: string;

  const call = async (h: Handler, e: APIGatewayProxyEvent) => parseResponse(await h(e));
  const upload = (filename: string, bytes: Buffer, contentType: string, sub: string | null = ALICE) =>
    call(
      savePicture,
      proxyEvent({
        method: "POST",
        resource: "/upload/{filename}",
        pathParameters: { filename },
        headers: { "Content-Type": contentType },
        body: bytes.toString("base64"),
        isBase64Encoded: true,
        ...(sub === null ? {} : { claims: { sub } }),
      }),
    );
  const viewAll = (sub: string, query: Record<string, string> = {}) =>
    call(scan, proxyEvent({ method: "GET", resource: "/view-all", query, headers: {}, claims: { sub } }));

  before(async function () {
    await backends();
    savePicture = (await import("../../functions/save-picture/index.js")).handler as Handler;
    scan = (await import("../../functions/scan-lambda/index.js")).handler as Handler;
  });

  beforeEach(async function () {
    table = await createServiceTable("image-gallery", "PictureMetadata");
    bucket = await createBucket(uniqueName("images"));
    process.env.TABLE_NAME = table;
    process.env.BUCKET_NAME = bucket;
    process.env.MAX_UPLOAD_BYTES = "1024";
  });

  it("stores each accepted image type under the caller's prefix with its metadata", async function () {
    for (const [name, bytes, type] of [
      ["cat.png", PNG, "image/png"],
      ["dog.JPG", JPEG, "image/jpeg"],
      ["anim.gif", GIF, "image/gif"],
      ["pic.webp", WEBP, "image/webp"],
    ] as const) {
      const res = await upload(name, bytes, type);
      expect(res.statusCode, name).to.equal(201);
      expect(res.body).to.include({ owner: ALICE, filename: name, key: `${ALICE}/${name}`, contentType: type, size: bytes.length });
    }
    expect(await bucketKeys(bucket)).to.deep.equal([`${ALICE}/anim.gif`, `${ALICE}/cat.png`, `${ALICE}/dog.JPG`, `${ALICE}/pic.webp`]);
    expect(await tableItems(table)).to.have.length(4);
  });

  it("answers 409 when the caller reuses a name, but another caller may use it", async function () {
    expect((await upload("cat.png", PNG, "image/png")).statusCode).to.equal(201);
    expect((await upload("cat.png", PNG, "image/png")).statusCode).to.equal(409);
    expect((await upload("cat.png", PNG, "image/png", BOB)).statusCode).to.equal(201);
    expect(await bucketKeys(bucket)).to.deep.equal([`${ALICE}/cat.png`, `${BOB}/cat.png`]);
  });

  const rejected: Array<[string, string, Buffer, string, number]> = [
    ["a traversal filename", "..png", PNG, "image/png", 400],
    ["a filename with a slash", "a/b.png", PNG, "image/png", 400],
    ["a filename starting with a dot", ".hidden.png", PNG, "image/png", 400],
    ["a disallowed extension", "evil.svg", PNG, "image/png", 400],
    ["a non-image content type", "cat.png", PNG, "text/html", 415],
    ["a content type that does not match the extension", "cat.png", PNG, "image/jpeg", 400],
    ["bytes that are not the declared type", "cat.png", JPEG, "image/png", 400],
    ["bytes that are no image", "cat.png", Buffer.from("<script>"), "image/png", 400],
    ["an empty body", "cat.png", Buffer.alloc(0), "image/png", 400],
    ["an image over MAX_UPLOAD_BYTES", "big.png", Buffer.concat([PNG, Buffer.alloc(2000)]), "image/png", 413],
  ];
  for (const [what, name, bytes, type, status] of rejected) {
    it(`answers ${status} for ${what} and writes nothing`, async function () {
      const res = await upload(name, bytes, type);
      expect(res.statusCode).to.equal(status);
      expect((res.body as { message: string }).message).to.be.a("string").with.length.above(0);
      expect(await bucketKeys(bucket)).to.deep.equal([]);
      expect(await tableItems(table)).to.deep.equal([]);
    });
  }

  it("answers 401 without a Cognito caller", async function () {
    expect((await upload("cat.png", PNG, "image/png", null)).statusCode).to.equal(401);
    expect((await upload("cat.png", PNG, "image/png", "../../etc")).statusCode).to.equal(401);
  });

  it("removes the metadata when the image cannot be stored", async function () {
    const { s3c } = await backends();
    const gone = await createBucket(uniqueName("gone"));
    await s3c.send(new DeleteBucketCommand({ Bucket: gone }));
    process.env.BUCKET_NAME = gone;
    const res = await upload("cat.png", PNG, "image/png");
    expect(res.statusCode).to.equal(500);
    expect(await tableItems(table)).to.deep.equal([]);
    process.env.BUCKET_NAME = bucket;
    expect((await upload("cat.png", PNG, "image/png")).statusCode).to.equal(201);
  });

  it("lists only the caller's pictures, paginated, with presigned URLs that fetch the image", async function () {
    for (let i = 0; i < 5; i += 1) await upload(`p${i}.png`, PNG, "image/png");
    await upload("bob.png", PNG, "image/png", BOB);
    const names: string[] = [];
    let token: string | undefined;
    let firstUrl: string | undefined;
    do {
      const res = await viewAll(ALICE, { limit: "2", ...(token ? { nextToken: token } : {}) });
      expect(res.statusCode).to.equal(200);
      const body = res.body as { items: Array<{ filename: string; url: string; owner: string }>; nextToken?: string };
      for (const item of body.items) {
        expect(item.owner).to.equal(ALICE);
        expect(item.url).to.contain("X-Amz-Signature=").and.contain("X-Amz-Expires=300");
        firstUrl ??= item.url;
      }
      names.push(...body.items.map((i) => i.filename));
      token = body.nextToken;
    } while (token);
    expect(names.sort()).to.deep.equal(["p0.png", "p1.png", "p2.png", "p3.png", "p4.png"]);
    const fetched = Buffer.from(await (await fetch(firstUrl!)).arrayBuffer());
    expect(fetched.equals(PNG)).to.equal(true);
  });

  it("refuses another caller's token and bad limits with 400", async function () {
    for (let i = 0; i < 3; i += 1) await upload(`p${i}.png`, PNG, "image/png");
    const token = ((await viewAll(ALICE, { limit: "1" })).body as { nextToken: string }).nextToken;
    expect((await viewAll(BOB, { nextToken: token })).statusCode).to.equal(400);
    expect((await viewAll(ALICE, { limit: "-1" })).statusCode).to.equal(400);
    expect((await viewAll(ALICE, { nextToken: "zzz" })).statusCode).to.equal(400);
  });
});
