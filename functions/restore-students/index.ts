/**
 * Lambda `restoreStudentData` (student-records).
 *   POST /restore   {"key": "backups/students-YYYYMMDD-HHMMSS.json", "mode": "skip" | "overwrite"}
 *                   Loads a backup written by BackupDynamoDBAndSendEmail back into the table.
 *                   The backup is read twice, streaming: a first pass checks every item,
 *                   the count and the SHA-256 of the manifest, so a bad backup is a 400
 *                   that writes nothing; the second pass writes (BatchWriteItem for
 *                   overwrite, conditional puts for skip). 404 when the backup is missing.
 *
 * Environment:
 *   TABLE_NAME          the studentData table (key `studentid`)
 *   BUCKET_NAME         the backup bucket
 *   ALLOWED_ORIGINS     comma-separated origins echoed in CORS headers
 *   LOG_LEVEL           debug | info | warn | error | silent (default info)
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { BatchWriteItemCommand, PutItemCommand, type AttributeValue, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { dynamoClient, s3Client } from "../lib/clients.js";
import { parseJsonBody } from "../lib/body.js";
import { requireEnv } from "../lib/env.js";
import { BadRequestError, ConflictError, isAwsError, MethodNotAllowedError, NotFoundError } from "../lib/errors.js";
import { withHttp } from "../lib/handler.js";
import { json } from "../lib/http.js";
import { fromJsonItem } from "../lib/dynamodb-json.js";
import { MalformedDocument, readItemsDocument } from "../lib/json-stream.js";
import { validate } from "../lib/validate.js";
import { BACKUP_FORMAT, manifestKeyFor } from "../backup-students/backup.js";
import { STUDENT_ID_PATTERN } from "../insert-student-data/schema.js";
import { RestoreRequestSchema, type RestoreRequest } from "./schema.js";

const dynamodb = dynamoClient();
const s3 = s3Client();
const KEY_ATTRIBUTE = "studentid";
const ID = new RegExp(STUDENT_ID_PATTERN);

async function openObject(Bucket: string, Key: string): Promise<Readable | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
    return out.Body as Readable;
  } catch (err) {
    if (isAwsError(err, "NoSuchKey", "NotFound")) return undefined;
    throw err;
  }
}

interface Manifest {
  count?: unknown;
  bytes?: unknown;
  sha256?: unknown;
}

async function readManifest(bucket: string, key: string): Promise<Manifest | undefined> {
  const body = await openObject(bucket, manifestKeyFor(key));
  if (body === undefined) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new BadRequestError(`Manifest of ${key} is too large.`);
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof value !== "object" || value === null) throw new Error("not an object");
    return value as Manifest;
  } catch {
    throw new BadRequestError(`Manifest of ${key} is not valid JSON.`);
  }
}

function checkItem(value: unknown, index: number): Record<string, AttributeValue> {
  let item: Record<string, AttributeValue>;
  try {
    item = fromJsonItem(value, `items[${index}]`);
  } catch (err) {
    throw new BadRequestError(`Backup item ${index} is invalid: ${(err as Error).message}.`);
  }
  const id = item[KEY_ATTRIBUTE]?.S;
  if (id === undefined || !ID.test(id)) throw new BadRequestError(`Backup item ${index} has no valid ${KEY_ATTRIBUTE}.`);
  return item;
}

/** Streams the backup, checking everything; calls `onItem` for each valid item. */
async function scanBackup(
  body: Readable,
  key: string,
  onItem: (item: Record<string, AttributeValue>) => Promise<void>,
): Promise<{ count: number; bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  let count = 0;
  let declared: unknown;
  let format: unknown;
  try {
    for await (const event of readItemsDocument(body, {
      onChunk: (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      },
    })) {
      if (event.type === "item") {
        await onItem(checkItem(event.value, count));
        count += 1;
      } else if (event.key === "count") declared = event.value;
      else if (event.key === "format") format = event.value;
    }
  } catch (err) {
    if (err instanceof MalformedDocument) throw new BadRequestError(`Backup ${key} is not a valid backup: ${err.message}.`);
    throw err;
  }
  if (format !== BACKUP_FORMAT) throw new BadRequestError(`Backup ${key} has format ${JSON.stringify(format)}; expected ${BACKUP_FORMAT}.`);
  if (declared !== count) throw new BadRequestError(`Backup ${key} declares ${String(declared)} items but holds ${count}.`);
  return { count, bytes, sha256: hash.digest("hex") };
}

