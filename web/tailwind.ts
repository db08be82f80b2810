/**
 * Tailwind CSS for a page whose document asks for it (the student records page): the page's
 * stylesheet compiled by Tailwind (v4, the `tailwindcss` and `@tailwindcss/node` packages from
 * the npm registry, no CLI download) against the class names in the page's own sources, so
 * only the utilities the page uses are emitted. Synchronous, in one reused synckit worker
 * thread (Tailwind's compiler is async; the site build is not), and cached per input, so a
 * rebuild with unchanged sources costs nothing and gives the same bytes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createSyncFn } from "synckit";

export interface TailwindSource {
  readonly content: string;
  /** `html`, `ts`: how the scanner reads class names out of it. */
  readonly extension: string;
}

type CompileSync = (input: { css: string; base: string; sources: TailwindSource[] }) => string;
let compileSync: CompileSync | undefined;
const cache = new Map<string, string>();

/** The worker, started on first use; starting it before esbuild runs lets it load meanwhile. */
export function tailwindWorker(): CompileSync {
  // The worker is plain .mjs: no TypeScript loader (and none of the parent's --import flags).
  compileSync ??= createSyncFn(new URL("./tailwind-worker.mjs", import.meta.url), { execArgv: [] }) as CompileSync;
  return compileSync;
}

/**
 * The minified CSS of `entry` (a file with `@import "tailwindcss" source(none);`), with the
 * utilities that `sources` (file paths) use.
 */
export function tailwindCss(entry: string, sources: readonly string[]): string {
  const css = readFileSync(entry, "utf8");
  const files = sources.map((f) => ({ content: readFileSync(f, "utf8"), extension: path.extname(f).slice(1) }));
  const key = createHash("sha256").update(JSON.stringify([css, files])).digest("hex");
  let out = cache.get(key);
  if (out === undefined) {
    out = tailwindWorker()({ css, base: path.dirname(entry), sources: files });
    cache.set(key, out);
  }
  return out;
}
