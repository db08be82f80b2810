/**
 * Lambda `BackupDynamoDBAndSendEmail` (student-records).
 *   POST /backup    no body (or `{}`): back the table up to
 *                   s3://$BUCKET_NAME/backups/students-YYYYMMDD-HHMMSS.json (UTC) plus a
 *                   `.manifest.json` (count, bytes, SHA-256), then email $ADMIN_EMAIL.
 *                   200 with the manifest and emailSent: true; 207 with emailSent: false
 *                   and the reason when the backup is kept but the email failed; 502 when
 *                   the backup failed (nothing is left in the bucket); 409 when a backup
 *                   with the same (one-second) name exists.
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
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { SendEmailCommand } from "@aws-sdk/client-ses";
import { dynamoClient, s3Client, sesClient } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { intEnv, requireEnv } from "../lib/env.js";
import { Conflict, HttpError, isAwsError, MethodNotAllowed } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { validate } from "../lib/validate.js";
import { BackupFailed, backupKey, backupTable, type BackupResult } from "./backup.js";
import { BACKUP_PREFIX, BackupRequestSchema } from "./schema.js";

const dynamodb = dynamoClient();
const s3 = s3Client();
const ses = sesClient();

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

async function sendReport(result: BackupResult): Promise<void> {
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

async function exists(Bucket: string, Key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket, Key }));
    return true;
  } catch (err) {
    if (isAwsError(err, "NotFound", "NoSuchKey")) return false;
    if (isAwsError(err, "NoSuchBucket")) return false; // reported by the backup itself
    throw err;
  }
}

export const handler = withHttp("BackupDynamoDBAndSendEmail", async ({ event, log }) => {
  if (event.httpMethod !== "POST") throw new MethodNotAllowed(String(event.httpMethod), ["POST"]);
  const body = parseJsonBody(event, { optional: true, limit: 1024 });
  if (body !== undefined) validate(BackupRequestSchema, body);
  const table = requireEnv("TABLE_NAME");
  const bucket = requireEnv("BUCKET_NAME");
  requireEnv("SENDER_EMAIL");
  requireEnv("ADMIN_EMAIL");
  const key = backupKey(new Date(), `${BACKUP_PREFIX}students-`);
  // Keys have one-second resolution: never let a second backup overwrite the first.
  if (await exists(bucket, key)) throw new Conflict(`A backup named ${key} already exists; try again in a second.`, { key });
  let result: BackupResult;
  try {
    result = await backupTable({ dynamodb, s3, table, bucket, key, segments: intEnv("SCAN_SEGMENTS", 2) });
  } catch (err) {
    if (!(err instanceof BackupFailed)) throw err;
    log.error("backup failed", { error: err.cause, key });
    throw new HttpError(502, "Backup failed; no backup object was kept. See the function log for the cause.", { key });
  }
  log.info("backup written", { ...result });
  try {
    await sendReport(result);
  } catch (err) {
    log.warn("backup kept but the email failed", { error: err });
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return json(207, { ...result, emailSent: false, emailError: reason }, event);
  }
  return json(200, { ...result, emailSent: true }, event);
});
