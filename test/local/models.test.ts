/**
 * The local gateway's request models, loaded from what the rest-api module synthesizes:
 * models that refer to themselves, to each other in a cycle (inlined as `definitions`) and
 * across models by URL validate bodies as API Gateway does; a reference to a model the API
 * does not have stops the load, as API Gateway's CreateModel refuses it.
 * (The answers over HTTP, against AWS's recorded ones, are in aws-recorded/cases/models.ts.)
 */
import { expect } from "chai";
import { Testing } from "cdktf";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockIntegration, modelRef, RestApi } from "../../modules/rest-api";
import { buildModel } from "../../scripts/local/model/build";
import { ModelValidators } from "../../scripts/local/validation";
import { testStack } from "../rest-api/helpers";

function writeStack(outdir: string, name: string, doc: object): void {
  mkdirSync(join(outdir, "stacks", name), { recursive: true });
  writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(doc));
}

function modelsStack(): object {
  const stack = testStack();
  const api = new RestApi(stack, "Models", { stages: { dev: {} } });
  api.addModel("Folder", { type: "object", required: ["name"], properties: { name: { type: "string" }, folders: { type: "array", items: modelRef("Folder") } } });
  const person = api.addModel("Person", { type: "object", required: ["name"], properties: { name: { type: "string" }, house: modelRef("House") } });
  api.addModel("House", { type: "object", properties: { contains: { type: "array", minItems: 1, items: modelRef(person) } } });
  api.addModel("Street", { type: "array", items: modelRef("House") });
  api.addRoute("POST /x", { integration: mockIntegration(), requestModel: "Street" });
  return JSON.parse(Testing.synth(stack)) as object;
}

describe("local gateway: request models that refer to each other", function () {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), "gateway-models-"));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it("validates against a self-reference, a two-model cycle and a URL reference into the cycle, as synthesized", function () {
    writeStack(outdir, "models-dev", modelsStack());
    const api = buildModel({ outdir, gatewayUrl: "http://127.0.0.1:9" }).apis[0]!;
    const validators = new ModelValidators(api);
    const valid = (model: string, body: unknown) => validators.validator(model)!(body);

    expect(valid("Folder", { name: "a", folders: [{ name: "b", folders: [{ name: "c" }] }] })).to.equal(true);
    expect(valid("Folder", { name: "a", folders: [{ name: "b", folders: [{ folders: [] }] }] }), "no name three levels down").to.equal(false);

    const household = { name: "P1", house: { contains: [{ name: "P2", house: { contains: [{ name: "P3" }] } }] } };
    expect(valid("Person", household)).to.equal(true);
    expect(valid("House", household.house)).to.equal(true);
    expect(valid("Person", { name: "P1", house: { contains: [] } }), "minItems of the inlined House").to.equal(false);
    expect(valid("Person", { name: "P1", house: { contains: [{ name: 5 }] } }), "a Person inside the House").to.equal(false);

    expect(valid("Street", [household.house, { contains: [{ name: "P4" }] }])).to.equal(true);
    expect(valid("Street", [{ contains: [{ house: {} }] }]), "the referenced House's Person needs a name").to.equal(false);
  });

  it("refuses at load a model that refers to a model the API does not have; references to the built-in Empty and Error models resolve", function () {
    const model = (name: string, schema: object) => ({ rest_api_id: "${aws_api_gateway_rest_api.Api.id}", name, content_type: "application/json", schema: JSON.stringify(schema) });
    const url = (name: string) => `https://apigateway.amazonaws.com/restapis/\${aws_api_gateway_rest_api.Api.id}/models/${name}`;
    const stack = (models: Record<string, object>) => ({
      provider: { aws: [{ region: "us-east-1" }] },
      resource: { aws_api_gateway_rest_api: { Api: { name: "svc" } }, aws_api_gateway_model: models },
    });

    writeStack(outdir, "svc-dev", stack({ A: model("A", { type: "object", properties: { b: { $ref: url("B") } } }) }));
    expect(() => buildModel({ outdir, gatewayUrl: "http://127.0.0.1:9" })).to.throw(/svc-dev: API svc has models that refer to models it does not have .*: A → https:\/\/apigateway\.amazonaws\.com\/restapis\/\w+\/models\/B/);

    writeStack(outdir, "svc-dev", stack({ A: model("A", { type: "object", properties: { e: { $ref: url("Empty") }, f: { $ref: url("Error") } } }) }));
    const api = buildModel({ outdir, gatewayUrl: "http://127.0.0.1:9" }).apis[0]!;
    const a = new ModelValidators(api).validator("A")!;
    expect(a({ e: {}, f: { message: "m" } })).to.equal(true);
    expect(a({ e: [] }), "Empty is an object").to.equal(false);
    expect(a({ f: { message: 1 } }), "Error's message is a string").to.equal(false);
  });
});
