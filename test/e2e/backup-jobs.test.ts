/**
 * Backups as jobs through the local gateway, on the real synthesized student-records stack:
 * a backup that takes longer than the route's integration limit (lowered for the test from
 * API Gateway's 29 s to 1 s, in an edited copy of the synthesized stack) still answers at
 * once and finishes as a job; a job whose bucket is missing ends failed with an email; and a
 * backup API whose role lost `lambda:InvokeFunction` on the worker is refused by the local
 * Lambda API as Lambda would refuse it.
 */
import { expect } from "chai";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, eventually, startApp, type RunningApp } from "./support/app";
import { fillStudents, fnResource, limitIntegrations, mails, resources, STUDENT_STACK as STACK, waitForJob as waitFor } from "./support/jobs";
import type { BackupView } from "../support/job-views";

const WORKER = `${environment.prefix}BackupDynamoDBAndSendEmailWorker`;
const API_FUNCTION = `${environment.prefix}BackupDynamoDBAndSendEmail`;
/** The integration limit the edited stack gives the backup routes (API Gateway's default and maximum: 29,000 ms). */
const LIMIT_MS = 1000;

async function start(app: RunningApp): Promise<{ api: ApiEndpoint; key: string }> {
  const api = app.api("student-records", "prod");
  return { api, key: apiKey(api, "StudentApiKey") };
}

async function post(api: ApiEndpoint, key: string): Promise<Response> {
  return fetch(`${api.url}/backup`, { method: "POST", headers: { "x-api-key": key } });
}

const waitForJob = (api: ApiEndpoint, key: string, backupId: string) => waitFor<BackupView>(api, key, `/backups/${backupId}`);

describe("e2e: student-records backups as jobs", function () {
  this.timeout(300_000);

  describe("a backup longer than the integration limit", function () {
    let app: RunningApp;

    before(async function () {
      app = await startApp({
        [STACK]: (doc) => limitIntegrations(doc, API_FUNCTION, LIMIT_MS),
      });
    });

    after(async function () {
      await app?.close();
    });

    it("answers 202 within the limit, and the job finishes after it with the manifest's figures and an email", async function () {
      const { api, key } = await start(app);
      // Enough students that copying them takes longer than the 1-second limit (about 3 s on a
      // quiet 2-core machine, longer under load), while the answer itself is a few requests.
      const table = `${environment.prefix}studentData`;
      const count = 60_000;
      await fillStudents(app, count);

      // A warm function, as a deployed one usually is: a cold start counts against the limit too.
      let warm = 0;
      for (let i = 0; i < 10 && warm !== 200; i += 1) warm = (await fetch(`${api.url}/backups`, { headers: { "x-api-key": key } })).status;
      expect(warm).to.equal(200);
      // Answered by the function within the limit (past it the gateway answers 504), while the job runs on.
      const asked = performance.now();
      const res = await post(api, key);
      const answeredMs = performance.now() - asked;
      expect(res.status, await res.clone().text()).to.equal(202);
      const started = await body<BackupView>(res);
      const done = await waitForJob(api, key, started.backupId);
      expect(done.status, done.error).to.equal("succeeded");
      expect(done.count).to.equal(count);
      expect(done.bytes).to.be.above(count * 400);
      expect(done.sha256).to.match(/^[0-9a-f]{64}$/);
      // The job outlived the integration limit: a synchronous backup would have been a 504.
      console.log(`      [e2e] backup job of ${count} items: ${Date.parse(done.finishedAt!) - Date.parse(done.createdAt)} ms behind a ${LIMIT_MS} ms integration limit`);
      const jobMs = Date.parse(done.finishedAt!) - Date.parse(done.createdAt);
      expect(jobMs, "the job ran on after the 202").to.be.above(answeredMs);
      expect(jobMs, "the job outlived the integration limit").to.be.above(LIMIT_MS);
      expect(await eventually(() => mails(app).some((m) => m.text.includes(done.backupId)), 500)).to.equal(true);
      const mail = mails(app).find((m) => m.text.includes(done.backupId))!;
      expect(mail.subject).to.equal(`Backup of ${table}: ${count} items`);
      expect(mail.to).to.deep.equal([environment.adminEmail]);
    });
  });

  describe("a job whose bucket is missing", function () {
    let app: RunningApp;

    before(async function () {
      app = await startApp({
        [STACK]: (doc) => {
          for (const name of [API_FUNCTION, WORKER]) {
            const env = (fnResource(doc, name).environment as { variables: Record<string, string> }).variables;
            env.BUCKET_NAME = `${environment.prefix}no-such-backup-bucket`;
          }
        },
      });
    });

    after(async function () {
      await app?.close();
    });

    it("ends in status failed with the reason, and the admin gets a failure email", async function () {
      const { api, key } = await start(app);
      const res = await post(api, key);
      expect(res.status).to.equal(202);
      const done = await waitForJob(api, key, (await body<BackupView>(res)).backupId);
      expect(done.status).to.equal("failed");
      expect(done.error).to.match(/^NoSuchBucket: /);
      expect(await eventually(() => mails(app).some((m) => m.text.includes(done.backupId)), 500)).to.equal(true);
      const mail = mails(app).find((m) => m.text.includes(done.backupId))!;
      expect(mail.subject).to.match(/FAILED/);
      expect(mail.text).to.include("NoSuchBucket");
      const listed = await body<{ backups: BackupView[] }>(await fetch(`${api.url}/backups`, { headers: { "x-api-key": key } }));
      expect(listed.backups.find((j) => j.backupId === done.backupId)).to.include({ status: "failed" });
    });
  });

  describe("a backup API without lambda:InvokeFunction on the worker", function () {
    let app: RunningApp;

    before(async function () {
      app = await startApp({
        [STACK]: (doc) => {
          const roleOf = String(fnResource(doc, API_FUNCTION).role).replace(/\.arn\}$/, ".id}");
          const policy = Object.values(resources(doc, "aws_iam_role_policy")).find((p) => p.role === roleOf)!;
          const parsed = JSON.parse(String(policy.policy)) as { Statement: { Action: string[] }[] };
          parsed.Statement = parsed.Statement.filter((s) => !s.Action.includes("lambda:InvokeFunction"));
          policy.policy = JSON.stringify(parsed);
        },
      });
    });

    after(async function () {
      await app?.close();
    });

    it("is refused by the local Lambda API with AccessDeniedException: 502, job failed, nothing started", async function () {
      const { api, key } = await start(app);
      const res = await post(api, key);
      expect(res.status).to.equal(502);
      const answer = await body<{ backupId: string; status: string; message: string }>(res);
      expect(answer.status).to.equal("failed");
      expect(answer.message).to.include("AccessDeniedException");
      const job = await waitForJob(api, key, answer.backupId);
      expect(job.status).to.equal("failed");
    });
  });
});
