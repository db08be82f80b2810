import { expect } from "chai";
import { Testing } from "cdktf";
import { mockIntegration, modelRef, RestApi } from "../../modules/rest-api";
import { renderModels } from "../../modules/rest-api/model-graph";
import { nameOf, propError, refTo, synth, testStack, type Synth } from "./helpers";

const DRAFT_04 = "http://json-schema.org/draft-04/schema#";

function apiWith(declare: (api: RestApi) => void): Synth {
  const stack = testStack();
  const api = new RestApi(stack, "Api");
  declare(api);
  api.addRoute("POST /x", { integration: mockIntegration() });
  return synth(stack);
}

const model = (s: Synth, name: string) => s.one("aws_api_gateway_model", (m) => m.name === name);
const schemaOf = (s: Synth, name: string) => JSON.parse(model(s, name).schema);
const dependsOn = (s: Synth, name: string) => model(s, name).depends_on;
const address = (s: Synth, name: string) => `aws_api_gateway_model.${nameOf(s, "aws_api_gateway_model", (m) => m.name === name)}`;
const url = (s: Synth, name: string) => `https://apigateway.amazonaws.com/restapis/${refTo(s, "aws_api_gateway_rest_api", () => true, "id")}/models/${name}`;

describe("rest-api: models that refer to each other (declare first, link after)", () => {
  it("a model that refers to itself carries itself as a definition, with local references and no depends_on", () => {
    const s = apiWith((api) => {
      api.addModel("Node", { type: "object", required: ["name"], properties: { name: { type: "string" }, children: { type: "array", items: modelRef("Node") } } });
    });
    const node = { type: "object", required: ["name"], properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/definitions/Node" } } } };
    expect(schemaOf(s, "Node")).to.deep.equal({ $schema: DRAFT_04, ...node, definitions: { Node: node } });
    expect(dependsOn(s, "Node")).to.equal(undefined);
  });

  it("two models in a cycle each inline both, whichever is declared first", () => {
    for (const order of [["Team", "Member"], ["Member", "Team"]]) {
      const schemas: Record<string, Record<string, unknown>> = {
        Team: { type: "object", properties: { members: { type: "array", items: modelRef("Member") } } },
        Member: { type: "object", properties: { leads: modelRef("Team") } },
      };
      const s = apiWith((api) => {
        for (const name of order) api.addModel(name!, schemas[name!]!);
      });
      const team = { type: "object", properties: { members: { type: "array", items: { $ref: "#/definitions/Member" } } } };
      const member = { type: "object", properties: { leads: { $ref: "#/definitions/Team" } } };
      const definitions = Object.fromEntries(order.map((n) => [n, n === "Team" ? team : member]));
      expect(schemaOf(s, "Team"), order.join(",")).to.deep.equal({ $schema: DRAFT_04, ...team, definitions });
      expect(schemaOf(s, "Member"), order.join(",")).to.deep.equal({ $schema: DRAFT_04, ...member, definitions });
      expect(dependsOn(s, "Team")).to.equal(undefined);
      expect(dependsOn(s, "Member")).to.equal(undefined);
    }
  });

  it("an acyclic chain declared in any order refers by URL, each model depending on the ones it names", () => {
    const s = apiWith((api) => {
      api.addModel("Order", { type: "object", properties: { lines: { type: "array", items: modelRef("Line") }, customer: modelRef("Customer") } });
      api.addModel("Line", { type: "object", properties: { product: modelRef("Product") } });
      api.addModel("Product", { type: "object", properties: { sku: { type: "string" } } });
      api.addModel("Customer", { type: "object" });
    });
    expect(schemaOf(s, "Order").properties).to.deep.equal({ lines: { type: "array", items: { $ref: url(s, "Line") } }, customer: { $ref: url(s, "Customer") } });
    expect(dependsOn(s, "Order")).to.deep.equal([address(s, "Line"), address(s, "Customer")]);
    expect(dependsOn(s, "Line")).to.deep.equal([address(s, "Product")]);
    expect(dependsOn(s, "Product")).to.equal(undefined);
    expect(schemaOf(s, "Line")).to.not.have.property("definitions");
  });

  it("a cycle that names a model outside it refers to that one by URL and depends on it; a model outside refers to the cycle by URL", () => {
    const s = apiWith((api) => {
      const tree = api.addModel("Tree", { type: "object", properties: { root: modelRef("Branch") } });
      api.addModel("Branch", { type: "object", properties: { leaves: { type: "array", items: modelRef("Leaf") }, branches: { type: "array", items: modelRef("Branch") }, tree: modelRef(tree) } });
      api.addModel("Leaf", { type: "object", properties: { colour: { type: "string" } } });
      api.addModel("Forest", { type: "array", items: modelRef("Tree") });
    });
    const tree = schemaOf(s, "Tree");
    expect(Object.keys(tree.definitions)).to.deep.equal(["Tree", "Branch"]);
    expect(tree.properties.root).to.deep.equal({ $ref: "#/definitions/Branch" });
    expect(tree.definitions.Branch.properties.leaves.items).to.deep.equal({ $ref: url(s, "Leaf") });
    expect(tree.definitions.Branch.properties.tree).to.deep.equal({ $ref: "#/definitions/Tree" });
    expect(dependsOn(s, "Tree")).to.deep.equal([address(s, "Leaf")]);
    expect(dependsOn(s, "Branch")).to.deep.equal([address(s, "Leaf")]);
    expect(schemaOf(s, "Forest").items).to.deep.equal({ $ref: url(s, "Tree") });
    expect(dependsOn(s, "Forest")).to.deep.equal([address(s, "Tree")]);
  });

  it("a reference to a model never added is a PropError at synth, naming the model, the reference and the declared models", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addModel("Items", { type: "array", items: modelRef("Thing") });
    api.addModel("Other", { type: "object" });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const e = propError(() => Testing.synth(stack));
    expect(e.prop).to.equal("models.Items.$ref");
    expect(e.value).to.equal("#/models/Thing");
    expect(e.fix).to.match(/add the model "Thing" with api\.addModel\("Thing", schema\).*declared models: Items, Other/);
  });

  it("a model in a cycle may not carry its own definitions or local references (they would resolve in the other model's document)", () => {
    const where = "Api";
    const options = { where, url: (n: string) => `u/${n}`, literal: (t: string) => t };
    const own = propError(() =>
      renderModels([
        { name: "A", schema: { properties: { b: modelRef("B") }, definitions: { X: { type: "string" } } } },
        { name: "B", schema: { properties: { a: modelRef("A") } } },
      ], options),
    );
    expect([own.prop, own.value]).to.deep.equal(["models.A.definitions", ["X"]]);
    expect(own.fix).to.match(/reference cycle \(A → B\).*modelRef/);
    const local = propError(() => renderModels([{ name: "A", schema: { properties: { a: modelRef("A"), x: { $ref: "#/properties/a" } } } }], options));
    expect([local.prop, local.value]).to.deep.equal(["models.A.$ref", "#/properties/a"]);
    // outside a cycle a model keeps its own definitions and local references as written
    const kept = renderModels([{ name: "A", schema: { definitions: { X: { type: "string" } }, properties: { x: { $ref: "#/definitions/X" } } } }], options);
    expect(kept.get("A")!.body).to.deep.equal({ $schema: DRAFT_04, definitions: { X: { type: "string" } }, properties: { x: { $ref: "#/definitions/X" } } });
  });
});
