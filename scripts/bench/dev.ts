/**
 * Bench section `dev`: the instant dev loop and the start time.
 *
 * - edit-to-served: `main.ts --watch --no-synth` on a small project (test/local/fixtures/
 *   dev-project.ts; the edited handler bundles a DynamoDB client, ~300 KB like the real
 *   ones); a handler file is rewritten with a new answer and the route is polled every 5 ms
 *   until it serves it. Median of 5 edits. Goal < 500 ms (the re-synth path took ~2.9 s).
 * - `npm start` ready: `main.ts` (synth included) in this checkout, already built by a
 *   first run, from spawn to its "ready in" line; median of 3. Goal < 2 s.
 *
 * Figures are printed, never enforced.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { devProject } from "../../test/local/fixtures/dev-project";
import { median, printTable } from "./support";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = path.join(ROOT, "scripts", "local", "main.ts");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const EDITS = 5;
const STARTS = 3;

interface Running {
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

function spawnMain(args: string[], cwd: string): Running {
  let output = "";
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], { cwd, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  return {
    child,
    output: () => output,
    async waitFor(pattern, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = pattern.exec(output);
        if (m) return m;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in the output:\n${output}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function editToServed(): Promise<{ served: number[]; rebuilt: number[] }> {
  const project = await devProject();
  const stateDir = path.join(project.root, "state");
  const dev = spawnMain(["--watch", "--no-synth", "--no-web", "--port", "0", "--outdir", project.outdir, "--state-dir", stateDir], project.root);
  try {
    await dev.waitFor(/watching functions\//, 120_000);
    const endpoints = JSON.parse(readFileSync(path.join(stateDir, "endpoints.json"), "utf8")) as { apis: { stack: string; url: string }[] };
    const url = `${endpoints.apis.find((a) => a.stack === "dev-dev")!.url}/hello`;
    await fetch(url).then((r) => r.text()); // warm worker
    await new Promise((r) => setTimeout(r, 2000)); // let the dev loop prepare its incremental builds
    const file = path.join(project.root, "functions", "hello", "index.ts");
    const original = readFileSync(file, "utf8");
    const times: number[] = [];
    for (let i = 1; i <= EDITS; i += 1) {
      const answer = `hello edit ${i}`;
      const started = performance.now();
      writeFileSync(file, original.replace("`hello ${greeting()}`", JSON.stringify(answer)));
      for (;;) {
        if ((await fetch(url).then((r) => r.text())) === answer) break;
        if (performance.now() - started > 30_000) throw new Error(`edit ${i} never served:\n${dev.output()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - started);
      await dev.waitFor(new RegExp(`(?:reloaded dev-hello[^\\n]*\\n[\\s\\S]*){${i}}`), 5000);
      await new Promise((r) => setTimeout(r, 300));
    }
    const rebuilt = [...dev.output().matchAll(/reloaded dev-hello in (\d+) ms/g)].map((m) => Number(m[1]));
    return { served: times, rebuilt };
  } finally {
    await dev.stop();
    rmSync(project.root, { recursive: true, force: true });
  }
}

async function startToReady(): Promise<{ wall: number[]; reported: number[]; synthSkipped: boolean }> {
  const wall: number[] = [];
  const reported: number[] = [];
  let synthSkipped = false;
  for (let i = 0; i <= STARTS; i += 1) {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "bench-start-"));
    const started = performance.now();
    const app = spawnMain(["--port", "0", "--state-dir", stateDir], ROOT);
    try {
      const m = await app.waitFor(/ready in (\d+) ms/, 300_000);
      // The first run builds the checkout (bundles, cdktf.out); the others start from it.
      if (i > 0) {
        wall.push(performance.now() - started);
        reported.push(Number(m[1]));
        synthSkipped ||= /synth skipped/.test(app.output());
      }
    } finally {
      await app.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  return { wall, reported, synthSkipped };
}

export async function run(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`missing ${MAIN}`);
  const load = os.loadavg()[0]!;
  const edits = await editToServed();
  const start = await startToReady();
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`load average before: ${load.toFixed(1)}, after: ${os.loadavg()[0]!.toFixed(1)} (on ${os.cpus().length} cores)`);
  printTable(
    ["figure", "median", "runs", "goal"],
    [
      ["handler edit → new code served (npm run dev)", f(median(edits.served)), edits.served.map(f).join(", "), "< 500 ms"],
      ["  of which rebuild + swap (its 'reloaded' line)", f(median(edits.rebuilt)), edits.rebuilt.map(f).join(", "), ""],
      ["npm start ready, built checkout (spawn → ready)", f(median(start.wall)), start.wall.map(f).join(", "), "< 2000 ms"],
      ["  of which in-process (its 'ready in' figure)", f(median(start.reported)), start.reported.map(f).join(", "), ""],
    ],
  );
  if (start.synthSkipped) console.log("(the synth was skipped: sources unchanged since the last synth)");
}
