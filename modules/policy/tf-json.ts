/**
 * Helpers over a synthesized Terraform JSON stack (`cdk.tf.json`): resources by type and
 * name, references such as `${aws_s3_bucket.b_1234.id}`, nested blocks, IAM policy documents.
 * They know nothing of the constructs that produced the JSON, so rules and the review
 * tooling work the same on a fresh synth and on a `cdktf.out/` read from disk.
 */

/** A synthesized stack: `resource` and `data` are type → name → attributes. */
export interface StackJson {
  readonly "//"?: { readonly metadata?: Record<string, unknown> } & Record<string, unknown>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Attrs>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Attrs>>>>;
  readonly [key: string]: unknown;
}

export type Attrs = Readonly<Record<string, unknown>>;

/** One resource or data source of a stack. */
export interface TfResource {
  readonly kind: "resource" | "data";
  /** `aws_s3_bucket` */
  readonly type: string;
  /** Terraform name (logical id), `b_1234` */
  readonly name: string;
  /** `aws_s3_bucket.b_1234`, or `data.aws_iam_policy_document.d` */
  readonly address: string;
  /** Construct path from the `//` metadata (`stack/Bucket/Resource`), or the address when absent. */
  readonly constructPath: string;
  readonly attrs: Attrs;
}

/** Key used by rules to apply to data sources: `data.aws_iam_policy_document`. */
export function typeKey(r: Pick<TfResource, "kind" | "type">): string {
  return r.kind === "data" ? `data.${r.type}` : r.type;
}

