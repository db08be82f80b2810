/**
 * An OpenAPI 3.0 document for one API and stage, generated from the API model (itself built
 * from the synthesized Terraform): paths, methods, parameters, request bodies from models,
 * security schemes for API keys and authorizers, and API Gateway's
 * `x-amazon-apigateway-integration` extension with the stage's alias resolved.
 */
import type { ApiModel, Route } from "./api-model";

type Json = Record<string, unknown>;

/** JSON Schema keywords OpenAPI 3.0's Schema Object accepts. */
const SCHEMA_KEYWORDS = new Set([
  "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
  "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "required", "enum", "type",
  "allOf", "oneOf", "anyOf", "not", "items", "properties", "additionalProperties", "description", "format", "default",
  "nullable", "readOnly", "writeOnly", "example", "deprecated",
]);

/** Model reference forms API Gateway uses → the model name. */
function modelNameFromRef(ref: string): string | undefined {
  return /\/models\/([^/#]+)$/.exec(ref)?.[1] ?? /^#\/definitions\/([^/]+)$/.exec(ref)?.[1];
}

/** Converts a draft-04 JSON Schema (an API Gateway model) to an OpenAPI 3.0 Schema Object. */
export function toOpenApiSchema(schema: unknown): Json {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return {};
  const s = schema as Json;
  if (typeof s.$ref === "string") {
    const name = modelNameFromRef(s.$ref);
    return name ? { $ref: `#/components/schemas/${name}` } : {};
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (!SCHEMA_KEYWORDS.has(k)) continue;
    if (k === "type" && Array.isArray(v)) {
      const types = v.filter((t) => t !== "null");
      if (types.length === 1) out.type = types[0];
      if (types.length !== v.length) out.nullable = true;
      continue;
    }
    if (k === "properties" && v && typeof v === "object") {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, toOpenApiSchema(ps)]));
    } else if ((k === "items" || k === "not") && v && typeof v === "object" && !Array.isArray(v)) {
      out[k] = toOpenApiSchema(v);
    } else if (k === "additionalProperties" && v && typeof v === "object") {
      out[k] = toOpenApiSchema(v);
    } else if ((k === "allOf" || k === "oneOf" || k === "anyOf") && Array.isArray(v)) {
      out[k] = v.map(toOpenApiSchema);
    } else if (k === "required" && (!Array.isArray(v) || v.length === 0)) {
      continue;
    } else {
      out[k] = v;
    }
  }
  return out;
}

const PARAM_LOCATIONS: Record<string, "path" | "query" | "header"> = { path: "path", querystring: "query", header: "header" };

function parametersOf(route: Route): Json[] {
  const params = new Map<string, Json>();
  for (const m of route.path.matchAll(/\{([^}]+)\}/g)) {
    const name = m[1]!.replace(/\+$/, "");
    params.set(`path.${name}`, { name, in: "path", required: true, schema: { type: "string" } });
  }
  for (const [key, required] of Object.entries(route.requestParameters)) {
    const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(key);
    if (!m) continue;
    const where = PARAM_LOCATIONS[m[1]!]!;
    const name = m[2]!;
    if (where === "path") continue;
    params.set(`${where}.${name}`, { name, in: where, required, schema: { type: "string" } });
  }
  return [...params.values()];
}

function securityName(route: Route): string | undefined {
  if (route.authorization === "AWS_IAM") return "sigv4";
  if (route.authorizer) return route.authorizer.name.replace(/[^A-Za-z0-9._-]/g, "_");
  return undefined;
}

function integrationExtension(route: Route, stage: string): Json | undefined {
  const i = route.integration;
  if (!i) return undefined;
  let uri = i.uri;
  const alias = route.stages[stage]?.alias;
  if (uri && i.lambda?.aliasVariable && alias) uri = uri.replace(/\$?\$\{stageVariables\.[A-Za-z0-9_]+\}/, alias);
  const responses: Json = {};
  for (const r of i.responses) {
    responses[r.selectionPattern ?? "default"] = {
      statusCode: r.statusCode,
      ...(Object.keys(r.responseTemplates).length ? { responseTemplates: r.responseTemplates } : {}),
      ...(Object.keys(r.responseParameters).length ? { responseParameters: r.responseParameters } : {}),
    };
  }
  return {
    type: i.type.toLowerCase(),
    ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
    ...(uri ? { uri } : {}),
    ...(i.passthroughBehavior ? { passthroughBehavior: i.passthroughBehavior.toLowerCase() } : {}),
    ...(Object.keys(i.requestTemplates).length ? { requestTemplates: i.requestTemplates } : {}),
    ...(Object.keys(responses).length ? { responses } : {}),
    ...(i.cacheKeyParameters.length ? { cacheKeyParameters: i.cacheKeyParameters } : {}),
    ...(i.timeoutMs !== undefined ? { timeoutInMillis: i.timeoutMs } : {}),
  };
}

