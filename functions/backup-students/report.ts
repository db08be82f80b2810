/**
 * The email a backup job sends when it ends: the figures of the backup when it succeeded,
 * the reason when it failed. Sent from $SENDER_EMAIL to $ADMIN_EMAIL.
 */
import type { SESClient } from "@aws-sdk/client-ses";
import { sendTextEmail } from "../lib/email.js";
import type { BackupResult } from "./backup.js";

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export type JobOutcome =
  | { readonly status: "succeeded"; readonly backupId: string; readonly result: BackupResult }
  | { readonly status: "failed"; readonly backupId: string; readonly table: string; readonly bucket: string; readonly key: string; readonly reason: string };

export function reportOf(outcome: JobOutcome): { subject: string; text: string } {
  if (outcome.status === "succeeded") {
    const r = outcome.result;
    return {
      subject: `Backup of ${r.table}: ${r.count} items`,
      text: [
        `The ${r.table} table was backed up.`,
        "",
        `Backup: ${outcome.backupId}`,
        `Bucket: ${r.bucket}`,
        `Key: ${r.key}`,
        `Manifest: ${r.manifestKey}`,
        `Items: ${r.count}`,
        `Size: ${r.bytes} bytes (${formatBytes(r.bytes)})`,
        `SHA-256: ${r.sha256}`,
        `Created at: ${r.createdAt}`,
      ].join("\n"),
    };
  }
  return {
    subject: `Backup of ${outcome.table} FAILED`,
    text: [
      `The backup of the ${outcome.table} table failed; no backup object was kept.`,
      "",
      `Backup: ${outcome.backupId}`,
      `Bucket: ${outcome.bucket}`,
      `Key: ${outcome.key}`,
      `Reason: ${outcome.reason}`,
    ].join("\n"),
  };
}

export async function sendReport(ses: SESClient, outcome: JobOutcome): Promise<void> {
  await sendTextEmail(ses, reportOf(outcome));
}
