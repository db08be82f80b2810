/**
 * Request validation as API Gateway does it: required request parameters, and the body
 * against the method's model (JSON Schema draft-04), with references between models
 * (`https://apigateway.amazonaws.com/restapis/<id>/models/<Name>`) resolved to the API's models.
 */
import AjvDraft04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import type { ApiModel, MethodModel } from "./model/types";
import { header, type GatewayRequest } from "./request";

const BUILT_IN_MODELS = new Set(["Empty", "Error"]);
type AjvInstance = InstanceType<typeof AjvDraft04>;
const Ajv = ((AjvDraft04 as unknown as { default?: typeof AjvDraft04 }).default ?? AjvDraft04) as typeof AjvDraft04;

export function modelUrl(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (schema && typeof schema === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) {
      if ((k === "id" || k === "$id") && typeof v === "string") continue;
      if (k === "$schema") continue;
      out[k] = k === "properties" && v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, withoutIds(pv)])) : withoutIds(v);
    }
    return out;
  }
  return schema;
}

/** Compiled validators of one API's models. */
export class ModelValidators {
  private readonly ajv: AjvInstance;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly api: ApiModel) {
    this.ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false, validateFormats: false, logger: false });
    for (const [name, schema] of api.models) this.ajv.addSchema(withoutIds(schema) as object, modelUrl(api.id, name));
  }

  validator(name: string): ValidateFunction | undefined {
    if (BUILT_IN_MODELS.has(name) || !this.api.models.has(name)) return undefined;
    let fn = this.compiled.get(name);
    if (!fn) {
      fn = this.ajv.getSchema(modelUrl(this.api.id, name)) as ValidateFunction;
      this.compiled.set(name, fn);
    }
    return fn;
  }
}

/** The names of required parameters missing from the request, in API Gateway's order. */
export function missingParameters(method: MethodModel, req: GatewayRequest, pathParameters: Record<string, string>): string[] {
  const missing: string[] = [];
  for (const [key, required] of Object.entries(method.requestParameters)) {
    if (!required) continue;
    const m = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.(.+)$/.exec(key);
    if (!m) continue;
    const [, where, name] = m as unknown as [string, string, string];
    const present = where === "path" ? pathParameters[name] !== undefined : where.endsWith("querystring") ? req.query[name] !== undefined : header(req, name) !== undefined;
    if (!present) missing.push(name);
  }
  return missing;
}

/** The model that applies to the request's content type, if any. */
export function requestModel(method: MethodModel, req: GatewayRequest): string | undefined {
  const contentType = (header(req, "content-type") ?? "application/json").split(";")[0]!.trim().toLowerCase();
  const entries = Object.entries(method.requestModels);
  return entries.find(([ct]) => ct.toLowerCase() === contentType)?.[1] ?? method.requestModels.$default;
}