function toResource(kind: "resource" | "data", type: string, name: string, attrs: Attrs): TfResource {
  const meta = (attrs["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
  return { kind, type, name, address, constructPath: meta?.path ?? address, attrs };
}

/** Every resource and data source of the stack, in document order. */
export function allResources(stack: StackJson): TfResource[] {
  const out: TfResource[] = [];
  for (const kind of ["resource", "data"] as const) {
    const byType = stack[kind] ?? {};
    for (const [type, byName] of Object.entries(byType)) {
      for (const [name, attrs] of Object.entries(byName ?? {})) out.push(toResource(kind, type, name, attrs));
    }
  }
  return out;
}

/** Resources of one type (`aws_lambda_function`), or data sources with `data.` prefix. */
export function resourcesOfType(stack: StackJson, type: string): TfResource[] {
  const kind = type.startsWith("data.") ? "data" : "resource";
  const bare = kind === "data" ? type.slice(5) : type;
  const byName = stack[kind]?.[bare] ?? {};
  return Object.entries(byName).map(([name, attrs]) => toResource(kind, bare, name, attrs));
}

/** The resource at an address (`aws_s3_bucket.b` or `data.aws_iam_policy_document.d`). */
export function resourceAt(stack: StackJson, address: string): TfResource | undefined {
  const isData = address.startsWith("data.");
  const parts = (isData ? address.slice(5) : address).split(".");
  if (parts.length < 2) return undefined;
  const [type, name] = parts as [string, string];
  const attrs = stack[isData ? "data" : "resource"]?.[type]?.[name];
  return attrs ? toResource(isData ? "data" : "resource", type, name, attrs) : undefined;
}

const SIMPLE_REF = /^\$\{((?:data\.)?[a-zA-Z0-9_]+\.[a-zA-Z0-9_-]+)(?:\.([a-zA-Z0-9_.[\]*"-]+))?\}$/;

/** A whole-string reference `${type.name.attr}` → its parts, else undefined. */
export function parseRef(value: unknown): { address: string; attribute: string | undefined } | undefined {
  if (typeof value !== "string") return undefined;
  const m = SIMPLE_REF.exec(value);
  if (!m) return undefined;
  return { address: m[1]!, attribute: m[2] };
}

/** Every `type.name` address referenced anywhere inside a string (`${aws_x.y.arn}:suffix`). */
export function referencedAddresses(value: unknown): string[] {
  if (typeof value !== "string") return [];
  const out: string[] = [];
  const re = /(?<!\$)\$\{[^}]*?((?:data\.)?aws_[a-zA-Z0-9_]+\.[a-zA-Z0-9_-]+)/g;
  for (const m of value.matchAll(re)) out.push(m[1]!);
  return out;
}

/** True when `value` references the resource at `address` (any attribute). */
export function refersTo(value: unknown, address: string): boolean {
  return referencedAddresses(value).includes(address);
}

/** True when the value is (or contains) a Terraform expression. */
export function isToken(value: unknown): boolean {
  return typeof value === "string" && /(?<!\$)\$\{/.test(value);
}

/**
 * Resolves a simple reference to a literal attribute of another resource in the stack
 * (`${aws_api_gateway_method.m.http_method}` → `GET`); returns the value unchanged otherwise.
 */
export function resolveValue(stack: StackJson, value: unknown, depth = 0): unknown {
  const ref = parseRef(value);
  if (!ref || !ref.attribute || depth > 5) return value;
  const target = resourceAt(stack, ref.address);
  if (!target) return value;
  const v = target.attrs[ref.attribute];
  return v === undefined ? value : resolveValue(stack, v, depth + 1);
}

/** A nested block rendered either as an object or a one-element list → the object. */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value.length > 0 ? (value[0] as Record<string, unknown>) : undefined;
  if (value && typeof value === "object") return value as Record<string, unknown>;
  return undefined;
}

/** A repeated block (object or list) → the list. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value as Record<string, unknown>[];
  if (value && typeof value === "object") return [value as Record<string, unknown>];
  return [];
}

/** String or list of strings → list. */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** One IAM statement, normalized from a JSON policy or an `aws_iam_policy_document` block. */
export interface IamStatement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `*`, or `{ AWS: [...], Service: [...] }` flattened to `AWS:arn` strings; empty when absent. */
  readonly principals: readonly string[];
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** Parses a JSON policy document string; undefined when it is not literal JSON (a token). */
export function parsePolicyJson(policy: unknown): IamStatement[] | undefined {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  if (!doc || typeof doc !== "object") return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((s: Record<string, unknown>) => {
    const principals: string[] = [];
    const p = s.Principal;
    if (p === "*") principals.push("*");
    else if (p && typeof p === "object") {
      for (const [kind, ids] of Object.entries(p as Record<string, unknown>)) {
        for (const id of strings(ids)) principals.push(id === "*" ? "*" : `${kind}:${id}`);
      }
    }
    const conditions: { test: string; variable: string; values: string[] }[] = [];
    for (const [test, vars] of Object.entries((s.Condition as Record<string, Record<string, unknown>>) ?? {})) {
      for (const [variable, values] of Object.entries(vars ?? {})) {
        conditions.push({ test, variable, values: strings(values) });
      }
    }
    return {
      ...(typeof s.Sid === "string" ? { sid: s.Sid } : {}),
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      notResources: strings(s.NotResource),
      principals,
      conditions,
    };
  });
}

/** Statements of a `data.aws_iam_policy_document`. */
export function policyDocumentStatements(attrs: Attrs): IamStatement[] {
  return blocks(attrs.statement).map((s) => {
    const principals: string[] = [];
    for (const p of blocks(s.principals)) {
      for (const id of strings(p.identifiers)) principals.push(id === "*" ? "*" : `${String(p.type)}:${id}`);
    }
    return {
      ...(typeof s.sid === "string" ? { sid: s.sid } : {}),
      effect: s.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      notResources: strings(s.not_resources),
      principals,
      conditions: blocks(s.condition).map((c) => ({
        test: String(c.test),
        variable: String(c.variable),
        values: strings(c.values),
      })),
    };
  });
}

/**
 * The statements of a policy attribute: literal JSON, or a reference to a
 * `data.aws_iam_policy_document`'s `json` in the same stack.
 */
export function statementsOf(stack: StackJson, policy: unknown): IamStatement[] | undefined {
  const ref = parseRef(policy);
  if (ref && ref.address.startsWith("data.aws_iam_policy_document.")) {
    const doc = resourceAt(stack, ref.address);
    return doc ? policyDocumentStatements(doc.attrs) : undefined;
  }
  return parsePolicyJson(policy);
}

/**
 * Every policy document a resource carries, with a label: inline role policies,
 * managed policies, role inline_policy blocks, policy document data sources.
 * (Assume-role policies are handled separately.)
 */
export function permissionPolicies(r: TfResource): { label: string; statements: IamStatement[] }[] {
  switch (typeKey(r)) {
    case "aws_iam_role_policy":
    case "aws_iam_policy":
    case "aws_iam_user_policy":
    case "aws_iam_group_policy": {
      const st = parsePolicyJson(r.attrs.policy);
      return st ? [{ label: "policy", statements: st }] : [];
    }
    case "aws_iam_role":
      return blocks(r.attrs.inline_policy).flatMap((p) => {
        const st = parsePolicyJson(p.policy);
        return st ? [{ label: `inline_policy ${String(p.name ?? "")}`.trim(), statements: st }] : [];
      });
    case "data.aws_iam_policy_document":
      return [{ label: "statement", statements: policyDocumentStatements(r.attrs) }];
    default:
      return [];
  }
}

/** Resource types whose policies grant permissions (the IAM rules apply to these). */
export const PERMISSION_POLICY_TYPES = [
  "aws_iam_role_policy",
  "aws_iam_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
  "data.aws_iam_policy_document",
] as const;
