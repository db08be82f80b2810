/**
 * Restores as jobs, against dynalite, s3rver and the SES mailbox: POST /restore
 * (restoreStudentData) checks the request, records a job and invokes the worker through the
 * local Lambda Invoke API with `InvocationType: Event`; the worker (run in this process)
 * verifies the backup against its manifest, writes it, records the outcome and sends the
 * email; GET /restores[/{id}] report it. The backups are written by the real backup job.
 */
import { expect } from "chai";
import { BatchWriteItemCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, createBucket, isolateEnv, objectText, tableCount, tableItems, uniqueName } from "../support/backends.js";
import { BACKUP_WORKER, RESTORE_WORKER } from "../support/backup-jobs.js";
import { JSON_HEADERS, parseResponse, proxyEvent } from "../support/events.js";
import { startInProcessLambda, type InProcessLambda } from "../support/lambda.js";
import type { RestoreView } from "../support/job-views.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;
type RestoreWorker = (event: unknown, context?: { getRemainingTimeInMillis?: () => number }) => Promise<{ status: string; reason?: string }>;

const SENDER = "no-reply@system.edu.vn";
const ADMIN = "admin@system.edu.vn";

describe("student-records restore jobs", function () {
  this.timeout(120_000);
  isolateEnv();

  let lambda: InProcessLambda;
  let createRestoreWorker: typeof import("../../functions/restore-students-worker/index.js").createRestoreWorker;
  let backupApi: Handler;
  let insert: Handler;
  let restoreApi: Handler;
  let table: string;
  let bucket: string;
  let backupJobs: string;
  let restoreJobs: string;
  /** The restore worker behind the Lambda API; a test may swap it for one with other clients. */
  let restoreWorker: RestoreWorker;

  const call = async (h: Handler, e: APIGatewayProxyEvent) => parseResponse(await h(e));
  const startRestore = (body: unknown) => call(restoreApi, proxyEvent({ method: "POST", resource: "/restore", headers: JSON_HEADERS, body: typeof body === "string" ? body : JSON.stringify(body) }));
  const getRestore = (id: string) => call(restoreApi, proxyEvent({ method: "GET", resource: "/restores/{restoreId}", pathParameters: { restoreId: id }, headers: JSON_HEADERS }));
  const listRestores = (query: Record<string, string> = {}) => call(restoreApi, proxyEvent({ method: "GET", resource: "/restores", query, headers: JSON_HEADERS }));
  const seed = async (n: number) => {
    for (let i = 0; i < n; i += 1) {
      const id = `k${String(i).padStart(3, "0")}`;
      const body = JSON.stringify({ studentid: id, name: `Student ${id}`, class: "12A1", birthdate: "2007-05-14", email: `${id}@school.example` });
      expect((await call(insert, proxyEvent({ method: "POST", resource: "/students", headers: JSON_HEADERS, body }))).statusCode).to.equal(201);
    }
  };
  const del = async (...ids: string[]) => {
    const { ddb } = await backends();
    for (const id of ids) await ddb.send(new DeleteItemCommand({ TableName: table, Key: { studentid: { S: id } } }));
  };

  /** A backup of the table as it is, by the real backup job; its key. */
  async function backupNow(): Promise<string> {
    Object.assign(process.env, { JOBS_TABLE: backupJobs, WORKER_FUNCTION: BACKUP_WORKER });
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5)); // backup ids have one-second resolution
    const started = await call(backupApi, proxyEvent({ method: "POST", resource: "/backup", headers: JSON_HEADERS }));
    expect(started.statusCode, JSON.stringify(started.body)).to.equal(202);
    await lambda.api.idle();
    const id = (started.body as { backupId: string }).backupId;
    const done = await call(backupApi, proxyEvent({ method: "GET", resource: "/backups/{backupId}", pathParameters: { backupId: id }, headers: JSON_HEADERS }));
    expect(done.body).to.include({ status: "succeeded" });
    Object.assign(process.env, { JOBS_TABLE: restoreJobs, WORKER_FUNCTION: RESTORE_WORKER });
    return (done.body as { key: string }).key;
  }

  /** POST /restore (202), the worker run to its end, then GET /restores/{id}. */
  async function restoreNow(body: unknown): Promise<RestoreView> {
    const started = await startRestore(body);
    expect(started.statusCode, JSON.stringify(started.body)).to.equal(202);
    await lambda.api.idle();
    const res = await getRestore((started.body as RestoreView).restoreId);
    expect(res.statusCode).to.equal(200);
    return res.body as RestoreView;
  }

  /** `n` students `<prefix>0000`... written straight to the table, 25 a request. */
  async function fill(n: number, prefix: string): Promise<void> {
    const { ddb } = await backends();
    for (let i = 0; i < n; i += 25) {
      const RequestItems = { [table]: Array.from({ length: Math.min(25, n - i) }, (_, j) => ({ PutRequest: { Item: { studentid: { S: `${prefix}${String(i + j).padStart(4, "0")}` }, name: { S: prefix } } } })) };
      let left = (await ddb.send(new BatchWriteItemCommand({ RequestItems }))).UnprocessedItems?.[table] ?? [];
      while (left.length > 0) left = (await ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: left } }))).UnprocessedItems?.[table] ?? [];
    }
  }

  /** A DynamoDB client whose every BatchWriteItem waits `ms` first. */
  function slowBatchWrites(ms: number): DynamoDBClient {
    const slow = new DynamoDBClient({});
    slow.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "BatchWriteItemCommand") await new Promise((r) => setTimeout(r, ms));
        return next(args);
      },
      { step: "initialize", name: "slowBatches" },
    );
    return slow;
  }

  /** Holds the restore worker's invocations until `release()`, to change things before it runs. */
  function gateWorker(worker: RestoreWorker = restoreWorker): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    restoreWorker = async (e, ctx) => {
      await gate;
      return worker(e, ctx);
    };
    return release;
  }

  const mailsSince = async (n: number) => (await (await backends()).ses.messages()).slice(n);
  const mailCount = async () => (await (await backends()).ses.messages()).length;

  before(async function () {
    const b = await backends();
    b.identities.add(SENDER);
    const { createWorker } = await import("../../functions/backup-students-worker/index.js");
    ({ createRestoreWorker } = await import("../../functions/restore-students-worker/index.js"));
    const backupWorker = createWorker();
    restoreWorker = createRestoreWorker() as RestoreWorker;
    lambda = await startInProcessLambda({
      [BACKUP_WORKER]: { handler: (e, ctx) => backupWorker(e, ctx), asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 900 } },
      [RESTORE_WORKER]: { handler: (e, ctx) => restoreWorker(e, ctx), asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 900 } },
    });
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.api.endpoint;
    // Handlers built here, after AWS_ENDPOINT_URL_LAMBDA names this file's Lambda API: the modules'
    // own `handler`s keep the Lambda client of whichever earlier test file imported them first.
    backupApi = (await import("../../functions/backup-students/index.js")).createBackupHandler() as Handler;
    insert = (await import("../../functions/insert-student-data/index.js")).handler as Handler;
    restoreApi = (await import("../../functions/restore-students/index.js")).createRestoreHandler() as Handler;
    backupJobs = await createServiceTable("student-records", "backupJobs");
    restoreJobs = await createServiceTable("student-records", "restoreJobs");
  });

  after(async function () {
    await lambda?.api.close();
  });

  beforeEach(async function () {
    table = await createServiceTable("student-records", "studentData");
    bucket = await createBucket(uniqueName("student-backup"));
    restoreWorker = createRestoreWorker() as RestoreWorker;
    Object.assign(process.env, {
      TABLE_NAME: table,
      BUCKET_NAME: bucket,
      JOBS_TABLE: restoreJobs,
      WORKER_FUNCTION: RESTORE_WORKER,
      SENDER_EMAIL: SENDER,
      ADMIN_EMAIL: ADMIN,
      ALLOWED_ORIGINS: "https://app.example.com",
    });
  });

  it("answers 202 with the job's links at once; the job restores in overwrite mode exactly what was backed up, reports its counts and the backup, one email", async function () {
    await seed(40);
    const { ddb } = await backends();
    await ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          studentid: { S: "typed" },
          n: { N: "12345678901234567890.5" },
          b: { B: new Uint8Array([0, 1, 255]) },
          ss: { SS: ["a", "b"] },
          ns: { NS: ["1", "2.5"] },
          bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
          m: { M: { l: { L: [{ NULL: true }, { BOOL: false }, { S: "ü" }] } } },
        },
      }),
    );
    const original = await tableItems(table);
    const key = await backupNow();
    await del(...Array.from({ length: 10 }, (_, i) => `k${String(i).padStart(3, "0")}`), "typed");
    const mails = await mailCount();

    const started = await startRestore({ key, mode: "overwrite" });
    expect(started.statusCode).to.equal(202);
    const body = started.body as RestoreView;
    expect(body).to.include({ status: "running", key, mode: "overwrite", backupId: key.slice("backups/".length, -".json".length) });
    expect(body.restoreId).to.match(/^restore-\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(body.links).to.deep.equal({ self: `/restores/${body.restoreId}`, list: "/restores" });
    expect(started.headers.Location).to.equal(body.links.self);
    expect(started.headers["Access-Control-Allow-Origin"]).to.equal("https://app.example.com");

    await lambda.api.idle();
    const done = (await getRestore(body.restoreId)).body as RestoreView;
    expect(done).to.include({ status: "succeeded", phase: "write", count: 41, restored: 41, skipped: 0, key, emailSent: true });
    expect(done.sha256).to.equal((JSON.parse(await objectText(bucket, key.replace(/\.json$/, ".manifest.json"))) as { sha256: string }).sha256);
    expect(await tableItems(table)).to.deep.equal(original);
    const mail = await mailsSince(mails);
    expect(mail).to.have.length(1);
    expect(mail[0]!.to).to.deep.equal([ADMIN]);
    expect(mail[0]!.subject).to.equal(`Restore of ${table} from ${done.backupId}: 41 restored, 0 skipped`);
    for (const needle of [body.restoreId, key, "Restored: 41", done.sha256!]) expect(mail[0]!.text).to.contain(needle);
    const listed = (await listRestores()).body as { restores: RestoreView[] };
    expect(listed.restores.map((r) => r.restoreId)).to.include(body.restoreId);
  });

  it("skip mode keeps the students that exist and restores the missing ones", async function () {
    await seed(5);
    const key = await backupNow();
    await del("k002");
    const done = await restoreNow({ key, mode: "skip" });
    expect(done).to.include({ status: "succeeded", count: 5, restored: 1, skipped: 4 });
    expect(await tableCount(table)).to.equal(5);
  });

  it("refuses a bad body, a key outside backups/, a missing backup and a backup without a usable manifest at once (4xx), creating no job and invoking nothing", async function () {
    const jobsBefore = ((await listRestores({ limit: "100" })).body as { restores: unknown[] }).restores.length;
    const invoked = lambda.invocations.get(RESTORE_WORKER) ?? 0;
    for (const key of ["../secrets.json", "backups/../x.json", "other/x.json", "backups/x.manifest.json", "backups/x.txt"]) {
      expect((await startRestore({ key })).statusCode, key).to.equal(400);
    }
    expect((await startRestore({ key: "backups/x.json", mode: "merge" })).statusCode).to.equal(400);
    expect((await startRestore("{not json")).statusCode).to.equal(400);
    const missing = await startRestore({ key: "backups/students-19990101-000000.json" });
    expect(missing.statusCode).to.equal(404);
    expect(missing.body).to.deep.equal({ message: "Backup backups/students-19990101-000000.json not found." });
    const { s3c } = await backends();
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: "backups/loose.json", Body: '{"format":"dynamodb-json/1","count":0,"items":[]}' }));
    const loose = await startRestore({ key: "backups/loose.json" });
    expect(loose.statusCode).to.equal(400);
    expect((loose.body as { message: string }).message).to.match(/has no manifest .*SHA-256/);
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: "backups/loose.manifest.json", Body: '{"count": 0}' }));
    const vague = await startRestore({ key: "backups/loose.json" });
    expect(vague.statusCode).to.equal(400);
    expect((vague.body as { message: string }).message).to.match(/cannot be verified: its manifest does not state the backup's count, bytes and SHA-256/);
    expect(((await listRestores({ limit: "100" })).body as { restores: unknown[] }).restores).to.have.length(jobsBefore);
    expect(lambda.invocations.get(RESTORE_WORKER) ?? 0).to.equal(invoked);
    expect((await getRestore("../x")).statusCode).to.equal(400);
    expect((await getRestore("restore-19990101-000000-00000000")).statusCode).to.equal(404);
    const wrongMethod = await call(restoreApi, proxyEvent({ method: "DELETE", resource: "/restores/{restoreId}", pathParameters: { restoreId: "x" }, headers: JSON_HEADERS }));
    expect(wrongMethod.statusCode).to.equal(405);
    expect(wrongMethod.headers.Allow).to.equal("GET");
  });

  it("a tampered backup (same size, other bytes) is a failed job that wrote nothing, with a failure email", async function () {
    await seed(3);
    const key = await backupNow();
    await del("k000", "k001", "k002");
    const { s3c } = await backends();
    const text = await objectText(bucket, key);
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text.replace("k001", "k00X") }));
    const mails = await mailCount();
    const done = await restoreNow({ key, mode: "overwrite" });
    expect(done).to.include({ status: "failed", phase: "verify", restored: 0, skipped: 0, emailSent: true });
    expect(done.error).to.equal(`the backup ${key} does not match its manifest (sha256 differs); nothing was written`);
    expect(done).to.not.have.property("notWritten");
    expect(await tableItems(table)).to.deep.equal([]);
    const mail = await mailsSince(mails);
    expect(mail).to.have.length(1);
    expect(mail[0]!.subject).to.match(/FAILED$/);
    expect(mail[0]!.text).to.contain(done.restoreId).and.contain("does not match its manifest").and.contain("Nothing was written to the table.");
  });

  it("a truncated backup and a removed manifest are failed jobs that wrote nothing", async function () {
    await seed(3);
    const key = await backupNow();
    await del("k000", "k001", "k002");
    const { s3c } = await backends();
    const text = await objectText(bucket, key);
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text.slice(0, text.length - 30) }));
    const truncated = await restoreNow({ key });
    expect(truncated).to.include({ status: "failed", phase: "verify" });
    expect(truncated.error, truncated.error).to.match(/is not a valid backup .*; nothing was written$/);

    // The manifest is removed after POST /restore checked it, before the worker runs.
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
    const release = gateWorker();
    const started = await startRestore({ key });
    expect(started.statusCode).to.equal(202);
    await s3c.send(new DeleteObjectCommand({ Bucket: bucket, Key: key.replace(/\.json$/, ".manifest.json") }));
    release();
    await lambda.api.idle();
    const unverifiable = (await getRestore((started.body as RestoreView).restoreId)).body as RestoreView;
    expect(unverifiable).to.include({ status: "failed", phase: "verify" });
    expect(unverifiable.error).to.match(/manifest .* is missing, so the backup cannot be verified; nothing was written/);
    expect(await tableItems(table)).to.deep.equal([]);
  });

  it("a write that fails part-way is a failed job whose counts say exactly what was written", async function () {
    await seed(120);
    const key = await backupNow();
    const { ddb: plain } = await backends();
    for (let i = 0; i < 120; i += 1) await plain.send(new DeleteItemCommand({ TableName: table, Key: { studentid: { S: `k${String(i).padStart(3, "0")}` } } }));
    // A DynamoDB client whose third and later BatchWriteItem requests fail.
    const flaky = new DynamoDBClient({});
    let batches = 0;
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "BatchWriteItemCommand" && ++batches > 2) throw Object.assign(new Error("Throughput exceeds the current capacity"), { name: "ProvisionedThroughputExceededException" });
        return next(args);
      },
      { step: "initialize", name: "failLaterBatches" },
    );
    restoreWorker = createRestoreWorker({ dynamodb: flaky }) as RestoreWorker;
    const mails = await mailCount();
    const done = await restoreNow({ key, mode: "overwrite" });
    expect(done).to.include({ status: "failed", phase: "write", count: 120, restored: 50, skipped: 0, notWritten: 70 });
    expect(done.error).to.match(/^writing the backup .* failed: ProvisionedThroughputExceededException: /);
    expect(await tableCount(table)).to.equal(50);
    const mail = await mailsSince(mails);
    expect(mail[0]!.text).to.contain("Failed in: write").and.contain("Restored before the failure: 50").and.contain("Not written: 70");
  });

  it("shows the job's progress while it writes: phase write and a growing restored count", async function () {
    const total = 400;
    await fill(total, "p");
    const key = await backupNow();
    // Every BatchWriteItem waits 500 ms: 16 batches, 4 at a time, about 2 s of writing; the
    // worker records its counts about once a second.
    const slow = slowBatchWrites(500);
    const release = gateWorker(createRestoreWorker({ dynamodb: slow }) as RestoreWorker);
    const started = await startRestore({ key, mode: "overwrite" });
    const id = (started.body as RestoreView).restoreId;
    const queued = (await getRestore(id)).body as RestoreView;
    expect(queued).to.include({ status: "running" });
    expect(queued).to.not.have.property("phase");
    release();
    const seen: string[] = [];
    for (;;) {
      const view = (await getRestore(id)).body as RestoreView;
      seen.push(`${view.status}/${view.phase ?? "-"}/${view.restored ?? "-"}`);
      if (view.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await lambda.api.idle();
    expect(seen.at(-1)).to.equal(`succeeded/write/${total}`);
    expect(seen.some((s) => /^running\/write\/(\d+)$/.test(s) && Number(s.split("/")[2]) > 0 && Number(s.split("/")[2]) < total), seen.join(" ")).to.equal(true);
  });

  it("a backup replaced between the verify and the write pass is refused before any write (its ETag changed)", async function () {
    await seed(3);
    const key = await backupNow();
    await del("k000", "k001", "k002");
    const { s3c } = await backends();
    const text = await objectText(bucket, key);
    // An S3 client that replaces the backup (same bytes but one) just before the second read.
    const s3 = new S3Client({ forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    let reads = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (context.commandName === "GetObjectCommand" && input.Key === key && ++reads === 2) {
          await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text.replace("k001", "k00X") }));
        }
        return next(args);
      },
      { step: "initialize", name: "replaceBetweenPasses" },
    );
    restoreWorker = createRestoreWorker({ s3 }) as RestoreWorker;
    const done = await restoreNow({ key, mode: "overwrite" });
    expect(reads).to.equal(2);
    expect(done).to.include({ status: "failed", phase: "write", count: 3, restored: 0, skipped: 0, notWritten: 3 });
    expect(done.error).to.equal(`the backup ${key} was replaced after it was verified; nothing was written`);
    expect(await tableItems(table)).to.deep.equal([]);
  });

  it("a restore still writing near the worker's timeout is cut short: failed with its counts, email sent", async function () {
    await fill(400, "t");
    const key = await backupNow();
    // Every BatchWriteItem waits 500 ms (16 batches, 4 at a time: about 2 s); the worker is
    // told it has 21 s left, 1 s more than its reserve, so it stops after about 1 s.
    const slow = slowBatchWrites(500);
    const worker = createRestoreWorker({ dynamodb: slow }) as RestoreWorker;
    restoreWorker = (e) => worker(e, { getRemainingTimeInMillis: () => 21_000 });
    // Restored into an empty table, so that what is in it is what the restore wrote.
    table = process.env.TABLE_NAME = await createServiceTable("student-records", "studentData");
    const mails = await mailCount();
    const done = await restoreNow({ key, mode: "overwrite" });
    expect(done).to.include({ status: "failed", phase: "write", count: 400, skipped: 0, emailSent: true });
    expect(done.error).to.equal("the restore did not finish within the function's timeout");
    expect(done.restored).to.be.above(0).and.below(400);
    expect(done.notWritten).to.equal(400 - done.restored!);
    expect(await tableCount(table)).to.equal(done.restored);
    expect((await mailsSince(mails))[0]!.text).to.contain(`Restored before the failure: ${done.restored}`);
  });

  it("lists recent restore jobs newest first and pages with nextToken", async function () {
    await seed(1);
    const key = await backupNow();
    const { createRestoreHandler } = await import("../../functions/restore-students/index.js");
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const at = new Date(Date.UTC(2033, 0, 1, 0, 0, i));
      const res = parseResponse(await createRestoreHandler({ now: () => at })(proxyEvent({ method: "POST", resource: "/restore", headers: JSON_HEADERS, body: JSON.stringify({ key }) })));
      expect(res.statusCode).to.equal(202);
      ids.push((res.body as RestoreView).restoreId);
    }
    await lambda.api.idle();
    const first = await listRestores({ limit: "2" });
    expect(first.statusCode).to.equal(200);
    const page = first.body as { restores: RestoreView[]; nextToken: string | null };
    expect(page.restores.map((r) => r.restoreId)).to.deep.equal([ids[2], ids[1]]);
    expect(page.restores[0]!.links.self).to.equal(`/restores/${ids[2]}`);
    expect(page.nextToken).to.be.a("string");
    const second = (await listRestores({ limit: "2", nextToken: page.nextToken! })).body as { restores: RestoreView[] };
    expect(second.restores[0]!.restoreId).to.equal(ids[0]);
    expect((await listRestores({ limit: "0" })).statusCode).to.equal(400);
    expect((await listRestores({ nextToken: "garbage!" })).statusCode).to.equal(400);
  });

  it("a duplicate event does not run the job twice", async function () {
    await seed(1);
    const key = await backupNow();
    const done = await restoreNow({ key });
    expect(done.status).to.equal("succeeded");
    const again = await restoreWorker({ restoreId: done.restoreId });
    expect(again.status).to.equal("skipped");
    expect(((await getRestore(done.restoreId)).body as RestoreView).status).to.equal("succeeded");
  });

  it("answers 502 and records the job failed when the worker cannot be invoked", async function () {
    await seed(1);
    const key = await backupNow();
    process.env.WORKER_FUNCTION = "no-such-worker";
    const res = await startRestore({ key });
    expect(res.statusCode).to.equal(502);
    const body = res.body as { restoreId: string; status: string; message: string };
    expect(body).to.include({ status: "failed" });
    expect(body.message).to.contain("ResourceNotFoundException");
    expect(((await getRestore(body.restoreId)).body as RestoreView).status).to.equal("failed");
  });
});
