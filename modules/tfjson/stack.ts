/**
 * One synthesized stack (`cdk.tf.json`) as resources addressed the way Terraform
 * addresses them, and the reading of a cdktf output directory. The one definition of a
 * Terraform JSON resource in the repository is `TfResource` here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Json, JsonObject } from "./json";
import { resolverOf } from "./resolver";

/** A synthesized stack document: `resource` and `data` are type → name → attributes. */
export interface StackJson {
  readonly "//"?: { readonly metadata?: Record<string, unknown> } & Record<string, unknown>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly [key: string]: unknown;
}

/** One resource or data source of a stack. */
export interface TfResource {
  /** Name of the stack that declares it (`items-catalog-dev`). */
  readonly stack: string;
  readonly kind: "resource" | "data";
  /** `aws_s3_bucket` */
  readonly type: string;
  /** Terraform name (logical id), `b_1234` */
  readonly name: string;
  /** `aws_s3_bucket.b_1234`, or `data.aws_iam_policy_document.d`: as references spell it. */
  readonly address: string;
  /** Construct path from the `//` metadata (`stack/Bucket/Resource`), or the address when absent. */
  readonly constructPath: string;
  /** The configuration as written, the `//` metadata left out. */
  readonly attrs: JsonObject;
}

/** Key that rules use to apply to data sources: `data.aws_iam_policy_document`. */
export function typeKey(r: Pick<TfResource, "kind" | "type">): string {
  return r.kind === "data" ? `data.${r.type}` : r.type;
}

function toResource(stack: string, kind: "resource" | "data", type: string, name: string, raw: unknown): TfResource {
  const all = (raw ?? {}) as JsonObject;
  const meta = (all["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  const attrs: JsonObject = {};
  for (const [k, v] of Object.entries(all)) if (k !== "//") attrs[k] = v;
  const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
  return { stack, kind, type, name, address, constructPath: meta?.path ?? address, attrs };
}

export interface StackOptions {
  /** @default "stack" */
  readonly name?: string;
  /** Folder holding cdk.tf.json; relative asset paths and `path.module` resolve against it. @default none (`path.module` and relative asset paths stay as written) */
  readonly dir?: string;
  /** The cdk.tf.json it was read from. @default none (a stack built in memory) */
  readonly file?: string;
}

/** A synthesized stack: its resources and data sources by address, its outputs, its region. */
export class TfStack {
  readonly name: string;
  readonly dir: string | undefined;
  readonly file: string | undefined;
  /** The provider's literal region, when the stack sets one. */
  readonly region: string | undefined;
  /** Resources and data sources (`data.` prefixed) by address, in document order. */
  readonly resources: ReadonlyMap<string, TfResource>;
  /** Output name → `{ value, ... }` as written. */
  readonly outputs: JsonObject;
  private readonly byType = new Map<string, TfResource[]>();

  constructor(
    /** The document as synthesized, `//` metadata included. */
    readonly json: StackJson,
    options: StackOptions = {},
  ) {
    this.name = options.name ?? "stack";
    this.dir = options.dir;
    this.file = options.file;
    const resources = new Map<string, TfResource>();
    for (const kind of ["resource", "data"] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, attrs] of Object.entries(byName ?? {})) {
          const r = toResource(this.name, kind, type, name, attrs);
          resources.set(r.address, r);
          const key = typeKey(r);
          this.byType.set(key, [...(this.byType.get(key) ?? []), r]);
        }
      }
    }
    this.resources = resources;
    const outputs: JsonObject = {};
    for (const [k, v] of Object.entries((json.output ?? {}) as JsonObject)) outputs[k] = v;
    this.outputs = outputs;
    const providers = ((json.provider ?? {}) as JsonObject).aws;
    const first = (Array.isArray(providers) ? providers[0] : providers) as JsonObject | undefined;
    this.region = typeof first?.region === "string" && !first.region.includes("${") ? first.region : undefined;
  }

  /** Every resource and data source, in document order. */
  all(): TfResource[] {
    return [...this.resources.values()];
  }

  /** Resources of one type (`aws_lambda_function`), or data sources with the `data.` prefix. */
  ofType(type: string): readonly TfResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The resource at an address (`aws_s3_bucket.b` or `data.aws_iam_policy_document.d`). */
  at(address: string): TfResource | undefined {
    return this.resources.get(address);
  }

  /**
   * A value with its references to this stack's configured attributes resolved
   * (`${aws_api_gateway_stage.s.stage_name}` → `prod`); computed attributes stay expressions.
   */
  resolve(value: unknown): Json | undefined {
    return resolverOf(this).value(this, value as Json | undefined);
  }

  /** The `//.metadata` block cdktf writes (construct paths, the policy record). */
  metadata(): Record<string, unknown> {
    return (this.json["//"]?.metadata ?? {}) as Record<string, unknown>;
  }
}

/** A stack from its JSON (a `toTerraform()` result or a parsed cdk.tf.json), or the stack itself. */
export function asStack(json: StackJson | TfStack, name?: string): TfStack {
  return json instanceof TfStack ? json : new TfStack(json, name === undefined ? {} : { name });
}

/** Stack names found in an outdir, in the manifest's order (else the folder's, sorted). */
export function listStacks(outdir: string): string[] {
  const manifest = join(outdir, "manifest.json");
  if (existsSync(manifest)) {
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: Record<string, unknown> };
    return Object.keys(parsed.stacks ?? {});
  }
  const stacksDir = join(outdir, "stacks");
  return existsSync(stacksDir) ? readdirSync(stacksDir).sort().filter((s) => existsSync(join(stacksDir, s, "cdk.tf.json"))) : [];
}

/** The file of a stack in an outdir (`stacks/<name>/cdk.tf.json`, or the manifest's path). */
export function stackFile(outdir: string, name: string): string {
  const manifest = join(outdir, "manifest.json");
  if (existsSync(manifest)) {
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { stacks?: Record<string, { synthesizedStackPath?: string }> };
    const p = parsed.stacks?.[name]?.synthesizedStackPath;
    if (p) return join(outdir, p);
  }
  return join(outdir, "stacks", name, "cdk.tf.json");
}

/** Reads one stack of a cdktf output directory. */
export function loadStack(outdir: string, name: string): TfStack {
  const file = stackFile(outdir, name);
  const json = JSON.parse(readFileSync(file, "utf8")) as StackJson;
  return new TfStack(json, { name, dir: join(file, ".."), file });
}

/** Every stack of a cdktf output directory, by name; throws when it holds none. */
export function readStacks(outdir: string): Map<string, TfStack> {
  const names = listStacks(outdir);
  if (names.length === 0 && !existsSync(join(outdir, "stacks")) && !existsSync(join(outdir, "manifest.json"))) {
    throw new Error(`${outdir} holds no synthesized stacks (no manifest.json, no stacks/).`);
  }
  return new Map(names.map((n) => [n, loadStack(outdir, n)]));
}

export type { Json, JsonObject };
