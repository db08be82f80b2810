/**
 * Lambda `BackupDynamoDBAndSendEmail` (student-records).
 *   POST /backup    no body (or `{}`): back the table up to
 *                   s3://$BUCKET_NAME/backups/students-YYYYMMDD-HHMMSS.json (UTC) plus a
 *                   `.manifest.json` (count, bytes, SHA-256), then email $ADMIN_EMAIL.
 *                   200 with the manifest and emailSent: true; 207 with emailSent: false
 *                   and the reason when the backup is kept but the email failed; 502 when
 *                   the backup failed (nothing is left in the bucket); 409 when a backup
 *                   with the same (one-second) name exists. Both objects are written with
 *                   `If-None-Match: *`, so of two backups started in the same second S3
 *                   lets exactly one write the key; the other answers 409 and leaves
 *                   nothing behind (no object, no open multipart upload).
 *
 * Environment:
 *   TABLE_NAME          the studentData table
 *   BUCKET_NAME         the backup bucket
 *   SENDER_EMAIL        SES identity the report is sent from
 *   ADMIN_EMAIL         recipient of the report
 *   SCAN_SEGMENTS       parallel scan segments (default 2)
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { SendEmailCommand, type SESClient } from "@aws-sdk/client-ses";
import { dynamoClient, s3Client, sesClient } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { intEnv, requireEnv } from "../lib/env.js";
import { Conflict, HttpError, isAwsError, MethodNotAllowed } from "../lib/errors.js";
import { withHttp, type ProxyHandler } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { validate } from "../lib/validate.js";
import { BackupConflict, BackupFailed, backupKey, backupTable, type BackupResult } from "./backup.js";
import { BACKUP_PREFIX, BackupRequestSchema } from "./schema.js";

/** What the handler talks to and the clock it names backups by; tests replace some of them. */
export interface BackupDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly ses: SESClient;
  readonly now: () => Date;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

async function sendReport(ses: SESClient, result: BackupResult): Promise<void> {
  const text = [
    `The ${result.table} table was backed up.`,
    "",
    `Bucket: ${result.bucket}`,
    `Key: ${result.key}`,
    `Manifest: ${result.manifestKey}`,
    `Items: ${result.count}`,
    `Size: ${result.bytes} bytes (${formatBytes(result.bytes)})`,
    `SHA-256: ${result.sha256}`,
    `Created at: ${result.createdAt}`,
  ].join("\n");
  await ses.send(
    new SendEmailCommand({
      Source: requireEnv("SENDER_EMAIL"),
      Destination: { ToAddresses: [requireEnv("ADMIN_EMAIL")] },
      Message: {
        Subject: { Data: `Backup of ${result.table}: ${result.count} items`, Charset: "UTF-8" },
        Body: { Text: { Data: text, Charset: "UTF-8" } },
      },
    }),
  );
}

async function exists(s3: S3Client, Bucket: string, Key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (err) {
    if (isAwsError(err, "NotFound", "NoSuchKey")) return false;
    if (isAwsError(err, "NoSuchBucket")) return false; // reported by the backup itself
    throw err;
  }
}

/** Builds the handler; `handler` below is the one Lambda runs, with the real clock and clients. */
export function createBackupHandler(overrides: Partial<BackupDependencies> = {}): ProxyHandler {
  const dynamodb = overrides.dynamodb ?? dynamoClient();
  const s3 = overrides.s3 ?? s3Client();
  const ses = overrides.ses ?? sesClient();
  const now = overrides.now ?? (() => new Date());
  return withHttp("BackupDynamoDBAndSendEmail", async ({ event, log }) => {
    if (event.httpMethod !== "POST") throw new MethodNotAllowed(String(event.httpMethod), ["POST"]);
    const body = parseJsonBody(event, { optional: true, limit: 1024 });
    if (body !== undefined) validate(BackupRequestSchema, body);
    const table = requireEnv("TABLE_NAME");
    const bucket = requireEnv("BUCKET_NAME");
    requireEnv("SENDER_EMAIL");
    requireEnv("ADMIN_EMAIL");
    const key = backupKey(now(), `${BACKUP_PREFIX}students-`);
    // Keys have one-second resolution. This check is only a fast path: the conditional
    // writes in backupTable are what keep a concurrent backup from overwriting this one.
    if (await exists(s3, bucket, key)) throw new Conflict(`A backup named ${key} already exists; try again in a second.`, { key });
    let result: BackupResult;
    try {
      result = await backupTable({ dynamodb, s3, table, bucket, key, segments: intEnv("SCAN_SEGMENTS", 2) });
    } catch (err) {
      if (err instanceof BackupConflict) {
        log.warn("backup lost a race for its key", { key, conflictingKey: err.key });
        throw new Conflict(
          `A backup named ${key} was written by another backup started in the same second; nothing was overwritten. Try again in a second.`,
          { key },
        );
      }
      if (!(err instanceof BackupFailed)) throw err;
      log.error("backup failed", { error: err.cause, key });
      throw new HttpError(502, "Backup failed; no backup object was kept. See the function log for the cause.", { details: { key }, cause: err.cause });
    }
    log.info("backup written", { ...result });
    try {
      await sendReport(ses, result);
    } catch (err) {
      log.warn("backup kept but the email failed", { error: err });
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return json(207, { ...result, emailSent: false, emailError: reason }, event);
    }
    return json(200, { ...result, emailSent: true }, event);
  });
}

export const handler = createBackupHandler();
