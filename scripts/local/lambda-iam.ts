/**
 * Who may invoke a function, as Lambda decides it for a caller in the same account: the
 * caller's identity policies (its execution role's inline policies) allow the action on
 * the invoked ARN and none denies it, or the function's resource-based policy
 * (`aws_lambda_permission`) names the caller's role or account as principal.
 */
import { parsePolicyJson, type IamStatement } from "../../modules/tfjson";
import { globMatch } from "./authorizers";
import { ACCOUNT_ID } from "./model/computed";
import type { FunctionModel, PermissionModel } from "./model/types";

/**
 * The statements of a policy text in modules/tfjson's IAM statement type. Statements with
 * conditions are not evaluated locally and count as not matching (left out), as are those
 * whose Effect is neither Allow nor Deny.
 */
function statementsOf(policy: string): IamStatement[] {
  let doc: { Statement?: unknown } | undefined;
  try {
    doc = JSON.parse(policy) as { Statement?: unknown } | undefined;
  } catch {
    return [];
  }
  const raw = doc?.Statement;
  const all = (Array.isArray(raw) ? raw : raw && typeof raw === "object" ? [raw] : []) as Record<string, unknown>[];
  const kept = all.filter((s) => (s?.Effect === "Allow" || s?.Effect === "Deny") && s.Condition === undefined);
  return parsePolicyJson({ Statement: kept }) ?? [];
}

/** IAM matches actions case-insensitively and resources case-sensitively. */
function matches(s: IamStatement, action: string, resource: string): boolean {
  const actionOk =
    s.notActions.length > 0
      ? !s.notActions.some((a) => globMatch(a.toLowerCase(), action.toLowerCase()))
      : s.actions.some((a) => globMatch(a.toLowerCase(), action.toLowerCase()));
  if (!actionOk) return false;
  return s.notResources.length > 0 ? !s.notResources.some((r) => globMatch(r, resource)) : s.resources.some((r) => globMatch(r, resource));
}

export type Decision = { allowed: true } | { allowed: false; reason: "explicit-deny" | "no-allow" };

/** Evaluates identity policies: an explicit Deny wins, then any Allow; statements with conditions are not evaluated locally and count as not matching. */
export function identityDecision(policies: readonly string[], action: string, resource: string): Decision {
  const statements = policies.flatMap(statementsOf);
  if (statements.some((s) => s.effect === "Deny" && matches(s, action, resource))) return { allowed: false, reason: "explicit-deny" };
  if (statements.some((s) => s.effect === "Allow" && matches(s, action, resource))) return { allowed: true };
  return { allowed: false, reason: "no-allow" };
}

/** True when a resource-based permission of `target` lets this role (or its account) invoke it. */
export function resourcePolicyAllows(permissions: readonly PermissionModel[], target: FunctionModel, qualifier: string | undefined, roleArn: string | undefined): boolean {
  return permissions.some((p) => {
    if (p.action !== "lambda:InvokeFunction" && p.action !== "lambda:*") return false;
    const m = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:([^:]+)(?::(.+))?$/.exec(p.functionName);
    const [name, q] = m ? [m[1], p.qualifier ?? m[2]] : [p.functionName.split(":")[0], p.qualifier ?? p.functionName.split(":")[1]];
    if (name !== target.functionName || (q ?? undefined) !== (qualifier ?? undefined)) return false;
    return p.principal === roleArn || p.principal === ACCOUNT_ID || p.principal === `arn:aws:iam::${ACCOUNT_ID}:root`;
  });
}

/** The principal Lambda names in an AccessDeniedException: the caller's assumed-role session. */
export function assumedRoleArn(caller: FunctionModel): string {
  const role = caller.roleArn?.replace(/^arn:aws[\w-]*:iam::\d+:role\/(?:.*\/)?/, "") ?? `${caller.functionName}-role`;
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role}/${caller.functionName}`;
}
