import { expect } from "chai";
import { lambdaProxy, mockIntegration, modelRef, RestApi } from "../../modules/rest-api";
import { FakeFunction, itemsApi, nameOf, refTo, synth, testStack } from "./helpers";

describe("rest-api: models and request validators", () => {
  it("creates JSON models with the draft-04 $schema", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const item = s.one("aws_api_gateway_model", (m) => m.name === "Item");
    expect(item.content_type).to.equal("application/json");
    expect(JSON.parse(item.schema)).to.deep.equal({
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "Item Schema",
      type: "object",
      properties: { ID: { type: "number" }, name: { type: "string" }, price: { type: "number" } },
    });
  });

  it("resolves a reference to another model to the model URL of this API, and depends on that model", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const items = s.one("aws_api_gateway_model", (m) => m.name === "Items");
    const apiId = refTo(s, "aws_api_gateway_rest_api", () => true, "id");
    expect(JSON.parse(items.schema).items).to.deep.equal({ $ref: `https://apigateway.amazonaws.com/restapis/${apiId}/models/Item` });
    expect(items.depends_on).to.deep.equal([`aws_api_gateway_model.${nameOf(s, "aws_api_gateway_model", (m) => m.name === "Item")}`]);
    expect(s.one("aws_api_gateway_model", (m) => m.name === "Item").depends_on).to.equal(undefined);
  });

  it("validates the body against the request model with one body validator shared by routes", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api");
    const todo = api.addModel("Todo", { type: "object", required: ["title"], properties: { title: { type: "string" } } });
    api.addRoute("POST /todos", { integration: lambdaProxy(fn), requestModel: todo });
    api.addRoute("PUT /todos/{id}", { integration: lambdaProxy(fn), requestModel: "Todo" });
    api.addRoute("GET /todos", { integration: lambdaProxy(fn), requestParameters: { "querystring.limit": true } });
    api.addRoute("PATCH /todos/{id}", { integration: lambdaProxy(fn), requestModel: todo, requestParameters: { "header.If-Match": true } });
    api.addRoute("DELETE /todos/{id}", { integration: lambdaProxy(fn) });
    const s = synth(stack);
    const validators = s.find("aws_api_gateway_request_validator");
    expect(validators.map((v) => [v.name, v.validate_request_body, v.validate_request_parameters]).sort()).to.deep.equal([
      ["body", true, false],
      ["body-and-params", true, true],
      ["params", false, true],
    ]);
    const body = refTo(s, "aws_api_gateway_request_validator", (v) => v.name === "body", "id");
    const post = s.one("aws_api_gateway_method", (m) => m.http_method === "POST");
    expect(post.request_validator_id).to.equal(body);
    expect(post.request_models).to.deep.equal({ "application/json": refTo(s, "aws_api_gateway_model", () => true, "name") });
    expect(s.one("aws_api_gateway_method", (m) => m.http_method === "PUT").request_validator_id).to.equal(body);
    expect(s.one("aws_api_gateway_method", (m) => m.http_method === "DELETE").request_validator_id).to.equal(undefined);
  });

  it("lets a route choose its validation explicitly", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addModel("Item", { type: "object" });
    api.addRoute("POST /items", { integration: mockIntegration(), requestModel: "Item", validation: "none" });
    const s = synth(stack);
    expect(s.find("aws_api_gateway_request_validator")).to.have.length(0);
    expect(s.one("aws_api_gateway_method").request_models).to.have.property("application/json");
  });

  it("modelRef writes the reference form addModel resolves", () => {
    expect(modelRef("Item")).to.deep.equal({ $ref: "#/models/Item" });
  });
});
