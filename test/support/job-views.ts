/**
 * The student-records job APIs' answers, typed from the handlers' own job records
 * (functions/backup-students/jobs.ts, functions/restore-students/jobs.ts) through the view the
 * APIs answer with (functions/lib/job-view.ts), for the handler and e2e tests.
 */
import type { BackupJob } from "../../functions/backup-students/jobs";
import type { JobView } from "../../functions/lib/job-view";
import type { RestoreJob } from "../../functions/restore-students/jobs";

/** GET /backups/{backupId}, an entry of GET /backups; `manifest: "missing"` when its manifest is gone. */
export type BackupView = JobView<BackupJob> & { readonly manifest?: "missing" };

/** GET /restores/{restoreId}, an entry of GET /restores. */
export type RestoreView = JobView<RestoreJob>;

/** POST /backup, POST /restore: the new job, with a sentence saying how to follow it. */
export type Started<V> = V & { readonly message: string };
