/**
 * Bench section `backup`: a backup job (the BackupDynamoDBAndSendEmailWorker handler: take
 * the job, stream the table to S3, record the outcome, send the email) against a plain
 * paginated Scan of the same table, in the same run, for 10,000 and 100,000 items.
 * dynalite and s3rver run in child processes of their own; each measurement runs in a fresh child
 * process so its peak RSS (`process.resourceUsage().maxRSS`) is that of the measured work
 * alone. Goals (printed, never enforced): backup >= 0.8x the Scan rate; backup peak RSS
 * grows < 20% from 10,000 to 100,000 items.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, paginateScan, waitUntilTableExists, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { startDynalite, startS3rver, startSesMailbox } from "../local/backends/index.js";

const SIZES = [10_000, 100_000];
const REPEATS = 3;
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
const REGION = "us-east-1";
const SENDER = "no-reply@bench.example";

interface WorkerInput {
  readonly mode: "scan" | "backup";
  readonly table: string;
  readonly bucket: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly ses: string;
  readonly jobs: string;
  /** Distinct per measurement: names the job (one-second ids). */
  readonly run: number;
}

interface WorkerOutput {
  readonly items: number;
  readonly ms: number;
  readonly maxRssKb: number;
  readonly bytes?: number;
}

// ----------------------------------------------------------------------------------------
// Child process: one measurement
// ----------------------------------------------------------------------------------------

async function worker(input: WorkerInput): Promise<WorkerOutput> {
  const dynamodb = new DynamoDBClient({ endpoint: input.dynamodb, region: REGION, credentials: CREDENTIALS });
  if (input.mode === "scan") {
    const start = performance.now();
    let items = 0;
    for await (const page of paginateScan({ client: dynamodb }, { TableName: input.table })) items += page.Items?.length ?? 0;
    return { items, ms: performance.now() - start, maxRssKb: process.resourceUsage().maxRSS };
  }
  const { createWorker } = await import("../../functions/backup-students-worker/index.js");
  const { JobStore } = await import("../../functions/backup-students/jobs.js");
  const { documentClient } = await import("../../functions/lib/clients.js");
  const { SESClient } = await import("@aws-sdk/client-ses");
  const s3 = new S3Client({
    endpoint: input.s3,
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const ses = new SESClient({ endpoint: input.ses, region: REGION, credentials: CREDENTIALS });
  const documents = documentClient(dynamodb);
  Object.assign(process.env, { JOBS_TABLE: input.jobs, SENDER_EMAIL: SENDER, ADMIN_EMAIL: "admin@bench.example", LOG_LEVEL: "silent" });
  const at = new Date(Date.UTC(2030, 0, 1) + input.run * 1000);
  const backupId = `students-${at.toISOString().slice(0, 10).replace(/-/g, "")}-${at.toISOString().slice(11, 19).replace(/:/g, "")}`;
  const key = `backups/${backupId}.json`;
  await new JobStore(documents, input.jobs).create(
    { backupId: backupId, table: input.table, bucket: input.bucket, key, manifestKey: key.replace(/\.json$/, ".manifest.json"), createdAt: at.toISOString() },
    at,
  );
  const run = createWorker({ dynamodb, documents, s3, ses });
  const start = performance.now();
  const outcome = await run({ backupId: backupId }, { getRemainingTimeInMillis: () => 900_000 });
  const ms = performance.now() - start;
  const job = await new JobStore(documents, input.jobs).get(backupId);
  if (outcome.status !== "succeeded" || job?.emailSent !== true) throw new Error(`backup job ended ${outcome.status}: ${outcome.reason ?? "email not sent"}`);
  return { items: job.count ?? 0, ms, maxRssKb: process.resourceUsage().maxRSS, bytes: job.bytes };
}

if (process.env.BACKUP_BENCH_WORKER) {
  worker(JSON.parse(process.env.BACKUP_BENCH_WORKER) as WorkerInput).then(
    (out) => process.stdout.write(`${JSON.stringify(out)}\n`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}

/**
 * Both measured children get the same V8 heap limits, the way the Lambda Node.js runtime
 * sizes the heap from the function's memory: a backup whose memory grew with the table
 * would run out of heap here instead of just looking bigger.
 */
export const WORKER_NODE_OPTIONS = ["--max-old-space-size=96", "--max-semi-space-size=8"];

function measure(input: WorkerInput): Promise<WorkerOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...WORKER_NODE_OPTIONS, "--import", "tsx", fileURLToPath(import.meta.url)], {
      env: { ...process.env, BACKUP_BENCH_WORKER: JSON.stringify(input), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${input.mode} worker exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as WorkerOutput);
      } catch (err) {
        reject(err);
      }
    });
  });
}

// ----------------------------------------------------------------------------------------
// Parent: back ends, seed, measurements, figures
// ----------------------------------------------------------------------------------------

