// Test support for the service stacks: synthesize once, then read the Terraform JSON by
// route ("GET /items/{ID}"), by function (construct id) and by type.
import { App, Testing } from "cdktf";
import { loadEnvironment, type Environment } from "../../modules/config/environments";
import type { ServiceStack, ServiceStackProps } from "../../modules/core/service-stack";
import { applyPolicyToAll, evaluate, suppressionsFromJson, type StackJson } from "../../modules/policy";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

/** An environment from defaults only (no process variables), plus the given overrides. */
export function testEnv(name: "dev" | "prod", vars: Record<string, string> = {}): Environment {
  return loadEnvironment(name, vars);
}

/** Builds a service stack in a fresh test app with local state, guarded as defineApp guards it. */
export function build<T extends ServiceStack>(
  make: (app: App, env: Environment, props: ServiceStackProps) => T,
  env: Environment,
): T {
  const app = Testing.app() as App;
  const stack = make(app, env, { backend: { kind: "local" } });
  applyPolicyToAll(app);
  return stack;
}

export interface Route {
  readonly key: string;
  readonly method: Tf;
  readonly integration: Tf;
  readonly integrationResponses: Tf[];
  readonly methodResponses: Tf[];
}

export interface PolicyDoc {
  readonly Statement: { Sid?: string; Effect: string; Action: string[]; Resource: string | string[]; Condition?: unknown }[];
}

export class Synth {
  /** The synthesized JSON without cdktf's `//` metadata (Testing.synth, validations run). */
  readonly json: Tf;
  /** The same with metadata: construct paths and the stack's policy record. */
  readonly raw: StackJson;
  private readonly paths = new Map<string, string>();

  constructor(stack: ServiceStack) {
    // validations run, as in a real synth: a stack that breaks a policy rule fails here
    this.json = JSON.parse(Testing.synth(stack, true));
    this.raw = JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson;
    for (const [id, api] of this.all("aws_api_gateway_rest_api")) {
      void api;
      this.paths.set(`\${aws_api_gateway_rest_api.${id}.root_resource_id}`, "");
    }
    const resources = this.all("aws_api_gateway_resource");
    let progress = true;
    while (progress) {
      progress = false;
      for (const [id, r] of resources) {
        const ref = `\${aws_api_gateway_resource.${id}.id}`;
        if (this.paths.has(ref)) continue;
        const parent = this.paths.get(r.parent_id);
        if (parent === undefined) continue;
        this.paths.set(ref, `${parent}/${r.path_part}`);
        progress = true;
      }
    }
  }

  /** `[logical id, body]` of every resource of a type. */
  all(type: string): [string, Tf][] {
    return Object.entries(this.json.resource?.[type] ?? {});
  }

  find(type: string, where: (r: Tf) => boolean = () => true): Tf[] {
    return this.all(type)
      .map(([, r]) => r)
      .filter(where);
  }

  one(type: string, where: (r: Tf) => boolean = () => true): Tf {
    const hits = this.find(type, where);
    if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
    return hits[0];
  }

  data(type: string): Tf[] {
    return Object.values(this.json.data?.[type] ?? {});
  }

  /** Every route as `METHOD /path`, OPTIONS preflights included, sorted. */
  routeKeys(): string[] {
    return this.all("aws_api_gateway_method")
      .map(([, m]) => `${m.http_method} ${this.pathOf(m.resource_id)}`)
      .sort();
  }

  private pathOf(resourceId: string): string {
    const p = this.paths.get(resourceId);
    if (p === undefined) throw new Error(`unknown resource ${resourceId}`);
    return p === "" ? "/" : p;
  }

  route(key: string): Route {
    const hit = this.all("aws_api_gateway_method").find(([, m]) => `${m.http_method} ${this.pathOf(m.resource_id)}` === key);
    if (!hit) throw new Error(`no route ${key}; routes: ${this.routeKeys().join(", ")}`);
    const [id, method] = hit;
    const mine = (r: Tf) => typeof r.http_method === "string" && r.http_method.includes(`aws_api_gateway_method.${id}.`);
    return {
      key,
      method,
      integration: this.one("aws_api_gateway_integration", mine),
      integrationResponses: this.find("aws_api_gateway_integration_response", mine),
      methodResponses: this.find("aws_api_gateway_method_response", mine),
    };
  }

  /** The status code a method/integration response names (a reference to the method response). */
  statusOf(response: Tf): string {
    const m = /^\$\{aws_api_gateway_method_response\.([^.]+)\.status_code\}$/.exec(response.status_code);
    if (!m) return response.status_code;
    return this.json.resource.aws_api_gateway_method_response[m[1]!].status_code;
  }

  /** The Lambda function whose physical name is given. */
  fn(functionName: string): Tf {
    return this.one("aws_lambda_function", (f) => f.function_name === functionName);
  }

  /** Logical id of the Lambda function with this physical name. */
  fnId(functionName: string): string {
    const hit = this.all("aws_lambda_function").find(([, f]) => f.function_name === functionName);
    if (!hit) throw new Error(`no function ${functionName}`);
    return hit[0];
  }

  /** The parsed inline role policy of the function with this construct id. */
  rolePolicy(constructId: string): PolicyDoc {
    const hits = this.all("aws_iam_role_policy").filter(([id]) => id.startsWith(`${constructId}_RolePolicy_`));
    if (hits.length !== 1) throw new Error(`expected one role policy for ${constructId}, found ${hits.length}`);
    return JSON.parse(hits[0]![1].policy);
  }

  /** Statements of a role policy other than the function module's own (logs, X-Ray). */
  grants(constructId: string): { actions: string[]; resources: string[]; condition?: unknown }[] {
    return this.rolePolicy(constructId)
      .Statement.filter((s) => s.Sid !== "WriteOwnLogGroup" && s.Sid !== "SendXRayTraces")
      .map((s) => ({
        actions: s.Action,
        resources: Array.isArray(s.Resource) ? s.Resource : [s.Resource],
        ...(s.Condition ? { condition: s.Condition } : {}),
      }));
  }

  /** Policy findings of error severity that no suppression covers, formatted `<rule> <construct>: <message>`. */
  policyErrors(): string[] {
    return evaluate(this.raw, suppressionsFromJson(this.raw))
      .findings.filter((f) => f.severity === "error")
      .map((f) => `${f.ruleId} ${f.constructPath}: ${f.message}`);
  }

  /** Rule ids suppressed in this stack, with their reasons. */
  suppressions(): { ruleId: string; reason: string }[] {
    return suppressionsFromJson(this.raw).map((x) => ({ ruleId: x.ruleId, reason: x.reason }));
  }

  /** `${<type>.<logical id>.<attr>}` for the only resource of the type matching the predicate. */
  ref(type: string, attr: string, where: (r: Tf) => boolean = () => true): string {
    const hits = this.all(type).filter(([, r]) => where(r));
    if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
    return `\${${type}.${hits[0]![0]}.${attr}}`;
  }
}
