/**
 * What a Lambda integration (or a Lambda authorizer) invokes: the unqualified function, one
 * alias, or the alias a stage variable picks; the checks against the function's declared
 * aliases and the invoke URI API Gateway calls.
 */
import { isResolved, PropError } from "../../core/errors";
import { lambdaInvokeUri, type LambdaAliasRef, type LambdaFunctionRef, type StageVariableTarget } from "../../core/function-ref";
import type { ResolvedStage } from "../types";

/** A Lambda function pinned to one of its aliases. */
export interface LambdaAliasTarget {
  readonly fn: LambdaFunctionRef;
  /** Alias name, or the alias itself (its `name` is used). */
  readonly alias: string | LambdaAliasRef;
}

/**
 * What a Lambda integration invokes: the unqualified function (`$LATEST`), one alias, or
 * the alias a stage variable names (`fn.aliasFromStageVariable("lambdaAlias")`).
 */
export type LambdaTarget = LambdaFunctionRef | LambdaAliasTarget | StageVariableTarget;

export function isStageVariableTarget(t: LambdaTarget): t is StageVariableTarget {
  return (t as StageVariableTarget).kind === "stage-variable";
}

export function isAliasTarget(t: LambdaTarget): t is LambdaAliasTarget {
  if (isStageVariableTarget(t)) return false;
  const candidate = t as Partial<LambdaAliasTarget>;
  return candidate.fn !== undefined && typeof candidate.alias !== "function";
}

/** The function behind any target. */
export function targetFunction(t: LambdaTarget): LambdaFunctionRef {
  if (isStageVariableTarget(t) || isAliasTarget(t)) return t.fn;
  return t;
}

/** The alias name of an alias target. */
export function aliasName(t: LambdaAliasTarget): string {
  return typeof t.alias === "string" ? t.alias : t.alias.name;
}

/** Human description of a target: `ItemsFunction`, `ItemsFunction:prod`, `ItemsFunction:${stageVariables.lambdaAlias}`. */
export function describeTarget(t: LambdaTarget): string {
  if (isStageVariableTarget(t)) return `${t.fn.id}:\${stageVariables.${t.variable}}`;
  if (isAliasTarget(t)) return `${t.fn.id}:${aliasName(t)}`;
  return t.id;
}

/**
 * The integration URI. A stage-variable target is written `...:$${stageVariables.x}/invocations`:
 * `$${` is Terraform's escape, API Gateway receives `${stageVariables.x}`.
 */
export function lambdaUri(t: LambdaTarget): string {
  const fn = targetFunction(t);
  if (isStageVariableTarget(t)) return lambdaInvokeUri(fn.region, `${fn.arn}:$\${stageVariables.${t.variable}}`);
  if (isAliasTarget(t)) return lambdaInvokeUri(fn.region, `${fn.arn}:${aliasName(t)}`);
  return fn.invokeArn;
}

/** Every stage must set a stage-variable target's variable to one of the function's aliases. */
export function checkTarget(where: string, t: LambdaTarget, stages: Iterable<ResolvedStage>, prop: string): void {
  if (isStageVariableTarget(t)) {
    for (const stage of stages) {
      const value = stage.variables[t.variable];
      if (value !== undefined && !isResolved(value)) continue;
      if (value === undefined) {
        throw new PropError(where, `stages.${stage.name}.variables.${t.variable}`, undefined, `the route targets ${t.fn.id}:\${stageVariables.${t.variable}}: set it to one of ${t.fn.aliasNames.join(", ") || "(no aliases declared)"}.`);
      }
      if (!t.fn.aliasNames.includes(value)) {
        throw new PropError(where, `stages.${stage.name}.variables.${t.variable}`, value, `${t.fn.id} has no alias "${value}": use one of ${t.fn.aliasNames.join(", ") || "(no aliases declared)"}, or declare the alias on the function.`);
      }
    }
  } else if (isAliasTarget(t)) {
    checkAlias(where, t.fn, aliasName(t), `${prop}.target`);
  }
}

export function checkAlias(where: string, fn: LambdaFunctionRef, alias: string, prop: string): void {
  if (!fn.aliasNames.includes(alias)) {
    throw new PropError(where, prop, alias, `${fn.id} has no alias "${alias}": use one of ${fn.aliasNames.join(", ") || "(no aliases declared)"}.`);
  }
}