class Batcher {
  private batch: WriteRequest[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  written = 0;

  constructor(private readonly table: string) {}

  async add(item: Record<string, AttributeValue>): Promise<void> {
    this.batch.push({ PutRequest: { Item: item } });
    if (this.batch.length === 25) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length > 0) {
      const requests = this.batch;
      this.batch = [];
      const p: Promise<void> = this.write(requests).finally(() => this.inFlight.delete(p));
      p.catch(() => undefined); // observed by drain(); avoids an unhandled rejection meanwhile
      this.inFlight.add(p);
    }
    if (this.inFlight.size >= 4) await Promise.race(this.inFlight);
  }

  async drain(): Promise<void> {
    await this.flush();
    await Promise.all(this.inFlight);
  }

  private async write(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 8) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }));
      this.written += pending.length - (out.UnprocessedItems?.[this.table]?.length ?? 0);
      pending = out.UnprocessedItems?.[this.table] ?? [];
    }
  }
}

class ConditionalWriter {
  private readonly inFlight = new Set<Promise<void>>();
  restored = 0;
  skipped = 0;

  constructor(private readonly table: string) {}

  async add(item: Record<string, AttributeValue>): Promise<void> {
    const p: Promise<void> = dynamodb
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: "attribute_not_exists(#k)",
          ExpressionAttributeNames: { "#k": KEY_ATTRIBUTE },
        }),
      )
      .then(
        () => void (this.restored += 1),
        (err: unknown) => {
          if (isAwsError(err, "ConditionalCheckFailedException")) this.skipped += 1;
          else throw err;
        },
      )
      .finally(() => this.inFlight.delete(p));
    p.catch(() => undefined); // observed by drain()
    this.inFlight.add(p);
    if (this.inFlight.size >= 16) await Promise.race(this.inFlight);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }
}

export const handler = withHttp("restoreStudentData", async ({ event, log }) => {
  if (event.httpMethod !== "POST") throw new MethodNotAllowedError(String(event.httpMethod), ["POST"]);
  const request = validate<RestoreRequest>(RestoreRequestSchema, parseJsonBody(event, { limit: 4096 }));
  const { key } = request;
  const mode = request.mode ?? "skip";
  if (key.includes("..") || key.endsWith(".manifest.json")) throw new BadRequestError(`key must name a backup under backups/ (got ${key}).`);
  const table = requireEnv("TABLE_NAME");
  const bucket = requireEnv("BUCKET_NAME");

  const manifest = await readManifest(bucket, key);
  const first = await openObject(bucket, key);
  if (first === undefined) throw new NotFoundError(`Backup ${key} not found.`);
  const checked = await scanBackup(first, key, async () => undefined);
  if (manifest !== undefined) {
    if (manifest.sha256 !== checked.sha256 || manifest.count !== checked.count || manifest.bytes !== checked.bytes) {
      throw new BadRequestError(`Backup ${key} does not match its manifest (count, bytes or SHA-256 differ).`);
    }
  }

  const second = await openObject(bucket, key);
  if (second === undefined) throw new ConflictError(`Backup ${key} was removed during the restore.`);
  let restored: number;
  let skipped = 0;
  if (mode === "overwrite") {
    const batcher = new Batcher(table);
    const written = await scanBackup(second, key, (item) => batcher.add(item));
    await batcher.drain();
    if (written.sha256 !== checked.sha256) throw new ConflictError(`Backup ${key} changed during the restore.`);
    restored = batcher.written;
  } else {
    const writer = new ConditionalWriter(table);
    const written = await scanBackup(second, key, (item) => writer.add(item));
    await writer.drain();
    if (written.sha256 !== checked.sha256) throw new ConflictError(`Backup ${key} changed during the restore.`);
    restored = writer.restored;
    skipped = writer.skipped;
  }
  log.info("restore complete", { key, mode, count: checked.count, restored, skipped });
  return json(200, { key, mode, count: checked.count, restored, skipped, sha256: checked.sha256 }, event);
});
