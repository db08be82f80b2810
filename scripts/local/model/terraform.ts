/**
 * Reads synthesized stacks (`cdktf.out/stacks/<stack>/cdk.tf.json`) and resolves Terraform
 * references and interpolations between their resources, synthesizing locally the
 * attributes that only exist after an apply (ids, ARNs, versions, invoke URLs, key values).
 *
 * Knows only the Terraform JSON; never the construct tree.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ACCOUNT_ID = "123456789012";
const DEFAULT_REGION = "us-east-1";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TfResource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  /** `type.name`, as references spell it. */
  readonly address: string;
  /** The raw configuration, `//` metadata removed. */
  readonly config: JsonObject;
}

export interface TfStack {
  readonly name: string;
  /** Folder holding cdk.tf.json; asset paths are relative to it. */
  readonly dir: string;
  readonly region: string;
  readonly resources: Map<string, TfResource>;
  readonly outputs: JsonObject;
  readonly data: Map<string, JsonObject>;
}

/** Stack names found in an outdir, in the manifest's order. */
export function listStacks(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (existsSync(manifest)) {
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: Record<string, unknown> };
    return Object.keys(parsed.stacks ?? {});
  }
  const stacksDir = join(outdir, "stacks");
  return existsSync(stacksDir) ? readdirSync(stacksDir).filter((s) => existsSync(join(stacksDir, s, "cdk.tf.json"))) : [];
}

function stripMeta(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripMeta);
  if (value && typeof value === "object") {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = stripMeta(v);
    return out;
  }
  return value;
}

export function loadStack(outdir: string, name: string): TfStack {
  const dir = join(outdir, "stacks", name);
  const doc = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as JsonObject;
  const resources = new Map<string, TfResource>();
  for (const [type, byName] of Object.entries((doc.resource ?? {}) as JsonObject)) {
    for (const [rname, config] of Object.entries(byName as JsonObject)) {
      const address = `${type}.${rname}`;
      resources.set(address, { stack: name, type, name: rname, address, config: stripMeta(config) as JsonObject });
    }
  }
  const data = new Map<string, JsonObject>();
  for (const [type, byName] of Object.entries((doc.data ?? {}) as JsonObject)) {
    for (const [dname, config] of Object.entries(byName as JsonObject)) data.set(`${type}.${dname}`, stripMeta(config) as JsonObject);
  }
  const providers = ((doc.provider ?? {}) as JsonObject).aws;
  const first = Array.isArray(providers) ? (providers[0] as JsonObject | undefined) : undefined;
  const region = typeof first?.region === "string" && !first.region.includes("${") ? first.region : DEFAULT_REGION;
  return { name, dir, region, resources, outputs: stripMeta((doc.output ?? {}) as Json) as JsonObject, data };
}

/** Short deterministic id: lower-case letters and digits. */
export function fakeId(seed: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha256").update(seed).digest();
  let out = "";
  for (let i = 0; i < length; i += 1) out += alphabet[bytes[i % bytes.length]! % alphabet.length];
  return out;
}

/** A deterministic API key value (API Gateway generates 40 characters). */
function fakeKeyValue(seed: string): string {
  return createHash("sha256").update(`api-key:${seed}`).digest("base64url").replace(/[-_]/g, "x").slice(0, 40);
}

export interface ResolverOptions {
  /** `http://127.0.0.1:<port>`: stage invoke URLs point at the local gateway. */
  readonly gatewayUrl: string;
}

/**
 * Resolves `${type.name.attr}` references (and `data.terraform_remote_state` cross-stack
 * outputs) across a set of stacks. Unresolvable expressions, such as
 * `${stageVariables.lambdaAlias}`, are left as written.
 */
export class Resolver {
  private readonly resolving = new Set<string>();
  private readonly cache = new Map<string, Json | undefined>();

  constructor(
    readonly stacks: readonly TfStack[],
    private readonly options: ResolverOptions,
  ) {}

