// Test support shared by the table, bucket, email, monitoring and platform tests.
import { App, DefaultTokenResolver, StringConcat, Testing, Tokenization, type TerraformStack } from "cdktf";
import { loadEnvironment, type Environment } from "../../modules/config/environments";
import { ServiceStack } from "../../modules/core/service-stack";
import { policyDocument, type IGrantable, type PolicyStatement } from "../../modules/core/grant";
import { applyPolicy, type PolicyResult } from "../../modules/policy";

/** An IGrantable that records every statement it is given. */
export class FakeGrantee implements IGrantable {
  readonly statements: PolicyStatement[] = [];
  addToRolePolicy(statement: PolicyStatement): void {
    this.statements.push(statement);
  }
  /**
   * The statements rendered the way a role's inline policy renders them, with tokens
   * resolved to Terraform references (`${aws_dynamodb_table.X.arn}`), parsed back.
   */
  document(stack: TerraformStack): { Version: string; Statement: Record<string, unknown>[] } {
    const resolved = Tokenization.resolve(policyDocument(this.statements), {
      scope: stack,
      resolver: new DefaultTokenResolver(new StringConcat()),
    }) as string;
    return JSON.parse(resolved);
  }
}

export function env(name: "dev" | "prod" = "dev", vars: Record<string, string> = {}): Environment {
  return loadEnvironment(name, vars);
}

/** A fresh ServiceStack named `<id>-<env>` with a local backend. */
export function serviceStack(id = "test", environment: Environment = env()): ServiceStack {
  const app = Testing.app();
  return new ServiceStack(app as App, `${id}-${environment.name}`, environment, { backend: { kind: "local" } });
}

export interface Synthesized {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, Record<string, unknown>>;
  terraform?: Record<string, unknown>;
}

export function synth(stack: ServiceStack): Synthesized {
  return JSON.parse(Testing.synth(stack)) as Synthesized;
}

/** Every resource of one type, keyed by logical id. */
export function resources(out: Synthesized, type: string): Record<string, Record<string, unknown>> {
  return out.resource?.[type] ?? {};
}

/** The only resource of one type; fails when there are none or several. */
export function only(out: Synthesized, type: string): Record<string, unknown> {
  const all = Object.values(resources(out, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

/** The logical id of the only resource of one type. */
export function onlyId(out: Synthesized, type: string): string {
  const ids = Object.keys(resources(out, type));
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return ids[0]!;
}

/** `${<type>.<logical id>.<attr>}` for the only resource of one type. */
export function ref(out: Synthesized, type: string, attr: string): string {
  return `\${${type}.${onlyId(out, type)}.${attr}}`;
}

/** Runs every policy rule on a stack at synth and returns the result (warnings included). */
export function policyResult(stack: TerraformStack): PolicyResult {
  let result: PolicyResult | undefined;
  applyPolicy(stack, { failOn: "none", onResult: (r) => (result = r) });
  Testing.synth(stack, true);
  if (!result) throw new Error("the policy validation did not run");
  return result;
}
