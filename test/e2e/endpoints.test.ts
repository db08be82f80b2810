/**
 * The gateway over the whole real app: every API stage of the served environment is in
 * endpoints.json with the keys and tokens a client needs, and answers on loopback.
 */
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import path from "node:path";
import { body, environment, s3Client, startApp, type RunningApp } from "./support/app";

describe("e2e: endpoints of the real app", function () {
  let app: RunningApp;

  before(async function () {
    app = await startApp();
  });

  after(async function () {
    await app?.close();
  });

  it("lists every service's API stages, with keys where a usage plan covers the stage and a token for each Cognito authorizer", function () {
    const e = app.endpoints;
    expect(e.gateway).to.equal(app.gateway.url).and.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.dynamodb).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.s3).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.mailbox).to.equal(path.join(app.stateDir, "mailbox"));
    const n = environment.name;
    expect(e.apis.map((a) => `${a.stack}/${a.stage}`).sort()).to.deep.equal(
      [`image-gallery-${n}/prod`, `items-catalog-${n}/dev`, `items-catalog-${n}/prod`, `music-library-${n}/Test`, `student-records-${n}/prod`, `todos-${n}/prod`].sort(),
    );
    for (const a of e.apis) expect(a.url).to.equal(`${e.gateway}/${a.stack}/${a.stage}`);
    const keysOf = (stack: string) => Object.keys(app.endpoints.apis.find((a) => a.stack === `${stack}-${n}`)!.apiKeys);
    expect(keysOf("student-records")).to.deep.equal([`${environment.prefix}StudentApiKey`]);
    expect(keysOf("items-catalog")).to.deep.equal([`${environment.prefix}LabKey`]);
    expect(keysOf("music-library")).to.deep.equal([`${environment.prefix}DemoApiKey`]);
    expect(keysOf("todos")).to.have.length(environment.services.todos.apiKeyRequired ? 1 : 0);
    const gallery = app.api("image-gallery", "prod");
    expect(Object.keys(gallery.tokens)).to.have.length(1);
    expect(Object.values(gallery.tokens)[0]).to.match(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const a of e.apis.filter((x) => x.stack !== `image-gallery-${n}`)) expect(a.tokens, a.stack).to.deep.equal({});
  });

  it("created the stacks' tables and buckets in the local back ends", async function () {
    const model = app.gateway.model();
    const ddb = new DynamoDBClient({ endpoint: app.endpoints.dynamodb, region: environment.region, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    try {
      const tables = (await ddb.send(new ListTablesCommand({}))).TableNames ?? [];
      expect(tables).to.include.members(model.tables.map((t) => t.name));
      expect(tables.some((t) => t.endsWith("studentData"))).to.equal(true);
    } finally {
      ddb.destroy();
    }
    const buckets = ((await s3Client(app.endpoints).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(buckets).to.include.members(model.buckets);
  });

  it("answers an unknown stack, stage or path with 403 Missing Authentication Token", async function () {
    for (const url of [`${app.gateway.url}/nowhere/prod/x`, `${app.gateway.url}/todos-${environment.name}/staging/todos`, `${app.api("todos", "prod").url}/nothing-here`]) {
      const res = await fetch(url);
      expect(res.status, url).to.equal(403);
      expect(await body(res)).to.deep.equal({ message: "Missing Authentication Token" });
    }
  });
});
