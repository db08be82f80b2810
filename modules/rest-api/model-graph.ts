/**
 * The reference graph of an API's models, and the schema text each `aws_api_gateway_model`
 * gets from it. Models may refer to each other in any direction, themselves included
 * ("declare first, link after"): references are resolved when the stack is synthesized,
 * once every model is declared.
 *
 * Why cycles are inlined. API Gateway refers from one model to another by the model's
 * canonical URL, `https://apigateway.amazonaws.com/restapis/<api id>/models/<Name>`
 * (AWS, "Data models for REST APIs"; cloudonaut.io, "Reference API Gateway Models in
 * CloudFormation"), and CreateModel refuses a schema whose referenced model does not exist
 * yet: "Invalid model specified ... Model reference must be in canonical form" until the
 * referenced model is created first (Stack Overflow 65782847, fixed there with an explicit
 * dependency; aws-apigateway-importer PR #81: "API Gateway validates the existence of
 * references in your model schemas, the models must be imported ... from the leaf nodes
 * upwards"; serverless-aws-documentation #155 and #20, the same failure without DependsOn).
 * So:
 *  - a reference that is not part of a cycle stays a cross-model `$ref` to the canonical
 *    URL, and the referring model `depends_on` the referenced one, so Terraform creates the
 *    referenced model first (and, destroying, deletes the referring one first);
 *  - a cycle (two models that refer to each other, or a model that refers to itself) cannot
 *    be created as separate models in any order: whichever comes first names one that does
 *    not exist. Only ImportRestApi creates such models at once (LocalStack's AWS-validated
 *    `test_import_with_circular_models`: the imported House and Person refer to each other
 *    by URL), and Terraform's separate `aws_api_gateway_model` resources cannot use it. Each
 *    model of a strongly connected component therefore carries the whole component inline,
 *    as JSON Schema draft-04 `definitions` with local `#/definitions/<Name>` references,
 *    which need no other model to exist. That is the form AWS's own Swagger importer wrote
 *    models in (aws-apigateway-importer #43: `{"card": {"$ref": "#/definitions/Card"}},
 *    "definitions": {"Card": ...}`), and what aws-cdk's `JsonSchema` (`ref`, `definitions`)
 *    lets a schema say. References from a cycle to models outside it stay URLs with
 *    `depends_on`, as above.
 * A model inlined elsewhere cannot keep local references of its own (`#/definitions/X` of
 * its own document would resolve in the other model's document), nor its own `definitions`:
 * both are a PropError; refer to other models with `modelRef` instead.
 *
 * This file has no cdktf or constructs import: it is plain data in, plain data out.
 */
import { PropError } from "../core/errors";

export const DRAFT_04 = "http://json-schema.org/draft-04/schema#";
const MODEL_REF = "#/models/";

/** A model as declared: its name and schema as given (references written `#/models/<Name>`). */
export interface ModelSource {
  readonly name: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** What one model renders to. */
export interface RenderedModel {
  /** The schema document (`$schema` first). */
  readonly body: Record<string, unknown>;
  /** The models this one refers to by URL, in the order first referred to: its `depends_on`. */
  readonly dependsOn: readonly string[];
  /** The models inlined as `definitions` (its strongly connected component), empty when acyclic. */
  readonly inlined: readonly string[];
}

export interface RenderOptions {
  /** The construct path, for errors. */
  readonly where: string;
  /** A model's canonical URL. */
  readonly url: (name: string) => string;
  /** Every other string of a schema, as written to Terraform. */
  readonly literal: (text: string) => string;
}

/** Calls `visit` with every `$ref` string of a schema, and the path to it. */
function eachRef(value: unknown, visit: (ref: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) eachRef(v, visit);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") visit(v);
      else eachRef(v, visit);
    }
  }
}

