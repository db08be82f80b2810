import { expect } from "chai";
import { canonicalJson, deploymentHash, mockIntegration, RestApi, sourceIpPolicy } from "../../modules/rest-api";
import { FakeFunction, itemsApi, nameOf, synth, testStack } from "./helpers";

const trigger = (stack: Parameters<typeof synth>[0]) => synth(stack).one("aws_api_gateway_deployment").triggers.redeployment as string;

describe("rest-api: deployment", () => {
  it("redeploys on a synth-time SHA-256 trigger, creates before destroying, and depends on every method and integration", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const d = s.one("aws_api_gateway_deployment");
    expect(d.triggers.redeployment).to.match(/^[0-9a-f]{64}$/);
    expect(d.lifecycle).to.deep.equal({ create_before_destroy: true });
    const deps = new Set(d.depends_on as string[]);
    for (const type of ["aws_api_gateway_method", "aws_api_gateway_integration", "aws_api_gateway_integration_response", "aws_api_gateway_model"]) {
      for (const [name] of s.all(type)) expect(deps.has(`${type}.${name}`), `${type}.${name}`).to.equal(true);
    }
    // stages hang on the deployment, not the other way round
    expect([...deps].some((x) => x.startsWith("aws_api_gateway_stage."))).to.equal(false);
    expect(nameOf(s, "aws_api_gateway_deployment", () => true)).to.be.a("string");
  });

  it("keeps the trigger when the API is left alone", () => {
    expect(trigger(itemsApi().stack)).to.equal(trigger(itemsApi().stack));
  });

  it("changes the trigger when a route changes or is added", () => {
    const base = trigger(itemsApi().stack);
    expect(trigger(itemsApi({ getTemplate: '{"ID": "$input.params(\'ID\')"}' }).stack)).to.not.equal(base);
    expect(trigger(itemsApi({ extraRoute: true }).stack)).to.not.equal(base);
  });

  it("keeps the trigger when only stage settings change (they apply without a redeployment)", () => {
    expect(trigger(itemsApi({ prodRate: 500 }).stack)).to.equal(trigger(itemsApi().stack));
  });

  it("changes the trigger when a model, the policy or the binary media types change", () => {
    const build = (o: { schema?: object; cidr?: string; binary?: string[] }) => {
      const stack = testStack();
      const api = new RestApi(stack, "Api", {
        policy: sourceIpPolicy([o.cidr ?? "203.0.113.0/24"]),
        binaryMediaTypes: o.binary ?? ["image/png"],
      });
      api.addModel("Thing", (o.schema ?? { type: "object" }) as Record<string, unknown>);
      api.addRoute("GET /x", { integration: mockIntegration() });
      return trigger(stack);
    };
    const base = build({});
    expect(build({})).to.equal(base);
    expect(build({ schema: { type: "array" } })).to.not.equal(base);
    expect(build({ cidr: "198.51.100.0/24" })).to.not.equal(base);
    expect(build({ binary: ["image/*"] })).to.not.equal(base);
  });

  it("hashes a canonical JSON, independent of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).to.equal('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(deploymentHash({ a: 1, b: 2 })).to.equal(deploymentHash({ b: 2, a: 1 }));
    expect(deploymentHash({ a: 1 })).to.not.equal(deploymentHash({ a: 2 }));
  });

  it("exposes the same hash before synth as the one written to the deployment", () => {
    const { stack, api } = itemsApi();
    const before = api.deploymentHash();
    expect(trigger(stack)).to.equal(before);
  });

  it("hashes Terraform references by their expression, so tokens inside templates never make the trigger drift", () => {
    const build = () => {
      const stack = testStack();
      const fn = new FakeFunction(stack, "Fn");
      const api = new RestApi(stack, "Api");
      api.addRoute("GET /x", {
        integration: mockIntegration({ integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": `{"fn": "${fn.functionName}"}` } }] }),
      });
      return trigger(stack);
    };
    // every build mints new token ids; the trigger must not see them
    expect(build()).to.equal(build());
  });
});
