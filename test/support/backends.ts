/**
 * One dynalite, one s3rver and one SES mailbox per test process, started on first use on
 * 127.0.0.1 with OS-chosen ports. Handlers create their SDK clients at module scope, so
 * the endpoint variables are set before any handler is imported (import handlers with
 * `await import()` after `backends()`), and every test file shares the same servers while
 * using its own tables and buckets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import {
  CreateTableCommand,
  waitUntilTableExists,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  paginateScan,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import type { Service, ServiceTables } from "./service-tables.js";
import { startDynalite, startS3rver, startSesMailbox, type LocalBackend, type SesMailbox } from "../../scripts/local/backends/index.js";

export interface Backends {
  readonly dynamodb: LocalBackend;
  readonly s3: LocalBackend;
  readonly ses: SesMailbox;
  readonly identities: Set<string>;
  readonly ddb: DynamoDBClient;
  readonly s3c: S3Client;
  readonly mailDir: string;
}

let started: Promise<Backends> | undefined;

function pointSdkAt(b: Backends): Backends {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = b.dynamodb.endpoint;
  process.env.AWS_ENDPOINT_URL_S3 = b.s3.endpoint;
  process.env.AWS_ENDPOINT_URL_SES = b.ses.endpoint;
  process.env.LOG_LEVEL ??= "silent";
  return b;
}

/**
 * Snapshots `process.env` before the enclosing describe and restores it after, so the
 * endpoint and handler variables these tests set never leak into other test files.
 */
export function isolateEnv(): void {
  let saved: NodeJS.ProcessEnv = {};
  before(() => {
    saved = { ...process.env };
  });
  after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
}

export async function backends(): Promise<Backends> {
  started ??= (async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "functions-test-"));
    process.on("exit", () => rmSync(root, { recursive: true, force: true }));
    const identities = new Set<string>();
    const mailDir = path.join(root, "mail");
    const [dynamodb, s3, ses] = await Promise.all([
      startDynalite(),
      startS3rver({ directory: path.join(root, "s3") }),
      startSesMailbox({ directory: mailDir, identities: () => identities }),
    ]);
    const ddb = new DynamoDBClient({ endpoint: dynamodb.endpoint });
    const s3c = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    return { dynamodb, s3, ses, identities, ddb, s3c, mailDir };
  })();
  return pointSdkAt(await started);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** One of a service stack's tables (test/support/service-tables.ts) under a unique name, created and ACTIVE; returns its name. */
export async function createServiceTable<S extends Service>(service: S, id: ServiceTables[S]): Promise<string> {
  // Imported on first use: the stacks bring cdktf, which most users of this file never need.
  const { serviceTableInput } = await import("./service-tables.js");
  return createTableFrom(serviceTableInput(service, id, uniqueName(id)));
}

/** Creates a table from a full CreateTable input and waits until it is ACTIVE; returns its name. */
export async function createTableFrom(input: CreateTableCommandInput): Promise<string> {
  const { ddb } = await backends();
  await ddb.send(new CreateTableCommand(input));
  // dynalite answers CreateTable while the table is still CREATING, as DynamoDB does.
  await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: input.TableName! });
  return input.TableName!;
}

export async function createBucket(name: string): Promise<string> {
  const { s3c } = await backends();
  await s3c.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Every item of a table, sorted by its JSON text, for exact comparisons. */
export async function tableItems(name: string): Promise<Record<string, AttributeValue>[]> {
  const { ddb } = await backends();
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client: ddb }, { TableName: name })) items.push(...(page.Items ?? []));
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export async function tableCount(name: string): Promise<number> {
  const { ddb } = await backends();
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: name, Select: "COUNT", ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

export async function bucketKeys(bucket: string): Promise<string[]> {
  const { s3c } = await backends();
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3c }, { Bucket: bucket })) {
    for (const o of page.Contents ?? []) keys.push(o.Key ?? "");
  }
  return keys.sort();
}

export async function openUploads(bucket: string): Promise<string[]> {
  const { s3c } = await backends();
  const out = await s3c.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`);
}

export async function objectText(bucket: string, key: string): Promise<string> {
  const { s3c } = await backends();
  const out = await s3c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}
