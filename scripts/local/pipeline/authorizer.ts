/**
 * Step: authorizer. `AWS_IAM` verifies the SigV4 signature; `COGNITO_USER_POOLS` verifies the
 * token against the authorizer's pools; `CUSTOM` runs the Lambda authorizer. Then the resource
 * policy's decision applies as API Gateway orders them: an explicit deny stops IAM and
 * Cognito callers, an implicit deny stops Cognito callers, and a Lambda authorizer's Allow
 * overrides an implicit deny.
 */
import type { AuthorizerModel } from "../model/types";
import { mappingValue } from "../responses";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";
import { lambdaAuthorizer, type Authorized } from "./lambda-authorizer";
import { policyDenied } from "./resource-policy";
import { verifySignature } from "./sigv4";

export function authorize(inv: Invocation): Promise<void> | undefined {
  const auth = inv.method!.authorization;
  if (auth === "AWS_IAM") return iam(inv);
  if (auth === "COGNITO_USER_POOLS" || auth === "CUSTOM") return withAuthorizer(inv, auth);
  return undefined;
}

async function iam(inv: Invocation): Promise<void> {
  const failure = await verifySignature(inv);
  if (failure) throw failure;
  inv.signed = true;
  if (inv.policy === "explicit-deny") throw policyDenied(inv);
}

async function withAuthorizer(inv: Invocation, auth: "COGNITO_USER_POOLS" | "CUSTOM"): Promise<void> {
  const id = inv.method!.authorizerId;
  const authorizer = id ? inv.api.authorizers.get(id) : undefined;
  if (!authorizer) throw new GatewayError("AUTHORIZER_CONFIGURATION_ERROR");
  const values = identityValues(inv, authorizer);
  const result = authorizer.type === "COGNITO_USER_POOLS" ? await cognito(inv, authorizer, values) : await lambdaAuthorizer(inv, authorizer, values);
  if (auth === "COGNITO_USER_POOLS" && inv.policy !== "allow") throw policyDenied(inv);
  inv.ctx.authorizer = result.context;
  inv.usageKey = result.usageKey;
}

/** The authorizer's identity sources (`method.request.header.Authorization, ...`), resolved. */
function identityValues(inv: Invocation, authorizer: AuthorizerModel): (string | undefined)[] {
  return authorizer.identitySource
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => mappingValue(s, inv.req, inv.pathParameters, inv.stage, inv.ctx));
}

async function cognito(inv: Invocation, authorizer: AuthorizerModel, values: (string | undefined)[]): Promise<Authorized> {
  const token = values[0];
  if (!token) throw new GatewayError("UNAUTHORIZED");
  const claims = await inv.gw.cognito.verify(authorizer.providerArns, token);
  if (!claims) throw new GatewayError("UNAUTHORIZED");
  const stringClaims: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) stringClaims[k] = typeof v === "string" ? v : Array.isArray(v) ? v.join(",") : String(v);
  return { context: { claims: stringClaims } };
}
