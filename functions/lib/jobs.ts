/**
 * A table of asynchronous jobs (backups, restores): one item per job, keyed by the job's id
 * attribute (`backupId`, `restoreId`), with a `kind` and `createdAt` for the `byKind` index
 * (recent jobs are one Query, newest first) and `expiresAt` for TTL.
 *
 * A job is `running` from the request that records it until its worker records `succeeded`
 * or `failed`. Every transition is conditional: a job is created once, started once (Lambda
 * may deliver an asynchronous event more than once) and finished once.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isAwsError } from "./errors.js";

export type JobStatus = "running" | "succeeded" | "failed";

/** What every job item carries, besides its id attribute. */
export interface JobFields {
  readonly kind: string;
  readonly status: JobStatus;
  readonly createdAt: string;
  /** When the worker took the job. */
  readonly startedAt?: string;
  /** Epoch ms by which the worker's invocation ends (its timeout). */
  readonly deadline?: number;
  readonly finishedAt?: string;
  /** Why it failed, for people: no stack, no path. */
  readonly error?: string;
  readonly emailSent?: boolean;
  readonly emailError?: string;
  readonly requestId?: string;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
}

/** Jobs are kept this long (TTL). */
export const JOB_RETENTION_DAYS = 90;

/** A reason fit for a job record and its email: the error's name and first line, never a stack or a path. */
export function failureReason(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.replace(/\s*\n[\s\S]*$/, "").slice(0, 500);
  return String(err).slice(0, 500);
}

export class JobExists extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} exists`);
    this.name = "JobExists";
  }
}

/** The jobs of one kind in one table; `K` is the id attribute's name. */
export class Jobs<J extends JobFields, K extends keyof J & string> {
  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly idAttribute: K,
    private readonly kind: J["kind"],
  ) {}

  /** Records a new running job; `JobExists` when one with this id was recorded already. */
  async create(job: Omit<J, "status" | "expiresAt" | "kind">, now: Date): Promise<J> {
    const item = {
      ...job,
      kind: this.kind,
      status: "running",
      expiresAt: Math.floor(now.getTime() / 1000) + JOB_RETENTION_DAYS * 86_400,
    } as unknown as J;
    try {
      await this.dynamodb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item as Record<string, unknown>,
          ConditionExpression: "attribute_not_exists(#id)",
          ExpressionAttributeNames: { "#id": this.idAttribute },
        }),
      );
    } catch (err) {
      if (isAwsError(err, "ConditionalCheckFailedException")) throw new JobExists(String(item[this.idAttribute]));
      throw err;
    }
    return item;
  }

  async get(id: string): Promise<J | undefined> {
    const out = await this.dynamodb.send(new GetCommand({ TableName: this.tableName, Key: { [this.idAttribute]: id }, ConsistentRead: true }));
    return out.Item as J | undefined;
  }

  /** The newest jobs first; `start` is the `next` key of the previous page. */
  async recent(limit: number, start?: Record<string, unknown>): Promise<{ jobs: J[]; next?: Record<string, unknown> }> {
    const out = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "byKind",
        KeyConditionExpression: "#kind = :k",
        ExpressionAttributeNames: { "#kind": "kind" },
        ExpressionAttributeValues: { ":k": this.kind },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { jobs: (out.Items ?? []) as J[], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }

  /** Takes a running job for a worker; false when it was taken (or finished) already. */
  async start(id: string, startedAt: Date, deadline: number, fields: Partial<J> = {}): Promise<boolean> {
    return this.update(id, "attribute_exists(#id) AND #status = :running AND attribute_not_exists(startedAt)", {
      ...fields,
      startedAt: startedAt.toISOString(),
      deadline,
    });
  }

  /** Updates fields of a job that is still running (progress); false when it is not. */
  async progress(id: string, fields: Partial<J>): Promise<boolean> {
    return this.update(id, "attribute_exists(#id) AND #status = :running", fields);
  }

  /** Records the outcome of a running job; false when it was finished already. */
  async finish(id: string, outcome: Partial<J> & { status: "succeeded" | "failed"; finishedAt: string }): Promise<boolean> {
    return this.update(id, "attribute_exists(#id) AND #status = :running", outcome);
  }

  /** Records whether the report email went out. */
  async recordEmail(id: string, sent: boolean, error?: string): Promise<void> {
    await this.update(id, "attribute_exists(#id)", { emailSent: sent, ...(error === undefined ? {} : { emailError: error }) });
  }

  private async update(id: string, condition: string, fields: Record<string, unknown>): Promise<boolean> {
    const names: Record<string, string> = { "#id": this.idAttribute };
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
          Key: { [this.idAttribute]: id },
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
