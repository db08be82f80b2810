/**
 * API keys and usage plans: `aws_api_gateway_api_key` (id and sensitive value outputs),
 * `aws_api_gateway_usage_plan` over stages (quota, throttle, per-method throttle) and
 * `aws_api_gateway_usage_plan_key`; and the synth checks that need every route (each stage
 * serving an API-key route is in a plan, method throttles name real routes).
 */
import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { isResolved, PropError } from "../core/errors";
import { resolveThrottle } from "./limits";
import { parseRoute, usagePlanThrottlePath } from "./paths";
import type { ApiKey, ApiKeyOptions, UsagePlan, UsagePlanOptions } from "./props";
import type { RouteDefinition, Throttle, UsagePlanDefinition } from "./types";

/** The API keys and usage plans of one API. */
export class UsagePlans {
  private readonly keys = new Map<string, ApiKey>();
  private readonly plans = new Map<string, { plan: UsagePlan; def: UsagePlanDefinition }>();

  constructor(
    private readonly scope: Construct,
    private readonly api: ApiGatewayRestApi,
    private readonly physical: (name: string) => string,
    /** Stage resources by name. */
    private readonly stages: Readonly<Record<string, ApiGatewayStage>>,
  ) {}

  addApiKey(name: string, options: ApiKeyOptions = {}): ApiKey {
    const scope = this.scope;
    if (this.keys.has(name)) {
      throw new PropError(scope.node.path, "apiKey", name, "an API key with this name already exists on this API; reuse it.");
    }
    const resource = new ApiGatewayApiKey(scope, `ApiKey-${name}`, {
      name: this.physical(name),
      description: options.description,
      enabled: options.enabled ?? true,
    });
    new TerraformOutput(scope, `ApiKeyId-${name}`, { value: resource.id, description: `Id of the API key ${name}` });
    new TerraformOutput(scope, `ApiKeyValue-${name}`, { value: resource.value, sensitive: true, description: `Value of the API key ${name}` });
    const key = { name, resource };
    this.keys.set(name, key);
    return key;
  }

  apiKey(name: string): ApiKey {
    const key = this.keys.get(name);
    if (!key) throw new PropError(this.scope.node.path, "apiKey", name, `add it with api.addApiKey("${name}").`);
    return key;
  }

  addUsagePlan(name: string, options: UsagePlanOptions): UsagePlan {
    const where = this.scope.node.path;
    const prop = `usagePlans.${name}`;
    const allStages = Object.keys(this.stages);
    if (this.plans.has(name)) {
      throw new PropError(where, "usagePlan", name, "a usage plan with this name already exists; choose another name.");
    }
    const stageNames = [...(options.stages ?? allStages)];
    if (stageNames.length === 0) {
      throw new PropError(where, `${prop}.stages`, stageNames, "list at least one stage.");
    }
    for (const s of stageNames) {
      if (!allStages.includes(s)) {
        throw new PropError(where, `${prop}.stages`, s, `use one of the stages ${allStages.join(", ")}.`);
      }
    }
    let quota: UsagePlanDefinition["quota"];
    if (options.quota) {
      const { limit, period, offset = 0 } = options.quota;
      if (isResolved(limit) && (!Number.isInteger(limit) || limit < 0)) {
        throw new PropError(where, `${prop}.quota.limit`, limit, "use a non-negative whole number of requests.");
      }
      if (!["DAY", "WEEK", "MONTH"].includes(period)) {
        throw new PropError(where, `${prop}.quota.period`, period, 'use "DAY", "WEEK" or "MONTH".');
      }
      const maxOffset = period === "DAY" ? 0 : period === "WEEK" ? 6 : 27;
      if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset) {
        throw new PropError(where, `${prop}.quota.offset`, offset, `use 0..${maxOffset} for a ${period} quota.`);
      }
      quota = { limit, period, offset };
    }
    const throttle = options.throttle ? resolveThrottle(options.throttle, where, `${prop}.throttle`) : undefined;
    const methodThrottle: Record<string, Throttle> = {};
    for (const [route, t] of Object.entries(options.methodThrottle ?? {})) {
      const r = parseRoute(route, where);
      methodThrottle[`${r.method} ${r.path}`] = resolveThrottle(t, where, `${prop}.methodThrottle["${route}"]`);
    }
    const keys = (options.keys ?? []).map((k) => (typeof k === "string" ? (this.keys.get(k) ?? this.addApiKey(k)) : k));
    const resource = new ApiGatewayUsagePlan(this.scope, `UsagePlan-${name}`, {
      name: this.physical(name),
      description: options.description,
      apiStages: stageNames.map((s) => ({
        apiId: this.api.id,
        stage: this.stages[s]!.stageName,
        throttle: Object.entries(methodThrottle).map(([route, t]) => {
          const [method, path] = route.split(" ") as [string, string];
          return { path: usagePlanThrottlePath(method, path), rateLimit: t.rate, burstLimit: t.burst };
        }),
      })),
      quotaSettings: quota,
      throttleSettings: throttle ? { rateLimit: throttle.rate, burstLimit: throttle.burst } : undefined,
      dependsOn: stageNames.map((s) => this.stages[s]!),
    });
    for (const key of keys) {
      new ApiGatewayUsagePlanKey(this.scope, `UsagePlanKey-${name}-${key.name}`, {
        keyId: key.resource.id,
        keyType: "API_KEY",
        usagePlanId: resource.id,
      });
    }
    const plan = { name, resource };
    this.plans.set(name, {
      plan,
      def: { name, stages: stageNames, ...(quota ? { quota } : {}), ...(throttle ? { throttle } : {}), methodThrottle, keys: keys.map((k) => k.name) },
    });
    return plan;
  }

  definitions(): UsagePlanDefinition[] {
    return [...this.plans.values()].map((p) => p.def);
  }

  /**
   * At synth: every stage serving an API-key route is in a plan (or every request there
   * gets 403), and every method throttle names a route.
   */
  checkAgainst(routes: ReadonlyMap<string, RouteDefinition>): void {
    const where = this.scope.node.path;
    const keyed = [...routes.values()].filter((r) => r.apiKeyRequired);
    if (keyed.length > 0) {
      const covered = new Set([...this.plans.values()].flatMap((p) => p.def.stages));
      for (const s of Object.keys(this.stages)) {
        if (!covered.has(s)) {
          throw new PropError(
            where,
            "usagePlans",
            [...this.plans.keys()],
            `"${keyed[0]!.method} ${keyed[0]!.path}" requires an API key but no usage plan covers stage "${s}": add it with api.addUsagePlan(name, { stages: ["${s}"], keys: [...] }), or every request there gets 403.`,
          );
        }
      }
    }
    for (const p of this.plans.values()) {
      for (const route of Object.keys(p.def.methodThrottle)) {
        if (!routes.has(route)) {
          throw new PropError(where, `usagePlans.${p.def.name}.methodThrottle`, route, `no such route: use one of ${[...routes.keys()].join(", ") || "(no routes)"}.`);
        }
      }
    }
  }
}
