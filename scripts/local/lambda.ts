/**
 * From an integration URI to a local function: stage variables substituted, the function
 * ARN parsed, the qualifier (alias or version) resolved, and the resource-based policy
 * (aws_lambda_permission) checked as Lambda checks it for API Gateway.
 */
import { globMatch } from "./authorizers";
import type { FunctionModel, PermissionModel } from "./model/types";

export interface LambdaTarget {
  readonly fn: FunctionModel;
  /** Alias or version named in the URI, if any. */
  readonly qualifier?: string;
  /** The version that runs. */
  readonly version: string;
  readonly invokedArn: string;
}

export function substituteStageVariables(text: string, variables: Record<string, string>): string {
  return text.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, name: string) => variables[name] ?? "");
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations` → function ARN. */
export function functionArnOf(uri: string): string | undefined {
  const m = /^arn:aws[\w-]*:apigateway:[^:]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri);
  return m?.[1];
}

/** Finds the function and version for an ARN or name, qualified or not; undefined when Lambda would answer 404. */
export function resolveTarget(functions: readonly FunctionModel[], arnOrName: string): LambdaTarget | undefined {
  let name: string;
  let qualifier: string | undefined;
  const m = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:([^:]+)(?::(.+))?$/.exec(arnOrName);
  if (m) {
    name = m[1]!;
    qualifier = m[2] || undefined;
  } else {
    [name, qualifier] = arnOrName.split(":") as [string, string | undefined];
  }
  const fn = functions.find((f) => f.functionName === name);
  if (!fn) return undefined;
  let version: string;
  if (qualifier === undefined || qualifier === "$LATEST") version = "$LATEST";
  else if (fn.aliases.has(qualifier)) version = fn.aliases.get(qualifier)!;
  // A published version: 1 up to the function's current version (none when it is not published).
  else if (/^[1-9]\d*$/.test(qualifier) && Number(qualifier) <= Number(fn.version)) version = qualifier;
  else return undefined;
  return { fn, qualifier, version, invokedArn: qualifier === undefined ? fn.arn : `${fn.arn}:${qualifier}` };
}

function permissionTarget(p: PermissionModel): { name: string; qualifier?: string } {
  const m = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:([^:]+)(?::(.+))?$/.exec(p.functionName);
  if (m) return { name: m[1]!, qualifier: p.qualifier ?? m[2] };
  const [name, q] = p.functionName.split(":") as [string, string | undefined];
  return { name, qualifier: p.qualifier ?? q };
}

/**
 * True when a permission lets API Gateway invoke this target from any of the source ARNs
 * (`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`).
 */
export function permitted(permissions: readonly PermissionModel[], target: LambdaTarget, sourceArns: readonly string[]): boolean {
  return permissions.some((p) => {
    if (p.principal !== "apigateway.amazonaws.com") return false;
    if (p.action !== "lambda:InvokeFunction" && p.action !== "lambda:*") return false;
    const t = permissionTarget(p);
    if (t.name !== target.fn.functionName) return false;
    if ((t.qualifier ?? undefined) !== (target.qualifier ?? undefined)) return false;
    if (!p.sourceArn) return true;
    return sourceArns.some((arn) => globMatch(p.sourceArn!, arn));
  });
}
