/**
 * The function zip: a deterministic archive of in-memory entries (sorted, fixed timestamp and
 * mode, deflate) built by yazl in one reused synckit worker thread, and the digest of its
 * inputs that the bundle cache keys on.
 */
import { createHash } from "node:crypto";
import { createSyncFn } from "synckit";

/** One file inside a function zip. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Digest of the zip's inputs (names and bytes): equal digests give equal zips. */
export function entriesDigest(entries: readonly ZipEntry[]): string {
  const hash = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${e.name}\0${e.data.byteLength}\0`);
    hash.update(e.data);
  }
  return hash.digest("hex");
}

type ZipManySync = (jobs: readonly (readonly ZipEntry[])[]) => Uint8Array[];
let zipManyFn: ZipManySync | undefined;

/**
 * Deterministic zip of in-memory entries (sorted, fixed timestamp and mode, deflate),
 * built by yazl in one reused synckit worker thread.
 */
export function zipSync(entries: readonly ZipEntry[]): Uint8Array {
  return zipManySync([entries])[0]!;
}

/**
 * Several zips in one call: the worker builds them concurrently (zlib deflates on its thread
 * pool, so on every core), each with exactly the bytes `zipSync` gives it alone.
 */
export function zipManySync(jobs: readonly (readonly ZipEntry[])[]): Uint8Array[] {
  if (jobs.length === 0) return [];
  return zipWorker()(jobs.map((entries) => entries.map((e) => ({ name: e.name, data: e.data }))));
}

/**
 * The zip worker, started on first use. Starting it just before esbuild runs lets the thread
 * load while esbuild works, so the first zip does not wait for it.
 */
export function zipWorker(): ZipManySync {
  // The worker is plain .mjs: no TypeScript loader (and none of the parent's --import flags).
  zipManyFn ??= createSyncFn(new URL("./zip-worker.mjs", import.meta.url), { execArgv: [] }) as ZipManySync;
  return zipManyFn;
}
