/**
 * student-records end to end: the real synthesized stack served by the local gateway,
 * over HTTP on loopback, with dynalite, s3rver and the SES mailbox behind it.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, eventually, s3Client, startApp, type RunningApp } from "./support/app";
import type { BackupView } from "../support/job-views";
import type { Student } from "../../functions/insert-student-data/schema";

const student = (studentid: string, name = `Student ${studentid}`) => ({
  studentid,
  name,
  class: "10B",
  birthdate: "2009-04-17",
  email: `${studentid.toLowerCase()}@school.example.com`,
});

describe("e2e: student-records (real stack over HTTP)", function () {
  let app: RunningApp;
  let api: ApiEndpoint;
  let key: string;
  const origin = environment.webOrigins[0]!;

  /**
   * A client of a throttled API: the usage plan allows 10 requests/s with a burst of 20 per
   * key, so a functional step that meets `429 Too Many Requests` waits for the bucket and
   * tries again (the throttle itself is asserted separately, at the end).
   */
  async function call(method: string, route: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    for (let attempt = 0; ; attempt += 1) {
      const res = await fetch(`${api.url}${route}`, {
        method,
        headers: { "x-api-key": key, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      if (res.status !== 429 || attempt >= 10) return res;
      const text = await res.text();
      expect(JSON.parse(text)).to.deep.equal({ message: "Too Many Requests" });
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  before(async function () {
    app = await startApp();
    api = app.api("student-records", "prod");
    key = apiKey(api, "StudentApiKey");
  });

  after(async function () {
    await app?.close();
  });

  describe("API keys and CORS", function () {
    it("answers 403 Forbidden without a key and with a wrong key, before any integration runs", async function () {
      for (const headers of [{} as Record<string, string>, { "x-api-key": "not-the-student-key-0123456789" }]) {
        const res = await fetch(`${api.url}/students`, { headers });
        expect(res.status, JSON.stringify(headers)).to.equal(403);
        expect(await body(res)).to.deep.equal({ message: "Forbidden" });
      }
    });

    it("answers a CORS preflight from the configured web origin", async function () {
      const res = await fetch(`${api.url}/students`, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-key" },
      });
      expect(res.status, "the stack's preflight status (modules/rest-api/cors.ts default)").to.equal(204);
      expect(await res.text()).to.equal("");
      expect(res.headers.get("access-control-allow-origin")).to.equal(origin);
      const methods = (res.headers.get("access-control-allow-methods") ?? "").split(",").map((m) => m.trim());
      expect(methods).to.include.members(["GET", "POST", "OPTIONS"]);
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
      expect(allowed).to.include("content-type");
      expect(allowed).to.include("x-api-key");
    });

    it("puts CORS headers on the gateway's own 403", async function () {
      const res = await fetch(`${api.url}/students`, { headers: { Origin: origin } });
      expect(res.status).to.equal(403);
      expect(res.headers.get("access-control-allow-origin")).to.equal(origin);
      expect(await body(res)).to.deep.equal({ message: "Forbidden" });
    });
  });

  describe("CRUD", function () {
    const ids = ["S-001", "S-002", "S-003", "S-004", "S-005"];

    it("creates a student with 201, and refuses the same id again with 409", async function () {
      const res = await call("POST", "/students", student(ids[0]!));
      expect(res.status).to.equal(201);
      expect(res.headers.get("location")).to.equal(`/students/${ids[0]}`);
      const created = await body<Student>(res);
      expect(created).to.include({ ...student(ids[0]!), version: 1 });
      const dup = await call("POST", "/students", student(ids[0]!, "Someone Else"));
      expect(dup.status).to.equal(409);
      expect(JSON.stringify(await body(dup))).to.include(ids[0]!);
    });

    it("rejects a body that does not match the StudentCreate model with API Gateway's 400", async function () {
      const res = await call("POST", "/students", { ...student("S-BAD"), birthdate: 20090417 });
      expect(res.status).to.equal(400);
      expect(await body(res)).to.deep.equal({ message: "Invalid request body" });
      const missing = await call("GET", "/students/S-BAD");
      expect(missing.status, "nothing was written").to.equal(404);
    });

    it("gets one student, and lists every student a page at a time", async function () {
      for (const id of ids.slice(1)) expect((await call("POST", "/students", student(id))).status).to.equal(201);
      const one = await call("GET", `/students/${ids[2]}`);
      expect(one.status).to.equal(200);
      expect(await body<Student>(one)).to.include(student(ids[2]!));

      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const res = await call("GET", `/students?limit=2${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ""}`);
        expect(res.status).to.equal(200);
        const page = await body<{ items: Student[]; count: number; nextToken?: string }>(res);
        expect(page.items.length).to.be.at.most(2);
        expect(page.count).to.equal(page.items.length);
        seen.push(...page.items.map((s) => s.studentid));
        nextToken = page.nextToken;
        pages += 1;
      } while (nextToken && pages < 10);
      expect(pages).to.be.at.least(3);
      expect([...seen].sort()).to.deep.equal(ids);
    });

    it("updates with the current version, then refuses the stale version with 409", async function () {
      const route = `/students/${ids[1]}`;
      const update = { name: "Renamed", class: "11A", birthdate: "2008-01-02", email: "renamed@school.example.com", version: 1 };
      const ok = await call("PUT", route, update);
      expect(ok.status).to.equal(200);
      expect(await body<Student>(ok)).to.include({ studentid: ids[1], name: "Renamed", class: "11A", version: 2 });
      const stale = await call("PUT", route, { ...update, name: "Lost update" });
      expect(stale.status).to.equal(409);
      expect(await body(stale)).to.have.property("currentVersion", 2);
      const current = await body<Student>(await call("GET", route));
      expect(current).to.include({ name: "Renamed", version: 2 });
    });

    it("deletes a student, after which it is 404", async function () {
      const route = `/students/${ids[4]}`;
      const res = await call("DELETE", route);
      expect(res.status).to.equal(200);
      expect(await body(res)).to.deep.equal({ deleted: ids[4] });
      expect((await call("GET", route)).status).to.equal(404);
      expect((await call("DELETE", route)).status).to.equal(404);
    });
  });

  describe("backup and restore", function () {
    let backup: BackupView;
    let before: Student[];

    /** POST /restore (202, a job), followed at its links.self until it ends. */
    async function restoreJob(request: { key: string; mode: string }): Promise<Record<string, unknown>> {
      const res = await call("POST", "/restore", request);
      expect(res.status, await res.clone().text()).to.equal(202);
      const started = await body<{ restoreId: string; status: string; links: { self: string } }>(res);
      expect(started.status).to.equal("running");
      expect(res.headers.get("location")).to.equal(started.links.self);
      let job: Record<string, unknown> = started;
      for (let i = 0; i < 500 && job.status === "running"; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        job = await body(await call("GET", `/restores/${started.restoreId}`));
      }
      return job;
    }

    it("starts a backup job (202) that writes the table to the backup bucket and emails the admin a report", async function () {
      before = (await body<{ items: Student[] }>(await call("GET", "/students?limit=100"))).items.sort((a, b) => a.studentid.localeCompare(b.studentid));
      expect(before).to.have.length(4);

      // The document's request, verbatim plus the key: POST /backup without a body.
      const res = await call("POST", "/backup");
      expect(res.status).to.equal(202);
      const started = await body<BackupView>(res);
      expect(started).to.include({ status: "running" });
      expect(started.key).to.match(/^backups\/students-\d{8}-\d{6}\.json$/);
      const self = new URL(started.links.self, api.url).toString();
      expect(self).to.equal(`${api.url}/backups/${started.backupId}`);
      expect(res.headers.get("location")).to.equal(started.links.self);
      for (let i = 0; i < 500; i += 1) {
        backup = await body<BackupView>(await call("GET", `/backups/${started.backupId}`));
        if (backup.status !== "running") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(backup).to.include({ status: "succeeded", count: 4, key: started.key });
      const listedJobs = await body<{ backups: BackupView[] }>(await call("GET", "/backups"));
      expect(listedJobs.backups.map((j) => j.backupId)).to.include(started.backupId);
      await eventually(() => readdirSync(app.endpoints.mailbox).some((f) => f.endsWith(".json")));

      // The object, read back through the S3 API.
      const s3 = s3Client(app.endpoints);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: backup.bucket, Prefix: "backups/" }));
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).to.deep.equal([backup.key, backup.manifestKey].sort());
      const object = await s3.send(new GetObjectCommand({ Bucket: backup.bucket, Key: backup.key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      expect(bytes.length).to.equal(backup.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).to.equal(backup.sha256);
      const document = JSON.parse(bytes.toString("utf8")) as { count: number; items: Record<string, unknown>[] };
      expect(document.count).to.equal(4);
      expect(document.items).to.have.length(4);
      const manifest = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: backup.bucket, Key: backup.manifestKey }))).Body!.transformToString()) as Record<string, unknown>;
      expect(manifest).to.include({ count: 4, bytes: backup.bytes, sha256: backup.sha256 });

      // The report, in the mailbox folder named by endpoints.json.
      const files = readdirSync(app.endpoints.mailbox);
      const jsons = files.filter((f) => f.endsWith(".json"));
      expect(jsons).to.have.length(1);
      expect(files).to.include(jsons[0]!.replace(/\.json$/, ".eml"));
      const mail = JSON.parse(readFileSync(path.join(app.endpoints.mailbox, jsons[0]!), "utf8")) as { source: string; to: string[]; subject: string; text: string };
      expect(mail.source).to.equal(environment.senderEmail);
      expect(mail.to).to.deep.equal([environment.adminEmail]);
      expect(mail.subject).to.include("4 items");
      expect(mail.text).to.include(backup.bucket).and.include(backup.key).and.include(`Items: 4`);
      const eml = readFileSync(path.join(app.endpoints.mailbox, jsons[0]!.replace(/\.json$/, ".eml")), "utf8");
      expect(eml).to.include(environment.adminEmail);
    });

    it("restores a deleted student (skip mode) and a changed one (overwrite mode) exactly as backed up", async function () {
      const gone = before[0]!;
      const changed = before[1]!;
      expect((await call("DELETE", `/students/${gone.studentid}`)).status).to.equal(200);
      const put = await call("PUT", `/students/${changed.studentid}`, { name: "Changed after backup", class: changed.class, birthdate: changed.birthdate, email: changed.email, version: changed.version });
      expect(put.status).to.equal(200);

      const skip = await restoreJob({ key: backup.key, mode: "skip" });
      expect(skip).to.include({ status: "succeeded", count: 4, restored: 1, skipped: 3, backupId: backup.backupId });
      expect(await body<Student>(await call("GET", `/students/${gone.studentid}`))).to.deep.equal(gone);
      expect(await body<Student>(await call("GET", `/students/${changed.studentid}`))).to.include({ name: "Changed after backup" });

      const overwrite = await restoreJob({ key: backup.key, mode: "overwrite" });
      expect(overwrite).to.include({ status: "succeeded", count: 4, restored: 4, skipped: 0 });
      const after = (await body<{ items: Student[] }>(await call("GET", "/students?limit=100"))).items.sort((a, b) => a.studentid.localeCompare(b.studentid));
      expect(after).to.deep.equal(before);
    });

    it("answers 404 for a backup that does not exist, and 400 for a key outside backups/", async function () {
      const missing = await call("POST", "/restore", { key: "backups/students-20000101-000000.json" });
      expect(missing.status).to.equal(404);
      const outside = await call("POST", "/restore", { key: "../etc/passwd.json" });
      expect(outside.status).to.equal(400);
      expect(await body(outside)).to.deep.equal({ message: "Invalid request body" });
    });
  });

  describe("usage plan throttle", function () {
    it("answers 429 Too Many Requests once a burst exceeds the plan's bucket", async function () {
      // The tests above share the key's bucket; let it refill (burst / rate seconds) so the
      // burst starts from a full bucket whatever they left in it.
      const { rateLimit, burstLimit } = environment.services.studentRecords.usagePlanThrottle;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((burstLimit / rateLimit) * 1000) + 100));
      const results = await Promise.all(
        Array.from({ length: 60 }, async () => {
          const res = await fetch(`${api.url}/students/NOBODY`, { headers: { "x-api-key": key } });
          return { status: res.status, body: await res.text() };
        }),
      );
      const limited = results.filter((r) => r.status === 429);
      const served = results.filter((r) => r.status !== 429);
      expect(limited.length, results.map((r) => r.status).join(",")).to.be.greaterThan(0);
      for (const r of limited) expect(JSON.parse(r.body)).to.deep.equal({ message: "Too Many Requests" });
      expect(served.length).to.be.greaterThan(0);
      for (const r of served) expect(r.status).to.equal(404);
    });
  });
});
