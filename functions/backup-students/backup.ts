/**
 * Streams a whole DynamoDB table into one JSON document in S3 with flat memory:
 * a parallel-segment Scan (one paginator per segment, at most two pages per segment in
 * flight) feeds a pull-based stream that lib-storage's `Upload` sends as a multipart
 * upload. Bytes and SHA-256 are computed while streaming and written to a manifest.
 *
 * Both the document and the manifest are written with `If-None-Match: *` (lib-storage
 * passes its params through to PutObject and CompleteMultipartUpload), so S3 itself
 * refuses to overwrite an existing backup: two backups racing for the same one-second key
 * cannot both win, and the loser gets `BackupConflict`. Each write carries a random
 * `backup-id` in its metadata; on any failure the multipart upload is aborted and only
 * objects carrying this run's id are deleted, never a concurrent backup's.
 */
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { paginateScan, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { itemToJson } from "../lib/dynamodb-json.js";

export const BACKUP_FORMAT = "dynamodb-json/1";

/** User metadata (`x-amz-meta-backup-id`) naming the run that wrote an object. */
export const BACKUP_ID_METADATA = "backup-id";

export interface BackupOptions {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly table: string;
  readonly bucket: string;
  readonly key: string;
  /** Parallel scan segments. @default 2 */
  readonly segments?: number;
  /** Multipart part size in bytes (S3 minimum 5 MiB). @default 5 MiB */
  readonly partSize?: number;
  /** Items per Scan page (DynamoDB's `Limit`); smaller pages keep less in memory. @default 2500 */
  readonly pageSize?: number;
  /**
   * Parts uploaded concurrently; each holds one 5 MiB part in memory. One keeps peak
   * memory lowest; the Scan, not the upload, is the slow side. @default 1
   */
  readonly queueSize?: number;
  readonly now?: Date;
  /** Id written in each object's `backup-id` metadata and the manifest. @default a random UUID */
  readonly backupId?: string;
  /** Aborting it stops the backup: the upload is aborted, nothing is kept, `BackupFailed` is thrown. */
  readonly signal?: AbortSignal;
}

export interface BackupResult {
  readonly bucket: string;
  readonly key: string;
  readonly manifestKey: string;
  readonly table: string;
  readonly count: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly createdAt: string;
  /** Id of this run (the job's id, or a random one), also in each object's `backup-id` metadata. */
  readonly backupId: string;
}

export class BackupFailed extends Error {
  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(message);
    this.name = "BackupFailed";
  }
}

/** The key (or its manifest) already exists: another backup wrote it first. Nothing was overwritten. */
export class BackupConflict extends BackupFailed {
  constructor(
    message: string,
    readonly key: string,
    cause: unknown,
  ) {
    super(message, cause);
    this.name = "BackupConflict";
  }
}

/**
 * S3's answers to a conditional write that lost: 412 PreconditionFailed (the key exists)
 * or 409 ConditionalRequestConflict (a concurrent write to the key won).
 */
export function isWriteConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "PreconditionFailed" || err.name === "ConditionalRequestConflict") return true;
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;
}

/** `backups/students-YYYYMMDD-HHMMSS.json` in UTC. */
export function backupKey(now: Date, prefix = "backups/students-"): string {
  const iso = now.toISOString(); // 2025-07-07T12:45:00.000Z
  return `${prefix}${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}.json`;
}

export function manifestKeyFor(key: string): string {
  return key.replace(/\.json$/, ".manifest.json");
}

/** Merges the pages of several paginators, pulling the next page of a segment only when its last one was taken. */
async function* mergePages<T>(iterators: AsyncIterator<T>[]): AsyncGenerator<T> {
  type Settled = { index: number; result: IteratorResult<T> };
  const pending = new Map<number, Promise<Settled>>();
  const pull = (index: number): void => {
    const p = iterators[index]!.next().then((result) => ({ index, result }));
    p.catch(() => undefined); // observed by the race below; avoid an unhandled rejection meanwhile
    pending.set(index, p);
  };
  try {
    iterators.forEach((_, i) => pull(i));
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.()));
  }
}

