/**
 * The Markdown report for one stack: what a reviewer reads in a minute.
 */
import type { PolicyResult } from "../../modules/policy";
import type { ApiModel, Route, Throttle } from "./api-model";
import type { FunctionModel } from "./functions";

const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const thr = (t: Throttle | undefined) => (!t || (t.rate === undefined && t.burst === undefined) ? "—" : `${t.rate ?? "—"}/s, burst ${t.burst ?? "—"}`);

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)];
}

function authorization(r: Route): string {
  if (r.authorization === "NONE") return "none";
  if (!r.authorizer) return r.authorization;
  return `${r.authorization === "COGNITO_USER_POOLS" ? "Cognito" : `Lambda ${r.authorizer.type}`} ${r.authorizer.name}${r.authorizer.ttl !== undefined ? ` (TTL ${r.authorizer.ttl}s)` : ""}`;
}

function target(r: Route, stages: readonly string[]): string {
  const i = r.integration;
  if (!i) return "—";
  if (!i.lambda) return i.type === "MOCK" ? "mock" : (i.uri ?? "—");
  if (i.lambda.aliasVariable) {
    return `${i.lambda.function} via \${stageVariables.${i.lambda.aliasVariable}}: ${stages.map((s) => `${s} → ${r.stages[s]?.alias ?? "?"}`).join(", ")}`;
  }
  return `${i.lambda.function}${i.lambda.alias ? `:${i.lambda.alias}` : ""}`;
}

function perStage(r: Route, stages: readonly string[], f: (s: NonNullable<Route["stages"][string]>) => string): string {
  const values = stages.map((s) => (r.stages[s] ? f(r.stages[s]!) : "—"));
  if (values.every((v) => v === values[0])) return values[0] ?? "—";
  return stages.map((s, i) => `${s}: ${values[i]}`).join("; ");
}

export function renderApi(api: ApiModel): string[] {
  const stages = api.stages.map((s) => s.name);
  const lines = [`## API ${code(api.name)}`, ""];
  const facts = [
    `Terraform: ${code(api.address)}`,
    api.endpointTypes.length ? `endpoint ${api.endpointTypes.join(", ")}` : "",
    api.binaryMediaTypes.length ? `binary media types ${api.binaryMediaTypes.join(", ")}` : "",
    `stages: ${stages.join(", ") || "none"}`,
  ].filter(Boolean);
  lines.push(facts.join(" · "), "");
  lines.push("### Routes", "");
  lines.push(
    ...table(
      ["Method", "Path", "Authorization", "API key", "Integration", "Target (alias per stage)", "Validation", "Cache", "Throttle"],
      api.routes.map((r) => [
        r.method,
        r.path,
        authorization(r),
        r.apiKeyRequired ? "required" : "no",
        r.integration?.type ?? "—",
        target(r, stages),
        [r.validation.body ? "body" : "", r.validation.parameters ? "params" : ""].filter(Boolean).join("+") || "—",
        perStage(r, stages, (s) => (s.caching ? `${s.cacheTtl}s` : "off")),
        perStage(r, stages, (s) => thr(s.throttle)),
      ]),
    ),
    "",
  );
  lines.push("### Stages", "");
  lines.push(
    ...table(
      ["Stage", "Variables", "Cache cluster", "X-Ray", "Access logs", "Execution logs", "Throttle (*/*)"],
      api.stages.map((s) => [
        s.name,
        Object.entries(s.variables).map(([k, v]) => `${k}=${v}`).join(", ") || "—",
        s.cacheCluster.enabled ? `${s.cacheCluster.size ?? "?"} GB${s.cacheEncrypted ? ", encrypted" : ", NOT encrypted"}` : "off",
        s.xray ? "on" : "off",
        s.accessLogs ?? "off",
        `${s.loggingLevel ?? "off"}${s.dataTrace ? " + data trace" : ""}${s.metrics ? " + metrics" : ""}`,
        thr(s.throttle),
      ]),
    ),
    "",
  );
  if (api.usagePlans.length) {
    lines.push("### Usage plans and keys", "");
    lines.push(
      ...table(
        ["Plan", "Stages", "Throttle", "Quota", "Per-method throttle", "Keys"],
        api.usagePlans.map((p) => [
          p.name,
          p.stages.map((s) => s.stage).join(", "),
          thr(p.throttle),
          p.quota ? `${p.quota.limit ?? "—"} per ${p.quota.period ?? "—"}${p.quota.offset ? ` (offset ${p.quota.offset})` : ""}` : "—",
          p.stages.flatMap((s) => Object.entries(s.methodThrottles).map(([path, t]) => `${s.stage} ${path}: ${thr(t)}`)).join("; ") || "—",
          p.keys.join(", ") || "—",
        ]),
      ),
      "",
    );
  }
  return lines;
}

