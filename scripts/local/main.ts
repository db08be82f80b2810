/**
 * `npm start` / `npm run dev`: synthesize, start the back ends, serve every API stage of
 * one environment on 127.0.0.1, print the URLs and keys, write .local/endpoints.json.
 *
 * Flags: --env <name>, --port <n> (or PORT), --no-synth, --force-synth, --persist, --watch,
 *        --outdir <dir> (default cdktf.out), --state-dir <dir> (default .local), --prewarm,
 *        --web-origin <origin> (or WEB_ORIGIN; default http://localhost:5173), --no-web.
 */
import { exec, execFile } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { appCommand } from "../app-command.mjs";
import { recordSynth, synthInputs, synthUpToDate } from "./dev/synth-stamp";
import { watchProject } from "./dev/watch";
import { startGateway, type Endpoints } from "./gateway";
import { pageSourcesPresent } from "../../web/build";
import { pagesTable } from "./web/print";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    port: { type: "string" },
    "no-synth": { type: "boolean", default: false },
    "force-synth": { type: "boolean", default: false },
    persist: { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
    outdir: { type: "string", default: "cdktf.out" },
    "state-dir": { type: "string", default: ".local" },
    prewarm: { type: "boolean", default: false },
    "web-origin": { type: "string" },
    "no-web": { type: "boolean", default: false },
  },
  allowPositionals: false,
});

const outdir = resolve(values.outdir!);

const synthEnv = () => ({ ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" });

/**
 * cdktf.json's app (what `cdktf synth` runs; `node --import tsx main.ts` when there is no
 * cdktf.json) in a child process, so the gateway (or its back ends) keep running meanwhile.
 * The outdir records what the synth read (dev/synth-stamp.ts), so that a start whose sources
 * did not change serves it without synthesizing again.
 */
function synthAsync(): Promise<number> {
  const started = performance.now();
  const inputs = synthInputs(process.cwd());
  const command = appCommand(process.cwd());
  return new Promise((resolve, reject) => {
    const done = (error: Error | null) => {
      if (error) return reject(new Error(`synth failed: ${error.message}`));
      recordSynth(outdir, inputs);
      resolve(performance.now() - started);
    };
    const options = { env: synthEnv(), maxBuffer: 64 << 20 };
    const child = command === undefined ? execFile(process.execPath, ["--import", "tsx", "main.ts"], options, done) : exec(command, options, done);
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  });
}

/** The synth `npm start` runs first: none with --no-synth, none when the sources are those of the outdir's last synth (unless --force-synth). */
function initialSynth(): Promise<void> | undefined {
  if (values["no-synth"]) return undefined;
  if (!values["force-synth"] && synthUpToDate(outdir, synthInputs(process.cwd()))) {
    console.log(`synth skipped: sources unchanged since ${values.outdir} was synthesized (--force-synth to run it)`);
    return undefined;
  }
  return synthAsync().then((ms) => console.log(`synthesized into ${values.outdir} in ${ms.toFixed(0)} ms`));
}

export function endpointTable(endpoints: Endpoints): string {
  const rows = endpoints.apis.map((a) => [a.url, a.api, Object.entries(a.apiKeys).map(([k, v]) => `${k}=${v}`).join(" ") || "-", Object.keys(a.tokens).join(" ") || "-"]);
  const header = ["URL", "API", "API keys", "tokens (see endpoints.json)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const started = performance.now();
  const synthesized = initialSynth();
  const port = Number(values.port ?? process.env.PORT ?? 4010);
  const stateDir = resolve(values["state-dir"]!);
  const gateway = await startGateway({ outdir, env: values.env, port, stateDir, persist: values.persist, prewarm: values.prewarm, outdirReady: synthesized, web: values["no-web"] || !pageSourcesPresent() ? undefined : { origin: values["web-origin"] ?? process.env.WEB_ORIGIN ?? "http://localhost:5173" } });
  console.log(`\n${endpointTable(gateway.endpoints)}\n`);
  if (gateway.endpoints.web) console.log(`${pagesTable(gateway.endpoints)}\n`);
  console.log(`DynamoDB ${gateway.endpoints.dynamodb}  S3 ${gateway.endpoints.s3}  mailbox ${gateway.endpoints.mailbox}`);
  console.log(`endpoints written to ${resolve(stateDir, "endpoints.json")}; ready in ${(performance.now() - started).toFixed(0)} ms on ${gateway.url}`);

  const stopWatching = values.watch ? watchProject(gateway, { synth: synthAsync, log: (line) => console.log(line), pages: gateway.web }) : undefined;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    stopWatching?.();
    await gateway.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
