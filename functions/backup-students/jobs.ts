/**
 * Backup jobs in the `backupJobs` table ($JOBS_TABLE), through the shared job store
 * (functions/lib/jobs.ts): one item per job, keyed by `backupId` (the backup's file name
 * without `.json`, e.g. `students-20250707-124500`), so two backups started in the same
 * second are one job, not two racing for one S3 key.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Jobs, type JobFields } from "../lib/jobs.js";

export { JobExists, JOB_RETENTION_DAYS, type JobStatus } from "../lib/jobs.js";

export interface BackupJob extends JobFields {
  readonly backupId: string;
  readonly kind: "backup";
  readonly table: string;
  readonly bucket: string;
  readonly key: string;
  readonly manifestKey: string;
  readonly count?: number;
  readonly bytes?: number;
  readonly sha256?: string;
}

/** `students-YYYYMMDD-HHMMSS`: what a backup id looks like. */
export const BACKUP_ID_PATTERN = "^students-\\d{8}-\\d{6}$";

export class JobStore extends Jobs<BackupJob, "backupId"> {
  constructor(dynamodb: DynamoDBDocumentClient, tableName: string) {
    super(dynamodb, tableName, "backupId", "backup");
  }
}
