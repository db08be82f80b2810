/**
 * Property-based tests: for every proxy route, NUM_RUNS (10,000) generated events per
 * handler; every response is a well-formed proxy response below 500, and a 4xx wrote
 * nothing (see test/support/properties.ts). Each property also asserts that both accepted
 * and rejected requests occurred, so it cannot pass vacuously.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, createBucket, uniqueName, isolateEnv } from "../support/backends.js";
import { JSON_HEADERS, parseResponse, proxyEvent } from "../support/events.js";
import { bodyArb, checkHandler, count, eventArb, headersArb, NUM_RUNS } from "../support/properties.js";
import { BACKUP_WORKER, RESTORE_WORKER, startBackupJobs } from "../support/backup-jobs.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;

const methods = (...allowed: string[]) =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get") });
const text = (max: number) => fc.string({ minLength: 0, maxLength: max });
/** Mostly valid values, sometimes invalid ones. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const names = mostly(fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}$/), fc.oneof(fc.constant(""), text(10), fc.integer(), fc.constant("n".repeat(201))));
const dates = mostly(fc.constantFrom("2007-05-14", "2000-02-29"), fc.constantFrom("2001-02-29", "1999-13-01", "07/05/2007", "", "2007-05-14T00:00:00Z"));
const emails = mostly(fc.constantFrom("a@b.co", "student@school.example"), fc.constantFrom("not-an-email", "", "a@", "x".repeat(300) + "@b.co"));
/** At least this share of the runs. */
const atLeast = (share: number) => Math.max(1, Math.floor(NUM_RUNS * share));
const ids = (valid: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) });
const limitQuery = fc.option(
  fc.record({ limit: fc.constantFrom("1", "2", "50", "0", "-1", "abc", "101", "1e2", ""), nextToken: fc.constantFrom("", "abc", "!!", "eyJ2IjoxLCJrIjp7fX0", "eyJ2IjoxLCJrIjp7ImlkIjoiYSJ9fQ") }, { requiredKeys: [] }),
  { nil: null },
);
const timeout = 10 * 60 * 1000;

