/**
 * A back end that dies does not take the gateway with it: dynalite and s3rver run in
 * child processes; while one restarts, an SDK client gets the service's own "unavailable"
 * error (DynamoDB: 503 ServiceUnavailable, DynamoDB developer guide "Error handling with
 * DynamoDB", 5xx errors; S3: 503 ServiceUnavailable, S3 API reference "Error responses"),
 * and once it is back the gateway serves from it again, the model's tables re-created.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { SupervisedBackend } from "../../../scripts/local/backends/index.js";
import { startGateway, type ApiEndpoint, type Gateway } from "../../../scripts/local/gateway";
import { synthFixture, type FixtureOutput } from "../fixtures/stacks";

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Kills the back end's child and resolves once the supervisor has seen it die. */
async function kill(backend: SupervisedBackend): Promise<void> {
  const pid = backend.pid!;
  process.kill(pid, "SIGKILL");
  while (backend.pid === pid) await new Promise((r) => setTimeout(r, 5));
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; fault?: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string };
    return { name: e.name, status: e.$metadata?.httpStatusCode, fault: e.$fault };
  }
  throw new Error("expected the request to fail");
}

describe("local back ends: a crashed back end is restarted under a running gateway", function () {
  let fixture: FixtureOutput;
  let gateway: Gateway;
  let dev: ApiEndpoint;
  const lines: string[] = [];

  before(async function () {
    fixture = await synthFixture();
    gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: join(fixture.workDir, "state"), log: (l) => lines.push(l) });
    dev = gateway.api("items-dev", "dev");
  });

  after(async function () {
    await gateway?.close();
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  it("DynamoDB: 503 ServiceUnavailable while dynalite restarts, the gateway still serving; then the tables and seeds are back", async function () {
    const db = new DynamoDBClient({ endpoint: gateway.endpoints.dynamodb, region: "us-east-1", credentials, maxAttempts: 1 });
    const before = (await (await fetch(`${dev.url}/echo/x/1?mode=dynamo`)).json()) as { item?: { name?: { S?: string } } };
    expect(before.item?.name?.S).to.equal("Pen");
    const pid = gateway.backends.dynamodb.pid;

    await kill(gateway.backends.dynamodb);
    expect(await failure(db.send(new ListTablesCommand({})))).to.deep.equal({ name: "ServiceUnavailable", status: 503, fault: "server" });
    const mock = await fetch(`${dev.url}/mock/7`);
    expect(mock.status, "a MOCK route does not need the back end").to.equal(200);

    await gateway.backends.dynamodb.serving();
    expect(gateway.backends.dynamodb.restarts).to.equal(1);
    expect(gateway.backends.dynamodb.pid).to.be.a("number").and.not.equal(pid);
    expect((await db.send(new ListTablesCommand({}))).TableNames).to.include("dev-Items");
    const after = (await (await fetch(`${dev.url}/echo/x/1?mode=dynamo`)).json()) as { item?: { name?: { S?: string } } };
    expect(after.item?.name?.S, "the seed item is served again").to.equal("Pen");
    expect(lines.some((l) => /dynamodb back end exited \(SIGKILL\); restarting/.test(l))).to.equal(true);
  });

  it("S3: 503 ServiceUnavailable while s3rver restarts; objects stored before the crash are still there", async function () {
    const s3 = new S3Client({ endpoint: gateway.endpoints.s3, region: "us-east-1", credentials, forcePathStyle: true, maxAttempts: 1, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    await s3.send(new PutObjectCommand({ Bucket: "dev-uploads-fixture", Key: "kept.txt", Body: "kept" }));

    await kill(gateway.backends.s3);
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: "dev-uploads-fixture", Key: "kept.txt" })))).to.deep.equal({ name: "ServiceUnavailable", status: 503, fault: "server" });

    await gateway.backends.s3.serving();
    const out = await s3.send(new GetObjectCommand({ Bucket: "dev-uploads-fixture", Key: "kept.txt" }));
    expect(await out.Body!.transformToString()).to.equal("kept");
  });
});
