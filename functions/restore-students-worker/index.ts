/**
 * Lambda `restoreStudentDataWorker` (student-records): runs one restore job, invoked
 * asynchronously by restoreStudentData with `{"restoreId": "restore-..."}`.
 * Takes the job (once: a duplicate event finds it taken and does nothing), then
 *   verify  reads the backup's manifest and the whole backup, and fails the job, writing
 *           nothing, when the manifest is missing or the backup does not match it;
 *   write   writes the backup into the table, recording the counts on the job about once a
 *           second (GET /restores/{restoreId} shows the progress).
 * It records the outcome and emails it, success or failure. A failed restore is an outcome,
 * not an error: the worker returns normally, so Lambda does not retry; a crash or a timeout
 * sends the event to the on-failure destination, and GET /restores/{id} reports the job
 * failed once its deadline has passed. The restore is cut short 20 s before the function's
 * timeout, so a backup too large for one invocation still ends in a failed job (with its
 * counts) and an email; a restore in `overwrite` mode can simply be run again.
 *
 * Environment:
 *   JOBS_TABLE                the restoreJobs table (the job names the table, bucket and backup)
 *   SENDER_EMAIL, ADMIN_EMAIL the report's sender and recipient
 *   LOG_LEVEL
 */
import type { Context } from "aws-lambda";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SESClient } from "@aws-sdk/client-ses";
import { documentClient, dynamoClient, s3Client, sesClient } from "../lib/clients.js";
import { requireEnv } from "../lib/env.js";
import { failureReason } from "../lib/jobs.js";
import { sendReportOf, takeJob } from "../lib/job-worker.js";
import { createLogger } from "../lib/log.js";
import { RESTORE_ID_PATTERN, RestoreJobStore, type RestoreJob } from "../restore-students/jobs.js";
import { sendRestoreReport } from "../restore-students/report.js";
import { InvalidManifest, readManifest, RestoreFailed, verifyBackup, writeBackup, type Counts, type RestorePhase } from "../restore-students/restore.js";

export interface RestoreWorkerDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly now: () => Date;
}

export interface RestoreWorkerResult {
  readonly restoreId: string;
  readonly status: "succeeded" | "failed" | "skipped";
  readonly reason?: string;
}

function reasonOf(err: unknown, timedOut: boolean): string {
  const phase: RestorePhase = err instanceof RestoreFailed ? err.phase : "verify";
  if (timedOut) return `the restore did not finish within the function's timeout${phase === "verify" ? "; nothing was written" : ""}`;
  if (err instanceof RestoreFailed) return err.cause === undefined ? err.message : `${err.message}: ${failureReason(err.cause)}`;
  return failureReason(err);
}

export function createRestoreWorker(overrides: Partial<RestoreWorkerDependencies> = {}) {
  const dynamodb = overrides.dynamodb ?? dynamoClient();
  const documents = overrides.documents ?? documentClient(dynamodb);
  const s3 = overrides.s3 ?? s3Client();
  const ses = overrides.ses ?? sesClient();
  const now = overrides.now ?? (() => new Date());
  const base = createLogger({ function: "restoreStudentDataWorker" });

  return async (event: unknown, context?: Partial<Context>): Promise<RestoreWorkerResult> => {
    const jobs = new RestoreJobStore(documents, requireEnv("JOBS_TABLE"));
    const take = await takeJob({ event, idAttribute: "restoreId", pattern: RESTORE_ID_PATTERN, noun: "restore", jobs, log: base, now, startFields: { phase: "verify" }, ...(context ? { context } : {}) });
    if ("skipped" in take) return { restoreId: take.skipped.id, status: "skipped", reason: take.skipped.reason };
    const { run } = take;
    const { id: restoreId, job, log } = run;

    let count: number | undefined;
    let outcome: Partial<RestoreJob>;
    try {
      const manifest = await readManifest(s3, job.bucket, job.manifestKey).catch((err: unknown) => {
        if (err instanceof InvalidManifest) throw new RestoreFailed(`the manifest ${err.message}; nothing was written`, "verify");
        throw new RestoreFailed(`reading the manifest ${job.manifestKey} failed; nothing was written`, "verify", undefined, { cause: err });
      });
      if (manifest === undefined) throw new RestoreFailed(`the manifest ${job.manifestKey} is missing, so the backup cannot be verified; nothing was written`, "verify");
      const verified = await verifyBackup({ s3, bucket: job.bucket, key: job.key, manifest, signal: run.signal });
      count = verified.count;
      log.info("backup verified", { key: job.key, count, sha256: verified.sha256 });
      await jobs.progress(restoreId, { phase: "write", count, sha256: verified.sha256, restored: 0, skipped: 0 });
      const counts = await writeBackup({
        dynamodb,
        s3,
        table: job.table,
        bucket: job.bucket,
        key: job.key,
        mode: job.mode,
        verified,
        signal: run.signal,
        onProgress: async (c: Counts) => {
          await jobs.progress(restoreId, { ...c }).catch((err: unknown) => log.warn("could not record progress", { error: err }));
        },
      });
      log.info("restore written", { ...counts });
      outcome = { status: "succeeded", phase: "write", count, sha256: verified.sha256, ...counts };
    } catch (err) {
      const phase: RestorePhase = err instanceof RestoreFailed ? err.phase : "verify";
      const counts = err instanceof RestoreFailed ? err.counts : { restored: 0, skipped: 0 };
      const reason = reasonOf(err, run.signal.aborted);
      log.error("restore failed", { phase, ...counts, error: err instanceof RestoreFailed && err.cause !== undefined ? err.cause : err });
      outcome = {
        status: "failed",
        phase,
        error: reason,
        ...counts,
        ...(count === undefined ? {} : { count }),
        ...(phase === "write" && count !== undefined ? { notWritten: count - counts.restored - counts.skipped } : {}),
      };
    } finally {
      run.end();
    }
    const finished = { ...job, ...outcome, finishedAt: now().toISOString() } as RestoreJob;
    await jobs.finish(restoreId, { ...outcome, status: finished.status as "succeeded" | "failed", finishedAt: finished.finishedAt! });
    await sendReportOf(jobs, run, () => sendRestoreReport(ses, finished));
    return finished.status === "succeeded" ? { restoreId, status: "succeeded" } : { restoreId, status: "failed", reason: finished.error! };
  };
}

export const handler = createRestoreWorker();
