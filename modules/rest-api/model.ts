/**
 * Models: JSON Schema (draft-04) bodies of an API and their `aws_api_gateway_model`
 * resources. References between models (`{ "$ref": "#/models/Item" }`, see `modelRef`) may
 * point either way, and form cycles; how they are written for API Gateway, and why, is in
 * model-graph.ts.
 */
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import type { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { dependable } from "cdktf";
import type { Construct } from "constructs";
import { PropError } from "../core/errors";
import { DRAFT_04, renderModels } from "./model-graph";
import type { Model, ModelOptions } from "./props";
import { terraformLiteral } from "./terraform-text";

const MODEL_NAME = /^[A-Za-z0-9]{1,128}$/;

/**
 * `{ "$ref": "#/models/Item" }`: a reference to a model of the same API (by name or handle),
 * which may be added before or after the referring model, or be the referring model itself.
 */
export function modelRef(model: string | Pick<Model, "name">): { readonly $ref: string } {
  return { $ref: `#/models/${typeof model === "string" ? model : model.name}` };
}

/** The models of one API, by name. */
export class Models {
  private readonly models = new Map<string, { model: Model; schema: Readonly<Record<string, unknown>> }>();
  private finished = false;

  constructor(
    private readonly scope: Construct,
    private readonly api: ApiGatewayRestApi,
  ) {}

    /**
   * Adds a model. Its references (`modelRef("Other")`) may name models added later, or the
   * model itself: they are resolved when the stack is synthesized (see model-graph.ts).
   */
  add(name: string, schema: Readonly<Record<string, unknown>>, options: ModelOptions): Model {
    const where = this.scope.node.path;
    if (this.finished) {
      throw new PropError(where, "model", name, "add models before the stack is synthesized.");
    }
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
    // The schema text and depends_on are written by finish(), once every model is declared.
    const resource = new ApiGatewayModel(this.scope, `Model-${name}`, {
      restApiId: this.api.id,
      name,
      contentType: options.contentType ?? "application/json",
      description: options.description,
    });
    const model = { name, resource };
    this.models.set(name, { model, schema });
    return model;
  }

  /**
   * Resolves every model's references and writes its schema and `depends_on`: a reference
   * outside a cycle is the referenced model's URL (created first), a cycle is inlined as
   * `definitions`. A PropError for a reference to a model never added.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const sources = [...this.models.entries()].map(([name, m]) => ({ name, schema: m.schema }));
    const rendered = renderModels(sources, { where: this.scope.node.path, url: (n) => this.url(n), literal: terraformLiteral });
    for (const [name, r] of rendered) {
      const resource = this.models.get(name)!.model.resource;
      resource.schema = JSON.stringify(r.body);
      if (r.dependsOn.length > 0) resource.dependsOn = r.dependsOn.map((d) => dependable(this.models.get(d)!.model.resource));
    }
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
}
