/**
 * Models: JSON Schema (draft-04) bodies of an API, their references to each other
 * (`{ "$ref": "#/models/Item" }` becomes the model URL API Gateway expects) and their
 * `aws_api_gateway_model` resources.
 */
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import type { Construct } from "constructs";
import { PropError } from "../core/errors";
import type { Model, ModelOptions } from "./props";
import { terraformLiteral } from "./terraform-text";

const MODEL_NAME = /^[A-Za-z0-9]{1,128}$/;
const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

/** `{ "$ref": "#/models/Item" }`: a reference to another model of the same API. */
export function modelRef(name: string): { readonly $ref: string } {
  return { $ref: `#/models/${name}` };
}

/** The models of one API, by name. */
export class Models {
  private readonly models = new Map<string, { model: Model; schema: unknown }>();

  constructor(
    private readonly scope: Construct,
    private readonly api: ApiGatewayRestApi,
  ) {}

  /** Adds a model; the models it refers to must be added first. */
  add(name: string, schema: Readonly<Record<string, unknown>>, options: ModelOptions): Model {
    const where = this.scope.node.path;
    if (!MODEL_NAME.test(name)) {
      throw new PropError(where, "model", name, "name a model with letters and digits only.");
    }
    if (this.models.has(name)) {
      throw new PropError(where, "model", name, "a model with this name already exists; choose another name.");
    }
    const declared = schema.$schema;
    if (declared !== undefined && declared !== DRAFT_04) {
      throw new PropError(where, `models.${name}.$schema`, declared, `API Gateway models use JSON Schema draft-04: "${DRAFT_04}".`);
    }
    const refs = new Set<string>();
    const rewritten = this.rewriteRefs(schema, name, refs);
    const body = { $schema: DRAFT_04, ...(rewritten as Record<string, unknown>) };
    const dependsOn = [...refs].map((r) => this.models.get(r)!.model.resource);
    const resource = new ApiGatewayModel(this.scope, `Model-${name}`, {
      restApiId: this.api.id,
      name,
      contentType: options.contentType ?? "application/json",
      description: options.description,
      schema: JSON.stringify(body),
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    const model = { name, resource };
    this.models.set(name, { model, schema });
    return model;
  }

  /** The URL API Gateway uses for a model of this API. */
  url(name: string): string {
    return `https://apigateway.amazonaws.com/restapis/${this.api.id}/models/${name}`;
  }

  /** The name of a model of this API (a handle or a name); a PropError naming `prop` otherwise. */
  nameOf(m: Model | string, prop: string): string {
    const name = typeof m === "string" ? m : m.name;
    const known = this.models.get(name);
    if (!known || (typeof m !== "string" && known.model !== m)) {
      throw new PropError(this.scope.node.path, prop, name, `add it first with api.addModel("${name}", schema); known models: ${[...this.models.keys()].join(", ") || "none"}.`);
    }
    return name;
  }

  /** The model's `name` attribute (a reference, so methods are created after the model). */
  resourceName(name: string): string {
    return this.models.get(name)!.model.resource.name;
  }

  /** Content type → model name, as a method's or method response's `response_models`. */
  resourceNames(models: Readonly<Record<string, string>>): Record<string, string> | undefined {
    if (Object.keys(models).length === 0) return undefined;
    return Object.fromEntries(Object.entries(models).map(([ct, m]) => [ct, this.resourceName(m)]));
  }

  /** Every model resource, in the order added. */
  resources(): ApiGatewayModel[] {
    return [...this.models.values()].map((m) => m.model.resource);
  }

  /** Model name → the schema as given (for the deployment hash). */
  schemas(): Record<string, unknown> {
    return Object.fromEntries([...this.models.entries()].map(([n, m]) => [n, m.schema]));
  }

  private rewriteRefs(value: unknown, model: string, refs: Set<string>): unknown {
    if (Array.isArray(value)) return value.map((v) => this.rewriteRefs(v, model, refs));
    if (typeof value === "string") return terraformLiteral(value);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/models/")) {
        const target = v.slice("#/models/".length);
        if (!this.models.has(target)) {
          throw new PropError(this.scope.node.path, `models.${model}.$ref`, v, `add the model "${target}" with api.addModel before "${model}".`);
        }
        refs.add(target);
        out[k] = this.url(target);
      } else {
        out[k] = this.rewriteRefs(v, model, refs);
      }
    }
    return out;
  }
}
