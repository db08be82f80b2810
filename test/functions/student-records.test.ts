import { expect } from "chai";
import { BatchWriteItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { CreateMultipartUploadCommand, AbortMultipartUploadCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, bucketKeys, createBucket, objectText, openUploads, tableItems, uniqueName, isolateEnv } from "../support/backends.js";
import { JSON_HEADERS, parseResponse, proxyEvent } from "../support/events.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;

const ORIGIN = "https://app.example.com";
const SENDER = "no-reply@system.edu.vn";
const ADMIN = "admin@system.edu.vn";

function student(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { studentid: id, name: `Student ${id}`, class: "12A1", birthdate: "2007-05-14", email: `${id}@school.example`, ...overrides };
}

describe("student-records handlers", function () {
  isolateEnv();

  let getStudentData: Handler;
  let insertStudentData: Handler;
  let table: string;
  let bucket: string;

  const call = async (h: Handler, e: APIGatewayProxyEvent) => parseResponse(await h(e));
  const post = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
    call(insertStudentData, proxyEvent({ method: "POST", resource: "/students", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
  const put = (id: string, body: unknown) =>
    call(insertStudentData, proxyEvent({ method: "PUT", resource: "/students/{studentid}", pathParameters: { studentid: id }, headers: JSON_HEADERS, body: JSON.stringify(body) }));
  const del = (id: string, query?: Record<string, string>) =>
    call(insertStudentData, proxyEvent({ method: "DELETE", resource: "/students/{studentid}", pathParameters: { studentid: id }, headers: JSON_HEADERS, query }));
  const getOne = (id: string) =>
    call(getStudentData, proxyEvent({ method: "GET", resource: "/students/{studentid}", pathParameters: { studentid: id }, headers: JSON_HEADERS }));
  const list = (query: Record<string, string> = {}) =>
    call(getStudentData, proxyEvent({ method: "GET", resource: "/students", query, headers: JSON_HEADERS }));

  before(async function () {
    const b = await backends();
    b.identities.add(SENDER);
    process.env.ALLOWED_ORIGINS = ORIGIN;
    getStudentData = (await import("../../functions/get-student-data/index.js")).handler as Handler;
    insertStudentData = (await import("../../functions/insert-student-data/index.js")).handler as Handler;
  });

  beforeEach(async function () {
    table = await createServiceTable("student-records", "studentData");
    bucket = await createBucket(uniqueName("student-backup"));
    process.env.TABLE_NAME = table;
    process.env.BUCKET_NAME = bucket;
    process.env.SENDER_EMAIL = SENDER;
    process.env.ADMIN_EMAIL = ADMIN;
    process.env.ALLOWED_ORIGINS = ORIGIN;
  });

  describe("POST /students", function () {
    it("creates a student with version 1 and echoes an allowed origin", async function () {
      const res = await post(student("s1"));
      expect(res.statusCode).to.equal(201);
      expect(res.body).to.include({ studentid: "s1", version: 1, birthdate: "2007-05-14" });
      expect(res.headers["Access-Control-Allow-Origin"]).to.equal(ORIGIN);
      expect(res.headers.Location).to.equal("/students/s1");
      expect((await getOne("s1")).body).to.deep.equal(res.body);
    });

    it("does not echo an origin that is not allowed", async function () {
      const res = await post(student("s1"), { "content-type": "application/json", origin: "https://evil.example" });
      expect(res.statusCode).to.equal(201);
      expect(res.headers).not.to.have.property("Access-Control-Allow-Origin");
    });

    it("answers 409 when the id exists and keeps the first record", async function () {
      expect((await post(student("s1"))).statusCode).to.equal(201);
      const res = await post(student("s1", { name: "Other" }));
      expect(res.statusCode).to.equal(409);
      expect((res.body as { message: string }).message).to.match(/already exists/);
      expect(((await getOne("s1")).body as { name: string }).name).to.equal("Student s1");
    });

    const invalid: Array<[string, unknown, RegExp]> = [
      ["a birthdate that is not a date", student("s2", { birthdate: "2007-02-30" }), /birthdate/],
      ["a missing name", { studentid: "s2", class: "1", birthdate: "2007-01-01", email: "a@b.co" }, /name/],
      ["an unknown property", student("s2", { admin: true }), /unknown property "admin"/],
      ["an invalid email", student("s2", { email: "not-an-email" }), /email/],
      ["an id with a slash", student("../x"), /studentid/],
      ["an array", [student("s2")], /object/],
    ];
    for (const [what, body, message] of invalid) {
      it(`answers 400 naming the problem for ${what}, writing nothing`, async function () {
        const res = await post(body);
        expect(res.statusCode).to.equal(400);
        expect((res.body as { message: string }).message).to.match(message);
        expect(await tableItems(table)).to.deep.equal([]);
      });
    }

    it("answers 415 for a non-JSON content type, 400 for malformed JSON and for __proto__ at any depth, 413 when too large", async function () {
      expect((await post(student("s3"), { "content-type": "text/plain" })).statusCode).to.equal(415);
      expect((await post("{\"studentid\":", JSON_HEADERS)).statusCode).to.equal(400);
      const proto = await post('{"studentid":"s3","x":{"y":[{"__proto__":{"admin":true}}]}}');
      expect(proto.statusCode).to.equal(400);
      expect((proto.body as { message: string }).message).to.match(/__proto__/);
      expect((await post(JSON.stringify({ constructor: { prototype: {} } }))).statusCode).to.equal(400);
      expect((await post(student("s3", { name: "x".repeat(70000) }))).statusCode).to.equal(413);
      expect((await post(null as unknown as string)).statusCode).to.equal(400);
      expect(await tableItems(table)).to.deep.equal([]);
    });

    it("accepts a base64-encoded body", async function () {
      const res = await call(
        insertStudentData,
        proxyEvent({
          method: "POST",
          resource: "/students",
          headers: JSON_HEADERS,
          body: Buffer.from(JSON.stringify(student("b64"))).toString("base64"),
          isBase64Encoded: true,
        }),
      );
      expect(res.statusCode).to.equal(201);
      expect(res.body).to.include({ studentid: "b64" });
    });
  });

  describe("GET /students", function () {
    it("answers 404 for a missing student and 400 for an invalid id", async function () {
      expect((await getOne("nobody")).statusCode).to.equal(404);
      expect((await getOne("a b")).statusCode).to.equal(400);
    });

    it("pages through every student with limit and nextToken", async function () {
      for (let i = 0; i < 7; i += 1) expect((await post(student(`p${i}`))).statusCode).to.equal(201);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await list({ limit: "3", ...(token ? { nextToken: token } : {}) });
        expect(res.statusCode).to.equal(200);
        const body = res.body as { items: Array<{ studentid: string }>; nextToken?: string };
        expect(body.items.length).to.be.at.most(3);
        seen.push(...body.items.map((s) => s.studentid));
        token = body.nextToken;
        pages += 1;
      } while (token);
      expect(pages).to.be.at.least(3);
      expect(seen.sort()).to.deep.equal(["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
    });

    it("answers 400 for a tampered token or a bad limit", async function () {
      const forged = Buffer.from(JSON.stringify({ v: 1, k: { studentid: { S: "x" } } })).toString("base64url");
      const queries: Record<string, string>[] = [{ nextToken: forged }, { nextToken: "!!" }, { nextToken: Buffer.from('{"v":1,"k":{"other":"x"}}').toString("base64url") }, { limit: "0" }, { limit: "abc" }, { limit: "101" }];
      for (const query of queries) {
        const res = await list(query);
        expect(res.statusCode, JSON.stringify(query)).to.equal(400);
      }
    });

    it("rejects a token that was not signed when PAGINATION_SECRET is set", async function () {
      for (let i = 0; i < 3; i += 1) await post(student(`h${i}`));
      process.env.PAGINATION_SECRET = "test-secret";
      try {
        const first = await list({ limit: "1" });
        const token = (first.body as { nextToken: string }).nextToken;
        expect(token).to.contain(".");
        expect((await list({ limit: "1", nextToken: token })).statusCode).to.equal(200);
        const [payload] = token.split(".");
        expect((await list({ nextToken: payload! })).statusCode).to.equal(400);
        expect((await list({ nextToken: `${payload}.AAAA` })).statusCode).to.equal(400);
      } finally {
        delete process.env.PAGINATION_SECRET;
      }
    });
  });

  describe("PUT and DELETE /students/{studentid}", function () {
    it("updates with the current version and refuses a stale one with 409", async function () {
      await post(student("u1"));
      const ok = await put("u1", { ...student("u1", { name: "Renamed" }), studentid: undefined, version: 1 });
      expect(ok.statusCode).to.equal(200);
      expect(ok.body).to.include({ name: "Renamed", version: 2 });
      const stale = await put("u1", { name: "Again", class: "x", birthdate: "2001-01-01", email: "a@b.co", version: 1 });
      expect(stale.statusCode).to.equal(409);
      expect(stale.body).to.include({ currentVersion: 2 });
      expect(((await getOne("u1")).body as { name: string }).name).to.equal("Renamed");
    });

    it("answers 404 for a PUT on a missing id and writes nothing", async function () {
      const res = await put("ghost", { name: "G", class: "x", birthdate: "2001-01-01", email: "a@b.co", version: 1 });
      expect(res.statusCode).to.equal(404);
      expect(await tableItems(table)).to.deep.equal([]);
    });

    it("lets exactly one of N parallel updates with the same version win", async function () {
      await post(student("race"));
      const n = 12;
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => put("race", { name: `Writer ${i}`, class: "x", birthdate: "2001-01-01", email: "a@b.co", version: 1 })),
      );
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 200)).to.have.length(1);
      expect(codes.filter((c) => c === 409)).to.have.length(n - 1);
      const winner = results.find((r) => r.statusCode === 200)!.body as { name: string };
      const stored = (await getOne("race")).body as { name: string; version: number };
      expect(stored).to.include({ name: winner.name, version: 2 });
    });

    it("deletes an existing student and answers 404 the second time", async function () {
      await post(student("d1"));
      expect((await del("d1")).statusCode).to.equal(200);
      expect((await del("d1")).statusCode).to.equal(404);
      expect((await getOne("d1")).statusCode).to.equal(404);
    });

    it("honours ?version= on DELETE", async function () {
      await post(student("d2"));
      expect((await del("d2", { version: "7" })).statusCode).to.equal(409);
      expect((await del("d2", { version: "x" })).statusCode).to.equal(400);
      expect((await del("d2", { version: "1" })).statusCode).to.equal(200);
    });

    it("answers 405 with Allow for a method the route does not serve, and 404 for a resource it does not serve (the router's answers)", async function () {
      const res = await call(insertStudentData, proxyEvent({ method: "PATCH", resource: "/students/{studentid}", pathParameters: { studentid: "x" }, headers: JSON_HEADERS }));
      expect(res.statusCode).to.equal(405);
      expect(res.headers.Allow).to.equal("PUT, DELETE");
      const getOnPost = await call(insertStudentData, proxyEvent({ method: "GET", resource: "/students", headers: JSON_HEADERS }));
      expect(getOnPost.statusCode).to.equal(405);
      expect(getOnPost.headers.Allow).to.equal("POST");
      const postOnGet = await call(getStudentData, proxyEvent({ method: "POST", resource: "/students", headers: JSON_HEADERS, body: "{}" }));
      expect(postOnGet.statusCode).to.equal(405);
      expect(postOnGet.headers.Allow).to.equal("GET");
      for (const h of [getStudentData, insertStudentData]) {
        const unknown = await call(h, proxyEvent({ method: "GET", resource: "/backup", headers: JSON_HEADERS }));
        expect(unknown.statusCode).to.equal(404);
        expect(unknown.body).to.deep.equal({ message: "No route for /backup." });
      }
      expect(await tableItems(table)).to.deep.equal([]);
    });
  });

  describe("backup failure injection", function () {
    /** `batches` × 25 items of 60 KiB each (6 batches: about 8.8 MiB, so a backup needs two parts). */
    async function fillBig(batches: number): Promise<void> {
      const { ddb } = await backends();
      const pad = "x".repeat(60 * 1024);
      const writes: Promise<unknown>[] = [];
      for (let batch = 0; batch < batches; batch += 1) {
        const RequestItems = {
          [table]: Array.from({ length: 25 }, (_, i) => ({
            PutRequest: { Item: { studentid: { S: `big${batch}-${i}` }, pad: { S: pad } } as Record<string, AttributeValue> },
          })),
        };
        writes.push(ddb.send(new BatchWriteItemCommand({ RequestItems })));
      }
      await Promise.all(writes);
    }

    it("lists and aborts multipart uploads on the local S3", async function () {
      const { s3c } = await backends();
      const { UploadId } = await s3c.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "backups/open.json" }));
      expect(await openUploads(bucket)).to.deep.equal([`backups/open.json#${UploadId}`]);
      await s3c.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "backups/open.json", UploadId }));
      expect(await openUploads(bucket)).to.deep.equal([]);
    });

    it("a failing UploadPart leaves no object and no open multipart upload", async function () {
      this.timeout(120000);
      const { ddb, s3 } = await backends();
      await fillBig(6);
      const { backupTable, BackupFailed } = await import("../../functions/backup-students/backup.js");
      const failing = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
      let parts = 0;
      failing.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "UploadPartCommand") {
            parts += 1;
            if ((args.input as { PartNumber?: number }).PartNumber === 2) throw new Error("injected UploadPart failure");
          }
          return next(args);
        },
        { step: "initialize", name: "injectFailure" },
      );
      let error: unknown;
      try {
        await backupTable({ dynamodb: ddb, s3: failing, table, bucket, key: "backups/students-20250101-000000.json", segments: 2 });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(BackupFailed);
      expect(parts).to.be.at.least(2);
      expect(await bucketKeys(bucket)).to.deep.equal([]);
      expect(await openUploads(bucket)).to.deep.equal([]);
    });

    it("two multipart backups racing for one key: one completes, the other gets BackupConflict and leaves no upload open", async function () {
      this.timeout(120000);
      const { ddb, s3 } = await backends();
      await fillBig(6);
      const { backupTable, BackupConflict } = await import("../../functions/backup-students/backup.js");
      const key = "backups/students-20310304-050609.json";
      const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
      const held: Array<() => void> = [];
      let parts = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "UploadPartCommand") parts += 1;
          if (context.commandName === "CompleteMultipartUploadCommand") {
            await new Promise<void>((resolve) => {
              held.push(resolve);
              if (held.length === 2) for (const go of held) go();
            });
          }
          return next(args);
        },
        { step: "initialize", name: "holdCompletesUntilBothArrive" },
      );
      const results = await Promise.allSettled([0, 1].map(() => backupTable({ dynamodb: ddb, s3: client, table, bucket, key })));
      expect(parts).to.be.at.least(4);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected");
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect((lost[0] as PromiseRejectedResult).reason).to.be.instanceOf(BackupConflict);
      expect(await bucketKeys(bucket)).to.deep.equal([key, key.replace(/\.json$/, ".manifest.json")].sort());
      expect(await openUploads(bucket)).to.deep.equal([]);
      const winner = (won[0] as PromiseFulfilledResult<{ sha256: string; bytes: number; backupId: string; count: number }>).value;
      expect(winner.count).to.equal(150);
      const { s3c } = await backends();
      const text = await objectText(bucket, key);
      const manifest = JSON.parse(await objectText(bucket, key.replace(/\.json$/, ".manifest.json"))) as { sha256: string; bytes: number; backupId: string };
      expect(manifest).to.include({ sha256: winner.sha256, bytes: winner.bytes, backupId: winner.backupId });
      expect(createHash("sha256").update(text).digest("hex")).to.equal(manifest.sha256);
      const head = await s3c.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.Metadata?.["backup-id"]).to.equal(winner.backupId);
    });

    it("a scan that fails mid-stream leaves nothing in the bucket", async function () {
      const { ddb, s3c } = await backends();
      const { backupTable, BackupFailed } = await import("../../functions/backup-students/backup.js");
      let error: unknown;
      try {
        await backupTable({ dynamodb: ddb, s3: s3c, table: "no-such-table", bucket, key: "backups/students-20250101-000001.json" });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(BackupFailed);
      expect(await bucketKeys(bucket)).to.deep.equal([]);
      expect(await openUploads(bucket)).to.deep.equal([]);
    });
  });
});
