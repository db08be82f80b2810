/* global performance */
// Load generator for the gateway bench, run as a SECOND process: a fixed number of GET
// requests at a fixed concurrency over keep-alive loopback connections. Prints one JSON line.
// Usage: node gateway-load.mjs <url> <requests> <concurrency> [header:value ...]
import http from "node:http";

const [url, requestsArg, concurrencyArg, ...headerArgs] = process.argv.slice(2);
const total = Number(requestsArg);
const concurrency = Number(concurrencyArg);
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1)]));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: "GET", headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ms: performance.now() - started, status: res.statusCode }));
    });
    req.on("error", () => resolve({ ms: performance.now() - started, status: 0 }));
    req.end();
  });
}

const latencies = [];
const statuses = {};
let issued = 0;
const started = performance.now();
async function lane() {
  while (issued < total) {
    issued += 1;
    const r = await once();
    latencies.push(r.ms);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
agent.destroy();
console.log(JSON.stringify({ requests: latencies.length, seconds, rps: latencies.length / seconds, p50: pct(50), p99: pct(99), statuses }));