async function seed(client: DynamoDBClient, table: string, count: number): Promise<void> {
  const now = new Date().toISOString();
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < count; start += 25) {
    batches.push(
      Array.from({ length: Math.min(25, count - start) }, (_, i) => {
        const n = start + i;
        const id = `s${String(n).padStart(7, "0")}`;
        return {
          PutRequest: {
            Item: {
              studentid: { S: id },
              name: { S: `Student number ${n}` },
              class: { S: `12A${n % 9}` },
              birthdate: { S: `200${n % 10}-0${(n % 9) + 1}-1${n % 10}` },
              email: { S: `${id}@school.example` },
              version: { N: "1" },
              createdAt: { S: now },
              updatedAt: { S: now },
            },
          },
        };
      }),
    );
  }
  let next = 0;
  const lanes = Array.from({ length: 8 }, async () => {
    while (next < batches.length) {
      let pending = batches[next++]!;
      while (pending.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      }
    }
  });
  await Promise.all(lanes);
}

const rate = (o: WorkerOutput): number => o.items / (o.ms / 1000);
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
const best = (runs: WorkerOutput[]): WorkerOutput => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));

export async function run(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), "bench-backup-"));
  const dynamo = await startDynalite();
  // s3rver runs in a process of its own (as every local S3 does), so its CPU is not
  // taken from dynalite's, which serves the Scan being compared.
  const s3 = await startS3rver({ directory: path.join(root, "s3"), buckets: ["bench-backups"] });
  const ses = await startSesMailbox({ directory: path.join(root, "mail"), identities: () => [SENDER] });
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
    // The tables as the student-records stack synthesizes them. Imported here, not at the top:
    // the measured children run this file, and cdktf must not count in their peak RSS.
    const { serviceTableInput } = await import("../../test/support/service-tables.js");
    const jobs = "bench-backupJobs";
    await client.send(new CreateTableCommand(serviceTableInput("student-records", "backupJobs", jobs)));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: jobs });
    const bucket = "bench-backups";
    let runs = 0;
    const rows: Array<{ size: number; scan: WorkerOutput; backup: WorkerOutput; backupRss: number }> = [];
    for (const size of SIZES) {
      const table = `bench-students-${size}`;
      await client.send(new CreateTableCommand(serviceTableInput("student-records", "studentData", table)));
      await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: table });
      const seedStart = performance.now();
      await seed(client, table, size);
      console.log(`  seeded ${size} items in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      const input = { table, bucket, dynamodb: dynamo.endpoint, s3: s3.endpoint, ses: ses.endpoint, jobs, run: 0 };
      const scans: WorkerOutput[] = [];
      const backups: WorkerOutput[] = [];
      for (let r = 0; r < REPEATS; r += 1) {
        scans.push(await measure({ ...input, mode: "scan" }));
        backups.push(await measure({ ...input, mode: "backup", run: runs++ }));
      }
      for (const o of [...scans, ...backups]) if (o.items !== size) throw new Error(`expected ${size} items, measured ${o.items}`);
      rows.push({ size, scan: best(scans), backup: best(backups), backupRss: Math.max(...backups.map((b) => b.maxRssKb)) });
    }
    console.log("  items     scan items/s   backup job items/s   backup/scan   backup MB   scan peak RSS   backup peak RSS");
    for (const row of rows) {
      console.log(
        `  ${String(row.size).padEnd(9)} ${rate(row.scan).toFixed(0).padStart(12)}   ${rate(row.backup).toFixed(0).padStart(14)}   ${(rate(row.backup) / rate(row.scan)).toFixed(2).padStart(10)}x` +
          `   ${((row.backup.bytes ?? 0) / 1024 / 1024).toFixed(1).padStart(9)}   ${mb(row.scan.maxRssKb).padStart(13)}   ${mb(row.backupRss).padStart(15)}`,
      );
    }
    const small = rows[0]!;
    const large = rows[rows.length - 1]!;
    const worstRatio = Math.min(...rows.map((r) => rate(r.backup) / rate(r.scan)));
    const growth = (large.backupRss / small.backupRss - 1) * 100;
    console.log(`  backup rate vs scan rate (worst size): ${worstRatio.toFixed(2)}x   goal >= 0.80x   ${worstRatio >= 0.8 ? "met" : "NOT met"}`);
    console.log(
      `  backup peak RSS ${small.size} -> ${large.size} items: ${mb(small.backupRss)} -> ${mb(large.backupRss)} (${growth >= 0 ? "+" : ""}${growth.toFixed(1)}%)   goal < +20%   ${growth < 20 ? "met" : "NOT met"}`,
    );
  } finally {
    await dynamo.close();
    await s3.close();
    await ses.close();
    rmSync(root, { recursive: true, force: true });
  }
}
