/**
 * Step: resource policy. Evaluated for an anonymous caller; without authorization the policy
 * must allow, and an explicit deny stops a request before its Lambda authorizer runs. The
 * decision is kept for the authorizer step (an authorizer's Allow overrides an implicit deny;
 * Cognito and IAM callers are authenticated first).
 */
import { evaluateResourcePolicy, policyDenialMessage } from "../policy";
import { header } from "../request";
import { methodArnOf } from "./arn";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function resourcePolicy(inv: Invocation): void {
  const { api, req } = inv;
  inv.policy = api.policy ? evaluateResourcePolicy(api.policy, { arn: methodArnOf(inv), sourceIp: req.sourceIp, header: (name) => header(req, name) }) : "allow";
  const auth = inv.method!.authorization;
  if (inv.policy !== "allow" && (auth === "NONE" || (auth === "CUSTOM" && inv.policy === "explicit-deny"))) throw policyDenied(inv);
}

/** 403 AccessDeniedException with API Gateway's `{"Message": ...}` body, through the ACCESS_DENIED gateway response. */
export function policyDenied(inv: Invocation): GatewayError {
  const decision = inv.policy === "explicit-deny" ? "explicit-deny" : "implicit-deny";
  return new GatewayError("ACCESS_DENIED", policyDenialMessage(decision, methodArnOf(inv)), "Message");
}