describe(`handler properties (${NUM_RUNS} events per handler)`, function () {
  isolateEnv();

  this.timeout(timeout);

  before(async function () {
    await backends();
    process.env.ALLOWED_ORIGINS = "https://app.example.com";
  });

  describe("student-records", function () {
    let jobs: ReturnType<typeof startBackupJobs> | undefined;
    /** The backup and restore workers behind the local Lambda API, started once for the backup and restore tests. */
    const backupJobs = () =>
      (jobs ??= import("../../functions/restore-students-worker/index.js").then(({ createRestoreWorker }) => {
        const worker = createRestoreWorker();
        return startBackupJobs({ [RESTORE_WORKER]: { handler: (e, ctx) => worker(e, ctx) } });
      }));
    after(async function () {
      if (jobs) await (await jobs).lambda.api.close();
    });
    const studentIds = ["s1", "s2", "s3", "s4"];
    const studentBody = fc.record(
      { studentid: ids(studentIds), name: names, class: names, birthdate: dates, email: emails },
      { requiredKeys: ["studentid", "name", "class", "birthdate", "email"] },
    );
    const updateBody = fc.record({ name: names, class: names, birthdate: dates, email: emails, version: mostly(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, -1, 1.5, "1")) });

    beforeEach(async function () {
      process.env.TABLE_NAME = await createServiceTable("student-records", "studentData");
      process.env.BUCKET_NAME = await createBucket(uniqueName("student-backup"));
      process.env.SENDER_EMAIL = "no-reply@system.edu.vn";
      process.env.ADMIN_EMAIL = "admin@system.edu.vn";
      (await backends()).identities.add("no-reply@system.edu.vn");
    });

    it("insertStudentData: POST /students, PUT and DELETE /students/{studentid}", async function () {
      const { handler } = (await import("../../functions/insert-student-data/index.js")) as { handler: Handler };
      const create = eventArb({ methods: methods("POST"), resource: "/students", body: bodyArb(studentBody) });
      const change = eventArb({
        methods: methods("PUT", "DELETE"),
        resource: "/students/{studentid}",
        pathParameters: fc.oneof({ weight: 5, arbitrary: ids(studentIds).map((studentid) => ({ studentid })) }, { weight: 1, arbitrary: fc.constant(null) }),
        query: fc.option(fc.record({ version: fc.constantFrom("1", "2", "0", "x") }), { nil: null }),
        body: bodyArb(updateBody),
      });
      const histogram = await checkHandler(handler, fc.oneof(create, change));
      expect(count(histogram, (s) => s < 300)).to.be.at.least(atLeast(0.01));
      expect(count(histogram, (s) => s === 400)).to.be.at.least(atLeast(0.01));
      expect(histogram[409] ?? 0).to.be.greaterThan(0);
    });

    it("getStudentData: GET /students and GET /students/{studentid}", async function () {
      const { handler: insert } = (await import("../../functions/insert-student-data/index.js")) as { handler: Handler };
      for (const studentid of ["s1", "s2", "s3"]) {
        await insert(proxyEvent({ method: "POST", resource: "/students", headers: JSON_HEADERS, body: JSON.stringify({ studentid, name: "n", class: "c", birthdate: "2000-01-01", email: "a@b.co" }) }));
      }
      const { handler } = (await import("../../functions/get-student-data/index.js")) as { handler: Handler };
      const events = fc.oneof(
        eventArb({ methods: methods("GET"), resource: "/students", query: limitQuery, body: bodyArb(fc.constant({})) }),
        eventArb({ methods: methods("GET"), resource: "/students/{studentid}", pathParameters: ids(studentIds).map((studentid) => ({ studentid })), body: bodyArb(fc.constant({})) }),
      );
      const histogram = await checkHandler(handler, events);
      expect(histogram[200] ?? 0).to.be.at.least(atLeast(0.01));
      expect(histogram[404] ?? 0).to.be.greaterThan(0);
      expect(histogram[400] ?? 0).to.be.greaterThan(0);
    });

    it("BackupDynamoDBAndSendEmail: POST /backup", async function () {
      const { lambda } = await backupJobs();
      const { handler } = (await import("../../functions/backup-students/index.js")) as { handler: Handler };
      // Accepted bodies are rare on purpose: each accepted request runs a whole backup.
      const body = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom({ body: null, isBase64Encoded: false }, { body: "{}", isBase64Encoded: false }) },
        { weight: 150, arbitrary: bodyArb(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 })) },
      );
      // The job's own writes belong to the request that started it: wait for it before the next one.
      const startAndFinish: Handler = async (event) => {
        const result = await handler(event);
        await lambda.api.idle();
        return result;
      };
      const histogram = await checkHandler(startAndFinish, eventArb({ methods: methods("POST"), resource: "/backup", body }));
      // Accepted requests start a job (202); more than one in the same second is a 409.
      expect(histogram[202] ?? 0).to.be.greaterThan(0);
      expect(count(histogram, (s) => s >= 400)).to.be.at.least(atLeast(0.1));
    });

    it("restoreStudentData: POST /restore, GET /restores, GET /restores/{restoreId}", async function () {
      const { lambda, jobsTable } = await backupJobs();
      await new Promise((r) => setTimeout(r, 1000)); // a new second: backup ids have one-second resolution
      Object.assign(process.env, { JOBS_TABLE: jobsTable, WORKER_FUNCTION: BACKUP_WORKER });
      const { handler: backup } = (await import("../../functions/backup-students/index.js")) as { handler: Handler };
      const made = parseResponse(await backup(proxyEvent({ method: "POST", resource: "/backup", headers: JSON_HEADERS })));
      expect(made.statusCode).to.equal(202);
      await lambda.api.idle();
      const key = (made.body as { key: string }).key;
      Object.assign(process.env, { JOBS_TABLE: await createServiceTable("student-records", "restoreJobs"), WORKER_FUNCTION: RESTORE_WORKER });
      const { handler: restore } = (await import("../../functions/restore-students/index.js")) as { handler: Handler };
      // The job's own writes belong to the request that started it: wait for it before the next one.
      const handler: Handler = async (event) => {
        const result = await restore(event);
        await lambda.api.idle();
        return result;
      };
      const restoreBody = fc.record(
        {
          key: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(key, "backups/students-19990101-000000.json", "../etc/passwd", "backups/../x.json", "backups/x.manifest.json") }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
          mode: fc.constantFrom("skip", "overwrite", "merge", ""),
        },
        { requiredKeys: ["key"] },
      );
      const restoreIds = fc.oneof(fc.constantFrom("restore-20300101-000000-0a1b2c3d", "restore-1-2-3", "../x", ""), fc.string({ maxLength: 40 }));
      const events = fc.oneof(
        { weight: 4, arbitrary: eventArb({ methods: methods("POST"), resource: "/restore", body: bodyArb(restoreBody) }) },
        { weight: 1, arbitrary: eventArb({ methods: methods("GET"), resource: "/restores", query: limitQuery, body: bodyArb(fc.constant({})) }) },
        { weight: 1, arbitrary: eventArb({ methods: methods("GET"), resource: "/restores/{restoreId}", pathParameters: restoreIds.map((restoreId) => ({ restoreId })), body: bodyArb(fc.constant({})) }) },
      );
      const histogram = await checkHandler(handler, events);
      // Accepted requests start a job (202); the worker runs it before the next event.
      expect(histogram[202] ?? 0).to.be.at.least(atLeast(0.001));
      expect(histogram[200] ?? 0, "GET /restores listed jobs").to.be.greaterThan(0);
      expect(histogram[404] ?? 0).to.be.greaterThan(0);
      expect(histogram[400] ?? 0).to.be.at.least(atLeast(0.01));
    });
  });

  describe("todos", function () {
    it("todo-api-handler: GET/POST /todos, GET/PUT/DELETE /todos/{id}", async function () {
      process.env.TABLE_NAME = await createServiceTable("todos", "TodoItems");
      const { handler } = (await import("../../functions/todos/index.js")) as { handler: Handler };
      const known: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = parseResponse(await handler(proxyEvent({ method: "POST", resource: "/todos", headers: JSON_HEADERS, body: JSON.stringify({ title: `t${i}` }) })));
        known.push((res.body as { id: string }).id);
      }
      known.push("00000000-0000-4000-8000-000000000000");
      const fields = { title: mostly(fc.stringMatching(/^[a-z]{1,10}$/), fc.oneof(text(3), fc.constant("t".repeat(201)), fc.integer())), description: mostly(text(20), fc.constant("d".repeat(2001))), completed: mostly(fc.boolean(), fc.constantFrom("true", 1)) };
      const create = fc.record(fields, { requiredKeys: [] });
      const update = fc.record({ ...fields, version: fc.integer({ min: 0, max: 4 }) }, { requiredKeys: ["version"] });
      const events = fc.oneof(
        eventArb({ methods: methods("GET", "POST"), resource: "/todos", query: limitQuery, body: bodyArb(create) }),
        eventArb({ methods: methods("GET", "PUT", "DELETE"), resource: "/todos/{id}", pathParameters: ids(known).map((id) => ({ id })), body: bodyArb(update) }),
      );
      const histogram = await checkHandler(handler, events);
      expect(count(histogram, (s) => s < 300)).to.be.at.least(atLeast(0.01));
      expect(histogram[400] ?? 0).to.be.at.least(atLeast(0.01));
      expect(histogram[404] ?? 0).to.be.greaterThan(0);
    });
  });

  describe("music-library", function () {
    const prefix = "prop-music-";
    // logical names (Musica → prop-music-a), a physical name and a malformed one, refused with 400
    const tables = ["Musica", "Musicb", `${prefix}a`, "Musicx/y"];
    const params = fc.record(
      { table: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...tables) }, { weight: 1, arbitrary: text(10) }), artist: mostly(fc.constantFrom("A", "B"), fc.constantFrom(" ", "", "x".repeat(1100))), songtitle: fc.constantFrom("S1", "S2"), albumtitle: mostly(fc.stringMatching(/^[A-Za-z]{1,8}$/), fc.integer()) },
      { requiredKeys: ["table", "artist", "songtitle"] },
    );
    const asStrings = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)]));
    const route = (resource: string, ...allowed: string[]) =>
      eventArb({
        methods: methods(...allowed),
        resource,
        query: fc.option(params.map(asStrings), { nil: null }),
        headers: headersArb(fc.option(params.map(asStrings), { nil: null }).map((p) => p ?? {})),
        body: fc.oneof({ weight: 2, arbitrary: fc.constant({ body: null, isBase64Encoded: false }) }, { weight: 2, arbitrary: bodyArb(params) }),
      });

    before(function () {
      process.env.TABLE_PREFIX = prefix;
    });

    it("DemoCreateTable and DemoDeleteTable: PUT/DELETE /DemoResourceMusic/DemoResourceMusicTable", async function () {
      process.env.TABLE_PREFIX = prefix;
      const { handler: create } = (await import("../../functions/demo-create-table/index.js")) as { handler: Handler };
      const { handler: remove } = (await import("../../functions/demo-delete-table/index.js")) as { handler: Handler };
      const events = route("/DemoResourceMusic/DemoResourceMusicTable", "PUT", "DELETE");
      const both: Handler = (event) => (event.httpMethod === "DELETE" ? remove(event) : create(event));
      const histogram = await checkHandler(both, events, Math.ceil(NUM_RUNS / 2));
      const createOnly = await checkHandler(create, events, Math.ceil(NUM_RUNS / 2));
      const deleteOnly = await checkHandler(remove, events, Math.ceil(NUM_RUNS / 2));
      expect(count(histogram, (s) => s < 300)).to.be.at.least(atLeast(0.001));
      expect(histogram[409] ?? 0).to.be.greaterThan(0);
      expect(histogram[404] ?? 0).to.be.greaterThan(0);
      expect(count(createOnly, (s) => s === 405)).to.be.greaterThan(0);
      expect(count(deleteOnly, (s) => s === 405)).to.be.greaterThan(0);
    });

    it("DemoHandleItem: GET/PUT/POST/DELETE /DemoResourceMusic/DemoResourceMusicItem", async function () {
      process.env.TABLE_PREFIX = prefix;
      const { handler: create } = (await import("../../functions/demo-create-table/index.js")) as { handler: Handler };
      await create(proxyEvent({ method: "PUT", resource: "/DemoResourceMusic/DemoResourceMusicTable", headers: { table: "Musica" } }));
      const { handler } = (await import("../../functions/demo-handle-item/index.js")) as { handler: Handler };
      const histogram = await checkHandler(handler, route("/DemoResourceMusic/DemoResourceMusicItem", "GET", "PUT", "POST", "DELETE"));
      expect(count(histogram, (s) => s < 300)).to.be.at.least(atLeast(0.005));
      expect(histogram[400] ?? 0).to.be.at.least(atLeast(0.01));
      expect(histogram[404] ?? 0).to.be.greaterThan(0);
    });
  });

  describe("image-gallery", function () {
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]);
    const subs = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom({ sub: "user-a" }, { sub: "user-b" }) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, { sub: "../x" }, { email: "a@b.co" }) },
    ) as fc.Arbitrary<Record<string, string> | undefined>;

    before(async function () {
      process.env.TABLE_NAME = await createServiceTable("image-gallery", "PictureMetadata");
      process.env.BUCKET_NAME = await createBucket(uniqueName("images"));
      process.env.MAX_UPLOAD_BYTES = "4096";
    });

    it("savePicture: POST /upload/{filename}", async function () {
      const { handler } = (await import("../../functions/save-picture/index.js")) as { handler: Handler };
      const filenames = fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.oneof(fc.constantFrom("cat", "dog", "sun"), fc.stringMatching(/^[a-z0-9]{1,6}$/)), mostly(fc.constantFrom(".png", ".jpg"), fc.constantFrom(".gif", ".svg", ""))).map(([n, e]) => n + e) },
        { weight: 1, arbitrary: fc.constantFrom("..png", "../a.png", "a/b.png", ".png", "a..png", "%2e%2e.png") },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      );
      const image = fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.constantFrom(PNG, JPEG), fc.uint8Array({ maxLength: 64 })).map(([m, rest]) => Buffer.concat([m, rest])) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
        { weight: 1, arbitrary: fc.constant(Buffer.concat([PNG, Buffer.alloc(5000)])) },
      );
      const body = fc.tuple(image, fc.boolean()).map(([bytes, b64]) => (b64 || bytes.length === 0 ? { body: bytes.toString("base64"), isBase64Encoded: true } : { body: bytes.toString("latin1"), isBase64Encoded: false }));
      const events = eventArb({
        methods: methods("POST"),
        resource: "/upload/{filename}",
        pathParameters: filenames.map((filename) => ({ filename })),
        headers: mostly(fc.constantFrom("image/png", "image/jpeg"), fc.constantFrom("image/gif", "text/plain", "application/json")).map((ct) => ({ "Content-Type": ct })),
        body,
        claims: subs,
      });
      const histogram = await checkHandler(handler, events);
      expect(histogram[201] ?? 0).to.be.at.least(atLeast(0.001));
      expect(histogram[409] ?? 0).to.be.greaterThan(0);
      expect(histogram[400] ?? 0).to.be.at.least(atLeast(0.01));
      expect(histogram[413] ?? 0).to.be.greaterThan(0);
    });

    it("scan_lambda: GET /view-all", async function () {
      // A table of its own with a few pictures: each listed picture costs a presigned URL.
      process.env.TABLE_NAME = await createServiceTable("image-gallery", "PictureMetadata");
      const { handler: save } = (await import("../../functions/save-picture/index.js")) as { handler: Handler };
      for (const [sub, filename] of [["user-a", "a1.png"], ["user-a", "a2.png"], ["user-a", "a3.png"], ["user-b", "b1.png"]]) {
        const res = parseResponse(await save(proxyEvent({ method: "POST", resource: "/upload/{filename}", pathParameters: { filename: filename! }, headers: { "Content-Type": "image/png" }, body: PNG.toString("base64"), isBase64Encoded: true, claims: { sub: sub! } })));
        expect(res.statusCode).to.equal(201);
      }
      const { handler } = (await import("../../functions/scan-lambda/index.js")) as { handler: Handler };
      const histogram = await checkHandler(handler, eventArb({ methods: methods("GET"), resource: "/view-all", query: limitQuery, body: bodyArb(fc.constant({})), claims: subs }));
      expect(histogram[200] ?? 0).to.be.at.least(atLeast(0.01));
      expect(histogram[400] ?? 0).to.be.greaterThan(0);
      expect(histogram[401] ?? 0).to.be.greaterThan(0);
    });
  });

  describe("items-catalog (non-proxy)", function () {
    it("ItemsFunction returns data or throws NotFoundError/BadRequestError, nothing else", async function () {
      const table = await createServiceTable("items-catalog", "Items");
      process.env.TABLE_NAME = table;
      const { handler } = (await import("../../functions/items/index.js")) as { handler: (e: unknown) => Promise<unknown> };
      let found = 0;
      let notFound = 0;
      let bad = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.record({ ID: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 })), async (event) => {
          try {
            const out = await handler(event);
            if (!Array.isArray(out) && (typeof out !== "object" || out === null)) throw new Error("not data");
            found += 1;
          } catch (err) {
            const message = (err as Error).message;
            if (/^NotFoundError: /.test(message)) notFound += 1;
            else if (/^BadRequestError: /.test(message)) bad += 1;
            else throw err;
          }
        }),
        { numRuns: NUM_RUNS },
      );
      expect(found).to.be.greaterThan(0);
      expect(notFound).to.be.greaterThan(0);
      expect(bad).to.be.greaterThan(0);
    });
  });
});
