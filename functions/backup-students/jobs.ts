/**
 * Backup jobs in the `backupJobs` table ($JOBS_TABLE): one item per job, keyed by
 * `backupId` (the backup's file name without `.json`, e.g. `students-20250707-124500`), so
 * two backups started in the same second are one job, not two racing for one S3 key.
 *
 * A job is `running` from POST /backup until the worker records `succeeded` or `failed`.
 * Every transition is conditional: a job is created once, started once (Lambda may deliver
 * an asynchronous event more than once) and finished once. Recent jobs are one Query on
 * the `byKind` index (`kind`, `createdAt`); items expire by TTL (`expiresAt`).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isAwsError } from "../lib/errors.js";

export type JobStatus = "running" | "succeeded" | "failed";

export interface BackupJob {
  readonly backupId: string;
  readonly kind: "backup";
  readonly status: JobStatus;
  readonly table: string;
  readonly bucket: string;
  readonly key: string;
  readonly manifestKey: string;
  readonly createdAt: string;
  /** When the worker took the job. */
  readonly startedAt?: string;
  /** Epoch ms by which the worker's invocation ends (its timeout). */
  readonly deadline?: number;
  readonly finishedAt?: string;
  /** Why it failed, for people: no stack, no path. */
  readonly error?: string;
  readonly count?: number;
  readonly bytes?: number;
  readonly sha256?: string;
  readonly emailSent?: boolean;
  readonly emailError?: string;
  readonly requestId?: string;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
}

/** Jobs are kept this long (TTL). */
export const JOB_RETENTION_DAYS = 90;

/** `students-YYYYMMDD-HHMMSS`: what a backup id looks like. */
export const BACKUP_ID_PATTERN = "^students-\\d{8}-\\d{6}$";

export class JobExists extends Error {
  constructor(readonly backupId: string) {
    super(`job ${backupId} exists`);
    this.name = "JobExists";
  }
}

export class JobStore {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a new running job; `JobExists` when one with this id was recorded already. */
  async create(job: Omit<BackupJob, "status" | "expiresAt" | "kind">, now: Date): Promise<BackupJob> {
    const item: BackupJob = {
      ...job,
      kind: "backup",
      status: "running",
      expiresAt: Math.floor(now.getTime() / 1000) + JOB_RETENTION_DAYS * 86_400,
    };
    try {
      await this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: "attribute_not_exists(backupId)",
        }),
      );
    } catch (err) {
      if (isAwsError(err, "ConditionalCheckFailedException")) throw new JobExists(job.backupId);
      throw err;
    }
    return item;
  }

  async get(backupId: string): Promise<BackupJob | undefined> {
    const out = await this.dynamodb.send(new GetCommand({ TableName: this.tableName, Key: { backupId }, ConsistentRead: true }));
    return out.Item as BackupJob | undefined;
  }

  /** The newest jobs first; `start` is the `next` key of the previous page. */
  async recent(limit: number, start?: Record<string, unknown>): Promise<{ jobs: BackupJob[]; next?: Record<string, unknown> }> {
    const out = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "byKind",
        KeyConditionExpression: "#kind = :k",
        ExpressionAttributeNames: { "#kind": "kind" },
        ExpressionAttributeValues: { ":k": "backup" },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { jobs: (out.Items ?? []) as BackupJob[], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  /** Takes a running job for a worker; false when it was taken (or finished) already. */
  async start(backupId: string, startedAt: Date, deadline: number): Promise<boolean> {
    return this.update(backupId, "attribute_exists(backupId) AND #status = :running AND attribute_not_exists(startedAt)", {
      startedAt: startedAt.toISOString(),
      deadline,
    });
  }

  /** Records the outcome of a running job; false when it was finished already. */
  async finish(backupId: string, outcome: Partial<BackupJob> & { status: "succeeded" | "failed"; finishedAt: string }): Promise<boolean> {
    return this.update(backupId, "attribute_exists(backupId) AND #status = :running", outcome);
  }

  /** Records whether the report email went out. */
  async recordEmail(backupId: string, sent: boolean, error?: string): Promise<void> {
    await this.update(backupId, "attribute_exists(backupId)", { emailSent: sent, ...(error === undefined ? {} : { emailError: error }) });
  }

  private async update(backupId: string, condition: string, fields: Record<string, unknown>): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    Object.entries(fields).forEach(([name, value], i) => {
      if (value === undefined) return;
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    });
    if (condition.includes("#status")) names["#status"] = "status";
    if (condition.includes(":running")) values[":running"] = "running";
    try {
      await this.dynamodb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { backupId },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isAwsError(err, "ConditionalCheckFailedException")) return false;
      throw err;
    }
  }
}
