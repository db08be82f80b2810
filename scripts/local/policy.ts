/**
 * A REST API's resource policy (`aws_api_gateway_rest_api.policy` or
 * `aws_api_gateway_rest_api_policy`), evaluated as API Gateway evaluates it for an
 * anonymous caller: an explicit Deny wins, then an Allow is needed.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { globMatch } from "./authorizers";

type Strings = string | string[];

export interface ResourcePolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: "*" | Record<string, Strings>;
  Action?: Strings;
  NotAction?: Strings;
  Resource?: Strings;
  NotResource?: Strings;
  Condition?: Record<string, Record<string, Strings>>;
}

export interface ResourcePolicyDocument {
  Version?: string;
  Statement?: ResourcePolicyStatement | ResourcePolicyStatement[];
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

const listOf = (v: Strings | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export function statementsOf(policy: ResourcePolicyDocument | undefined): ResourcePolicyStatement[] {
  const s = policy?.Statement;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

/**
 * Parses the policy text. Resources in API Gateway's short form (`execute-api:/<stage>/<METHOD>/<path>`)
 * are expanded to the API's ARN, as API Gateway does when it stores the policy.
 */
export function parseResourcePolicy(text: string, apiArn: string): ResourcePolicyDocument {
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("a resource policy must be a JSON object");
  const policy = parsed as ResourcePolicyDocument;
  const expand = (r: Strings | undefined) => (r === undefined ? undefined : listOf(r).map((x) => (x.startsWith("execute-api:/") ? `${apiArn}${x.slice("execute-api:".length)}` : x)));
  const statements = statementsOf(policy).map((s) => ({ ...s, Resource: expand(s.Resource), NotResource: expand(s.NotResource) }));
  return { ...policy, Statement: statements };
}

/** What in a policy the local gateway cannot evaluate, for the console. */
export function policyWarnings(policy: ResourcePolicyDocument): string[] {
  const out: string[] = [];
  for (const s of statementsOf(policy)) {
    for (const op of Object.keys(s.Condition ?? {})) {
      const base = op.replace(/IfExists$/, "");
      if (!OPERATORS.has(base)) out.push(`condition operator ${op} is not evaluated locally: its statement${s.Sid ? ` ${s.Sid}` : ""} never applies`);
    }
    if ((s as { NotPrincipal?: unknown }).NotPrincipal !== undefined) out.push(`NotPrincipal is not evaluated locally: statement${s.Sid ? ` ${s.Sid}` : ""} never applies`);
  }
  return out;
}

/** `Principal: "*"` or `{"AWS": "*"}`: the statements that apply to an anonymous caller. */
function anonymousPrincipal(p: ResourcePolicyStatement["Principal"]): boolean {
  if (p === "*") return true;
  if (!p || typeof p !== "object") return false;
  return listOf(p.AWS).includes("*");
}

function actionMatches(s: ResourcePolicyStatement): boolean {
  const invoke = "execute-api:invoke";
  if (s.Action !== undefined) return listOf(s.Action).some((a) => globMatch(a.toLowerCase(), invoke));
  if (s.NotAction !== undefined) return !listOf(s.NotAction).some((a) => globMatch(a.toLowerCase(), invoke));
  return false;
}

function resourceMatches(s: ResourcePolicyStatement, arn: string): boolean {
  if (s.Resource !== undefined) return listOf(s.Resource).some((r) => globMatch(r, arn));
  if (s.NotResource !== undefined) return !listOf(s.NotResource).some((r) => globMatch(r, arn));
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

function conditionHolds(operator: string, key: string, values: string[], req: PolicyRequest): boolean {
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

function conditionsHold(s: ResourcePolicyStatement, req: PolicyRequest): boolean {
  for (const [operator, byKey] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(byKey ?? {})) {
      if (!conditionHolds(operator, key, listOf(values), req)) return false;
    }
  }
  return true;
}

function applies(s: ResourcePolicyStatement, req: PolicyRequest): boolean {
  if ((s as { NotPrincipal?: unknown }).NotPrincipal !== undefined) return false;
  return anonymousPrincipal(s.Principal) && actionMatches(s) && resourceMatches(s, req.arn) && conditionsHold(s, req);
}

/** API Gateway's decision for an anonymous caller: an explicit Deny wins, then an Allow; else an implicit deny. */
export function evaluateResourcePolicy(policy: ResourcePolicyDocument, req: PolicyRequest): PolicyDecision {
  const statements = statementsOf(policy);
  if (statements.some((s) => s.Effect === "Deny" && applies(s, req))) return "explicit-deny";
  if (statements.some((s) => s.Effect === "Allow" && applies(s, req))) return "allow";
  return "implicit-deny";
}

/** The body message API Gateway sends when the policy denies (account id masked, as API Gateway masks it). */
export function policyDenialMessage(decision: "implicit-deny" | "explicit-deny", arn: string): string {
  const masked = arn.replace(/^(arn:[^:]+:execute-api:[^:]*:)(\d*)(\d{4}):/, (_m, head: string, first: string, last: string) => `${head}${"*".repeat(first.length)}${last}:`);
  return `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${masked}${decision === "explicit-deny" ? " with an explicit deny" : ""}`;
}
