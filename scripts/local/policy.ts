/**
 * A REST API's resource policy (`aws_api_gateway_rest_api.policy` or
 * `aws_api_gateway_rest_api_policy`), evaluated as API Gateway evaluates it for an
 * anonymous caller: an explicit Deny wins, then an Allow is needed. The statements are
 * modules/tfjson's `IamStatement`, the one IAM statement type of the repository.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { parsePolicyJson, type IamStatement } from "../../modules/tfjson";
import { globMatch } from "./authorizers";

/** A parsed resource policy: its statements in modules/tfjson's one IAM statement type. */
export interface ResourcePolicyDocument {
  readonly statements: readonly IamStatement[];
  /** Statements left out because their `Effect` is neither `Allow` nor `Deny` (by Sid or position), for the console. */
  readonly leftOut: readonly string[];
}

/** What API Gateway decides for a request. */
export type PolicyDecision = "allow" | "implicit-deny" | "explicit-deny";

/** The facts about a request that conditions can test. */
export interface PolicyRequest {
  /** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>` */
  readonly arn: string;
  /** The TCP peer address (`aws:SourceIp`). */
  readonly sourceIp: string;
  /** Header values by lower-case name (for `aws:Referer`, `aws:UserAgent`). */
  readonly header: (name: string) => string | undefined;
}

/** Condition operators the local gateway evaluates; anything else makes the condition false (see `policyWarnings`). */
const OPERATORS = new Set(["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "IpAddress", "NotIpAddress"]);

/**
 * Parses the policy text. Resources in API Gateway's short form (`execute-api:/<stage>/<METHOD>/<path>`)
 * are expanded to the API's ARN, as API Gateway does when it stores the policy. A statement
 * whose `Effect` is not exactly `Allow` or `Deny` never applies (left out, with a warning).
 */
export function parseResourcePolicy(text: string, apiArn: string): ResourcePolicyDocument {
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("a resource policy must be a JSON object");
  const raw = (parsed as { Statement?: unknown }).Statement;
  const all = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Record<string, unknown>[];
  const leftOut: string[] = [];
  const kept = all.filter((s, i) => {
    const ok = s?.Effect === "Allow" || s?.Effect === "Deny";
    if (!ok) leftOut.push(typeof s?.Sid === "string" ? s.Sid : `#${i + 1}`);
    return ok;
  });
  const expand = (list: readonly string[]) => list.map((x) => (x.startsWith("execute-api:/") ? `${apiArn}${x.slice("execute-api:".length)}` : x));
  const statements = (parsePolicyJson({ Statement: kept }) ?? []).map((s) => ({ ...s, resources: expand(s.resources), notResources: expand(s.notResources) }));
  return { statements, leftOut };
}

/** What in a policy the local gateway cannot evaluate, for the console. */
export function policyWarnings(policy: ResourcePolicyDocument): string[] {
  const out = policy.leftOut.map((s) => `statement ${s} has an Effect other than Allow or Deny: it never applies`);
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const base = c.test.replace(/IfExists$/, "");
      if (!OPERATORS.has(base)) out.push(`condition operator ${c.test} is not evaluated locally: its statement${s.sid ? ` ${s.sid}` : ""} never applies`);
    }
    if (s.notPrincipals.length > 0) out.push(`NotPrincipal is not evaluated locally: statement${s.sid ? ` ${s.sid}` : ""} never applies`);
  }
  return [...new Set(out)];
}

/** `Principal: "*"` or `{"AWS": "*"}` (tfjson's `*`): the statements that apply to an anonymous caller. */
const anonymousPrincipal = (s: IamStatement): boolean => s.principals.includes("*");

function actionMatches(s: IamStatement): boolean {
  const invoke = "execute-api:invoke";
  if (s.actions.length > 0) return s.actions.some((a) => globMatch(a.toLowerCase(), invoke));
  if (s.notActions.length > 0) return !s.notActions.some((a) => globMatch(a.toLowerCase(), invoke));
  return false;
}

