/**
 * `npm start` / `npm run dev`: synthesize, start the back ends, serve every API stage of
 * one environment on 127.0.0.1, print the URLs and keys, write .local/endpoints.json.
 *
 * Flags: --env <name>, --port <n> (or PORT), --no-synth, --persist, --watch,
 *        --outdir <dir> (default cdktf.out), --state-dir <dir> (default .local), --prewarm,
 *        --web-origin <origin> (or WEB_ORIGIN; default http://localhost:5173), --no-web.
 */
import { execFile } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startGateway, type Endpoints } from "./gateway";
import { pageSourcesPresent } from "../../web/build";
import { pagesTable } from "./web/print";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    port: { type: "string" },
    "no-synth": { type: "boolean", default: false },
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

/** `tsx main.ts` in a child process, so the gateway (or its back ends) keep running meanwhile. */
function synthAsync(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ["--import", "tsx", "main.ts"], { env: synthEnv(), maxBuffer: 64 << 20 }, (error) =>
      error ? reject(new Error(`synth failed: ${error.message}`)) : resolve(performance.now() - started),
    );
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  });
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
  const synthesized = values["no-synth"] ? undefined : synthAsync().then((ms) => console.log(`synthesized into ${values.outdir} in ${ms.toFixed(0)} ms`));
  const port = Number(values.port ?? process.env.PORT ?? 4010);
  const stateDir = resolve(values["state-dir"]!);
  const gateway = await startGateway({ outdir, env: values.env, port, stateDir, persist: values.persist, prewarm: values.prewarm, outdirReady: synthesized, web: values["no-web"] || !pageSourcesPresent() ? undefined : { origin: values["web-origin"] ?? process.env.WEB_ORIGIN ?? "http://localhost:5173" } });
  console.log(`\n${endpointTable(gateway.endpoints)}\n`);
  if (gateway.endpoints.web) console.log(`${pagesTable(gateway.endpoints)}\n`);
  console.log(`DynamoDB ${gateway.endpoints.dynamodb}  S3 ${gateway.endpoints.s3}  mailbox ${gateway.endpoints.mailbox}`);
  console.log(`endpoints written to ${resolve(stateDir, "endpoints.json")}; ready in ${(performance.now() - started).toFixed(0)} ms on ${gateway.url}`);

  const watchers: FSWatcher[] = [];
  if (values.watch) {
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    const rebuild = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const t = performance.now();
        await synthAsync(); // in a child process: the gateway keeps serving the previous build meanwhile
        await gateway.reload();
        console.log(`reloaded in ${(performance.now() - t).toFixed(0)} ms`);
      } catch (error) {
        console.error(`reload failed, still serving the previous build: ${(error as Error).message}`);
      } finally {
        running = false;
        if (again) {
          again = false;
          void rebuild();
        }
      }
    };
    for (const dir of ["functions", "modules", "main.ts"]) {
      try {
        watchers.push(
          watch(dir, { recursive: dir !== "main.ts" }, () => {
            clearTimeout(timer);
            timer = setTimeout(() => void rebuild(), 250);
          }),
        );
      } catch {
        console.warn(`cannot watch ${dir}`);
      }
    }
    if (gateway.web) {
      let webTimer: NodeJS.Timeout | undefined;
      watchers.push(
        watch("web", { recursive: true }, () => {
          clearTimeout(webTimer);
          webTimer = setTimeout(() => {
            try {
              console.log(`pages rebuilt in ${gateway.web!.rebuild().toFixed(0)} ms`);
            } catch (error) {
              console.error(`pages rebuild failed, still serving the previous build: ${(error as Error).message}`);
            }
          }, 100);
        }),
      );
    }
    console.log(`watching functions/, modules/, main.ts${gateway.web ? " and web/" : ""}`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    for (const w of watchers) w.close();
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
