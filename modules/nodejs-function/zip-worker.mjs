// synckit worker: builds deterministic zips from in-memory entries with yazl, several at once.
// Plain .mjs so the worker thread needs no TypeScript loader.
// Same bytes for the same entries on any machine, whatever the files' mtimes:
// entries sorted by name, DOS timestamp 1980-01-01 00:00:00 (built from local-time fields,
// because the DOS format stores local wall-clock fields, so the bytes do not depend on the
// time zone), no extended UNIX timestamp field, mode 0o100644 (regular file, rw-r--r--),
// deflate.
import { Buffer } from "node:buffer";
import { runAsWorker } from "synckit";
import yazl from "yazl";

const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0, 0);
const FILE_MODE = 0o100644;

/** @param {{ name: string, data: Uint8Array }[]} entries */
async function zipEntries(entries) {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zip = new yazl.ZipFile();
  for (const entry of sorted) {
    zip.addBuffer(Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), entry.name, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  const chunks = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk);
  const out = Buffer.concat(chunks);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * One zip per job, built concurrently (yazl deflates through zlib's thread pool).
 * @param {{ name: string, data: Uint8Array }[][]} jobs
 */
async function zipJobs(jobs) {
  return Promise.all(jobs.map(zipEntries));
}

runAsWorker(zipJobs);
