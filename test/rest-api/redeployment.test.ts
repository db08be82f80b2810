// A deployment follows what the integration URIs resolve to: API Gateway keeps calling the
// function name and qualifier a deployment snapshotted until the next deployment
// ("every time you update an API, you must redeploy the API", AWS API Gateway developer
// guide, "Deploy REST APIs in API Gateway"). So a renamed function, another alias or an alias
// moved to another version each give a new `triggers.redeployment`; an unchanged synth does not.
import { expect } from "chai";
import { catchAllErrorResponse, lambdaIntegration, lambdaProxy, RestApi } from "../../modules/rest-api";
import { FakeFunction, synth, testStack } from "./helpers";

interface Variant {
  readonly functionName?: string;
  readonly prodVersion?: string;
  readonly prodAlias?: string;
  readonly pinned?: string;
  readonly authorizerName?: string;
}

function trigger(v: Variant = {}): string {
  const stack = testStack();
  const fn = new FakeFunction(stack, "ItemsFunction", ["dev", "prod", "blue"], {
    functionName: v.functionName ?? "dev-ItemsFunction",
    aliasVersions: { prod: v.prodVersion ?? "3" },
  });
  const auth = new FakeFunction(stack, "AuthFunction", [], { functionName: v.authorizerName ?? "dev-Auth" });
  const api = new RestApi(stack, "ItemsAPI", {
    stages: { dev: { variables: { lambdaAlias: "dev" } }, prod: { variables: { lambdaAlias: v.prodAlias ?? "prod" } } },
  });
  const token = api.addAuthorizer("Token", { type: "TOKEN", fn: auth });
  api.addRoute("GET /items", { integration: lambdaIntegration(fn.aliasFromStageVariable("lambdaAlias"), { integrationResponses: [catchAllErrorResponse()] }), authorizer: token });
  api.addRoute("GET /pinned", { integration: lambdaProxy({ fn, alias: v.pinned ?? "prod" }) });
  return synth(stack).one("aws_api_gateway_deployment").triggers.redeployment as string;
}

describe("rest-api: redeployment follows what the integration URIs resolve to", () => {
  it("keeps the trigger for an unchanged synth", () => {
    expect(trigger()).to.equal(trigger());
  });

  it("changes the trigger when the function is renamed (same construct id, new physical name)", () => {
    expect(trigger({ functionName: "dev-CatalogFunction" })).to.not.equal(trigger());
  });

  it("changes the trigger when a Lambda authorizer's function is renamed", () => {
    expect(trigger({ authorizerName: "dev-Authorizer" })).to.not.equal(trigger());
  });

  it("changes the trigger when an alias a route reaches is retargeted to another version", () => {
    expect(trigger({ prodVersion: "4" })).to.not.equal(trigger());
  });

  it("changes the trigger when a stage's variable retargets it to another alias", () => {
    expect(trigger({ prodAlias: "blue" })).to.not.equal(trigger());
  });

  it("changes the trigger when a route is pinned to another alias", () => {
    expect(trigger({ pinned: "blue" })).to.not.equal(trigger());
  });
});
