/**
 * Restores as jobs through the local gateway, on the real synthesized student-records stack
 * whose restore routes get a 1-second integration limit (API Gateway's is 29 s) in an edited
 * copy: a restore of a backup that takes longer than the limit still answers 202 at once and
 * finishes as a job, with its counts, the backup it came from and an email; a tampered
 * backup is a failed job that writes nothing, with a failure email.
 */
import { DynamoDBClient, paginateScan } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, eventually, s3Client, startApp, type RunningApp } from "./support/app";
import { fillStudents, limitIntegrations, mails, STUDENT_STACK, waitForJob } from "./support/jobs";
import type { BackupView, RestoreView } from "../support/job-views";

const API_FUNCTION = `${environment.prefix}restoreStudentData`;
const TABLE = `${environment.prefix}studentData`;
/** The integration limit the edited stack gives the restore routes. */
const LIMIT_MS = 1000;
/** Enough students that writing them back takes longer than the limit (several seconds on a quiet 2-core machine). */
const COUNT = 30_000;

describe("e2e: student-records restores as jobs", function () {
  this.timeout(300_000);
  let app: RunningApp;
  let api: ApiEndpoint;
  let key: string;
  let backup: BackupView;
  const call = (method: string, path: string, json?: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { "x-api-key": key, ...(json ? { "Content-Type": "application/json" } : {}) }, ...(json ? { body: JSON.stringify(json) } : {}) });
  const tableCount = async () => {
    const ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    let n = 0;
    for await (const page of paginateScan({ client: ddb }, { TableName: TABLE, Select: "COUNT" })) n += page.Count ?? 0;
    return n;
  };

  before(async function () {
    app = await startApp({ [STUDENT_STACK]: (doc) => limitIntegrations(doc, API_FUNCTION, LIMIT_MS) });
    api = app.api("student-records", "prod");
    key = apiKey(api, "StudentApiKey");
    await fillStudents(app, COUNT);
    const started = await call("POST", "/backup");
    expect(started.status).to.equal(202);
    backup = await waitForJob<BackupView>(api, key, `/backups/${(await body<BackupView>(started)).backupId}`);
    expect(backup).to.include({ status: "succeeded", count: COUNT });
  });

  after(async function () {
    await app?.close();
  });

  it("answers 202 within the limit; the job outlives it, restores every student, reports its counts and the backup, and emails the admin", async function () {
    const gone = ["S000000", "S000001", "S012345"];
    for (const id of gone) expect((await call("DELETE", `/students/${id}`)).status).to.equal(200);
    // A warm function, as a deployed one usually is: a cold start counts against the limit too.
    let warm = 0;
    for (let i = 0; i < 10 && warm !== 200; i += 1) warm = (await call("GET", "/restores")).status;
    expect(warm).to.equal(200);

    const asked = performance.now();
    const res = await call("POST", "/restore", { key: backup.key, mode: "overwrite" });
    const answeredMs = performance.now() - asked;
    expect(res.status, await res.clone().text()).to.equal(202);
    const started = await body<RestoreView>(res);
    expect(started).to.include({ status: "running", key: backup.key, backupId: backup.backupId, mode: "overwrite" });
    expect(new URL(started.links.self, api.url).toString()).to.equal(`${api.url}/restores/${started.restoreId}`);
    expect(res.headers.get("location")).to.equal(started.links.self);

    const done = await waitForJob<RestoreView>(api, key, `/restores/${started.restoreId}`);
    expect(done, done.error).to.include({ status: "succeeded", phase: "write", count: COUNT, restored: COUNT, skipped: 0, backupId: backup.backupId });
    const jobMs = Date.parse(done.finishedAt!) - Date.parse(done.createdAt);
    console.log(`      [e2e] restore job of ${COUNT} items: ${jobMs} ms behind a ${LIMIT_MS} ms integration limit`);
    expect(jobMs, "the job ran on after the 202").to.be.above(answeredMs);
    expect(jobMs, "the job outlived the integration limit").to.be.above(LIMIT_MS);
    for (const id of gone) expect((await call("GET", `/students/${id}`)).status, id).to.equal(200);
    expect(await tableCount()).to.equal(COUNT);
    const listed = await body<{ restores: RestoreView[] }>(await call("GET", "/restores"));
    expect(listed.restores.map((r) => r.restoreId)).to.include(started.restoreId);

    expect(await eventually(() => mails(app).some((m) => m.text.includes(started.restoreId)), 500)).to.equal(true);
    const mail = mails(app).find((m) => m.text.includes(started.restoreId))!;
    expect(mail.subject).to.equal(`Restore of ${TABLE} from ${backup.backupId}: ${COUNT} restored, 0 skipped`);
    expect(mail.to).to.deep.equal([environment.adminEmail]);
  });

  it("a tampered backup (same size) is a failed job that writes nothing, with a failure email", async function () {
    const gone = ["S000002", "S029999"];
    for (const id of gone) expect((await call("DELETE", `/students/${id}`)).status).to.equal(200);
    const s3 = s3Client(app.endpoints);
    const original = await (await s3.send(new GetObjectCommand({ Bucket: backup.bucket, Key: backup.key }))).Body!.transformToString("utf8");
    const tampered = original.replace('"Student 7"', '"Student X"');
    expect(tampered).to.not.equal(original);
    expect(Buffer.byteLength(tampered)).to.equal(Buffer.byteLength(original));
    await s3.send(new PutObjectCommand({ Bucket: backup.bucket, Key: backup.key, Body: tampered, ContentType: "application/json" }));

    const res = await call("POST", "/restore", { key: backup.key, mode: "overwrite" });
    expect(res.status).to.equal(202);
    const started = await body<RestoreView>(res);
    const done = await waitForJob<RestoreView>(api, key, `/restores/${started.restoreId}`);
    expect(done).to.include({ status: "failed", phase: "verify", restored: 0, skipped: 0 });
    expect(done.error).to.equal(`the backup ${backup.key} does not match its manifest (sha256 differs); nothing was written`);
    for (const id of gone) expect((await call("GET", `/students/${id}`)).status, id).to.equal(404);
    expect(await tableCount()).to.equal(COUNT - gone.length);
    expect(await eventually(() => mails(app).some((m) => m.text.includes(started.restoreId)), 500)).to.equal(true);
    const mail = mails(app).find((m) => m.text.includes(started.restoreId))!;
    expect(mail.subject).to.equal(`Restore of ${TABLE} from ${backup.backupId} FAILED`);
    expect(mail.text).to.contain("Nothing was written to the table.");
  });
});
