// Small helpers shared by bench sections: timing, medians, table printing, scratch folders.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { findHandlerEntries } from "../../modules/nodejs-function/prebundle";

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function msSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Prints rows as an aligned text table. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
}

/** A scratch folder inside the project's .build/ (so node_modules resolves from it). */
export function scratchDir(projectRoot: string, prefix: string): string {
  mkdirSync(path.join(projectRoot, ".build"), { recursive: true });
  return mkdtempSync(path.join(projectRoot, ".build", `${prefix}-`));
}

/** Every file under a folder, by relative path, with its bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(path.relative(dir, p).split(path.sep).join("/"), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** Names of the files that differ between two trees (added, removed or changed). */
export function treeDiff(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => !a.has(n) || !b.has(n) || !a.get(n)!.equals(b.get(n)!)).sort();
}

/**
 * The handlers the bench measures (`findHandlerEntries`: functions/<name>/index.ts, handler.ts,
 * *.handler.ts, not functions/lib). Falls back to the test fixtures while functions/ holds none.
 */
export function discoverHandlers(projectRoot: string): { entries: string[]; fromFixtures: boolean } {
  const entries = findHandlerEntries(projectRoot);
  if (entries.length > 0) return { entries, fromFixtures: false };
  return {
    entries: ["test/fixtures/functions/dynamo-get/index.ts", "test/fixtures/functions/cjs-dep/index.ts"],
    fromFixtures: true,
  };
}

/** Every .ts/.mts/.js/.mjs/.cjs source under functions/ (what a handler bundle is built from). */
export function functionSources(projectRoot: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|cts|js|mjs|cjs|json)$/.test(name)) out.push(p);
    }
  };
  walk(path.join(projectRoot, "functions"));
  return out.sort();
}
