/**
 * Back ends across restarts: in memory by default, kept in <stateDir>/dynamodb with
 * `persist`; seeds are written when a table is created, never over existing data.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startGateway } from "../../scripts/local/gateway";
import { synthFixture, type FixtureOutput } from "./fixtures/stacks";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

async function roundTrip(fixture: FixtureOutput, stateDir: string, persist: boolean): Promise<{ seeded?: string; written?: string }> {
  const first = await startGateway({ outdir: fixture.outdir, port: 0, stateDir, persist, log: () => undefined });
  try {
    const db = new DynamoDBClient({ endpoint: first.endpoints.dynamodb, region: "us-east-1", credentials });
    await db.send(new PutItemCommand({ TableName: "dev-Items", Item: { ID: { N: "77" }, name: { S: "written" } } }));
    await db.send(new PutItemCommand({ TableName: "dev-Items", Item: { ID: { N: "1" }, name: { S: "changed" }, category: { S: "office" } } }));
    db.destroy();
  } finally {
    await first.close();
  }
  const second = await startGateway({ outdir: fixture.outdir, port: 0, stateDir, persist, log: () => undefined });
  try {
    const db = new DynamoDBClient({ endpoint: second.endpoints.dynamodb, region: "us-east-1", credentials });
    const written = await db.send(new GetItemCommand({ TableName: "dev-Items", Key: { ID: { N: "77" } } }));
    const seeded = await db.send(new GetItemCommand({ TableName: "dev-Items", Key: { ID: { N: "1" } } }));
    db.destroy();
    return { written: written.Item?.name?.S, seeded: seeded.Item?.name?.S };
  } finally {
    await second.close();
  }
}

describe("local gateway back ends across restarts", function () {
  let fixture: FixtureOutput;

  before(async function () {
    fixture = await synthFixture();
  });

  after(function () {
    if (fixture) rmSync(fixture.workDir, { recursive: true, force: true });
  });

  it("keeps DynamoDB data with persist and does not re-seed over it", async function () {
    expect(await roundTrip(fixture, join(fixture.workDir, "persisted"), true)).to.deep.equal({ written: "written", seeded: "changed" });
  });

  it("starts from the seeds again without persist", async function () {
    expect(await roundTrip(fixture, join(fixture.workDir, "memory"), false)).to.deep.equal({ written: undefined, seeded: "Pen" });
  });
});