/** The OpenAPI 3.0.3 document of one API as deployed to one stage. */
export function toOpenApi(api: ApiModel, stageName: string): Json {
  const stage = api.stages.find((s) => s.name === stageName);
  const schemas: Json = {};
  for (const m of api.models) schemas[m.name] = toOpenApiSchema(m.schema);
  const securitySchemes: Json = {};
  const paths: Record<string, Json> = {};
  for (const route of api.routes) {
    const op: Json = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}+]/g, "").replace(/\/([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "")}`,
    };
    const params = parametersOf(route);
    if (params.length) op.parameters = params;
    const content: Json = {};
    for (const [ct, model] of Object.entries(route.requestModels)) {
      content[ct] = { schema: schemas[model] !== undefined ? { $ref: `#/components/schemas/${model}` } : {} };
    }
    if (Object.keys(content).length) op.requestBody = { required: route.validation.body, content };
    const responses: Json = {};
    for (const r of route.methodResponses) {
      const rc: Json = {};
      for (const [ct, model] of Object.entries(r.models)) rc[ct] = { schema: schemas[model] !== undefined ? { $ref: `#/components/schemas/${model}` } : {} };
      const headers: Json = {};
      for (const h of r.headers) {
        const m = /^method\.response\.header\.(.+)$/.exec(h);
        if (m) headers[m[1]!] = { schema: { type: "string" } };
      }
      responses[r.statusCode] = {
        description: `${r.statusCode} response`,
        ...(Object.keys(rc).length ? { content: rc } : {}),
        ...(Object.keys(headers).length ? { headers } : {}),
      };
    }
    if (Object.keys(responses).length === 0) responses.default = { description: "Response of the integration (proxy or undeclared)" };
    op.responses = responses;
    const security: Json[] = [];
    const requirement: Json = {};
    if (route.apiKeyRequired) {
      securitySchemes.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
      requirement.api_key = [];
    }
    const sec = securityName(route);
    if (sec === "sigv4") {
      securitySchemes.sigv4 = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" };
      requirement.sigv4 = [];
    } else if (sec && route.authorizer) {
      const a = route.authorizer;
      const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? "")?.[1] ?? "Authorization";
      securitySchemes[sec] = {
        type: "apiKey",
        name: header,
        in: "header",
        "x-amazon-apigateway-authtype": a.type === "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom",
        "x-amazon-apigateway-authorizer": {
          type: a.type.toLowerCase(),
          ...(a.providerArns.length ? { providerARNs: a.providerArns } : {}),
          ...(a.ttl !== undefined ? { authorizerResultTtlInSeconds: a.ttl } : {}),
          ...(a.identitySource ? { identitySource: a.identitySource } : {}),
        },
      };
      requirement[sec] = [];
    }
    if (Object.keys(requirement).length) security.push(requirement);
    op.security = security;
    if (route.validation.validator) op["x-amazon-apigateway-request-validator"] = route.validation.validator;
    const ext = integrationExtension(route, stageName);
    if (ext) op["x-amazon-apigateway-integration"] = ext;
    const rs = route.stages[stageName];
    if (rs) op["x-stage-settings"] = { ...(rs.alias ? { alias: rs.alias } : {}), caching: rs.caching, ...(rs.cacheTtl !== undefined ? { cacheTtl: rs.cacheTtl } : {}), throttle: rs.throttle };
    const method = route.method === "ANY" ? "x-amazon-apigateway-any-method" : route.method.toLowerCase();
    paths[route.path] = { ...(paths[route.path] ?? {}), [method]: op };
  }
  const validators: Json = {};
  for (const r of api.routes) {
    if (r.validation.validator) validators[r.validation.validator] = { validateRequestBody: r.validation.body, validateRequestParameters: r.validation.parameters };
  }
  const plans = api.usagePlans
    .filter((p) => p.stages.some((s) => s.stage === stageName))
    .map((p) => ({
      name: p.name,
      throttle: p.throttle ?? {},
      quota: p.quota ?? {},
      methodThrottles: p.stages.find((s) => s.stage === stageName)?.methodThrottles ?? {},
      keys: p.keys,
    }));
  return {
    openapi: "3.0.3",
    info: {
      title: api.name,
      version: stageName,
      description: `${api.description ? `${api.description} ` : ""}Generated from the synthesized Terraform of stack ${api.stack}, stage ${stageName}.`,
    },
    servers: [
      {
        url: "https://{restApiId}.execute-api.{region}.amazonaws.com/{basePath}",
        variables: { restApiId: { default: "restApiId" }, region: { default: "us-east-1" }, basePath: { default: stageName } },
      },
    ],
    paths,
    components: { schemas, securitySchemes },
    ...(Object.keys(validators).length ? { "x-amazon-apigateway-request-validators": validators } : {}),
    ...(api.binaryMediaTypes.length ? { "x-amazon-apigateway-binary-media-types": api.binaryMediaTypes } : {}),
    ...(api.apiKeySource ? { "x-amazon-apigateway-api-key-source": api.apiKeySource } : {}),
    ...(stage ? { "x-stage-variables": stage.variables } : {}),
    ...(plans.length ? { "x-usage-plans": plans } : {}),
  };
}
