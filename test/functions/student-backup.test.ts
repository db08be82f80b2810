/**
 * Backups as jobs, against dynalite, s3rver and the SES mailbox: POST /backup
 * (BackupDynamoDBAndSendEmail) records a job and invokes the worker through the local Lambda
 * Invoke API with `InvocationType: Event`; the worker (run in this process) writes the
 * backup, records the outcome and sends the email; GET /backups[/{id}] report it.
 * Restores from these backups: test/functions/student-restore.test.ts.
 */
import { expect } from "chai";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { backends, createServiceTable, bucketKeys, createBucket, isolateEnv, objectText, openUploads, uniqueName } from "../support/backends.js";
import { JSON_HEADERS, parseResponse, proxyEvent } from "../support/events.js";
import { startInProcessLambda, type InProcessLambda } from "../support/lambda.js";
import type { BackupView, Started } from "../support/job-views.js";

type Handler = (event: APIGatewayProxyEvent) => Promise<unknown>;
type Worker = (event: unknown, context?: { awsRequestId?: string; getRemainingTimeInMillis?: () => number }) => Promise<{ status: string; reason?: string }>;

const SENDER = "no-reply@system.edu.vn";
const ADMIN = "admin@system.edu.vn";
const WORKER = "test-BackupDynamoDBAndSendEmailWorker";
/** A function that takes the event and does nothing: a job whose worker never ran. */
const IDLE = "test-idle";

