import { expect } from "chai";
import { App, TerraformOutput, Testing, TerraformStack } from "cdktf";
import { PropError } from "../../modules/core/errors";
import { loadEnvironment, type Environment } from "../../modules/config/environments";
import { ServiceStack } from "../../modules/core/service-stack";
import { NodejsFunction, type NodejsFunctionProps } from "../../modules/nodejs-function";
import { TfStack } from "../../modules/tfjson";

export const DYNAMO_FIXTURE = "test/fixtures/functions/dynamo-get/index.ts";
export const CJS_FIXTURE = "test/fixtures/functions/cjs-dep/index.ts";
export const BROKEN_FIXTURE = "test/fixtures/functions/broken/index.ts";

/** The dev environment with no process overrides, optionally adjusted. */
export function devEnv(vars: Record<string, string> = {}): Environment {
  return loadEnvironment("dev", vars);
}

export function serviceStack(id = "items-dev", env: Environment = devEnv()): ServiceStack {
  return new ServiceStack(Testing.app() as App, id, env);
}

export function plainStack(id = "plain"): TerraformStack {
  return new TerraformStack(Testing.app() as App, id);
}

// The synthesized JSON is untyped by nature; tests walk it with plain property access.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

/** The only resource of a type in a synthesized stack (fails the test when there are several). */
export function only(json: Json, type: string): Json {
  const all = new TfStack(json).ofType(type).map((r) => r.attrs);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

export function policyOf(json: Json): Json {
  return JSON.parse(only(json, "aws_iam_role_policy").policy);
}

/** A NodejsFunction "ItemsFunction" over the DynamoDB fixture handler in a service stack. */
export function make(props: Partial<NodejsFunctionProps> = {}, stack: TerraformStack = serviceStack()) {
  const fn = new NodejsFunction(stack, "ItemsFunction", { entry: DYNAMO_FIXTURE, ...props });
  return { stack, fn };
}

export function lambdaOf(json: Json): Json {
  return only(json, "aws_lambda_function");
}

/** What Terraform would see for token values: rendered through probe outputs. */
export function resolveVia(stack: TerraformStack, values: readonly string[]): string[] {
  values.forEach((value, i) => new TerraformOutput(stack, `probe${i}`, { value }));
  const outputs = synth(stack).output as Record<string, { value: string }>;
  return values.map((_, i) => outputs[`probe${i}`]!.value);
}

/** Runs fn and expects a PropError for the named prop whose message matches the pattern. */
export function expectPropError(fn: () => unknown, prop: string, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "a PropError was thrown").to.be.instanceOf(PropError);
  const err = caught as PropError;
  expect(err.prop).to.equal(prop);
  expect(err.message).to.match(pattern);
}
