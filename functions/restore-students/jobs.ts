/**
 * Restore jobs in the `restoreJobs` table ($JOBS_TABLE of the restore functions), through the
 * shared job store (functions/lib/jobs.ts): one item per job, keyed by `restoreId`
 * (`restore-YYYYMMDD-HHMMSS-<8 hex>`: restores of one backup may be started in the same
 * second, so the id is not the backup's name). The job names the backup it came from
 * (`key`, `backupId`), its mode, the pass it is in (`phase`) and its counts.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Jobs, type JobFields } from "../lib/jobs.js";
import type { RestoreMode, RestorePhase } from "./restore.js";

export interface RestoreJob extends JobFields {
  readonly restoreId: string;
  readonly kind: "restore";
  readonly table: string;
  readonly bucket: string;
  /** The backup restored from, and its manifest. */
  readonly key: string;
  readonly manifestKey: string;
  readonly backupId: string;
  readonly mode: RestoreMode;
  /** `verify` (nothing written yet) or `write`; on a failed job, the pass it failed in. */
  readonly phase?: RestorePhase;
  /** Items in the backup, once verified. */
  readonly count?: number;
  readonly sha256?: string;
  /** Items written with the backup's values. */
  readonly restored?: number;
  /** Items that existed and were kept (`skip` mode). */
  readonly skipped?: number;
  /** On a job that failed in `write`: items of the backup not written (count - restored - skipped). */
  readonly notWritten?: number;
}

/** `restore-YYYYMMDD-HHMMSS-xxxxxxxx`: what a restore id looks like. */
export const RESTORE_ID_PATTERN = "^restore-\\d{8}-\\d{6}-[0-9a-f]{8}$";

export class RestoreJobStore extends Jobs<RestoreJob, "restoreId"> {
  constructor(dynamodb: DynamoDBDocumentClient, tableName: string) {
    super(dynamodb, tableName, "restoreId", "restore");
  }
}
