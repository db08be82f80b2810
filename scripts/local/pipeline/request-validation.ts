/**
 * Step: request validation. The method's validator checks required parameters and the body
 * against the request model for its content type.
 */
import { missingParameters, requestModel } from "../validation";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";

export function validateRequest(inv: Invocation): void {
  const { api, req } = inv;
  const method = inv.method!;
  const validator = method.validatorId ? api.validators.get(method.validatorId) : undefined;
  if (!validator) return;
  if (validator.params) {
    const missing = missingParameters(method, req, inv.pathParameters);
    if (missing.length > 0) throw new GatewayError("BAD_REQUEST_PARAMETERS", `Missing required request parameters: [${missing.join(", ")}]`);
  }
  if (validator.body) {
    const modelName = requestModel(method, req);
    const validate = modelName ? inv.gw.validators.get(api.id)?.validator(modelName) : undefined;
    if (!validate) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString("utf8"));
    } catch {
      throw new GatewayError("BAD_REQUEST_BODY");
    }
    if (!validate(parsed)) throw new GatewayError("BAD_REQUEST_BODY");
  }
}
