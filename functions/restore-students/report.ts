/**
 * The email a restore job sends when it ends: the counts when it succeeded; the reason, the
 * pass it failed in and what was written when it failed. From $SENDER_EMAIL to $ADMIN_EMAIL.
 */
import type { SESClient } from "@aws-sdk/client-ses";
import { sendTextEmail } from "../lib/email.js";
import type { RestoreJob } from "./jobs.js";

export function restoreReport(job: RestoreJob): { subject: string; text: string } {
  const head = [`Restore: ${job.restoreId}`, `Backup: ${job.key}`, `Table: ${job.table}`, `Mode: ${job.mode}`];
  if (job.status === "succeeded") {
    return {
      subject: `Restore of ${job.table} from ${job.backupId}: ${job.restored ?? 0} restored, ${job.skipped ?? 0} skipped`,
      text: [
        `The ${job.table} table was restored from ${job.key}.`,
        "",
        ...head,
        `Items in the backup: ${job.count ?? 0}`,
        `Restored: ${job.restored ?? 0}`,
        `Skipped (kept as they were): ${job.skipped ?? 0}`,
        `SHA-256 (verified against the manifest): ${job.sha256 ?? "?"}`,
      ].join("\n"),
    };
  }
  const written =
    job.phase === "write"
      ? [`Restored before the failure: ${job.restored ?? 0}`, `Skipped: ${job.skipped ?? 0}`, `Not written: ${job.notWritten ?? "?"}`, "A restore in overwrite mode can be run again."]
      : ["Nothing was written to the table."];
  return {
    subject: `Restore of ${job.table} from ${job.backupId} FAILED`,
    text: [`The restore of ${job.table} from ${job.key} failed.`, "", ...head, `Failed in: ${job.phase ?? "verify"}`, `Reason: ${job.error ?? "unknown"}`, ...written].join("\n"),
  };
}

export async function sendRestoreReport(ses: SESClient, job: RestoreJob): Promise<void> {
  await sendTextEmail(ses, restoreReport(job));
}