/** The models a schema refers to (`#/models/<Name>`), in the order first referred to; a PropError for one not declared. */
function referencesOf(model: ModelSource, declared: ReadonlyMap<string, ModelSource>, where: string): string[] {
  const out = new Set<string>();
  eachRef(model.schema, (ref) => {
    if (!ref.startsWith(MODEL_REF)) return;
    const target = ref.slice(MODEL_REF.length);
    if (!declared.has(target)) {
      const known = [...declared.keys()].join(", ");
      throw new PropError(where, `models.${model.name}.$ref`, ref, `add the model "${target}" with api.addModel("${target}", schema) (models may refer to models declared after them), or refer to one of the declared models: ${known}.`);
    }
    out.add(target);
  });
  return [...out];
}

/** Tarjan's strongly connected components, in declaration order of their first member; members in declaration order. */
function components(names: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const members = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        members.add(w);
      } while (w !== v);
      found.push(names.filter((n) => members.has(n)));
    }
  };
  for (const n of names) if (!index.has(n)) connect(n);
  return found;
}

/**
 * Copies a schema with `literal` applied to its strings and each `#/models/<Name>` reference
 * replaced by `target(name)`; `local` reports any other reference (`#/definitions/X`, `#`).
 */
function rewrite(value: unknown, target: (name: string) => string, literal: (s: string) => string, local?: (ref: string) => void): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, target, literal, local));
  if (typeof value === "string") return literal(value);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith(MODEL_REF)) {
      out[k] = target(v.slice(MODEL_REF.length));
    } else {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#")) local?.(v);
      out[k] = rewrite(v, target, literal, local);
    }
  }
  return out;
}

/** Renders every model: acyclic references as URLs with `depends_on`, cycles inlined as `definitions`. */
export function renderModels(models: readonly ModelSource[], options: RenderOptions): Map<string, RenderedModel> {
  const { where, url, literal } = options;
  const declared = new Map(models.map((m) => [m.name, m]));
  const edges = new Map(models.map((m) => [m.name, referencesOf(m, declared, where)]));
  const componentOf = new Map<string, readonly string[]>();
  for (const c of components(models.map((m) => m.name), edges)) {
    const cyclic = c.length > 1 || edges.get(c[0]!)!.includes(c[0]!);
    for (const n of c) componentOf.set(n, cyclic ? c : []);
  }

  const out = new Map<string, RenderedModel>();
  for (const m of models) {
    const cycle = componentOf.get(m.name)!;
    const deps = new Set<string>();
    const byUrl = (name: string) => {
      deps.add(name);
      return url(name);
    };
    if (cycle.length === 0) {
      const body = { $schema: DRAFT_04, ...(rewrite(m.schema, byUrl, literal) as Record<string, unknown>) };
      out.set(m.name, { body, dependsOn: [...deps], inlined: [] });
      continue;
    }
    const members = new Set(cycle);
    const target = (name: string) => (members.has(name) ? `#/definitions/${name}` : byUrl(name));
    const inline = (source: ModelSource): Record<string, unknown> => {
      if (source.schema.definitions !== undefined) {
        throw new PropError(where, `models.${source.name}.definitions`, Object.keys(source.schema.definitions as object), `"${source.name}" is in a reference cycle (${cycle.join(" → ")}), so it is inlined into the other models as definitions; declare each definition as a model and refer to it with modelRef("<Name>").`);
      }
      return rewrite(source.schema, target, literal, (ref) => {
        throw new PropError(where, `models.${source.name}.$ref`, ref, `"${source.name}" is in a reference cycle (${cycle.join(" → ")}) and is inlined into the other models, where a local reference would point into their documents; declare the part as a model and refer to it with modelRef("<Name>").`);
      }) as Record<string, unknown>;
    };
    const root = inline(m);
    const definitions: Record<string, unknown> = {};
    for (const name of cycle) {
      const { $schema: _ignored, ...rest } = inline(declared.get(name)!);
      definitions[name] = rest;
    }
    out.set(m.name, { body: { $schema: DRAFT_04, ...root, definitions }, dependsOn: [...deps], inlined: cycle });
  }
  return out;
}
