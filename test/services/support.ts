// Test support for the service stacks: synthesize once, then read the Terraform JSON by
// route ("GET /items/{ID}"), by function (construct id) and by type.
import { App, Testing } from "cdktf";
import { loadEnvironment, type Environment } from "../../modules/config/environments";
import type { ServiceStack, ServiceStackProps } from "../../modules/core/service-stack";
import { applyPolicyToAll, evaluate, suppressionsFromJson } from "../../modules/policy";
import { apiGateway, TfStack, type MethodView, type StackJson } from "../../modules/tfjson";

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
  /** The same read through the Terraform JSON library (resources, references, the API Gateway view). */
  readonly stack: TfStack;

  constructor(stack: ServiceStack) {
    // validations run, as in a real synth: a stack that breaks a policy rule fails here
    this.json = JSON.parse(Testing.synth(stack, true));
    this.raw = JSON.parse(JSON.stringify(stack.toTerraform())) as StackJson;
    this.stack = new TfStack(this.json);
  }

  /** `[logical id, body]` of every resource of a type. */
  all(type: string): [string, Tf][] {
    return this.stack.ofType(type).map((r) => [r.name, r.attrs]);
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
    return this.stack.ofType(`data.${type}`).map((r) => r.attrs);
  }

  private methods(): MethodView[] {
    return apiGateway(this.stack).apis.flatMap((a) => a.methods);
  }

  /** Every route as `METHOD /path`, OPTIONS preflights included, sorted. */
  routeKeys(): string[] {
    return this.methods()
      .map((m) => `${m.httpMethod} ${m.path}`)
      .sort();
  }

  route(key: string): Route {
    const hit = this.methods().find((m) => `${m.httpMethod} ${m.path}` === key);
    if (!hit) throw new Error(`no route ${key}; routes: ${this.routeKeys().join(", ")}`);
    if (!hit.integration) throw new Error(`route ${key} has no integration`);
    return {
      key,
      method: hit.resource.attrs,
      integration: hit.integration.attrs,
      integrationResponses: hit.integrationResponses.map((r) => r.attrs),
      methodResponses: hit.methodResponses.map((r) => r.attrs),
    };
  }

  /** The status code a method/integration response names (a reference to the method response). */
  statusOf(response: Tf): string {
    return String(this.stack.resolve(response.status_code));
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
