/**
 * `aws_lambda_permission`: API Gateway may invoke a route's function (scoped to the API,
 * stage, method and path) or an authorizer's function (scoped to the authorizer).
 */
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import type { Construct } from "constructs";
import type { LambdaFunctionRef } from "../core/function-ref";
import { shortHash } from "./hash";
import { aliasName, isAliasTarget, isStageVariableTarget, targetFunction, type LambdaTarget } from "./integrations/target";
import { executeApiArnTail } from "./paths";
import type { ResolvedStage, RouteDefinition } from "./types";

/**
 * A Lambda permission statement id: readable parts, sanitized to `[A-Za-z0-9_-]`, plus a
 * hash of the raw parts so distinct routes never collide; at most 100 characters.
 */
export function statementId(parts: readonly string[], salt = ""): string {
  const human = parts
    .filter((p) => p !== "")
    .join("-")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const hash = shortHash(`${salt}\u0000${parts.join("\u0000")}`, 8);
  return `${human.slice(0, 100 - hash.length - 1)}-${hash}`;
}

/**
 * One permission per target a route actually invokes, scoped to the API, method and path;
 * for a stage-variable target one per (alias, stage): the stage's own alias only.
 */
export function renderRoutePermissions(
  scope: Construct,
  api: ApiGatewayRestApi,
  def: RouteDefinition,
  t: LambdaTarget,
  stages: Iterable<ResolvedStage>,
): void {
  const fn = targetFunction(t);
  const tail = executeApiArnTail(def.method, def.path);
  const grants: { qualifier?: string; stage: string }[] = [];
  if (isStageVariableTarget(t)) {
    for (const s of stages) grants.push({ qualifier: s.variables[t.variable]!, stage: s.name });
  } else if (isAliasTarget(t)) {
    grants.push({ qualifier: aliasName(t), stage: "*" });
  } else {
    grants.push({ stage: "*" });
  }
  for (const g of grants) {
    // the stage is left out of the readable part when it names the alias too; the hash keeps ids unique
    const shownStage = g.stage === "*" || g.stage === g.qualifier ? "" : g.stage;
    const parts = [scope.node.id, def.method, def.path, g.qualifier ?? "", shownStage];
    new LambdaPermission(scope, `Permission ${def.method} ${def.path} ${g.qualifier ?? "$LATEST"} ${g.stage}`, {
      statementId: statementId(parts, `${scope.node.path}\u0000${g.stage}`),
      action: "lambda:InvokeFunction",
      functionName: fn.functionNameRef,
      qualifier: qualifierRef(fn, g.qualifier),
      principal: "apigateway.amazonaws.com",
      sourceArn: `${api.executionArn}/${g.stage}/${tail}`,
    });
  }
}

/**
 * The alias name as a reference to the alias resource (so Terraform creates the permission
 * after the alias); a name the function does not declare (a token) stays as it is.
 */
function qualifierRef(fn: LambdaFunctionRef, qualifier: string | undefined): string | undefined {
  if (qualifier === undefined || !fn.aliasNames.includes(qualifier)) return qualifier;
  return fn.alias(qualifier).nameRef;
}

/** API Gateway may invoke a Lambda authorizer's function (or alias) for this authorizer only. */
export function renderAuthorizerPermission(
  scope: Construct,
  api: ApiGatewayRestApi,
  name: string,
  fn: LambdaFunctionRef,
  qualifier: string | undefined,
  authorizerId: string,
): void {
  new LambdaPermission(scope, `Permission-Authorizer-${name}`, {
    statementId: statementId([scope.node.id, "authorizer", name, qualifier ?? ""], scope.node.path),
    action: "lambda:InvokeFunction",
    functionName: fn.functionNameRef,
    qualifier: qualifierRef(fn, qualifier),
    principal: "apigateway.amazonaws.com",
    sourceArn: `${api.executionArn}/authorizers/${authorizerId}`,
  });
}
