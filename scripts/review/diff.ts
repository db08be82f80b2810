/**
 * The breaking-change diff of a pull request: the OpenAPI documents of base and head (one per
 * API and stage, as `toOpenApi` writes them) compared by schema, each change classed
 * breaking / risky / safe in the classes oasdiff uses (route or method removed, required
 * request parameter or body field added, request or response field type changed, enum
 * narrowed, response field removed, authorization or API key added or removed), plus what
 * API Gateway adds to a REST API's contract (throttle, quota and cache). Pure.
 */
import { diffSchemas, type Level } from "./schema-diff";

type Json = Record<string, unknown>;

/** One API's document on one stage. */
export interface ApiDocument {
  /** `todos-dev/todo-api` */
  readonly api: string;
  readonly stage: string;
  readonly doc: Json;
}

export interface ApiChange {
  readonly level: Level;
  /** oasdiff's check id where it has one (`api-removed-without-deprecation`), else ours (`throttle-changed`). */
  readonly id: string;
  readonly api: string;
  /** The stages on which the change is seen. */
  readonly stages: readonly string[];
  /** `GET /todos/{id}`, `usage plan X`, `stage prod` */
  readonly subject: string;
  readonly detail: string;
}

export interface ApiDiff {
  readonly breaking: readonly ApiChange[];
  readonly risky: readonly ApiChange[];
  readonly safe: readonly ApiChange[];
}

type Change = Omit<ApiChange, "stages">;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "x-amazon-apigateway-any-method"];
const verb = (m: string) => (m === "x-amazon-apigateway-any-method" ? "ANY" : m.toUpperCase());
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const fmt = (v: unknown) => (v === undefined || (typeof v === "object" && v !== null && Object.keys(v).length === 0) ? "none" : JSON.stringify(v));

/** Security scheme names an operation requires, split into the API key and authorization. */
function security(op: Json): { apiKey: boolean; auth: string[] } {
  const names = (Array.isArray(op.security) ? op.security : []).flatMap((r) => Object.keys(obj(r)));
  return { apiKey: names.includes("api_key"), auth: names.filter((n) => n !== "api_key").sort() };
}

function parameters(op: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const p of Array.isArray(op.parameters) ? op.parameters : []) {
    const x = obj(p);
    const name = String(x.name);
    out.set(`${String(x.in)} ${x.in === "header" ? name.toLowerCase() : name}`, x);
  }
  return out;
}

