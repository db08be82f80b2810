import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { PropError } from "../../modules/core/errors";
import { catchAllErrorResponse, lambdaIntegration, lambdaProxy, modelRef, RestApi } from "../../modules/rest-api";
import { lambdaInvokeUri, type LambdaAliasRef, type LambdaFunctionRef, type StageVariableTarget } from "../../modules/core/function-ref";
import { TfStack } from "../../modules/tfjson";

/** A LambdaFunctionRef over a plain `aws_lambda_function` and its aliases, as the nodejs-function module will offer. */
export class FakeFunction implements LambdaFunctionRef {
  readonly functionName: string;
  readonly functionNameRef: string;
  readonly arn: string;
  readonly invokeArn: string;
  readonly region = "us-east-1";
  readonly aliasNames: readonly string[];
  private readonly aliases = new Map<string, LambdaAlias>();

  constructor(
    scope: Construct,
    readonly id: string,
    aliasNames: readonly string[] = [],
    /** Physical name (default: the id) and the version each alias points to (default: the published version). */
    options: { readonly functionName?: string; readonly aliasVersions?: Readonly<Record<string, string>> } = {},
  ) {
    const fn = new LambdaFunction(scope, id, {
      functionName: options.functionName ?? id,
      role: "arn:aws:iam::123456789012:role/test",
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: "fn.zip",
      publish: aliasNames.length > 0,
    });
    this.functionName = options.functionName ?? id;
    this.functionNameRef = fn.functionName;
    this.arn = fn.arn;
    this.invokeArn = fn.invokeArn;
    this.aliasNames = aliasNames;
    for (const a of aliasNames) {
      this.aliases.set(a, new LambdaAlias(scope, `${id}-${a}`, { name: a, functionName: fn.functionName, functionVersion: options.aliasVersions?.[a] ?? fn.version }));
    }
  }

  alias(name: string): LambdaAliasRef {
    const a = this.aliases.get(name);
    if (!a) throw new PropError(this.id, "alias", name, `declare it: ${this.aliasNames.join(", ")}`);
    return { name, nameRef: a.name, functionVersion: a.functionVersionInput!, arn: a.arn, invokeArn: lambdaInvokeUri(this.region, a.arn) };
  }

  aliasFromStageVariable(variable: string): StageVariableTarget {
    return { kind: "stage-variable", fn: this, variable };
  }
}

export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app as App, "test");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** A synthesized Terraform JSON value (tests read it loosely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

export interface Synth {
  readonly json: Tf;
  /** All resources of one type: `[name, body]`. */
  all(type: string): [string, Tf][];
  /** Bodies of one type matching a predicate. */
  find(type: string, where?: (r: Tf) => boolean): Tf[];
  /** Exactly one body of one type matching a predicate. */
  one(type: string, where?: (r: Tf) => boolean): Tf;
}

export function synth(stack: TerraformStack): Synth {
  const json = JSON.parse(Testing.synth(stack));
  const tf = new TfStack(json);
  const all = (type: string): [string, Tf][] => tf.ofType(type).map((r) => [r.name, r.attrs]);
  const find = (type: string, where: (r: Tf) => boolean = () => true) => all(type).map(([, r]) => r).filter(where);
  return {
    json,
    all,
    find,
    one(type, where = () => true) {
      const found = find(type, where);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
  };
}

/** The `${aws_x.name.attr}` reference Terraform JSON uses for a resource's attribute. */
export function refTo(s: Synth, type: string, where: (r: Tf) => boolean, attr: string): string {
  const hits = s.all(type).filter(([, r]) => where(r));
  if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
  return `\${${type}.${hits[0]![0]}.${attr}}`;
}

/** The logical name of a resource. */
export function nameOf(s: Synth, type: string, where: (r: Tf) => boolean): string {
  const hits = s.all(type).filter(([, r]) => where(r));
  if (hits.length !== 1) throw new Error(`expected one ${type}, found ${hits.length}`);
  return hits[0]![0];
}

/** Runs fn and returns the PropError it throws (fails when it throws nothing or something else). */
export function propError(fn: () => unknown): PropError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PropError) return e;
    throw e;
  }
  throw new Error("expected a PropError, nothing was thrown");
}

export interface ItemsApiOptions {
  /** Request template of GET /items/{ID}. */
  readonly getTemplate?: string;
  /** Adds PUT /items/{ID}. */
  readonly extraRoute?: boolean;
  /** prod stage throttle rate. */
  readonly prodRate?: number;
}

/** The items lab API: models, mock and non-proxy Lambda routes, dev/prod aliases by stage variable, key and plan. */
export function itemsApi(options: ItemsApiOptions = {}) {
  const stack = testStack();
  const fn = new FakeFunction(stack, "ItemsFunction", ["dev", "prod"]);
  const api = new RestApi(stack, "ItemsAPI", {
    description: "Cloud Academy Lab API",
    cors: { allowOrigins: ["https://www.example.com"] },
    stages: {
      dev: { variables: { lambdaAlias: "dev" } },
      prod: {
        variables: { lambdaAlias: "prod" },
        cache: { sizeGb: 0.5, ttl: 3600, encrypted: true, requireAuthorization: true },
        throttle: { rate: options.prodRate ?? 10000, burst: 5000 },
      },
    },
  });
  api.addModel("Item", {
    title: "Item Schema",
    type: "object",
    properties: { ID: { type: "number" }, name: { type: "string" }, price: { type: "number" } },
  });
  api.addModel("Items", { id: "Items", title: "Items", type: "array", items: modelRef("Item") });
  const target = fn.aliasFromStageVariable("lambdaAlias");
  api.addRoute("GET /items", {
    integration: lambdaIntegration(target, {
      requestTemplates: { "application/json": "{}" },
      passthroughBehavior: "NEVER",
      integrationResponses: [catchAllErrorResponse()],
    }),
    apiKey: true,
  });
  api.addRoute("GET /items/{ID}", {
    integration: lambdaIntegration(target, {
      requestTemplates: { "application/json": options.getTemplate ?? '{"ID": $input.params("ID")}' },
      integrationResponses: [{ statusCode: "404", selectionPattern: ".*NotFoundError.*" }, catchAllErrorResponse({ except: [".*NotFoundError.*"] })],
    }),
    apiKey: true,
    cacheKey: ["ID"],
  });
  if (options.extraRoute) {
    api.addRoute("PUT /items/{ID}", { integration: lambdaProxy(fn), apiKey: true, requestModel: "Item" });
  }
  api.addUsagePlan("CloudAcademyPlan", {
    stages: ["dev", "prod"],
    quota: { limit: 1000, period: "DAY" },
    keys: ["LabKey"],
  });
  return { stack, fn, api };
}
