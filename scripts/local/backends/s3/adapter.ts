/**
 * Everything this project relies on in s3rver beyond its documented surface (constructor
 * options, `configureBuckets()`, `callback()`), in one place and checked against the
 * version it was written for, so that an upgrade fails loudly at start instead of quietly
 * misbehaving:
 *
 * - s3rver accepts a SigV4 request signed with its built-in key `S3RVER` without computing
 *   the signature; the S3 layer verifies signatures itself (auth.ts) and then hands
 *   s3rver the request re-addressed to that key;
 * - its store answers `existsObject(bucket, key)`;
 * - an open multipart upload is the folder `<directory>/<bucket>/._S3rver_uploads/<id>/`
 *   holding a file `key` with the object key.
 */
import type http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The s3rver versions whose internals the facts above were read from. */
const SUPPORTED = /^3\.7\.\d+$/;

export const S3RVER_KEY_ID = "S3RVER";

export interface S3rverAdapter {
  /** s3rver's request handler. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  existsObject(bucket: string, key: string): Promise<boolean>;
  /** The folder holding a bucket's open multipart uploads. */
  uploadsDir(bucket: string): string;
  bucketDir(bucket: string): string;
}

interface S3rverApp {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  configureBuckets(): Promise<unknown>;
  readonly store?: { existsObject?(bucket: string, key: string): Promise<boolean> };
}

export async function createS3rver(directory: string, buckets: readonly string[]): Promise<S3rverAdapter> {
  const { version } = require("s3rver/package.json") as { version: string };
  if (!SUPPORTED.test(version)) {
    throw new Error(`s3rver ${version} is installed; scripts/local/backends/s3/adapter.ts was written for 3.7.x: check the facts listed there, then widen SUPPORTED`);
  }
  const S3rver = require("s3rver") as new (opts: Record<string, unknown>) => S3rverApp;
  const app = new S3rver({
    directory,
    silent: true,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await app.configureBuckets();
  const store = app.store;
  if (typeof store?.existsObject !== "function") throw new Error(`s3rver ${version}: store.existsObject is missing (see scripts/local/backends/s3/adapter.ts)`);
  return {
    handle: app.callback(),
    existsObject: (bucket, key) => store.existsObject!(bucket, key),
    uploadsDir: (bucket) => path.join(directory, bucket, "._S3rver_uploads"),
    bucketDir: (bucket) => path.join(directory, bucket),
  };
}