function diffOperation(api: string, subject: string, b: Json, h: Json, bDoc: Json, hDoc: Json): Change[] {
  const out: Change[] = [];
  const push = (level: Level, id: string, detail: string) => out.push({ level, id, api, subject, detail });

  // Authorization and API key.
  const sb = security(b);
  const sh = security(h);
  if (!sb.apiKey && sh.apiKey) push("breaking", "api-key-added", "API key now required: callers without one get 403");
  if (sb.apiKey && !sh.apiKey) push("risky", "api-key-removed", "API key no longer required");
  if (sb.auth.length === 0 && sh.auth.length > 0) push("breaking", "api-security-added", `authorization added (${sh.auth.join(", ")}): anonymous callers get 401/403`);
  else if (sb.auth.length > 0 && sh.auth.length === 0) push("risky", "api-security-removed", `authorization removed (was ${sb.auth.join(", ")})`);
  else if (!same(sb.auth, sh.auth)) push("risky", "api-security-changed", `authorization ${sb.auth.join(", ")} → ${sh.auth.join(", ")}`);

  // Parameters.
  const pb = parameters(b);
  const ph = parameters(h);
  for (const [key, p] of ph) {
    const old = pb.get(key);
    const label = `${String(p.in)} parameter ${String(p.name)}`;
    if (!old) {
      if (p.required === true) push("breaking", "new-required-request-parameter", `new required ${label}`);
      else push("safe", "new-optional-request-parameter", `new optional ${label}`);
      continue;
    }
    if (old.required !== true && p.required === true) push("breaking", "request-parameter-became-required", `${label} became required`);
    const tb = obj(old.schema).type;
    const th = obj(p.schema).type;
    if (tb !== undefined && th !== undefined && !same(tb, th)) push("breaking", "request-parameter-type-changed", `${label} type ${String(tb)} → ${String(th)}`);
  }
  for (const [key, p] of pb) if (!ph.has(key)) push("risky", "request-parameter-removed", `${String(p.in)} parameter ${String(p.name)} removed`);

  // Request body.
  const rb = obj(b.requestBody);
  const rh = obj(h.requestBody);
  const cb = obj(rb.content);
  const ch = obj(rh.content);
  if (Object.keys(cb).length === 0 && Object.keys(ch).length > 0) {
    if (rh.required === true) push("breaking", "request-body-added-required", "a required request body was added");
    else push("safe", "request-body-added-optional", "an optional request body was added");
  } else if (Object.keys(cb).length > 0 && Object.keys(ch).length === 0) push("risky", "request-body-removed", "the request body was removed");
  else if (rb.required !== true && rh.required === true) push("breaking", "request-body-became-required", "the request body became required");
  for (const ct of Object.keys(cb)) {
    if (!(ct in ch)) {
      if (Object.keys(ch).length) push("breaking", "request-body-media-type-removed", `request media type ${ct} removed`);
      continue;
    }
    for (const c of diffSchemas({ schema: obj(cb[ct]).schema, doc: bDoc }, { schema: obj(ch[ct]).schema, doc: hDoc }, "request", "request body")) push(c.level, c.id, `${c.where}: ${c.detail}`);
  }

  // Responses.
  const xb = obj(b.responses);
  const xh = obj(h.responses);
  for (const status of Object.keys(xb)) {
    if (!(status in xh)) {
      if (/^2/.test(status)) push("breaking", "response-success-status-removed", `response ${status} removed`);
      else push("risky", "response-non-success-status-removed", `response ${status} removed`);
      continue;
    }
    const kb = obj(obj(xb[status]).content);
    const kh = obj(obj(xh[status]).content);
    for (const ct of Object.keys(kb)) {
      if (!(ct in kh)) {
        push("breaking", "response-media-type-removed", `response ${status} media type ${ct} removed`);
        continue;
      }
      for (const c of diffSchemas({ schema: obj(kb[ct]).schema, doc: bDoc }, { schema: obj(kh[ct]).schema, doc: hDoc }, "response", `response ${status}`)) push(c.level, c.id, `${c.where}: ${c.detail}`);
    }
  }
  for (const status of Object.keys(xh)) if (!(status in xb)) push("safe", "response-status-added", `response ${status} added`);

  // What API Gateway adds: throttle, cache, the integration behind the route.
  const gb = obj(b["x-stage-settings"]);
  const gh = obj(h["x-stage-settings"]);
  if (!same(gb.throttle, gh.throttle)) push("risky", "throttle-changed", `throttle ${fmt(gb.throttle)} → ${fmt(gh.throttle)}`);
  const cache = (g: Json) => (g.caching === true ? `on, TTL ${String(g.cacheTtl ?? 300)}s` : "off");
  if (cache(gb) !== cache(gh)) push("risky", "cache-changed", `cache ${cache(gb)} → ${cache(gh)}`);
  const target = (op: Json) => {
    const i = obj(op["x-amazon-apigateway-integration"]);
    return `${String(i.type ?? "none")}${i.uri ? ` ${String(i.uri)}` : ""}`;
  };
  if (target(b) !== target(h)) push("safe", "integration-changed", `integration ${target(b)} → ${target(h)}`);
  return out;
}

function diffPlans(api: string, b: Json, h: Json): Change[] {
  const byName = (d: Json) => new Map((Array.isArray(d["x-usage-plans"]) ? d["x-usage-plans"] : []).map((p) => [String(obj(p).name), obj(p)]));
  const pb = byName(b);
  const ph = byName(h);
  const out: Change[] = [];
  for (const [name, p] of pb) {
    const subject = `usage plan ${name}`;
    const q = ph.get(name);
    if (!q) {
      out.push({ level: "risky", id: "usage-plan-removed", api, subject, detail: "usage plan removed: its quota and throttle no longer apply, its keys no longer work" });
      continue;
    }
    const quota = (x: Json) => {
      const v = obj(x.quota);
      return v.limit === undefined ? "none" : `${String(v.limit)}/${String(v.period ?? "-")}${v.offset ? ` offset ${String(v.offset)}` : ""}`;
    };
    if (quota(p) !== quota(q)) out.push({ level: "risky", id: "quota-changed", api, subject, detail: `quota ${quota(p)} → ${quota(q)}` });
    if (!same(p.throttle, q.throttle)) out.push({ level: "risky", id: "throttle-changed", api, subject, detail: `throttle ${fmt(p.throttle)} → ${fmt(q.throttle)}` });
    if (!same(p.methodThrottles, q.methodThrottles)) out.push({ level: "risky", id: "throttle-changed", api, subject, detail: `per-method throttles ${fmt(p.methodThrottles)} → ${fmt(q.methodThrottles)}` });
    if (!same(p.keys, q.keys)) out.push({ level: "risky", id: "usage-plan-keys-changed", api, subject, detail: `keys ${fmt(p.keys)} → ${fmt(q.keys)}` });
  }
  for (const name of ph.keys()) if (!pb.has(name)) out.push({ level: "safe", id: "usage-plan-added", api, subject: `usage plan ${name}`, detail: "usage plan added" });
  return out;
}

