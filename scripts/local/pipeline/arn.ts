/** The execute-api ARNs of an invocation, as policies and Lambda permissions see them. */
import { ACCOUNT_ID } from "../model/computed";
import type { Invocation } from "./invocation";

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path as requested>` */
export function methodArnOf(inv: Invocation): string {
  return `arn:aws:execute-api:${inv.api.region}:${ACCOUNT_ID}:${inv.api.id}/${inv.stage.name}/${inv.req.httpMethod}${inv.req.path}`;
}

/** The ARNs a Lambda permission's `source_arn` is matched against: the path as requested and the resource path. */
export function sourceArnsOf(inv: Invocation): string[] {
  const base = `arn:aws:execute-api:${inv.api.region}:${ACCOUNT_ID}:${inv.api.id}/${inv.stage.name}/${inv.req.httpMethod}`;
  return [`${base}${inv.req.path}`, `${base}${inv.method!.resource.path}`];
}

/** `arn:aws:execute-api:<region>:<account>:<api>/authorizers/<id>`, the source of an authorizer's invocation. */
export function authorizerArnOf(inv: Invocation, authorizerId: string): string {
  return `arn:aws:execute-api:${inv.api.region}:${ACCOUNT_ID}:${inv.api.id}/authorizers/${authorizerId}`;
}
