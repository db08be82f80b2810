/**
 * Loads a backup written by a backup job (functions/backup-students/backup.ts) back into the
 * table, streaming, in two passes over the S3 object:
 *   verify  reads the whole backup, checking every item, the declared count and format, and
 *           the count, bytes and SHA-256 against the backup's manifest. Nothing is written.
 *   write   reads it again (refused before any write if the object's ETag changed since the
 *           verified read) and writes: BatchWriteItem for `overwrite`, conditional PutItem
 *           for `skip` (existing items are kept and counted as skipped).
 * A failure in the write pass is a `RestoreFailed` with phase `write` and exact counts: every
 * write in flight is settled first, so `restored` items hold the backup's values, `skipped`
 * items were kept, and the rest of the backup was not written.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isAwsError } from "../lib/errors.js";
import { fromJsonItem } from "../lib/dynamodb-json.js";
import { MalformedDocument, readItemsDocument } from "../lib/json-stream.js";
import { BACKUP_FORMAT } from "../backup-students/backup.js";
import { STUDENT_ID_PATTERN } from "../insert-student-data/schema.js";
import { Batcher, ConditionalWriter, KEY_ATTRIBUTE } from "./writers.js";

const ID = new RegExp(STUDENT_ID_PATTERN);
/** Largest manifest read, in bytes (a backup job's is a few hundred). */
const MANIFEST_LIMIT = 64 * 1024;

export type RestoreMode = "skip" | "overwrite";
export type RestorePhase = "verify" | "write";

/** What a backup's manifest must say for the backup to be restorable. */
export interface Manifest {
  readonly count: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly backupId?: string;
}

export interface Counts {
  readonly restored: number;
  readonly skipped: number;
}

/** The backup as the verify pass found it. */
export interface Verified {
  readonly count: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly etag?: string;
}

/** The manifest is not JSON or lacks count, bytes or SHA-256; `reason` says which, e.g. "is not valid JSON". */
export class InvalidManifest extends Error {
  constructor(
    readonly manifestKey: string,
    readonly reason: string,
  ) {
    super(`${manifestKey} ${reason}`);
    this.name = "InvalidManifest";
  }
}

/** The restore stopped: in `verify` nothing was written; in `write`, `counts` says what was. */
export class RestoreFailed extends Error {
  constructor(
    message: string,
    readonly phase: RestorePhase,
    readonly counts: Counts = { restored: 0, skipped: 0 },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RestoreFailed";
  }
}

async function open(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{ body: Readable; etag?: string } | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return { body: out.Body as Readable, ...(out.ETag ? { etag: out.ETag } : {}) };
  } catch (err) {
    if (isAwsError(err, "NoSuchKey", "NotFound")) return undefined;
    throw err;
  }
}

