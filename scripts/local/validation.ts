/**
 * Request validation as API Gateway does it: required request parameters, and the body
 * against the method's model (JSON Schema draft-04), with references between models
 * (`https://apigateway.amazonaws.com/restapis/<id>/models/<Name>`) resolved to the API's
 * models, cycles included, and local references (`#/definitions/<Name>`, how the modules
 * write models that refer to each other in a cycle) resolved in the model's own document.
 * A failing body is answered 400 `{"message": "Invalid request body"}` (BAD_REQUEST_BODY).
 * A model that names a model the API does not have is refused when the stacks are loaded,
 * as API Gateway's CreateModel refuses it.
 */
import AjvDraft04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import type { ApiModel, MethodModel } from "./model/types";
import { header, type GatewayRequest } from "./request";

const BUILT_IN_MODELS = new Set(["Empty", "Error"]);
/**
 * The models every API has, as AWS returns them (LocalStack's AWS-validated snapshots:
 * test_apigateway_import "get-models" for Empty, test_apigateway_common for Error), for
 * references to them from the API's own models.
 */
const BUILT_IN_SCHEMAS: Readonly<Record<string, object>> = {
  Empty: { title: "Empty Schema", type: "object" },
  Error: { title: "Error Schema", type: "object", properties: { message: { type: "string" } } },
};
const MODEL_URL = /^https:\/\/apigateway\.amazonaws\.com\/restapis\/([^/]+)\/models\/(.+)$/;
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
    for (const [name, schema] of Object.entries(BUILT_IN_SCHEMAS)) if (!api.models.has(name)) this.ajv.addSchema(schema, modelUrl(api.id, name));
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

/** Each reference from a model of the API to a model URL of another API, or to a model it does not have, as `Model → $ref`. */
export function unknownModelReferences(api: Pick<ApiModel, "id" | "models">): string[] {
  const out: string[] = [];
  const visit = (model: string, value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) visit(model, v);
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        const m = k === "$ref" && typeof v === "string" ? MODEL_URL.exec(v) : null;
        if (m && (m[1] !== api.id || (!api.models.has(m[2]!) && !BUILT_IN_MODELS.has(m[2]!)))) out.push(`${model} → ${v}`);
        else visit(model, v);
      }
    }
  };
  for (const [name, schema] of api.models) visit(name, schema);
  return out;
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
