/**
 * `npm run dev`: watches `functions/`, `modules/` (the app, modules/services/app.ts, included) and `main.ts`. An edit under
 * `functions/` rebuilds only the bundles that read the file and swaps their workers (no
 * synth); an edit under `modules/` or to `main.ts` re-synthesizes and reloads everything.
 * Each reload prints what was reloaded and how long it took.
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { Gateway } from "../gateway";

export interface WatchOptions {
  /** Synthesizes into the gateway's outdir (in a child process), resolving with its duration. */
  readonly synth: () => Promise<number>;
  readonly log: (line: string) => void;
  /** The project root the watched folders are in. Default the working directory. */
  readonly root?: string;
  /** The pages, when served: an edit under `web/` rebuilds them (resolving with the milliseconds taken). */
  readonly pages?: { rebuild(): number };
}

/** How long to wait for an editor's burst of events: short for handler edits, longer before a synth. */
const FUNCTION_SETTLE_MS = 15;
const SYNTH_SETTLE_MS = 250;

export function watchProject(gateway: Gateway, options: WatchOptions): () => void {
  const root = options.root ?? process.cwd();
  const log = options.log;
  const changedFunctions = new Set<string>();
  let needsSynth = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;

  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const started = performance.now();
    const synth = needsSynth;
    const files = [...changedFunctions];
    needsSynth = false;
    changedFunctions.clear();
    try {
      if (synth) {
        const synthMs = await options.synth(); // a child process: the gateway keeps serving meanwhile
        await gateway.reload();
        log(`re-synthesized (${synthMs.toFixed(0)} ms) and reloaded everything in ${(performance.now() - started).toFixed(0)} ms`);
      } else {
        const report = await gateway.reloadFunctions(files);
        if (report) log(`reloaded ${report.functions.join(", ")} in ${report.ms.toFixed(0)} ms (${report.entries.join(", ")} rebuilt; no synth)`);
        else log(`no served function reads ${files.join(", ")}: nothing reloaded`);
      }
    } catch (error) {
      log(`reload failed, still serving the previous code: ${(error as Error).message}`);
    } finally {
      running = false;
      if (again || needsSynth || changedFunctions.size > 0) {
        again = false;
        if (needsSynth || changedFunctions.size > 0) void run();
      }
    }
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), ms);
  };

  const watchers: FSWatcher[] = [];
  const add = (target: string, recursive: boolean, onChange: (file: string | null) => void) => {
    if (!existsSync(path.join(root, target))) return;
    try {
      watchers.push(watch(path.join(root, target), { recursive }, (_event, file) => onChange(file)));
    } catch {
      log(`cannot watch ${target}`);
    }
  };
  add("functions", true, (file) => {
    if (file === null) needsSynth = true;
    else changedFunctions.add(path.join("functions", file));
    schedule(needsSynth ? SYNTH_SETTLE_MS : FUNCTION_SETTLE_MS);
  });
  for (const target of ["modules", "main.ts"]) {
    add(target, target === "modules", () => {
      needsSynth = true;
      schedule(SYNTH_SETTLE_MS);
    });
  }
  const pages = options.pages;
  if (pages) {
    let pagesTimer: NodeJS.Timeout | undefined;
    add("web", true, () => {
      clearTimeout(pagesTimer);
      pagesTimer = setTimeout(() => {
        try {
          log(`pages rebuilt in ${pages.rebuild().toFixed(0)} ms`);
        } catch (error) {
          log(`pages rebuild failed, still serving the previous build: ${(error as Error).message}`);
        }
      }, 100);
    });
  }
  log(`watching functions/ (rebuild and swap the affected bundles), modules/ and main.ts (re-synthesize)${pages ? ", web/ (rebuild the pages)" : ""}`);
  void gateway.warmReloads().catch((error: unknown) => log(`dev loop: could not prepare incremental builds: ${(error as Error).message}`));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
