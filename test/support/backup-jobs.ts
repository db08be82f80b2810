/**
 * What a backup or restore job needs in handler tests: a jobs table (key `backupId` or
 * `restoreId`, index `byKind`) in dynalite, and the worker running behind the local Lambda Invoke API
 * (in this process), with JOBS_TABLE, WORKER_FUNCTION and AWS_ENDPOINT_URL_LAMBDA set.
 */
import { CreateTableCommand, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { backends, uniqueName } from "./backends.js";
import { startInProcessLambda, type InProcessLambda, type TestHandler } from "./lambda.js";

export const BACKUP_WORKER = "test-BackupDynamoDBAndSendEmailWorker";
export const RESTORE_WORKER = "test-restoreStudentDataWorker";

/** A jobs table as the stack declares them: `backupJobs` (key `backupId`) or `restoreJobs` (key `restoreId`), index `byKind`. */
export async function createJobsTable(key: "backupId" | "restoreId" = "backupId"): Promise<string> {
  const { ddb } = await backends();
  const name = uniqueName(key === "backupId" ? "backupJobs" : "restoreJobs");
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
      AttributeDefinitions: [
        { AttributeName: key, AttributeType: "S" },
        { AttributeName: "kind", AttributeType: "S" },
        { AttributeName: "createdAt", AttributeType: "S" },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: "byKind", KeySchema: [{ AttributeName: "kind", KeyType: "HASH" }, { AttributeName: "createdAt", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } },
      ],
    }),
  );
  await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: name });
  return name;
}

/** Starts the Lambda API with the real worker handler (plus `extra` functions) and points the handlers' environment at it. */
export async function startBackupJobs(extra: Record<string, { handler: TestHandler }> = {}): Promise<{ lambda: InProcessLambda; jobsTable: string }> {
  const { createWorker } = await import("../../functions/backup-students-worker/index.js");
  const worker = createWorker();
  const lambda = await startInProcessLambda({
    [BACKUP_WORKER]: { handler: (e, ctx) => worker(e, ctx), asyncInvoke: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 900 } },
    ...extra,
  });
  const jobsTable = await createJobsTable();
  Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: lambda.api.endpoint, JOBS_TABLE: jobsTable, WORKER_FUNCTION: BACKUP_WORKER });
  return { lambda, jobsTable };
}
