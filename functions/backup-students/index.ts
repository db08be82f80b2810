/**
 * Lambda `BackupDynamoDBAndSendEmail` (student-records): backups as jobs, because copying a
 * table can take longer than API Gateway's 29-second integration limit.
 *   POST /backup             no body (or `{}`), as the document sends it: records a job and
 *                            invokes $WORKER_FUNCTION asynchronously (`InvocationType:
 *                            Event`); 202 `{"backupId", "status": "running", "links", ...}`
 *                            with a `Location` header. Always a job, whatever the table's
 *                            size: one answer for every client, and the table's size is not
 *                            known before the scan. 409 when a backup was started in the same
 *                            second (one-second names); 502 when the worker could not be
 *                            invoked (the job is recorded as failed).
 *   GET /backups             recent jobs, newest first (`?limit=1..100`, default 20; `nextToken`).
 *   GET /backups/{backupId}  one job: its status and, once succeeded, the object key, count,
 *                            bytes and SHA-256 read from the backup's manifest.
 * The worker (functions/backup-students-worker) writes the backup and sends the email.
 *
 * Environment:
 *   TABLE_NAME, BUCKET_NAME        the studentData table and the backup bucket
 *   JOBS_TABLE                     the backupJobs table
 *   WORKER_FUNCTION                the worker's name or ARN
 *   WORKER_TIMEOUT_SECONDS         the worker's timeout (a job running past it is reported failed)
 *   WORKER_MAX_EVENT_AGE_SECONDS   how long the worker's event may wait to start
 *   ALLOWED_ORIGINS, LOG_LEVEL
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { documentClient, lambdaClient, s3Client } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, ConflictError, isAwsError, NotFoundError } from "../lib/errors.js";
import { withHttp, type ProxyHandler, type RequestContext } from "../lib/handler.js";
import { json, type ProxyEvent } from "../lib/http.js";
import { startWorker } from "../lib/job-start.js";
import { basePath, jobView, type JobLinks } from "../lib/job-view.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { Router } from "../lib/router.js";
import { validate } from "../lib/validate.js";
import { backupKey, manifestKeyFor } from "./backup.js";
import { BACKUP_ID_PATTERN, JobExists, JobStore, type BackupJob } from "./jobs.js";
import { BACKUP_PREFIX, BackupRequestSchema } from "./schema.js";

/** What the handler talks to and the clock it names backups by; tests replace some of them. */
export interface BackupDependencies {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly now: () => Date;
}

const ID = new RegExp(BACKUP_ID_PATTERN);

function links(event: ProxyEvent, backupId: string): JobLinks {
  const base = basePath(event);
  return { self: `${base}/backups/${backupId}`, list: `${base}/backups` };
}

const view = (job: BackupJob, now: Date) => jobView(job, now, "backup");

interface Manifest {
  count?: unknown;
  bytes?: unknown;
  sha256?: unknown;
  key?: unknown;
}

async function readManifest(s3: S3Client, bucket: string, key: string): Promise<Manifest | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await out.Body!.transformToString("utf8");
    if (text.length > 64 * 1024) return undefined;
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Manifest) : undefined;
  } catch (err) {
    if (isAwsError(err, "NoSuchKey", "NotFound", "NoSuchBucket") || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Builds the handler; `handler` below is the one Lambda runs, with the real clock and clients. */
export function createBackupHandler(overrides: Partial<BackupDependencies> = {}): ProxyHandler {
  const dynamodb = overrides.dynamodb ?? documentClient();
  const s3 = overrides.s3 ?? s3Client();
  const lambda = overrides.lambda ?? lambdaClient();
  const now = overrides.now ?? (() => new Date());

  async function start({ event, requestId, log }: RequestContext) {
    const body = parseJsonBody(event, { optional: true, limit: 1024 });
    if (body !== undefined) validate(BackupRequestSchema, body);
    const jobs = new JobStore(dynamodb, requireEnv("JOBS_TABLE"));
    const table = requireEnv("TABLE_NAME");
    const bucket = requireEnv("BUCKET_NAME");
    const worker = requireEnv("WORKER_FUNCTION");
    const at = now();
    const key = backupKey(at, `${BACKUP_PREFIX}students-`);
    const backupId = key.slice(BACKUP_PREFIX.length, -".json".length);
    let job: BackupJob;
    try {
      job = await jobs.create({ backupId, table, bucket, key, manifestKey: manifestKeyFor(key), createdAt: at.toISOString(), requestId }, at);
    } catch (err) {
      if (!(err instanceof JobExists)) throw err;
      throw new ConflictError(`A backup was already started this second (${backupId}); try again in a second.`, { details: { backupId, links: links(event, backupId) } });
    }
    await startWorker({ lambda, worker, jobs, idAttribute: "backupId", id: backupId, noun: "backup", nothingDone: "Nothing was backed up", log, now });
    const l = links(event, backupId);
    return json(
      202,
      {
        backupId,
        status: job.status,
        message: "Backup started. It runs as a job: GET links.self for its status; an email reports the outcome.",
        table,
        bucket,
        key,
        createdAt: job.createdAt,
        links: l,
      },
      event,
      { Location: l.self! },
    );
  }

  async function status({ event }: RequestContext) {
    const backupId = event.pathParameters?.backupId ?? "";
    if (!ID.test(backupId)) throw new BadRequestError(`backupId must look like students-YYYYMMDD-HHMMSS (got ${JSON.stringify(backupId.slice(0, 60))}).`);
    const job = await new JobStore(dynamodb, requireEnv("JOBS_TABLE")).get(backupId);
    if (!job) throw new NotFoundError(`No backup job ${backupId}.`);
    const shown = view(job, now());
    if (shown.status === "succeeded") {
      const manifest = await readManifest(s3, job.bucket, job.manifestKey);
      if (manifest === undefined) {
        return json(200, { ...shown, count: undefined, bytes: undefined, sha256: undefined, manifest: "missing", links: links(event, backupId) }, event);
      }
      return json(200, { ...shown, count: manifest.count, bytes: manifest.bytes, sha256: manifest.sha256, links: links(event, backupId) }, event);
    }
    return json(200, { ...shown, links: links(event, backupId) }, event);
  }

  async function list({ event }: RequestContext) {
    const query = event.queryStringParameters ?? {};
    const limit = parseLimit(query.limit, 20, 100);
    const startKey = decodeToken(query.nextToken ?? undefined, { kind: "S", createdAt: "S", backupId: "S" });
    const { jobs, next } = await new JobStore(dynamodb, requireEnv("JOBS_TABLE")).recent(limit, startKey);
    const at = now();
    return json(200, { backups: jobs.map((j) => ({ ...view(j, at), links: links(event, j.backupId) })), nextToken: encodeToken(next) ?? null }, event);
  }

  const router = new Router().on("POST /backup", start).on("GET /backups", list).on("GET /backups/{backupId}", status);
  return withHttp("BackupDynamoDBAndSendEmail", router.handle);
}

export const handler = createBackupHandler();