describe("student-records backup jobs", function () {
  this.timeout(60_000);
  isolateEnv();

  let lambda: InProcessLambda;
  let worker: Worker;
  let createBackupHandler: typeof import("../../functions/backup-students/index.js").createBackupHandler;
  let createWorker: typeof import("../../functions/backup-students-worker/index.js").createWorker;
  let backup: Handler;
  let insert: Handler;
  let table: string;
  let bucket: string;
  let jobsTable: string;

  const call = async (h: Handler, e: APIGatewayProxyEvent) => parseResponse(await h(e));
  const startBackup = (h: Handler = backup, body: string | null = null) => call(h, proxyEvent({ method: "POST", resource: "/backup", headers: JSON_HEADERS, body }));
  const job = (id: string, h: Handler = backup) => call(h, proxyEvent({ method: "GET", resource: "/backups/{backupId}", pathParameters: { backupId: id }, headers: JSON_HEADERS }));
  const jobs = (query: Record<string, string> = {}) => call(backup, proxyEvent({ method: "GET", resource: "/backups", query, headers: JSON_HEADERS }));
  const seed = async (n: number) => {
    for (let i = 0; i < n; i += 1) {
      const id = `k${String(i).padStart(3, "0")}`;
      const body = JSON.stringify({ studentid: id, name: `Student ${id}`, class: "12A1", birthdate: "2007-05-14", email: `${id}@school.example` });
      expect((await call(insert, proxyEvent({ method: "POST", resource: "/students", headers: JSON_HEADERS, body }))).statusCode).to.equal(201);
    }
  };

  /** POST /backup, wait for the asynchronous worker, then GET the job. */
  async function backupNow(h: Handler = backup): Promise<BackupView> {
    const started = await startBackup(h);
    expect(started.statusCode, JSON.stringify(started.body)).to.equal(202);
    await lambda.api.idle();
    const res = await job((started.body as BackupView).backupId, h);
    expect(res.statusCode).to.equal(200);
    return res.body as BackupView;
  }

  before(async function () {
    const b = await backends();
    b.identities.add(SENDER);
    ({ createBackupHandler } = await import("../../functions/backup-students/index.js"));
    ({ createWorker } = await import("../../functions/backup-students-worker/index.js"));
    worker = createWorker() as Worker;
    lambda = await startInProcessLambda({
      [WORKER]: { handler: (e, ctx) => worker(e, ctx), asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 900 } },
      [IDLE]: { handler: async () => null },
    });
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.api.endpoint;
    insert = (await import("../../functions/insert-student-data/index.js")).handler as Handler;
    jobsTable = await createServiceTable("student-records", "backupJobs");
  });

  after(async function () {
    await lambda?.api.close();
  });

  beforeEach(async function () {
    table = await createServiceTable("student-records", "studentData");
    bucket = await createBucket(uniqueName("student-backup"));
    Object.assign(process.env, {
      TABLE_NAME: table,
      BUCKET_NAME: bucket,
      JOBS_TABLE: jobsTable,
      WORKER_FUNCTION: WORKER,
      SENDER_EMAIL: SENDER,
      ADMIN_EMAIL: ADMIN,
      ALLOWED_ORIGINS: "https://app.example.com",
    });
    // A new clock second per test: backup ids have one-second resolution.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    backup = createBackupHandler();
  });

  describe("POST /backup starts a job", function () {
    it("answers 202 with the job's links at once; the worker writes document and manifest, GET reports them from the manifest, one email", async function () {
      await seed(30);
      const { ses } = await backends();
      const mailBefore = (await ses.messages()).length;
      const started = await startBackup();
      expect(started.statusCode).to.equal(202);
      const body = started.body as Started<BackupView>;
      expect(body.status).to.equal("running");
      expect(body.backupId).to.match(/^students-\d{8}-\d{6}$/);
      expect(body.key).to.equal(`backups/${body.backupId}.json`);
      expect(body.links).to.deep.equal({ self: `/backups/${body.backupId}`, list: "/backups" });
      expect(started.headers.Location).to.equal(body.links.self);
      expect(started.headers["Access-Control-Allow-Origin"]).to.equal("https://app.example.com");

      await lambda.api.idle();
      const done = (await job(body.backupId)).body as BackupView;
      expect(done).to.include({ backupId: body.backupId, status: "succeeded", key: body.key, count: 30, emailSent: true });
      const text = await objectText(bucket, done.key);
      expect(createHash("sha256").update(text).digest("hex")).to.equal(done.sha256);
      expect(Buffer.byteLength(text)).to.equal(done.bytes);
      expect(await bucketKeys(bucket)).to.deep.equal([done.manifestKey, done.key].sort());
      const manifest = JSON.parse(await objectText(bucket, done.manifestKey)) as { backupId: string; count: number };
      expect(manifest).to.include({ backupId: body.backupId, count: 30 });
      const mail = (await ses.messages()).slice(mailBefore);
      expect(mail).to.have.length(1);
      expect(mail[0]!.to).to.deep.equal([ADMIN]);
      for (const needle of [body.backupId, done.key, "Items: 30", `${done.bytes} bytes`]) expect(mail[0]!.text).to.contain(needle);
    });

    it("refuses a body other than {} with 400 and starts nothing; accepts {}", async function () {
      expect((await startBackup(backup, '{"x":1}')).statusCode).to.equal(400);
      expect((await startBackup(backup, "[]")).statusCode).to.equal(400);
      const before = lambda.invocations.get(WORKER) ?? 0;
      expect((await startBackup(backup, "{}")).statusCode).to.equal(202);
      await lambda.api.idle();
      expect(lambda.invocations.get(WORKER)).to.equal(before + 1);
    });

    it("of two backups started in the same second, one job runs and the other answers 409 naming it", async function () {
      await seed(2);
      const now = () => new Date("2031-03-04T05:06:07.250Z");
      const [a, b] = await Promise.all([startBackup(createBackupHandler({ now })), startBackup(createBackupHandler({ now }))]);
      expect([a!.statusCode, b!.statusCode].sort()).to.deep.equal([202, 409]);
      const loser = [a!, b!].find((r) => r.statusCode === 409)!;
      expect(loser.body).to.deep.include({ backupId: "students-20310304-050607" });
      await lambda.api.idle();
      const done = (await job("students-20310304-050607")).body as BackupView;
      expect(done).to.include({ status: "succeeded", count: 2 });
      expect(await bucketKeys(bucket)).to.deep.equal(["backups/students-20310304-050607.json", "backups/students-20310304-050607.manifest.json"]);
    });

    it("ends in status failed and a failure email when the bucket does not exist", async function () {
      await seed(2);
      process.env.BUCKET_NAME = uniqueName("missing-bucket");
      const { ses } = await backends();
      const mailBefore = (await ses.messages()).length;
      const done = await backupNow();
      expect(done.status).to.equal("failed");
      expect(done.error).to.match(/^NoSuchBucket: /);
      expect(done).to.not.have.property("sha256");
      const mail = (await ses.messages()).slice(mailBefore);
      expect(mail).to.have.length(1);
      expect(mail[0]!.subject).to.match(/FAILED/);
      expect(mail[0]!.text).to.contain(done.backupId).and.to.contain("NoSuchBucket");
      expect(done.emailSent).to.equal(true);
    });

    it("a stray manifest under the backup's name fails the job, deleting only its own document", async function () {
      await seed(2);
      const { s3c } = await backends();
      const at = new Date(Date.now() + 3_600_000);
      const id = `students-${at.toISOString().slice(0, 10).replace(/-/g, "")}-${at.toISOString().slice(11, 19).replace(/:/g, "")}`;
      await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: `backups/${id}.manifest.json`, Body: "stray" }));
      const done = await backupNow(createBackupHandler({ now: () => at }));
      expect(done).to.include({ backupId: id, status: "failed" });
      expect(done.error).to.match(/another backup wrote .* first; nothing was overwritten/);
      expect(await bucketKeys(bucket)).to.deep.equal([`backups/${id}.manifest.json`]);
      expect(await objectText(bucket, `backups/${id}.manifest.json`)).to.equal("stray");
      expect(await openUploads(bucket)).to.deep.equal([]);
    });

    it("keeps the backup when the email is rejected: succeeded, emailSent false with the reason", async function () {
      await seed(3);
      process.env.SENDER_EMAIL = "unverified@elsewhere.example";
      const done = await backupNow();
      expect(done).to.include({ status: "succeeded", emailSent: false, count: 3 });
      expect(done.emailError).to.match(/MessageRejected: Email address is not verified/);
      expect(await bucketKeys(bucket)).to.include(done.key);
    });

    it("answers 502 and records the job failed when the worker cannot be invoked (Lambda's 404)", async function () {
      process.env.WORKER_FUNCTION = "no-such-worker";
      const res = await startBackup();
      expect(res.statusCode).to.equal(502);
      const body = res.body as { backupId: string; status: string; message: string };
      expect(body.status).to.equal("failed");
      expect(body.message).to.contain("ResourceNotFoundException");
      const shown = (await job(body.backupId)).body as BackupView;
      expect(shown).to.include({ status: "failed" });
      expect(await bucketKeys(bucket)).to.deep.equal([]);
    });

    it("a duplicate event does not run the job twice", async function () {
      await seed(1);
      const done = await backupNow();
      expect(done.status).to.equal("succeeded");
      const again = await worker({ backupId: done.backupId });
      expect(again.status).to.equal("skipped");
      expect(await bucketKeys(bucket)).to.have.length(2);
    });

    it("a backup still running near the worker's timeout is cut short: failed, nothing kept, email sent", async function () {
      await seed(2);
      process.env.WORKER_FUNCTION = IDLE;
      const started = await startBackup();
      await lambda.api.idle();
      const id = (started.body as BackupView).backupId;
      const { s3 } = await backends();
      // Every PutObject waits 3 s; the worker is told it has 21 s left, 1 s more than its reserve.
      const slow = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
      slow.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "PutObjectCommand") await new Promise((r) => setTimeout(r, 3000));
          return next(args);
        },
        { step: "initialize", name: "slowWrites" },
      );
      const result = await (createWorker({ s3: slow }) as Worker)({ backupId: id }, { getRemainingTimeInMillis: () => 21_000 });
      expect(result.status).to.equal("failed");
      expect(result.reason).to.match(/did not finish within the function's timeout/);
      const shown = (await job(id)).body as BackupView;
      expect(shown).to.include({ status: "failed", emailSent: true });
      expect(await bucketKeys(bucket)).to.deep.equal([]);
      expect(await openUploads(bucket)).to.deep.equal([]);
    });

    it("a job whose worker never ran is reported failed once its deadline has passed", async function () {
      process.env.WORKER_FUNCTION = IDLE;
      const started = await startBackup();
      await lambda.api.idle();
      const id = (started.body as BackupView).backupId;
      expect(((await job(id)).body as BackupView).status).to.equal("running");
      const later = createBackupHandler({ now: () => new Date(Date.now() + 7 * 3_600_000) });
      const shown = (await job(id, later)).body as BackupView;
      expect(shown.status).to.equal("failed");
      expect(shown.error).to.match(/never started/);
    });
  });

  describe("GET /backups and GET /backups/{backupId}", function () {
    it("lists recent jobs newest first, pages with nextToken, and refuses bad input with 400", async function () {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const at = new Date(Date.UTC(2032, 0, 1, 0, 0, i));
        const res = await startBackup(createBackupHandler({ now: () => at }));
        ids.push((res.body as BackupView).backupId);
      }
      await lambda.api.idle();
      const first = await jobs({ limit: "2" });
      expect(first.statusCode).to.equal(200);
      const page = first.body as { backups: BackupView[]; nextToken: string | null };
      expect(page.backups.map((j) => j.backupId)).to.deep.equal([ids[2], ids[1]]);
      expect(page.backups[0]!.links.self).to.equal(`/backups/${ids[2]}`);
      expect(page.nextToken).to.be.a("string");
      const second = (await jobs({ limit: "2", nextToken: page.nextToken! })).body as { backups: BackupView[] };
      expect(second.backups[0]!.backupId).to.equal(ids[0]);
      expect((await jobs({ limit: "0" })).statusCode).to.equal(400);
      expect((await jobs({ nextToken: "garbage!" })).statusCode).to.equal(400);
      expect((await job("../etc/passwd")).statusCode).to.equal(400);
      expect((await job("students-19990101-000000")).statusCode).to.equal(404);
      const wrongMethod = await call(backup, proxyEvent({ method: "DELETE", resource: "/backups/{backupId}", pathParameters: { backupId: ids[0]! }, headers: JSON_HEADERS }));
      expect(wrongMethod.statusCode).to.equal(405);
    });
  });
});