/** The manifest of a backup, undefined when it does not exist; `InvalidManifest` when it says nothing usable. */
export async function readManifest(s3: S3Client, bucket: string, manifestKey: string): Promise<Manifest | undefined> {
  const object = await open(s3, bucket, manifestKey);
  if (object === undefined) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of object.body) {
    size += (chunk as Buffer).length;
    if (size > MANIFEST_LIMIT) {
      object.body.destroy();
      throw new InvalidManifest(manifestKey, `is larger than ${MANIFEST_LIMIT} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new InvalidManifest(manifestKey, "is not valid JSON");
  }
  const m = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (!Number.isSafeInteger(m.count) || !Number.isSafeInteger(m.bytes) || typeof m.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.sha256)) {
    throw new InvalidManifest(manifestKey, "does not state the backup's count, bytes and SHA-256");
  }
  return { count: m.count as number, bytes: m.bytes as number, sha256: m.sha256, ...(typeof m.backupId === "string" ? { backupId: m.backupId } : {}) };
}

function checkItem(value: unknown, index: number): Record<string, AttributeValue> {
  let item: Record<string, AttributeValue>;
  try {
    item = fromJsonItem(value, `items[${index}]`);
  } catch (err) {
    throw new MalformedDocument(`item ${index} is invalid: ${(err as Error).message}`);
  }
  const id = item[KEY_ATTRIBUTE]?.S;
  if (id === undefined || !ID.test(id)) throw new MalformedDocument(`item ${index} has no valid ${KEY_ATTRIBUTE}`);
  return item;
}

/** Streams the backup, checking everything; calls `onItem` for each valid item. Throws `MalformedDocument`. */
async function readBackup(body: Readable, onItem: (item: Record<string, AttributeValue>) => Promise<void>): Promise<Omit<Verified, "etag">> {
  const hash = createHash("sha256");
  let bytes = 0;
  let count = 0;
  let declared: unknown;
  let format: unknown;
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
  if (format !== BACKUP_FORMAT) throw new MalformedDocument(`it has format ${JSON.stringify(format)}; expected ${BACKUP_FORMAT}`);
  if (declared !== count) throw new MalformedDocument(`it declares ${String(declared)} items but holds ${count}`);
  return { count, bytes, sha256: hash.digest("hex") };
}

export interface VerifyOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly manifest: Manifest;
  readonly signal?: AbortSignal;
}

/** The verify pass: reads the whole backup and compares it with its manifest. Writes nothing. */
export async function verifyBackup(o: VerifyOptions): Promise<Verified> {
  let object: Awaited<ReturnType<typeof open>>;
  let found: Omit<Verified, "etag">;
  try {
    object = await open(o.s3, o.bucket, o.key, o.signal);
    if (object === undefined) throw new RestoreFailed(`the backup ${o.key} no longer exists; nothing was written`, "verify");
    const body = object.body;
    o.signal?.addEventListener("abort", () => body.destroy(new Error("restore aborted")), { once: true });
    found = await readBackup(body, async () => o.signal?.throwIfAborted());
  } catch (err) {
    if (err instanceof RestoreFailed) throw err;
    if (err instanceof MalformedDocument) throw new RestoreFailed(`the backup ${o.key} is not a valid backup (${err.message}); nothing was written`, "verify");
    throw new RestoreFailed(`reading the backup ${o.key} failed; nothing was written`, "verify", undefined, { cause: err });
  }
  const differs = (["count", "bytes", "sha256"] as const).filter((f) => found[f] !== o.manifest[f]);
  if (differs.length > 0) {
    throw new RestoreFailed(`the backup ${o.key} does not match its manifest (${differs.join(", ")} differ${differs.length === 1 ? "s" : ""}); nothing was written`, "verify");
  }
  return { ...found, ...(object.etag ? { etag: object.etag } : {}) };
}

export interface WriteOptions {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly table: string;
  readonly bucket: string;
  readonly key: string;
  readonly mode: RestoreMode;
  /** What the verify pass found: the write pass must read exactly that. */
  readonly verified: Verified;
  readonly signal?: AbortSignal;
  /** Called at most every `progressEveryMs` with the counts so far. */
  readonly onProgress?: (counts: Counts) => Promise<void>;
  /** @default 1000 */
  readonly progressEveryMs?: number;
}

/** The write pass. Throws `RestoreFailed` (phase `write`) with the exact counts of what was written. */
export async function writeBackup(o: WriteOptions): Promise<Counts> {
  const object = await open(o.s3, o.bucket, o.key, o.signal).catch((err: unknown) => {
    throw new RestoreFailed(`reading the backup ${o.key} again failed; nothing was written`, "write", undefined, { cause: err });
  });
  if (object === undefined) throw new RestoreFailed(`the backup ${o.key} was removed after it was verified; nothing was written`, "write");
  if (o.verified.etag !== undefined && object.etag !== undefined && object.etag !== o.verified.etag) {
    object.body.destroy();
    throw new RestoreFailed(`the backup ${o.key} was replaced after it was verified; nothing was written`, "write");
  }
  const body = object.body;
  o.signal?.addEventListener("abort", () => body.destroy(new Error("restore aborted")), { once: true });
  const writer = o.mode === "overwrite" ? new Batcher(o.dynamodb, o.table) : new ConditionalWriter(o.dynamodb, o.table);
  const counts = (): Counts => ({ restored: writer.restored, skipped: writer.skipped });
  const every = o.progressEveryMs ?? 1000;
  let reported = Date.now();
  try {
    const read = await readBackup(body, async (item) => {
      o.signal?.throwIfAborted();
      await writer.add(item);
      if (o.onProgress && Date.now() - reported >= every) {
        reported = Date.now();
        await o.onProgress(counts());
      }
    });
    await writer.drain();
    if (read.sha256 !== o.verified.sha256) {
      throw new RestoreFailed(`the backup ${o.key} changed while it was being restored (its SHA-256 differs from the verified one)`, "write", counts());
    }
    return counts();
  } catch (err) {
    await writer.settle();
    if (err instanceof RestoreFailed) throw err;
    throw new RestoreFailed(`writing the backup ${o.key} into ${o.table} failed`, "write", counts(), { cause: err });
  }
}