function resourceMatches(s: IamStatement, arn: string): boolean {
  if (s.resources.length > 0) return s.resources.some((r) => globMatch(r, arn));
  if (s.notResources.length > 0) return !s.notResources.some((r) => globMatch(r, arn));
  return false;
}

/** True when an IPv4 or IPv6 address lies in a CIDR range (a bare address is a /32 or /128). */
export function inCidr(address: string, cidr: string): boolean {
  const [net, bits] = cidr.trim().split("/") as [string, string | undefined];
  const type = isIPv4(net) ? "ipv4" : isIPv6(net) ? "ipv6" : undefined;
  const addressType = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  if (!type || type !== addressType) return false;
  const prefix = bits === undefined ? (type === "ipv4" ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (type === "ipv4" ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return list.check(address, type);
}

/** The request's value of a condition key; undefined when the request has none (no VPC locally). */
function contextValue(key: string, req: PolicyRequest): string | undefined {
  switch (key.toLowerCase()) {
    case "aws:sourceip":
      return req.sourceIp;
    case "aws:referer":
      return req.header("referer");
    case "aws:useragent":
      return req.header("user-agent");
    default:
      // aws:SourceVpc, aws:SourceVpce, aws:PrincipalOrgID, ...: not present for a request on loopback.
      return undefined;
  }
}

function conditionHolds(operator: string, key: string, values: readonly string[], req: PolicyRequest): boolean {
  const ifExists = operator.endsWith("IfExists");
  const op = ifExists ? operator.slice(0, -"IfExists".length) : operator;
  if (!OPERATORS.has(op)) return false;
  const negated = op.includes("Not");
  const value = contextValue(key, req);
  // A missing key: positive operators are false, negated ones true; ...IfExists is true either way.
  if (value === undefined) return ifExists || negated;
  let matchesAny: boolean;
  switch (op) {
    case "StringEquals":
    case "StringNotEquals":
      matchesAny = values.includes(value);
      break;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      matchesAny = values.some((v) => v.toLowerCase() === value.toLowerCase());
      break;
    case "StringLike":
    case "StringNotLike":
      matchesAny = values.some((v) => globMatch(v, value));
      break;
    default:
      // IpAddress, NotIpAddress
      matchesAny = values.some((cidr) => inCidr(value, cidr));
  }
  return negated ? !matchesAny : matchesAny;
}

const conditionsHold = (s: IamStatement, req: PolicyRequest): boolean => s.conditions.every((c) => conditionHolds(c.test, c.variable, c.values, req));

function applies(s: IamStatement, req: PolicyRequest): boolean {
  if (s.notPrincipals.length > 0) return false;
  return anonymousPrincipal(s) && actionMatches(s) && resourceMatches(s, req.arn) && conditionsHold(s, req);
}

/** API Gateway's decision for an anonymous caller: an explicit Deny wins, then an Allow; else an implicit deny. */
export function evaluateResourcePolicy(policy: ResourcePolicyDocument, req: PolicyRequest): PolicyDecision {
  const { statements } = policy;
  if (statements.some((s) => s.effect === "Deny" && applies(s, req))) return "explicit-deny";
  if (statements.some((s) => s.effect === "Allow" && applies(s, req))) return "allow";
  return "implicit-deny";
}

/** The body message API Gateway sends when the policy denies (account id masked, as API Gateway masks it). */
export function policyDenialMessage(decision: "implicit-deny" | "explicit-deny", arn: string): string {
  const masked = arn.replace(/^(arn:[^:]+:execute-api:[^:]*:)(\d*)(\d{4}):/, (_m, head: string, first: string, last: string) => `${head}${"*".repeat(first.length)}${last}:`);
  return `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${masked}${decision === "explicit-deny" ? " with an explicit deny" : ""}`;
}