export function renderFunctions(functions: readonly FunctionModel[]): string[] {
  if (functions.length === 0) return [];
  const lines = ["## Functions", ""];
  lines.push(
    ...table(
      ["Function", "Runtime", "Memory", "Timeout", "Arch", "Reserved", "Tracing", "Aliases"],
      functions.map((f) => [
        f.name,
        f.runtime ?? "—",
        f.memory !== undefined ? `${f.memory} MB` : "default",
        f.timeout !== undefined ? `${f.timeout} s` : "default",
        f.architectures.join(", ") || "x86_64",
        f.reservedConcurrency !== undefined ? String(f.reservedConcurrency) : "—",
        f.tracing ?? "off",
        f.aliases.map((a) => `${a.name} → ${a.version}`).join(", ") || "—",
      ]),
    ),
    "",
  );
  for (const f of functions) {
    lines.push(`### Permissions of ${code(f.name)}${f.role ? ` (role ${code(f.role)})` : ""}`, "");
    if (f.grants.length === 0 && f.attachedPolicies.length === 0) {
      lines.push("No permissions granted.", "");
      continue;
    }
    lines.push(
      ...table(
        ["Effect", "Actions", "Resources", "Condition", "Policy"],
        f.grants.map((g) => [g.effect, g.actions.join(", "), g.resources.join(", "), g.conditions.join("; ") || "—", g.source]),
      ),
    );
    for (const arn of f.attachedPolicies) lines.push(`| Attached | ${esc(arn)} | | | managed |`);
    lines.push("");
  }
  return lines;
}

export function renderPolicy(result: PolicyResult, applied: boolean): string[] {
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.length - errors;
  const lines = ["## Policy findings", ""];
  if (!applied) lines.push("> The stack does not call `applyPolicy`: its synth is not guarded; findings below are computed by the review.", "");
  lines.push(`${errors} error(s), ${warnings} warning(s), ${result.suppressed.length} suppressed.`, "");
  if (result.findings.length) {
    lines.push(
      ...table(
        ["Rule", "Severity", "Resource", "Construct", "Finding", "Fix"],
        result.findings.map((f) => [f.ruleId, f.severity, f.address, f.constructPath, f.message, f.fix]),
      ),
      "",
    );
  }
  lines.push("### Suppressions", "");
  if (result.suppressed.length === 0) lines.push("None.", "");
  else {
    lines.push(
      ...table(
        ["Rule", "Resource", "Declared on", "Reason", "Finding"],
        result.suppressed.map((s) => [s.ruleId, s.address, s.suppressedAt, s.reason, s.message]),
      ),
      "",
    );
  }
  if (result.unusedSuppressions.length) {
    lines.push("### Unused suppressions (delete them)", "");
    lines.push(...table(["Rule", "Declared on", "Reason"], result.unusedSuppressions.map((s) => [s.ruleId, s.path, s.reason])), "");
  }
  return lines;
}

export interface StackReport {
  readonly stack: string;
  readonly apis: readonly ApiModel[];
  readonly functions: readonly FunctionModel[];
  readonly policy: PolicyResult;
  readonly policyApplied: boolean;
  /** Markdown of the API diff for this stack, when a base was given. */
  readonly diff?: string;
}

export function renderReport(r: StackReport): string {
  const errors = r.policy.findings.filter((f) => f.severity === "error").length;
  const routes = r.apis.reduce((n, a) => n + a.routes.length, 0);
  const lines = [
    `# Review: ${r.stack}`,
    "",
    `${r.apis.length} API(s), ${routes} route(s), ${r.functions.length} function(s); policy: ${errors} error(s), ${r.policy.findings.length - errors} warning(s), ${r.policy.suppressed.length} suppressed.`,
    "",
  ];
  if (r.diff) lines.push(r.diff, "");
  for (const api of r.apis) lines.push(...renderApi(api));
  lines.push(...renderFunctions(r.functions));
  lines.push(...renderPolicy(r.policy, r.policyApplied));
  return lines.join("\n").replace(/\n{3,}/g, "\n\n");
}