export async function backupTable(options: BackupOptions): Promise<BackupResult> {
  const segments = options.segments ?? 2;
  const createdAt = (options.now ?? new Date()).toISOString();
  const hash = createHash("sha256");
  let bytes = 0;
  let count = 0;

  async function* document(): AsyncGenerator<Buffer> {
    const emit = (text: string): Buffer => {
      const buf = Buffer.from(text, "utf8");
      hash.update(buf);
      bytes += buf.length;
      return buf;
    };
    yield emit(`{"format":${JSON.stringify(BACKUP_FORMAT)},"table":${JSON.stringify(options.table)},"createdAt":"${createdAt}","items":[`);
    const iterators = Array.from({ length: segments }, (_, segment) =>
      paginateScan(
        { client: options.dynamodb, pageSize: options.pageSize ?? 2500 },
        { TableName: options.table, Segment: segment, TotalSegments: segments },
      )[Symbol.asyncIterator](),
    );
    for await (const output of mergePages(iterators)) {
      const page: Record<string, AttributeValue>[] = output.Items ?? [];
      if (page.length === 0) continue;
      const parts: string[] = [];
      for (const item of page) {
        parts.push(`${count === 0 ? "\n" : ",\n"}${itemToJson(item)}`);
        count += 1;
      }
      yield emit(parts.join(""));
    }
    yield emit(`\n],"count":${count}}\n`);
  }

  const backupId = options.backupId ?? randomUUID();
  const metadata = { [BACKUP_ID_METADATA]: backupId };
  const body = Readable.from(document(), { objectMode: false, highWaterMark: 1 });
  const upload = new Upload({
    client: options.s3,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: body,
      ContentType: "application/json",
      Metadata: metadata,
      IfNoneMatch: "*",
    },
    queueSize: options.queueSize ?? 1,
    partSize: options.partSize ?? 5 * 1024 * 1024,
    leavePartsOnError: false,
  });
  const manifestKey = manifestKeyFor(options.key);
  const onAbort = (): void => {
    body.destroy(new Error("backup aborted"));
    void upload.abort().catch(() => undefined);
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error("backup aborted before it started");
    await upload.done();
  } catch (err) {
    body.destroy();
    await cleanUp(options, backupId, upload.uploadId, [options.key]);
    if (isWriteConflict(err)) {
      throw new BackupConflict(`s3://${options.bucket}/${options.key} already exists; it was not overwritten`, options.key, err);
    }
    throw new BackupFailed(`Backup upload of ${options.table} to s3://${options.bucket}/${options.key} failed`, err);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  const result: BackupResult = {
    bucket: options.bucket,
    key: options.key,
    manifestKey,
    table: options.table,
    count,
    bytes,
    sha256: hash.digest("hex"),
    createdAt,
    backupId,
  };
  try {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: manifestKey,
        Body: `${JSON.stringify({ format: BACKUP_FORMAT, ...result }, null, 2)}\n`,
        ContentType: "application/json",
        Metadata: metadata,
        IfNoneMatch: "*",
      }),
    );
  } catch (err) {
    await cleanUp(options, backupId, undefined, [options.key, manifestKey]);
    if (isWriteConflict(err)) {
      throw new BackupConflict(`s3://${options.bucket}/${manifestKey} already exists; it was not overwritten`, manifestKey, err);
    }
    throw new BackupFailed(`Writing the manifest s3://${options.bucket}/${manifestKey} failed`, err);
  }
  return result;
}

/**
 * Best effort: abort the multipart upload (lib-storage normally has already) and delete
 * those of `keys` that this run wrote (a write whose answer was lost may still have
 * landed). An object with another run's `backup-id` is left alone: after a lost
 * conditional write the key belongs to the backup that won.
 */
async function cleanUp(options: BackupOptions, backupId: string, uploadId: string | undefined, keys: string[]): Promise<void> {
  if (uploadId !== undefined) {
    await options.s3
      .send(new AbortMultipartUploadCommand({ Bucket: options.bucket, Key: options.key, UploadId: uploadId }))
      .catch(() => undefined);
  }
  await Promise.allSettled(
    keys.map(async (Key) => {
      const head = await options.s3.send(new HeadObjectCommand({ Bucket: options.bucket, Key }));
      if (head.Metadata?.[BACKUP_ID_METADATA] !== backupId) return;
      await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key }));
    }),
  );
}
