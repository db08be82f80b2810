/**
 * Resolves Terraform references and interpolations across a set of stacks: `${type.name.attr}`
 * to the attribute's configured value, `data.terraform_remote_state.<x>.outputs.<o>` to
 * another stack's output, `path.module` to the stack's folder.
 *
 * Attributes that exist only after an apply (ids, ARNs, versions) are pluggable: the local
 * gateway supplies deterministic fakes; without a plug-in they stay the expressions they
 * are, which is what a review shows. Expressions that cannot be resolved
 * (`${stageVariables.alias}`) are left as written.
 */
import { parseRef, segments, traversal } from "./expression";
import { walk, type Json, type JsonObject } from "./json";
import type { TfResource, TfStack } from "./stack";

/**
 * Computes an attribute that exists only after an apply, or undefined when it does not
 * know it (the configured value, if any, is then used). `resolver.str(r, "name")` reads
 * another attribute of the same resource, resolved.
 */
export type ComputedAttributes = (resource: TfResource, attribute: string, resolver: Resolver) => Json | undefined;

export interface ResolverOptions {
  /** @default none: computed attributes stay expressions */
  readonly computed?: ComputedAttributes;
}

export class Resolver {
  private readonly resolving = new Set<string>();
  private readonly cache = new Map<string, Json | undefined>();
  private readonly configs = new Map<TfResource, JsonObject>();
  private readonly byName: Map<string, TfStack>;

  constructor(
    readonly stacks: readonly TfStack[],
    private readonly options: ResolverOptions = {},
  ) {
    this.byName = new Map(stacks.map((s) => [s.name, s]));
  }

  stack(name: string): TfStack {
    const stack = this.byName.get(name);
    if (!stack) throw new Error(`unknown stack ${name}`);
    return stack;
  }

  /** Resolves every interpolation in a value, deeply, in the context of a stack. */
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

  /** A resource attribute (`arn`, `settings.0.caching_enabled`), computed or configured, resolved. */
  attr(resource: TfResource, path: string): Json | undefined {
    const key = `${resource.stack}/${resource.address}.${path}`;
    if (this.cache.has(key)) return this.cache.get(key);
    if (this.resolving.has(key)) return undefined;
    this.resolving.add(key);
    try {
      const [head, ...rest] = traversal(path).length ? traversal(path) : [path];
      let base = this.options.computed?.(resource, head!, this) ?? derived(this, resource, head!);
      if (base === undefined) base = this.value(this.stack(resource.stack), resource.attrs[head!]);
      const result = walk(base, rest);
      this.cache.set(key, result);
      return result;
    } finally {
      this.resolving.delete(key);
    }
  }

  /** An attribute as a string; undefined when absent or null. */
  str(resource: TfResource, path: string): string | undefined {
    const v = this.attr(resource, path);
    return v === undefined || v === null ? undefined : typeof v === "string" ? v : String(v);
  }

  /** The resource's whole configuration, resolved (cached). */
  config(resource: TfResource): JsonObject {
    let c = this.configs.get(resource);
    if (!c) {
      c = this.value(this.stack(resource.stack), resource.attrs) as JsonObject;
      this.configs.set(resource, c);
    }
    return c;
  }

  /**
   * The resource's own id, resolved when the plug-in computes it, else the expression
   * `${<address>.id}`: the same string a reference to it resolves to, so either can be
   * compared with what other resources name.
   */
  idOf(resource: TfResource, attribute = "id"): string {
    return this.str(resource, attribute) ?? `\${${resource.address}.${attribute}}`;
  }

  /** The resource a whole-string reference points at (`${aws_x.y.id}` → aws_x.y), in the stack. */
  target(stack: TfStack, value: unknown): TfResource | undefined {
    const ref = parseRef(value);
    return ref ? stack.at(ref.address) : undefined;
  }

  private interpolate(stack: TfStack, text: string): Json {
    if (!text.includes("${")) return text;
    const parts = segments(text);
    if (parts.length === 1 && "expr" in parts[0]! && text.startsWith("${")) {
      const v = this.expression(stack, parts[0].expr);
      return v === undefined ? `\${${parts[0].expr}}` : v;
    }
    let out = "";
    for (const p of parts) {
      if ("text" in p) out += p.text;
      else {
        const v = this.expression(stack, p.expr);
        out += v === undefined ? `\${${p.expr}}` : typeof v === "string" ? v : JSON.stringify(v);
      }
    }
    return out;
  }

  private expression(stack: TfStack, expr: string): Json | undefined {
    if (expr === "path.module" || expr === "path.root" || expr === "path.cwd") return stack.dir;
    const parts = traversal(expr);
    if (parts.length < 3) return undefined;
    if (parts[0] === "data") {
      const [, type, name, ...rest] = parts;
      if (type === "terraform_remote_state" && rest[0] === "outputs" && rest[1]) return this.remoteOutput(rest[1], rest.slice(2));
      const data = stack.at(`data.${type}.${name}`);
      return data && rest.length ? this.attr(data, rest.join(".")) : undefined;
    }
    const resource = stack.at(`${parts[0]}.${parts[1]}`);
    if (!resource) return undefined;
    return this.attr(resource, parts.slice(2).join("."));
  }

  private remoteOutput(output: string, rest: string[]): Json | undefined {
    for (const stack of this.stacks) {
      const out = stack.outputs[output] as JsonObject | undefined;
      if (out && typeof out === "object" && "value" in out) return walk(this.value(stack, out.value), rest);
    }
    return undefined;
  }
}

/** Attributes that follow from the configuration alone (AWS computes them the same way). */
function derived(resolver: Resolver, r: TfResource, attribute: string): Json | undefined {
  if (r.type === "aws_api_gateway_resource" && attribute === "path") {
    const parentRef = parseRef(r.attrs.parent_id);
    const parent = parentRef && parentRef.attribute === "id" ? resolver.stack(r.stack).at(parentRef.address) : undefined;
    const parentPath = parent ? (resolver.str(parent, "path") ?? "/") : "/";
    return `${parentPath === "/" ? "" : parentPath}/${resolver.str(r, "path_part") ?? ""}`;
  }
  return undefined;
}

/** The default resolver of one stack (no computed attributes), cached per stack. */
const defaults = new WeakMap<TfStack, Resolver>();
export function resolverOf(stack: TfStack): Resolver {
  let r = defaults.get(stack);
  if (!r) {
    r = new Resolver([stack]);
    defaults.set(stack, r);
  }
  return r;
}
