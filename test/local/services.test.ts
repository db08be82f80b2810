/**
 * The five services, synthesized from main.ts exactly as `npm start` does, served by the
 * local gateway: each service's main flow over HTTP with the real handler zips behind it.
 */
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type ApiEndpoint, type Gateway } from "../../scripts/local/gateway";

const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

describe("the five services on the local gateway", function () {
  let workDir: string;
  let gateway: Gateway;

  const api = (service: string, stage?: string): ApiEndpoint => {
    const found = gateway.endpoints.apis.find((a) => a.stack.startsWith(`${service}-`) && (stage === undefined || a.stage === stage));
    if (!found) throw new Error(`no API for ${service}${stage ? `/${stage}` : ""}`);
    return found;
  };
  const keyOf = (a: ApiEndpoint) => Object.values(a.apiKeys)[0]!;
  const json = { "content-type": "application/json" };

  before(async function () {
    workDir = mkdtempSync(join(tmpdir(), "gateway-services-"));
    const outdir = join(workDir, "cdktf.out");
    execFileSync(process.execPath, ["--import", "tsx", "main.ts"], { env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "ignore", "pipe"] });
    gateway = await startGateway({ outdir, port: 0, stateDir: join(workDir, "state"), log: () => undefined });
  });

  after(async function () {
    await gateway?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("serves every service of the first environment, and no platform or state-bootstrap stack", function () {
    const services = new Set(gateway.endpoints.apis.map((a) => a.stack.replace(/-[^-]+$/, "")));
    expect([...services].sort()).to.deep.equal(["image-gallery", "items-catalog", "music-library", "student-records", "todos"]);
  });

  describe("items-catalog", function () {
    it("renders the document's mock templates, as API Gateway prints them", async function () {
      const dev = api("items-catalog", "dev");
      const list = await fetch(`${dev.url}/preview/items`, { headers: { "x-api-key": keyOf(dev) } });
      expect(list.status).to.equal(200);
      const text = await list.text();
      expect(text).to.include('"price" : 3.0');
      expect(JSON.parse(text)).to.deep.equal([
        { ID: 1, name: "foo1", price: 1.5 },
        { ID: 2, name: "foo2", price: 3 },
        { ID: 3, name: "foo3", price: 4.5 },
      ]);
      const one = await fetch(`${dev.url}/preview/items/7`, { headers: { "x-api-key": keyOf(dev) } });
      expect(await one.json()).to.deep.equal({ ID: 7, name: "foo7", price: 10.5 });
    });

    it("invokes the function through the non-proxy integration on both stages, with 404 from NotFoundError and 403 without a key", async function () {
      for (const stage of ["dev", "prod"]) {
        const a = api("items-catalog", stage);
        const item = await fetch(`${a.url}/items/1`, { headers: { "x-api-key": keyOf(a) } });
        expect(item.status, stage).to.equal(200);
        expect(await item.json()).to.include({ ID: 1 });
        const missing = await fetch(`${a.url}/items/999`, { headers: { "x-api-key": keyOf(a) } });
        expect(missing.status, stage).to.equal(404);
        const noKey = await fetch(`${a.url}/items`);
        expect(noKey.status, stage).to.equal(403);
        expect(await noKey.json()).to.deep.equal({ message: "Forbidden" });
      }
    });
  });

  describe("student-records", function () {
    it("creates and reads a student, rejects an invalid body, and backs up to S3 with an email in the mailbox", async function () {
      const a = api("student-records");
      const headers = { ...json, "x-api-key": keyOf(a) };
      const student = { studentid: "s-100", name: "Ann", class: "A", birthdate: "2000-01-01", email: "ann@example.com" };
      const created = await fetch(`${a.url}/students`, { method: "POST", headers, body: JSON.stringify(student) });
      expect(created.status).to.equal(201);
      const read = await fetch(`${a.url}/students/s-100`, { headers });
      expect(await read.json()).to.include({ studentid: "s-100", name: "Ann" });
      const invalid = await fetch(`${a.url}/students`, { method: "POST", headers, body: JSON.stringify({ name: 5 }) });
      expect(invalid.status).to.equal(400);
      expect(await invalid.json()).to.deep.equal({ message: "Invalid request body" });

      const backup = await fetch(`${a.url}/backup`, { method: "POST", headers });
      expect(backup.status).to.equal(200);
      const { bucket, key } = (await backup.json()) as { bucket: string; key: string };
      const s3 = new S3Client({ endpoint: gateway.endpoints.s3, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      s3.destroy();
      expect(head.ContentLength).to.be.greaterThan(0);
      const messages = readdirSync(gateway.endpoints.mailbox).filter((f) => f.endsWith(".json"));
      expect(messages).to.have.length.greaterThan(0);
      expect(readFileSync(join(gateway.endpoints.mailbox, messages[0]!), "utf8")).to.include(key);
    });
  });

  describe("todos", function () {
    it("creates, reads, updates and deletes a todo", async function () {
      const a = api("todos");
      const created = await fetch(`${a.url}/todos`, { method: "POST", headers: json, body: JSON.stringify({ title: "write tests" }) });
      expect(created.status).to.equal(201);
      const { id, version } = (await created.json()) as { id: string; version: number };
      expect((await (await fetch(`${a.url}/todos/${id}`)).json()) as object).to.include({ id, title: "write tests" });
      const updated = await fetch(`${a.url}/todos/${id}`, { method: "PUT", headers: json, body: JSON.stringify({ completed: true, version }) });
      expect(updated.status).to.equal(200);
      expect(await updated.json()).to.include({ completed: true });
      const deleted = await fetch(`${a.url}/todos/${id}`, { method: "DELETE" });
      expect(deleted.status).to.be.oneOf([200, 204]);
      expect((await fetch(`${a.url}/todos/${id}`)).status).to.equal(404);
    });
  });

  describe("image-gallery", function () {
    it("uploads a binary image with the Cognito token and lists it; refuses without a token", async function () {
      const a = api("image-gallery");
      const token = Object.values(a.tokens)[0]!;
      const upload = await fetch(`${a.url}/upload/pic.png`, { method: "POST", headers: { Authorization: token, "content-type": "image/png" }, body: PNG_1X1 });
      expect(upload.status).to.equal(201);
      expect(await upload.json()).to.include({ filename: "pic.png", size: PNG_1X1.length });
      const list = await fetch(`${a.url}/view-all`, { headers: { Authorization: token } });
      const body = (await list.json()) as { items: { filename: string }[] };
      expect(body.items.map((i) => i.filename)).to.include("pic.png");
      expect((await fetch(`${a.url}/view-all`)).status).to.equal(401);
    });
  });

  describe("music-library", function () {
    it("creates and deletes a Music table with the API key", async function () {
      const a = api("music-library");
      const headers = { ...json, "x-api-key": keyOf(a) };
      const table = `${a.stack.replace(/^music-library-/, "")}-Music`;
      const created = await fetch(`${a.url}/DemoResourceMusic/DemoResourceMusicTable`, { method: "PUT", headers, body: JSON.stringify({ table }) });
      expect(created.status).to.equal(201);
      const deleted = await fetch(`${a.url}/DemoResourceMusic/DemoResourceMusicTable`, { method: "DELETE", headers, body: JSON.stringify({ table }) });
      expect(deleted.status).to.equal(200);
      expect((await fetch(`${a.url}/DemoResourceMusic/DemoResourceMusicTable`, { method: "PUT", headers: json, body: "{}" })).status).to.equal(403);
    });
  });
});
