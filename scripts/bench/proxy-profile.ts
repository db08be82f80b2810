// Bench helper (not a bench section): starts the fixture gateway in this process and puts the
// gateway bench's load (gateway-load.mjs, a second process) on the bare, MOCK and proxy routes in
// alternating rounds, printing req/s and this process's CPU per request split into the main
// thread and the other threads (workers, GC helpers), read from /proc (Linux).
//   npx tsx scripts/bench/proxy-profile.ts [rounds=5] [requests=10000] [routes=bare,mock,proxy]
// Run it under `node --cpu-prof --import tsx` to profile the main thread under load.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startGateway } from "../local/gateway";
import { synthFixture } from "../../test/local/fixtures/stacks";
import { runLoad, startBareServer } from "./load";

/** CPU nanoseconds of each thread of this process, and voluntary/involuntary context switches. */
function threads(): { main: number; other: number; switches: number } {
  let main = 0;
  let other = 0;
  let switches = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    let ns: number;
    let status: string;
    try {
      ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      status = readFileSync(`/proc/self/task/${tid}/status`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    if (Number(tid) === process.pid) main += ns;
    else other += ns;
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) switches += Number(m[1]);
  }
  return { main, other, switches };
}

async function load(url: string, requests: number) {
  const before = threads();
  const out = await runLoad(url, requests, 16);
  const after = threads();
  const per = (a: number, b: number) => (a - b) / 1000 / out.requests;
  return { rps: out.rps, mainUs: per(after.main, before.main), otherUs: per(after.other, before.other), switches: (after.switches - before.switches) / out.requests, statuses: out.statuses };
}

const [roundsArg = "5", requestsArg = "10000", routesArg = "bare,mock,proxy"] = process.argv.slice(2);
const fixture = await synthFixture();
const gateway = await startGateway({ outdir: fixture.outdir, port: 0, stateDir: path.join(fixture.workDir, "state"), log: () => undefined });
const { url: bareUrl, server: bare } = await startBareServer();
const dev = gateway.api("items-dev", "dev");
const urls: Record<string, string> = { bare: bareUrl, mock: `${dev.url}/mock/7`, proxy: `${dev.url}/echo/literal` };
const routes = routesArg.split(",");
try {
  for (const r of routes) await load(urls[r]!, 2000);
  console.error(`warm: pid ${process.pid}`);
  const results: Record<string, Awaited<ReturnType<typeof load>>[]> = Object.fromEntries(routes.map((r) => [r, []]));
  for (let i = 0; i < Number(roundsArg); i += 1) {
    for (const r of routes) results[r]!.push(await load(urls[r]!, Number(requestsArg)));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const r of routes) {
    const rs = results[r]!;
    const ratio = results.bare ? ` ratio ${median(rs.map((x, i) => x.rps / results.bare![i]!.rps)).toFixed(2)}` : "";
    console.log(
      `${r.padEnd(6)} req/s ${median(rs.map((x) => x.rps)).toFixed(0)}${ratio}  main ${median(rs.map((x) => x.mainUs)).toFixed(1)} µs  other ${median(rs.map((x) => x.otherUs)).toFixed(1)} µs  switches/req ${median(rs.map((x) => x.switches)).toFixed(2)}  rounds ${rs.map((x) => x.rps.toFixed(0)).join(" ")}  ${JSON.stringify(rs[0]!.statuses)}`,
    );
  }
} finally {
  bare.close();
  await gateway.close();
  rmSync(fixture.workDir, { recursive: true, force: true });
}