function diffDocument(api: string, b: Json, h: Json): Change[] {
  const out: Change[] = [];
  const paths = (d: Json) => obj(d.paths);
  const bp = paths(b);
  const hp = paths(h);
  for (const [path, item] of Object.entries(bp)) {
    const headItem = obj(hp[path]);
    for (const m of METHODS.filter((x) => x in obj(item))) {
      const subject = `${verb(m)} ${path}`;
      if (!(path in hp)) out.push({ level: "breaking", id: "api-path-removed-without-deprecation", api, subject, detail: "route removed: callers get 403 Missing Authentication Token" });
      else if (!(m in headItem)) out.push({ level: "breaking", id: "api-removed-without-deprecation", api, subject, detail: `method ${verb(m)} removed from ${path}` });
      else out.push(...diffOperation(api, subject, obj(obj(item)[m]), obj(headItem[m]), b, h));
    }
  }
  for (const [path, item] of Object.entries(hp)) {
    for (const m of METHODS.filter((x) => x in obj(item) && !(x in obj(bp[path])))) {
      const op = obj(obj(item)[m]);
      const s = security(op);
      const open = !s.apiKey && s.auth.length === 0 && m !== "options";
      out.push({ level: open ? "risky" : "safe", id: "endpoint-added", api, subject: `${verb(m)} ${path}`, detail: open ? "route added, open: no authorization and no API key" : "route added" });
    }
  }
  out.push(...diffPlans(api, b, h));
  if (!same(b["x-stage-variables"], h["x-stage-variables"])) {
    out.push({ level: "safe", id: "stage-variables-changed", api, subject: "stage variables", detail: `${fmt(b["x-stage-variables"])} → ${fmt(h["x-stage-variables"])}` });
  }
  return out;
}

const RANK: Record<Level, number> = { breaking: 0, risky: 1, safe: 2 };

/** Compares the base and head documents; each change once, with the stages it is seen on. */
export function diffApis(base: readonly ApiDocument[], head: readonly ApiDocument[]): ApiDiff {
  const key = (d: ApiDocument) => `${d.api}\n${d.stage}`;
  const headBy = new Map(head.map((d) => [key(d), d]));
  const baseBy = new Map(base.map((d) => [key(d), d]));
  const found: { change: Change; stage: string }[] = [];
  const apisOf = (docs: readonly ApiDocument[]) => new Set(docs.map((d) => d.api));
  const headApis = apisOf(head);
  const baseApis = apisOf(base);
  for (const api of baseApis) if (!headApis.has(api)) found.push({ stage: "*", change: { level: "breaking", id: "api-removed", api, subject: api, detail: "API removed with every route" } });
  for (const api of headApis) if (!baseApis.has(api)) found.push({ stage: "*", change: { level: "safe", id: "api-added", api, subject: api, detail: "new API" } });
  for (const b of base) {
    const h = headBy.get(key(b));
    if (!h) {
      if (headApis.has(b.api)) found.push({ stage: b.stage, change: { level: "breaking", id: "stage-removed", api: b.api, subject: `stage ${b.stage}`, detail: "stage removed: every route of it is gone" } });
      continue;
    }
    for (const change of diffDocument(b.api, b.doc, h.doc)) found.push({ change, stage: b.stage });
  }
  for (const h of head) {
    if (!baseBy.has(key(h)) && baseApis.has(h.api)) found.push({ stage: h.stage, change: { level: "safe", id: "stage-added", api: h.api, subject: `stage ${h.stage}`, detail: "stage added" } });
  }
  const merged = new Map<string, ApiChange>();
  for (const { change, stage } of found) {
    const k = JSON.stringify([change.level, change.id, change.api, change.subject, change.detail]);
    const prev = merged.get(k);
    const stages = stage === "*" ? [] : [stage];
    merged.set(k, prev ? { ...prev, stages: [...new Set([...prev.stages, ...stages])] } : { ...change, stages });
  }
  const all = [...merged.values()].sort((a, b) => RANK[a.level] - RANK[b.level]);
  return { breaking: all.filter((c) => c.level === "breaking"), risky: all.filter((c) => c.level === "risky"), safe: all.filter((c) => c.level === "safe") };
}

/** Markdown for the top of a pull request: breaking changes first, then risky, then safe. */
export function renderDiff(diff: ApiDiff, baseRef: string): string {
  const lines = [`## API changes against \`${baseRef}\``, ""];
  const total = diff.breaking.length + diff.risky.length + diff.safe.length;
  if (total === 0) return [...lines, "No API-level change.", ""].join("\n");
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const row = (c: ApiChange) => `| ${c.api} | ${cell(c.subject)} | ${c.stages.join(", ") || "all"} | ${c.id} | ${cell(c.detail)} |`;
  const section = (title: string, list: readonly ApiChange[]) =>
    list.length ? [`### ${title} (${list.length})`, "", "| API | Subject | Stages | Change | Detail |", "|---|---|---|---|---|", ...list.map(row), ""] : [];
  lines.push(...section("⛔ Breaking", diff.breaking), ...section("⚠️ Risky", diff.risky), ...section("Safe", diff.safe));
  return lines.join("\n");
}
