/**
 * Lambda `BackupDynamoDBAndSendEmailWorker` (student-records): runs one backup job, invoked
 * asynchronously by BackupDynamoDBAndSendEmail with `{"backupId": "students-..."}`.
 * Takes the job (once: a duplicate event finds it taken and does nothing), streams the
 * table to S3 (backup.ts), records the outcome in the jobs table and emails it, success or
 * failure. A failed backup is an outcome, not an error: the worker returns normally, so
 * Lambda does not retry; a crash or a timeout sends the event to the on-failure
 * destination, and GET /backups/{id} reports the job failed once its deadline has passed.
 * The backup is cut short 20 s before the function's timeout, so even a table too large
 * for one invocation ends in a failed job and an email.
 *
 * Environment:
 *   TABLE_NAME, BUCKET_NAME   the studentData table and the backup bucket
 *   JOBS_TABLE                the backupJobs table
 *   SENDER_EMAIL, ADMIN_EMAIL the report's sender and recipient
 *   SCAN_SEGMENTS             parallel scan segments (default 2)
 *   LOG_LEVEL
 */
import type { Context } from "aws-lambda";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SESClient } from "@aws-sdk/client-ses";
import { documentClient, dynamoClient, s3Client, sesClient } from "../lib/clients.js";
import { intEnv, requireEnv } from "../lib/env.js";
import { failureReason } from "../lib/jobs.js";
import { sendReportOf, takeJob } from "../lib/job-worker.js";
import { createLogger } from "../lib/log.js";
import { BackupConflict, BackupFailed, backupTable } from "../backup-students/backup.js";
import { BACKUP_ID_PATTERN, JobStore } from "../backup-students/jobs.js";
import { sendReport, type JobOutcome } from "../backup-students/report.js";

export interface WorkerDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly now: () => Date;
}

export interface WorkerResult {
  readonly backupId: string;
  readonly status: "succeeded" | "failed" | "skipped";
  readonly reason?: string;
}

/** A reason fit for the job record and the email: the error's name and message, never a stack or a path. */
function reasonOf(err: unknown): string {
  const cause = err instanceof BackupFailed && err.cause !== undefined ? err.cause : err;
  if (err instanceof BackupConflict) return `another backup wrote ${err.key} first; nothing was overwritten`;
  return failureReason(cause);
}

export function createWorker(overrides: Partial<WorkerDependencies> = {}) {
  const dynamodb = overrides.dynamodb ?? dynamoClient();
  const documents = overrides.documents ?? documentClient(dynamodb);
  const s3 = overrides.s3 ?? s3Client();
  const ses = overrides.ses ?? sesClient();
  const now = overrides.now ?? (() => new Date());
  const base = createLogger({ function: "BackupDynamoDBAndSendEmailWorker" });

  return async (event: unknown, context?: Partial<Context>): Promise<WorkerResult> => {
    const jobs = new JobStore(documents, requireEnv("JOBS_TABLE"));
    const take = await takeJob({ event, idAttribute: "backupId", pattern: BACKUP_ID_PATTERN, noun: "backup", jobs, log: base, now, ...(context ? { context } : {}) });
    if ("skipped" in take) return { backupId: take.skipped.id, status: "skipped", reason: take.skipped.reason };
    const { run } = take;
    const { id: backupId, job, log } = run;

    let outcome: JobOutcome;
    try {
      const result = await backupTable({
        dynamodb,
        s3,
        table: job.table,
        bucket: job.bucket,
        key: job.key,
        segments: intEnv("SCAN_SEGMENTS", 2),
        now: new Date(job.createdAt),
        backupId,
        signal: run.signal,
      });
      log.info("backup written", { ...result });
      outcome = { status: "succeeded", backupId, result };
      await jobs.finish(backupId, {
        status: "succeeded",
        finishedAt: now().toISOString(),
        count: result.count,
        bytes: result.bytes,
        sha256: result.sha256,
      });
    } catch (err) {
      const reason = run.signal.aborted ? "the backup did not finish within the function's timeout; nothing was kept" : reasonOf(err);
      log.error("backup failed", { error: err instanceof BackupFailed ? err.cause : err });
      outcome = { status: "failed", backupId, table: job.table, bucket: job.bucket, key: job.key, reason };
      await jobs.finish(backupId, { status: "failed", finishedAt: now().toISOString(), error: reason });
    } finally {
      run.end();
    }
    await sendReportOf(jobs, run, () => sendReport(ses, outcome));
    return outcome.status === "succeeded" ? { backupId, status: "succeeded" } : { backupId, status: "failed", reason: outcome.reason };
  };
}

export const handler = createWorker();
