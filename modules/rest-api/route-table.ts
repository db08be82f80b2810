/**
 * The route table: one row per route with its authorization, API key, integration,
 * target (per stage when a stage variable picks the alias), validation, cache and
 * throttle, for tests, reviews and the review tooling. Pure: input is an {@link ApiDefinition}.
 */
import { aliasName, describeTarget, isAliasTarget, isStageVariableTarget, type IntegrationType } from "./integrations/index";
import type { ApiDefinition, ResolvedStage, RouteDefinition } from "./types";

export interface RouteRow {
  readonly method: string;
  readonly path: string;
  /** `NONE`, `API_KEY`, `IAM`, `COGNITO:<name>`, `TOKEN:<name>` or `REQUEST:<name>`. */
  readonly authorization: string;
  readonly apiKeyRequired: boolean;
  readonly integration: IntegrationType;
  /** `ItemsFunction`, `ItemsFunction:prod`, `ItemsFunction:${stageVariables.lambdaAlias}`, `MOCK`, or the URL. */
  readonly target: string;
  /** The target each stage actually reaches (stage variables resolved). */
  readonly targetByStage: Readonly<Record<string, string>>;
  /** `NONE`, `BODY(Item)`, `PARAMS`, `BODY_AND_PARAMS(Item)`. */
  readonly validation: string;
  /** Per stage: `off` or `on ttl=<s>s[ keys=ID]` with `(stage)` when inherited. */
  readonly cache: Readonly<Record<string, string>>;
  /** Per stage: `<rate>/s burst <burst>` with `(stage)` when inherited, or `account default`. */
  readonly throttle: Readonly<Record<string, string>>;
  /**
   * Per stage, for API-key routes: the usage plans a key may come from, with their quota and
   * per-key throttle (the plan's method throttle for this route wins), e.g.
   * `CloudAcademyPlan (quota 1000/DAY)`; `-` when the route needs no key.
   */
  readonly usagePlans: Readonly<Record<string, string>>;
}

/** Anything that can describe itself as an {@link ApiDefinition} (the RestApi construct does). */
export interface HasDefinition {
  definition(): ApiDefinition;
}

export function routeTable(api: ApiDefinition | HasDefinition): RouteRow[] {
  const def = "definition" in api && typeof api.definition === "function" ? api.definition() : (api as ApiDefinition);
  const kinds = new Map(def.authorizers.map((a) => [a.name, a.type] as const));
  return [...def.routes]
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
    .map((r) => ({
      method: r.method,
      path: r.path,
      authorization: authorizationOf(r, kinds),
      apiKeyRequired: r.apiKeyRequired,
      integration: r.integration.type,
      target: targetOf(r),
      targetByStage: Object.fromEntries(def.stages.map((s) => [s.name, targetIn(r, s)])),
      validation: validationOf(r),
      cache: Object.fromEntries(def.stages.map((s) => [s.name, cacheIn(r, s)])),
      throttle: Object.fromEntries(def.stages.map((s) => [s.name, throttleIn(r, s)])),
      usagePlans: Object.fromEntries(def.stages.map((s) => [s.name, plansIn(r, s.name, def.usagePlans)])),
    }));
}

function authorizationOf(r: RouteDefinition, kinds: ReadonlyMap<string, string>): string {
  if (r.authorizer === "IAM") return "IAM";
  if (r.authorizer !== undefined) {
    const kind = kinds.get(r.authorizer);
    const label = kind === "COGNITO_USER_POOLS" ? "COGNITO" : (kind ?? "CUSTOM");
    return `${label}:${r.authorizer}`;
  }
  return r.apiKeyRequired ? "API_KEY" : "NONE";
}

function targetOf(r: RouteDefinition): string {
  const i = r.integration;
  switch (i.type) {
    case "AWS":
    case "AWS_PROXY":
      return describeTarget(i.target);
    case "MOCK":
      return "MOCK";
    case "HTTP":
    case "HTTP_PROXY":
      return i.url;
  }
}

