/**
 * What a backup or restore job needs in handler tests: the student-records stack's tables in
 * dynalite (the jobs tables: key `backupId` or `restoreId`, index `byKind`), and the worker
 * running behind the local Lambda Invoke API (in this process), with JOBS_TABLE,
 * WORKER_FUNCTION and AWS_ENDPOINT_URL_LAMBDA set.
 */
import { createServiceTable } from "./backends.js";
import { startInProcessLambda, type InProcessLambda, type TestHandler } from "./lambda.js";

export const BACKUP_WORKER = "test-BackupDynamoDBAndSendEmailWorker";
export const RESTORE_WORKER = "test-restoreStudentDataWorker";

/** Starts the Lambda API with the real worker handler (plus `extra` functions) and points the handlers' environment at it. */
export async function startBackupJobs(extra: Record<string, { handler: TestHandler }> = {}): Promise<{ lambda: InProcessLambda; jobsTable: string }> {
  const { createWorker } = await import("../../functions/backup-students-worker/index.js");
  const worker = createWorker();
  const lambda = await startInProcessLambda({
    [BACKUP_WORKER]: { handler: (e, ctx) => worker(e, ctx), asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 900 } },
    ...extra,
  });
  const jobsTable = await createServiceTable("student-records", "backupJobs");
  Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: lambda.api.endpoint, JOBS_TABLE: jobsTable, WORKER_FUNCTION: BACKUP_WORKER });
  return { lambda, jobsTable };
}
