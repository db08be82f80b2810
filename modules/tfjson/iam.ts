/**
 * IAM policy statements, one normalized type for every place a policy is written: JSON
 * policy documents (role, managed, bucket, resource policies) and `aws_iam_policy_document`
 * data sources. Each document is parsed once (cached by its text).
 */
import { parseRef } from "./expression";
import { blocks, strings, type JsonObject } from "./json";
import { typeKey, type TfResource, type TfStack } from "./stack";

export interface IamCondition {
  /** The operator, `StringEquals`, `Bool`, `IpAddress` ... */
  readonly test: string;
  /** The key, `aws:SourceIp` */
  readonly variable: string;
  readonly values: readonly string[];
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
  /** Like `principals`, for `NotPrincipal`. */
  readonly notPrincipals: readonly string[];
  readonly conditions: readonly IamCondition[];
}

function principalsOf(p: unknown): string[] {
  const out: string[] = [];
  if (p === "*") out.push("*");
  else if (p && typeof p === "object") {
    for (const [kind, ids] of Object.entries(p as Record<string, unknown>)) {
      for (const id of strings(ids)) out.push(id === "*" ? "*" : `${kind}:${id}`);
    }
  }
  return out;
}

function fromJson(s: Record<string, unknown>): IamStatement {
  const conditions: IamCondition[] = [];
  for (const [test, vars] of Object.entries((s.Condition as Record<string, Record<string, unknown>>) ?? {})) {
    for (const [variable, values] of Object.entries(vars ?? {})) conditions.push({ test, variable, values: strings(values) });
  }
  return {
    ...(typeof s.Sid === "string" ? { sid: s.Sid } : {}),
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    notResources: strings(s.NotResource),
    principals: principalsOf(s.Principal),
    notPrincipals: principalsOf(s.NotPrincipal),
    conditions,
  };
}

const parsed = new Map<string, IamStatement[] | undefined>();

/** Parses a JSON policy document (text or object); undefined when it is not literal JSON (an expression). */
export function parsePolicyJson(policy: unknown): IamStatement[] | undefined {
  if (typeof policy === "string") {
    if (parsed.has(policy)) return parsed.get(policy);
    let doc: unknown;
    try {
      doc = JSON.parse(policy);
    } catch {
      doc = undefined;
    }
    const out = doc && typeof doc === "object" && !Array.isArray(doc) ? statementsFromDocument(doc) : undefined;
    if (parsed.size > 5000) parsed.clear();
    parsed.set(policy, out);
    return out;
  }
  return policy && typeof policy === "object" && !Array.isArray(policy) ? statementsFromDocument(policy) : undefined;
}

function statementsFromDocument(doc: object): IamStatement[] {
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((s: Record<string, unknown>) => fromJson(s));
}

/** Statements of a `data.aws_iam_policy_document`'s configuration. */
export function policyDocumentStatements(attrs: JsonObject): IamStatement[] {
  const principals = (list: unknown) => {
    const out: string[] = [];
    for (const p of blocks(list)) for (const id of strings(p.identifiers)) out.push(id === "*" ? "*" : `${String(p.type)}:${id}`);
    return out;
  };
  return blocks(attrs.statement).map((s) => ({
    ...(typeof s.sid === "string" ? { sid: s.sid } : {}),
    effect: s.effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.actions),
    notActions: strings(s.not_actions),
    resources: strings(s.resources),
    notResources: strings(s.not_resources),
    principals: principals(s.principals),
    notPrincipals: principals(s.not_principals),
    conditions: blocks(s.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: strings(c.values) })),
  }));
}

/**
 * The statements of a policy attribute: literal JSON, or a reference to a
 * `data.aws_iam_policy_document`'s `json` in the same stack; undefined for any other expression.
 */
export function statementsOf(stack: TfStack, policy: unknown): IamStatement[] | undefined {
  const ref = parseRef(policy);
  if (ref && ref.address.startsWith("data.aws_iam_policy_document.")) {
    const doc = stack.at(ref.address);
    return doc ? policyDocumentStatements(doc.attrs) : undefined;
  }
  return parsePolicyJson(policy);
}

/** Resource types whose policies grant permissions. */
export const PERMISSION_POLICY_TYPES = [
  "aws_iam_role_policy",
  "aws_iam_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
  "data.aws_iam_policy_document",
] as const;

/**
 * Every permission policy a resource carries, with a label: inline role policies, managed
 * policies, role inline_policy blocks, policy document data sources (not trust policies).
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