  stack(name: string): TfStack {
    const stack = this.stacks.find((s) => s.name === name);
    if (!stack) throw new Error(`unknown stack ${name}`);
    return stack;
  }

  /** Resolves every interpolation in a value, deeply. */
  value(stack: TfStack, value: Json | undefined): Json | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "string") return this.interpolate(stack, value);
    if (Array.isArray(value)) return value.map((v) => this.value(stack, v) ?? null);
    if (value && typeof value === "object") {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.value(stack, v) ?? null;
      return out;
    }
    return value;
  }

  /** A resource attribute, configured or computed. */
  attr(resource: TfResource, path: string): Json | undefined {
    const key = `${resource.stack}/${resource.address}.${path}`;
    if (this.cache.has(key)) return this.cache.get(key);
    if (this.resolving.has(key)) return undefined;
    this.resolving.add(key);
    try {
      const [head, ...rest] = path.split(".");
      const stack = this.stack(resource.stack);
      let base = this.computed(stack, resource, head!);
      if (base === undefined) base = this.value(stack, resource.config[head!]);
      const result = walk(base, rest);
      this.cache.set(key, result);
      return result;
    } finally {
      this.resolving.delete(key);
    }
  }

  /** The resolved configuration of a resource. */
  config(resource: TfResource): JsonObject {
    return this.value(this.stack(resource.stack), resource.config) as JsonObject;
  }

  str(resource: TfResource, path: string): string | undefined {
    const v = this.attr(resource, path);
    return v === undefined || v === null ? undefined : typeof v === "string" ? v : String(v);
  }

  private interpolate(stack: TfStack, text: string): Json {
    if (!text.includes("${")) return text;
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole) {
      const v = this.expression(stack, whole[1]!.trim());
      return v === undefined ? text : v;
    }
    let out = "";
    let i = 0;
    while (i < text.length) {
      if (text.startsWith("$${", i)) {
        out += "${";
        i += 3;
        continue;
      }
      if (text.startsWith("${", i)) {
        const end = findClose(text, i + 2);
        if (end < 0) {
          out += text.slice(i);
          break;
        }
        const expr = text.slice(i + 2, end).trim();
        const v = this.expression(stack, expr);
        out += v === undefined ? `\${${expr}}` : typeof v === "string" ? v : JSON.stringify(v);
        i = end + 1;
        continue;
      }
      out += text[i];
      i += 1;
    }
    return out;
  }

  private expression(stack: TfStack, expr: string): Json | undefined {
    if (expr === "path.module" || expr === "path.root" || expr === "path.cwd") return stack.dir;
    const parts = splitPath(expr);
    if (parts.length < 2) return undefined;
    if (parts[0] === "data") {
      const [, type, name, ...rest] = parts;
      if (type === "terraform_remote_state" && rest[0] === "outputs" && rest[1]) return this.remoteOutput(rest[1], rest.slice(2));
      if (type === "aws_caller_identity") return rest[0] === "account_id" ? ACCOUNT_ID : rest[0] === "arn" ? `arn:aws:iam::${ACCOUNT_ID}:root` : undefined;
      if (type === "aws_region") return rest[0] === "name" || rest[0] === "region" || rest[0] === "id" ? stack.region : undefined;
      if (type === "aws_partition") return rest[0] === "partition" ? "aws" : rest[0] === "dns_suffix" ? "amazonaws.com" : undefined;
      void name;
      return undefined;
    }
    if (parts.length < 3) return undefined;
    const resource = stack.resources.get(`${parts[0]}.${parts[1]}`);
    if (!resource) return undefined;
    return this.attr(resource, parts.slice(2).join("."));
  }

  private remoteOutput(output: string, rest: string[]): Json | undefined {
    for (const stack of this.stacks) {
      const out = stack.outputs[output] as JsonObject | undefined;
      if (out && "value" in out) return walk(this.value(stack, out.value), rest);
    }
    return undefined;
  }

  /** Attributes that exist only after an apply, synthesized deterministically. */
  private computed(stack: TfStack, r: TfResource, attr: string): Json | undefined {
    const c = r.config;
    const seed = `${stack.name}/${r.address}`;
    const region = stack.region;
    const s = (key: string) => this.str(r, key);
    switch (r.type) {
      case "aws_api_gateway_rest_api": {
        const id = fakeId(seed, 10);
        if (attr === "id") return id;
        if (attr === "root_resource_id") return fakeId(`${seed}/root`, 10);
        if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${id}`;
        if (attr === "arn") return `arn:aws:apigateway:${region}::/restapis/${id}`;
        return undefined;
      }
      case "aws_api_gateway_resource":
        if (attr === "id") return fakeId(seed, 6);
        if (attr === "path") {
          const parent = this.resourcePath(stack, c.parent_id as string);
          return `${parent === "/" ? "" : parent}/${s("path_part")}`;
        }
        return undefined;
      case "aws_api_gateway_stage": {
        const apiId = s("rest_api_id");
        const stage = s("stage_name");
        if (attr === "id") return `ags-${apiId}-${stage}`;
        if (attr === "invoke_url") return `${this.options.gatewayUrl}/${stack.name}/${stage}`;
        if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${apiId}/${stage}`;
        if (attr === "arn") return `arn:aws:apigateway:${region}::/restapis/${apiId}/stages/${stage}`;
        return undefined;
      }
      case "aws_api_gateway_deployment":
        if (attr === "id") return fakeId(seed, 6);
        if (attr === "invoke_url") return `${this.options.gatewayUrl}/${stack.name}/`;
        if (attr === "execution_arn") return `arn:aws:execute-api:${region}:${ACCOUNT_ID}:${s("rest_api_id")}/`;
        return undefined;
      case "aws_api_gateway_api_key":
        if (attr === "id") return fakeId(seed, 10);
        if (attr === "value") return c.value === undefined ? fakeKeyValue(seed) : undefined;
        if (attr === "arn") return `arn:aws:apigateway:${region}::/apikeys/${fakeId(seed, 10)}`;
        return undefined;
      case "aws_api_gateway_authorizer":
      case "aws_api_gateway_model":
      case "aws_api_gateway_request_validator":
      case "aws_api_gateway_usage_plan":
        if (attr === "id") return fakeId(seed, 6);
        if (attr === "arn") return `arn:aws:apigateway:${region}::/${r.type.replace("aws_api_gateway_", "")}s/${fakeId(seed, 6)}`;
        return undefined;
      case "aws_lambda_function": {
        const name = s("function_name");
        const arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
        const version = c.publish === true || c.publish === "true" ? "1" : "$LATEST";
        if (attr === "id") return name;
        if (attr === "arn") return arn;
        if (attr === "invoke_arn") return lambdaInvokeArn(region, arn);
        if (attr === "version") return version;
        if (attr === "qualified_arn") return `${arn}:${version}`;
        if (attr === "qualified_invoke_arn") return lambdaInvokeArn(region, `${arn}:${version}`);
        return undefined;
      }
      case "aws_lambda_alias": {
        const fnName = s("function_name") ?? "";
        const fnArn = fnName.startsWith("arn:") ? fnName : `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${fnName}`;
        const arn = `${fnArn}:${s("name")}`;
        if (attr === "arn" || attr === "id") return arn;
        if (attr === "invoke_arn") return lambdaInvokeArn(region, arn);
        return undefined;
      }
      case "aws_lambda_permission":
        if (attr === "id") return s("statement_id") ?? fakeId(seed, 8);
        return undefined;
      case "aws_dynamodb_table":
        if (attr === "id") return s("name");
        if (attr === "arn") return `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${s("name")}`;
        if (attr === "stream_arn") return `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${s("name")}/stream/1970-01-01T00:00:00.000`;
        return undefined;
      case "aws_s3_bucket": {
        if (attr === "bucket" && c.bucket === undefined) return `${(c.bucket_prefix as string | undefined) ?? "bucket-"}${fakeId(seed, 12)}`;
        const bucket = s("bucket");
        if (attr === "id") return bucket;
        if (attr === "arn") return `arn:aws:s3:::${bucket}`;
        if (attr === "bucket_domain_name") return `${bucket}.s3.amazonaws.com`;
        if (attr === "bucket_regional_domain_name") return `${bucket}.s3.${region}.amazonaws.com`;
        if (attr === "region") return region;
        return undefined;
      }
      case "aws_ses_email_identity":
        if (attr === "id") return s("email");
        if (attr === "arn") return `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${s("email")}`;
        return undefined;
      case "aws_ses_domain_identity":
        if (attr === "id") return s("domain");
        if (attr === "arn") return `arn:aws:ses:${region}:${ACCOUNT_ID}:identity/${s("domain")}`;
        return undefined;
      case "aws_cognito_user_pool": {
        const id = `${region}_${fakeId(seed, 9)}`;
        if (attr === "id") return id;
        if (attr === "arn") return `arn:aws:cognito-idp:${region}:${ACCOUNT_ID}:userpool/${id}`;
        if (attr === "endpoint") return `cognito-idp.${region}.amazonaws.com/${id}`;
        return undefined;
      }
      case "aws_cognito_user_pool_client":
        if (attr === "id") return fakeId(seed, 26);
        return undefined;
      case "aws_iam_role":
      case "aws_iam_policy":
        if (attr === "arn") return `arn:aws:iam::${ACCOUNT_ID}:${r.type === "aws_iam_role" ? "role" : "policy"}/${s("name") ?? r.name}`;
        if (attr === "id" || attr === "name") return c.name === undefined ? r.name : undefined;
        return undefined;
      case "aws_cloudwatch_log_group":
        if (attr === "arn") return `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${s("name")}`;
        if (attr === "id") return s("name");
        return undefined;
      case "aws_sns_topic":
        if (attr === "arn" || attr === "id") return `arn:aws:sns:${region}:${ACCOUNT_ID}:${s("name") ?? r.name}`;
        return undefined;
      default:
        if (attr === "id") return c.id === undefined ? fakeId(seed, 10) : undefined;
        if (attr === "arn") return c.arn === undefined ? `arn:aws:${r.type.replace(/^aws_/, "")}:${region}:${ACCOUNT_ID}:${r.name}` : undefined;
        return undefined;
    }
  }

  /** Full path of an API Gateway resource id expression (root resource → `/`). */
  private resourcePath(stack: TfStack, parentExpr: string | undefined): string {
    const m = parentExpr ? /^\$\{([^.]+)\.([^.]+)\.(id|root_resource_id)\}$/.exec(parentExpr) : null;
    if (!m || m[3] === "root_resource_id") return "/";
    const parent = stack.resources.get(`${m[1]}.${m[2]}`);
    return parent ? (this.str(parent, "path") ?? "/") : "/";
  }
}

export function lambdaInvokeArn(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}

function findClose(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "{") depth += 1;
    else if (ch === "}") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

/** `a.b[0].c` → ["a", "b", "0", "c"] */
function splitPath(expr: string): string[] {
  if (!/^[A-Za-z0-9_.\-[\]"*]+$/.test(expr)) return [];
  return expr
    .replace(/\[(\d+|"[^"]*")\]/g, (_m, k: string) => `.${k.replace(/"/g, "")}`)
    .split(".")
    .filter((p) => p.length > 0);
}

function walk(value: Json | undefined, path: string[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (cur === undefined || cur === null) return undefined;
    if (Array.isArray(cur)) cur = /^\d+$/.test(key) ? cur[Number(key)] : cur[0] && typeof cur[0] === "object" ? (cur[0] as JsonObject)[key] : undefined;
    else if (typeof cur === "object") cur = cur[key];
    else return undefined;
  }
  return cur;
}