function targetIn(r: RouteDefinition, stage: ResolvedStage): string {
  const i = r.integration;
  if (i.type !== "AWS" && i.type !== "AWS_PROXY") return targetOf(r);
  const t = i.target;
  if (isStageVariableTarget(t)) return `${t.fn.id}:${stage.variables[t.variable] ?? "<unset>"}`;
  if (isAliasTarget(t)) return `${t.fn.id}:${aliasName(t)}`;
  return t.id;
}

function validationOf(r: RouteDefinition): string {
  const models = Object.values(r.requestModels);
  const suffix = models.length > 0 ? `(${models.join(",")})` : "";
  if (r.validator === "BODY" || r.validator === "BODY_AND_PARAMS") return `${r.validator}${suffix}`;
  return r.validator;
}

/** Effective cache of a route on a stage, as text. */
export function cacheIn(r: RouteDefinition, stage: ResolvedStage): string {
  const keys = r.cacheKeyParameters.length > 0 ? ` keys=${r.cacheKeyParameters.map((k) => k.split(".").pop()).join(",")}` : "";
  const own = r.cache[stage.name];
  if (own === false) return "off";
  if (own !== undefined) return `on ttl=${own.ttl ?? stage.cache?.ttl ?? 300}s${keys}`;
  const c = stage.cache;
  if (c && c.enabled && c.allMethods && r.method === "GET") return `on ttl=${c.ttl}s${keys} (stage)`;
  return "off";
}

/** Effective throttle of a route on a stage, as text. */
export function throttleIn(r: RouteDefinition, stage: ResolvedStage): string {
  const own = r.throttle[stage.name];
  if (own) return `${own.rate}/s burst ${own.burst}`;
  if (stage.throttle) return `${stage.throttle.rate}/s burst ${stage.throttle.burst} (stage)`;
  return "account default";
}

/** The usage plans covering a stage, as seen by one API-key route. */
export function plansIn(r: RouteDefinition, stage: string, plans: ApiDefinition["usagePlans"]): string {
  if (!r.apiKeyRequired) return "-";
  const covering = plans.filter((p) => p.stages.includes(stage));
  if (covering.length === 0) return "none (403)";
  return covering
    .map((p) => {
      const parts: string[] = [];
      if (p.quota) parts.push(`quota ${p.quota.limit}/${p.quota.period}`);
      const t = p.methodThrottle[`${r.method} ${r.path}`] ?? p.throttle;
      if (t) parts.push(`${t.rate}/s burst ${t.burst} per key`);
      return parts.length > 0 ? `${p.name} (${parts.join(", ")})` : p.name;
    })
    .join(", ");
}

/** Renders rows as a Markdown table; per-stage values are listed `stage: value`. */
export function formatRouteTable(rows: readonly RouteRow[]): string {
  const perStage = (m: Readonly<Record<string, string>>) =>
    Object.entries(m)
      .map(([s, v]) => `${s}: ${v}`)
      .join("<br>");
  const targetCell = (r: RouteRow) => {
    const resolved = new Set(Object.values(r.targetByStage));
    if (resolved.size <= 1 && [...resolved][0] === r.target) return r.target;
    return `${r.target}<br>${perStage(r.targetByStage)}`;
  };
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const header = ["Method", "Path", "Authorization", "API key", "Integration", "Target", "Validation", "Cache", "Throttle", "Usage plans"];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map(
      (r) =>
        `| ${[
          r.method,
          `\`${r.path}\``,
          r.authorization,
          r.apiKeyRequired ? "required" : "no",
          r.integration,
          targetCell(r),
          r.validation,
          perStage(r.cache),
          perStage(r.throttle),
          Object.values(r.usagePlans).every((v) => v === "-") ? "-" : perStage(r.usagePlans),
        ]
          .map(esc)
          .join(" | ")} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
