/**
 * Lambda `restoreStudentData` (student-records): restores as jobs, because reading a large
 * backup twice and writing it back can take longer than API Gateway's 29-second limit.
 *   POST /restore               {"key": "backups/students-YYYYMMDD-HHMMSS.json", "mode": "skip" | "overwrite"}
 *                               checks the request at once: 400 for a bad body or key, 404 when
 *                               the backup does not exist, 400 when it has no usable manifest
 *                               (the job could not verify it). Then records a job and invokes
 *                               $WORKER_FUNCTION asynchronously (`InvocationType: Event`); 202
 *                               `{"restoreId", "status": "running", "links", ...}` with a
 *                               `Location` header. 502 when the worker could not be invoked
 *                               (the job is recorded as failed; nothing was written).
 *   GET /restores               recent restore jobs, newest first (`?limit=1..100`, default 20; `nextToken`).
 *   GET /restores/{restoreId}   one job: status, phase, the backup it came from and its counts
 *                               (`count`, `restored`, `skipped`; `notWritten` on a job that failed writing).
 * The worker (functions/restore-students-worker) verifies the backup against its manifest,
 * writes it and sends the email.
 *
 * Environment:
 *   TABLE_NAME, BUCKET_NAME        the studentData table and the backup bucket
 *   JOBS_TABLE                     the restoreJobs table
 *   WORKER_FUNCTION                the worker's name or ARN
 *   WORKER_TIMEOUT_SECONDS         the worker's timeout (a job running past it is reported failed)
 *   WORKER_MAX_EVENT_AGE_SECONDS   how long the worker's event may wait to start
 *   ALLOWED_ORIGINS, LOG_LEVEL
 */
import { randomBytes } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { documentClient, lambdaClient, s3Client } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, isAwsError, NotFoundError } from "../lib/errors.js";
import { withHttp, type ProxyHandler, type RequestContext } from "../lib/handler.js";
import { json, type ProxyEvent } from "../lib/http.js";
import { startWorker } from "../lib/job-start.js";
import { basePath, jobView, type JobLinks } from "../lib/job-view.js";
import { decodeToken, encodeToken, parseLimit } from "../lib/pagination.js";
import { Router } from "../lib/router.js";
import { validate } from "../lib/validate.js";
import { manifestKeyFor } from "../backup-students/backup.js";
import { RESTORE_ID_PATTERN, RestoreJobStore, type RestoreJob } from "./jobs.js";
import { InvalidManifest, readManifest } from "./restore.js";
import { RestoreRequestSchema, type RestoreRequest } from "./schema.js";

/** What the handler talks to and its clock; tests replace some of them. */
export interface RestoreDependencies {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly now: () => Date;
}

/** The routes this function serves, as the stack declares them. */
export const RESTORE_ROUTES = ["POST /restore", "GET /restores", "GET /restores/{restoreId}"] as const;

const ID = new RegExp(RESTORE_ID_PATTERN);

function links(event: ProxyEvent, restoreId: string): JobLinks {
  const base = basePath(event);
  return { self: `${base}/restores/${restoreId}`, list: `${base}/restores` };
}

const view = (job: RestoreJob, now: Date) => jobView(job, now, "restore");

function newRestoreId(at: Date): string {
  const iso = at.toISOString();
  return `restore-${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}-${randomBytes(4).toString("hex")}`;
}

/** Builds the handler; `handler` below is the one Lambda runs, with the real clock and clients. */
export function createRestoreHandler(overrides: Partial<RestoreDependencies> = {}): ProxyHandler {
  const dynamodb = overrides.dynamodb ?? documentClient();
  const s3 = overrides.s3 ?? s3Client();
  const lambda = overrides.lambda ?? lambdaClient();
  const now = overrides.now ?? (() => new Date());

  async function start({ event, requestId, log }: RequestContext) {
    const request = validate<RestoreRequest>(RestoreRequestSchema, parseJsonBody(event, { limit: 4096 }));
    const { key } = request;
    const mode = request.mode ?? "skip";
    if (key.includes("..") || key.endsWith(".manifest.json")) throw new BadRequestError(`key must name a backup under backups/ (got ${key}).`);
    const table = requireEnv("TABLE_NAME");
    const bucket = requireEnv("BUCKET_NAME");
    const worker = requireEnv("WORKER_FUNCTION");
    const manifestKey = manifestKeyFor(key);

    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isAwsError(err, "NoSuchKey", "NotFound")) throw new NotFoundError(`Backup ${key} not found.`);
      throw err;
    }
    let manifest: Awaited<ReturnType<typeof readManifest>>;
    try {
      manifest = await readManifest(s3, bucket, manifestKey);
    } catch (err) {
      if (err instanceof InvalidManifest) throw new BadRequestError(`Backup ${key} cannot be verified: its manifest ${err.reason}.`);
      throw err;
    }
    if (manifest === undefined) {
      throw new BadRequestError(`Backup ${key} has no manifest (${manifestKey}); only backups written by POST /backup can be restored, because a restore checks the backup against its manifest's SHA-256.`);
    }

    const at = now();
    const restoreId = newRestoreId(at);
    const backupId = manifest.backupId ?? key.slice("backups/".length, -".json".length);
    const jobs = new RestoreJobStore(dynamodb, requireEnv("JOBS_TABLE"));
    const job = await jobs.create({ restoreId, table, bucket, key, manifestKey, backupId, mode, createdAt: at.toISOString(), requestId }, at);
    await startWorker({ lambda, worker, jobs, idAttribute: "restoreId", id: restoreId, noun: "restore", nothingDone: "Nothing was restored", failFields: { phase: "verify" }, log, now });
    const l = links(event, restoreId);
    return json(
      202,
      {
        restoreId,
        status: job.status,
        message: "Restore started. It runs as a job: GET links.self for its progress; an email reports the outcome.",
        key,
        backupId,
        mode,
        table,
        createdAt: job.createdAt,
        links: l,
      },
      event,
      { Location: l.self! },
    );
  }

  async function status({ event }: RequestContext) {
    const restoreId = event.pathParameters?.restoreId ?? "";
    if (!ID.test(restoreId)) throw new BadRequestError(`restoreId must look like restore-YYYYMMDD-HHMMSS-xxxxxxxx (got ${JSON.stringify(restoreId.slice(0, 60))}).`);
    const job = await new RestoreJobStore(dynamodb, requireEnv("JOBS_TABLE")).get(restoreId);
    if (!job) throw new NotFoundError(`No restore job ${restoreId}.`);
    return json(200, { ...view(job, now()), links: links(event, restoreId) }, event);
  }

  async function list({ event }: RequestContext) {
    const query = event.queryStringParameters ?? {};
    const limit = parseLimit(query.limit, 20, 100);
    const startKey = decodeToken(query.nextToken ?? undefined, { kind: "S", createdAt: "S", restoreId: "S" });
    const { jobs, next } = await new RestoreJobStore(dynamodb, requireEnv("JOBS_TABLE")).recent(limit, startKey);
    const at = now();
    return json(200, { restores: jobs.map((j) => ({ ...view(j, at), links: links(event, j.restoreId) })), nextToken: encodeToken(next) ?? null }, event);
  }

  const [post, index, one] = RESTORE_ROUTES;
  const router = new Router().on(post, start).on(index, list).on(one, status);
  return withHttp("restoreStudentData", router.handle);
}

export const handler = createRestoreHandler();
