/**
 * Compares two JSON Schemas of one request or response body (OpenAPI Schema Objects, `$ref`s
 * into `#/components/schemas` followed in each side's own document) and classes each change
 * the way oasdiff does: what breaks a client that was written against the base.
 *
 * Request bodies: a new required property, a changed type, a narrowed enum break callers.
 * Responses: a removed property or a changed type breaks readers; a widened enum is risky.
 */
export type Level = "breaking" | "risky" | "safe";
type Json = Record<string, unknown>;

export interface SchemaChange {
  /** oasdiff's check id, e.g. `new-required-request-property`. */
  readonly id: string;
  readonly level: Level;
  /** `body.items[].price` */
  readonly where: string;
  readonly detail: string;
}

export interface SchemaSide {
  readonly schema: unknown;
  /** The OpenAPI document the schema's `$ref`s point into. */
  readonly doc: Json;
}

const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

/** Follows `#/components/schemas/<name>` references; the name of the last one is returned too. */
function resolve(side: SchemaSide, schema: unknown): { schema: Json | undefined; ref?: string } {
  let s = obj(schema);
  let ref: string | undefined;
  for (let i = 0; i < 10 && typeof s?.$ref === "string"; i += 1) {
    ref = /^#\/components\/schemas\/(.+)$/.exec(s.$ref as string)?.[1];
    s = ref ? obj(obj(obj(side.doc.components)?.schemas)?.[ref]) : undefined;
  }
  return { schema: s, ...(ref ? { ref } : {}) };
}

const typeOf = (s: Json | undefined): string | undefined => {
  if (!s) return undefined;
  const t = Array.isArray(s.type) ? [...s.type].map(String).sort().join("|") : typeof s.type === "string" ? s.type : undefined;
  if (t === undefined) return undefined;
  return s.nullable === true ? `${t}|null` : t;
};
const required = (s: Json | undefined): Set<string> => new Set(Array.isArray(s?.required) ? s!.required.map(String) : []);
const enumOf = (s: Json | undefined): string[] | undefined => (Array.isArray(s?.enum) ? s!.enum.map((v) => JSON.stringify(v)) : undefined);
const list = (xs: readonly string[]) => xs.join(", ");

/** The changes from `base` to `head` of one body schema, for a request or a response. */
export function diffSchemas(base: SchemaSide, head: SchemaSide, direction: "request" | "response", where = "body"): SchemaChange[] {
  const out: SchemaChange[] = [];
  const seen = new Set<string>();
  const push = (id: string, level: Level, at: string, detail: string) => out.push({ id, level, where: at, detail });
  const req = direction === "request";

  const walk = (b: unknown, h: unknown, at: string) => {
    const rb = resolve(base, b);
    const rh = resolve(head, h);
    const key = `${rb.ref ?? at}|${rh.ref ?? at}`;
    if ((rb.ref || rh.ref) && seen.has(key)) return;
    seen.add(key);
    const bs = rb.schema;
    const hs = rh.schema;
    if (!bs || !hs) return;
    const root = at === where;
    const tb = typeOf(bs);
    const th = typeOf(hs);
    if (tb !== undefined && th !== undefined && tb !== th) {
      push(`${direction}-${root ? "body" : "property"}-type-changed`, "breaking", at, `type ${tb} → ${th}`);
      return;
    }
    const eb = enumOf(bs);
    const eh = enumOf(hs);
    if (eb || eh) {
      const removed = eb && eh ? eb.filter((v) => !eh.includes(v)) : [];
      const added = eb && eh ? eh.filter((v) => !eb.includes(v)) : [];
      if (!eb && eh) push(`${direction}-property-enum-added`, req ? "breaking" : "safe", at, `now limited to ${list(eh)}`);
      if (removed.length) push(`${direction}-property-enum-value-removed`, req ? "breaking" : "safe", at, `enum narrowed: ${list(removed)} no longer accepted`);
      if (added.length) push(`${direction}-property-enum-value-added`, req ? "safe" : "risky", at, `enum widened: ${list(added)} added`);
    }
    const pb = obj(bs.properties) ?? {};
    const ph = obj(hs.properties) ?? {};
    const qb = required(bs);
    const qh = required(hs);
    for (const name of Object.keys(pb)) {
      const p = `${at}.${name}`;
      if (!(name in ph)) {
        if (req) push("request-property-removed", "risky", p, "property removed: callers that send it may be refused");
        else push(qb.has(name) ? "response-required-property-removed" : "response-property-removed", "breaking", p, "property removed from the response");
        continue;
      }
      if (req && !qb.has(name) && qh.has(name)) push("request-property-became-required", "breaking", p, "property became required");
      if (!req && qb.has(name) && !qh.has(name)) push("response-property-became-optional", "risky", p, "property may now be absent");
      walk(pb[name], ph[name], p);
    }
    for (const name of Object.keys(ph)) {
      if (name in pb) continue;
      const p = `${at}.${name}`;
      if (req) push(qh.has(name) ? "new-required-request-property" : "new-optional-request-property", qh.has(name) ? "breaking" : "safe", p, qh.has(name) ? "new required property" : "new optional property");
      else push("response-property-added", "safe", p, "new property in the response");
    }
    if (bs.items !== undefined || hs.items !== undefined) walk(bs.items, hs.items, `${at}[]`);
  };
  walk(base.schema, head.schema, where);
  return out;
}
