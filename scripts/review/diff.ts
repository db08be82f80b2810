/**
 * API-level diff between two sets of API models (base and head of a pull request).
 * Pure. Risky changes (authorization or API-key removal, throttle, quota and cache
 * changes, removed stages and usage plans) are reported first.
 */
import type { ApiModel, Route, Throttle, UsagePlan } from "./api-model";

export type ChangeKind =
  | "api-added"
  | "api-removed"
  | "route-added"
  | "route-removed"
  | "route-changed"
  | "authorization-removed"
  | "api-key-removed"
  | "throttle-changed"
  | "quota-changed"
  | "cache-changed"
  | "stage-added"
  | "stage-removed"
  | "usage-plan-added"
  | "usage-plan-removed"
  | "usage-plan-changed";

export interface ApiChange {
  readonly kind: ChangeKind;
  readonly risky: boolean;
  /** `todos-dev/todo-api` */
  readonly api: string;
  /** `GET /todos/{id}`, a stage name or a usage plan name. */
  readonly subject: string;
  readonly detail: string;
}

export interface ApiDiff {
  readonly risky: readonly ApiChange[];
  readonly changes: readonly ApiChange[];
}

const apiKey = (a: ApiModel) => `${a.stack}/${a.name}`;
const routeKey = (r: Route) => `${r.method} ${r.path}`;

const fmtThrottle = (t: Throttle | undefined) =>
  !t || (t.rate === undefined && t.burst === undefined) ? "none" : `${t.rate ?? "-"} rps / ${t.burst ?? "-"} burst`;
const sameThrottle = (a: Throttle | undefined, b: Throttle | undefined) => fmtThrottle(a) === fmtThrottle(b);

function auth(r: Route): string {
  if (r.authorization === "NONE") return "NONE";
  return r.authorizer ? `${r.authorization} (${r.authorizer.name})` : r.authorization;
}

function describeIntegration(r: Route): string {
  const i = r.integration;
  if (!i) return "none";
  if (i.lambda) return `${i.type} ${i.lambda.function}${i.lambda.alias ? `:${i.lambda.alias}` : i.lambda.aliasVariable ? `:\${stageVariables.${i.lambda.aliasVariable}}` : ""}`;
  return `${i.type}${i.uri ? ` ${i.uri}` : ""}`;
}

function diffRoute(api: string, b: Route, h: Route, out: ApiChange[]): void {
  const subject = routeKey(h);
  const push = (kind: ChangeKind, risky: boolean, detail: string) => out.push({ kind, risky, api, subject, detail });
  if (b.authorization !== "NONE" && h.authorization === "NONE") {
    push("authorization-removed", true, `authorization removed: ${auth(b)} → NONE`);
  } else if (auth(b) !== auth(h)) {
    push("route-changed", false, `authorization ${auth(b)} → ${auth(h)}`);
  }
  if (b.apiKeyRequired && !h.apiKeyRequired) push("api-key-removed", true, "API key no longer required");
  else if (!b.apiKeyRequired && h.apiKeyRequired) push("route-changed", false, "API key now required");
  if (describeIntegration(b) !== describeIntegration(h)) push("route-changed", false, `integration ${describeIntegration(b)} → ${describeIntegration(h)}`);
  const v = (r: Route) => `body ${r.validation.body ? "on" : "off"}, parameters ${r.validation.parameters ? "on" : "off"}`;
  if (v(b) !== v(h)) push("route-changed", false, `validation ${v(b)} → ${v(h)}`);
  const models = (r: Route) => JSON.stringify(r.requestModels);
  if (models(b) !== models(h)) push("route-changed", false, `request models ${models(b)} → ${models(h)}`);
  for (const stage of Object.keys(h.stages).filter((s) => s in b.stages)) {
    const bs = b.stages[stage]!;
    const hs = h.stages[stage]!;
    if ((bs.alias ?? "") !== (hs.alias ?? "")) push("route-changed", false, `stage ${stage} invokes alias ${bs.alias ?? "none"} → ${hs.alias ?? "none"}`);
    const cache = (s: typeof bs) => (s.caching ? `on, TTL ${s.cacheTtl}s` : "off");
    if (cache(bs) !== cache(hs)) push("cache-changed", true, `stage ${stage} cache ${cache(bs)} → ${cache(hs)}`);
    if (!sameThrottle(bs.throttle, hs.throttle)) push("throttle-changed", true, `stage ${stage} throttle ${fmtThrottle(bs.throttle)} → ${fmtThrottle(hs.throttle)}`);
  }
}

function diffPlan(api: string, b: UsagePlan, h: UsagePlan, out: ApiChange[]): void {
  const push = (kind: ChangeKind, risky: boolean, detail: string) => out.push({ kind, risky, api, subject: `usage plan ${h.name}`, detail });
  const q = (p: UsagePlan) => (p.quota ? `${p.quota.limit ?? "-"}/${p.quota.period ?? "-"}${p.quota.offset ? ` offset ${p.quota.offset}` : ""}` : "none");
  if (q(b) !== q(h)) push("quota-changed", true, `quota ${q(b)} → ${q(h)}`);
  if (!sameThrottle(b.throttle, h.throttle)) push("throttle-changed", true, `throttle ${fmtThrottle(b.throttle)} → ${fmtThrottle(h.throttle)}`);
  const mt = (p: UsagePlan) => JSON.stringify(p.stages.map((s) => [s.stage, s.methodThrottles]));
  if (mt(b) !== mt(h)) push("throttle-changed", true, `per-method throttles ${mt(b)} → ${mt(h)}`);
  const stages = (p: UsagePlan) => p.stages.map((s) => s.stage).sort().join(", ");
  if (stages(b) !== stages(h)) push("usage-plan-changed", false, `stages ${stages(b) || "none"} → ${stages(h) || "none"}`);
  const keys = (p: UsagePlan) => p.keys.join(", ");
  if (keys(b) !== keys(h)) push("usage-plan-changed", false, `keys ${keys(b) || "none"} → ${keys(h) || "none"}`);
}

/** Compares the APIs of the base and the head; risky changes first. */
export function diffApis(base: readonly ApiModel[], head: readonly ApiModel[]): ApiDiff {
  const out: ApiChange[] = [];
  const baseByKey = new Map(base.map((a) => [apiKey(a), a]));
  const headByKey = new Map(head.map((a) => [apiKey(a), a]));
  for (const [key, b] of baseByKey) {
    if (!headByKey.has(key)) out.push({ kind: "api-removed", risky: true, api: key, subject: b.name, detail: `API removed with ${b.routes.length} routes` });
  }
  for (const [key, h] of headByKey) {
    const b = baseByKey.get(key);
    if (!b) {
      out.push({ kind: "api-added", risky: false, api: key, subject: h.name, detail: `new API with ${h.routes.length} routes` });
      continue;
    }
    const bRoutes = new Map(b.routes.map((r) => [routeKey(r), r]));
    const hRoutes = new Map(h.routes.map((r) => [routeKey(r), r]));
    for (const [k, r] of bRoutes) if (!hRoutes.has(k)) out.push({ kind: "route-removed", risky: false, api: key, subject: k, detail: `route removed (was ${auth(r)}${r.apiKeyRequired ? ", API key" : ""})` });
    for (const [k, r] of hRoutes) {
      const br = bRoutes.get(k);
      if (!br) {
        const open = r.authorization === "NONE" && !r.apiKeyRequired && r.method !== "OPTIONS";
        out.push({ kind: "route-added", risky: open, api: key, subject: k, detail: `route added: ${auth(r)}${r.apiKeyRequired ? ", API key required" : ", no API key"}, ${describeIntegration(r)}` });
      } else diffRoute(key, br, r, out);
    }
    const bStages = new Map(b.stages.map((s) => [s.name, s]));
    for (const s of h.stages) {
      const bs = bStages.get(s.name);
      if (!bs) {
        out.push({ kind: "stage-added", risky: false, api: key, subject: `stage ${s.name}`, detail: "stage added" });
        continue;
      }
      const subject = `stage ${s.name}`;
      if (!sameThrottle(bs.throttle, s.throttle)) out.push({ kind: "throttle-changed", risky: true, api: key, subject, detail: `stage throttle ${fmtThrottle(bs.throttle)} → ${fmtThrottle(s.throttle)}` });
      const cc = (x: typeof s) => (x.cacheCluster.enabled ? `${x.cacheCluster.size ?? "?"} GB${x.cacheEncrypted ? ", encrypted" : ""}` : "off");
      if (cc(bs) !== cc(s)) out.push({ kind: "cache-changed", risky: true, api: key, subject, detail: `cache cluster ${cc(bs)} → ${cc(s)}` });
      if (JSON.stringify(bs.variables) !== JSON.stringify(s.variables)) out.push({ kind: "route-changed", risky: false, api: key, subject, detail: `stage variables ${JSON.stringify(bs.variables)} → ${JSON.stringify(s.variables)}` });
    }
    for (const s of b.stages) if (!h.stages.some((x) => x.name === s.name)) out.push({ kind: "stage-removed", risky: true, api: key, subject: `stage ${s.name}`, detail: "stage removed" });
    const bPlans = new Map(b.usagePlans.map((p) => [p.name, p]));
    for (const p of h.usagePlans) {
      const bp = bPlans.get(p.name);
      if (bp) diffPlan(key, bp, p, out);
      else out.push({ kind: "usage-plan-added", risky: false, api: key, subject: `usage plan ${p.name}`, detail: "usage plan added" });
    }
    for (const p of b.usagePlans) if (!h.usagePlans.some((x) => x.name === p.name)) out.push({ kind: "usage-plan-removed", risky: true, api: key, subject: `usage plan ${p.name}`, detail: "usage plan removed: its quota and throttle no longer apply" });
  }
  return { risky: out.filter((c) => c.risky), changes: out.filter((c) => !c.risky) };
}

/** Markdown for the top of a pull request: risky changes first. */
export function renderDiff(diff: ApiDiff, baseRef: string): string {
  const lines = [`## API changes against \`${baseRef}\``, ""];
  if (diff.risky.length === 0 && diff.changes.length === 0) return [...lines, "No API-level change.", ""].join("\n");
  const row = (c: ApiChange) => `| ${c.api} | ${c.subject.replace(/\|/g, "\\|")} | ${c.kind} | ${c.detail.replace(/\|/g, "\\|")} |`;
  if (diff.risky.length) {
    lines.push(`### ⚠️ Risky (${diff.risky.length})`, "", "| API | Subject | Change | Detail |", "|---|---|---|---|", ...diff.risky.map(row), "");
  }
  if (diff.changes.length) {
    lines.push(`### Other changes (${diff.changes.length})`, "", "| API | Subject | Change | Detail |", "|---|---|---|---|", ...diff.changes.map(row), "");
  }
  return lines.join("\n");
}
