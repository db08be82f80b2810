import { expect } from "chai";
import { catchAllErrorResponse, executeApiArnTail, lambdaIntegration, lambdaProxy, mockIntegration, RestApi, statementId } from "../../modules/rest-api";
import { FakeFunction, itemsApi, refTo, synth, testStack } from "./helpers";

describe("rest-api: Lambda permissions", () => {
  it("gives a stage-variable target one permission per alias, each scoped to its stage, method and path", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const exec = refTo(s, "aws_api_gateway_rest_api", () => true, "execution_arn");
    const perms = s.find("aws_lambda_permission");
    expect(perms).to.have.length(4);
    const rows = perms.map((p) => [p.qualifier, p.source_arn]).sort();
    // the qualifier names the alias resource: Terraform creates each permission after its alias
    const dev = "${aws_lambda_alias.ItemsFunction-dev.name}";
    const prod = "${aws_lambda_alias.ItemsFunction-prod.name}";
    expect(rows).to.deep.equal([
      [dev, `${exec}/dev/GET/items`],
      [dev, `${exec}/dev/GET/items/*`],
      [prod, `${exec}/prod/GET/items`],
      [prod, `${exec}/prod/GET/items/*`],
    ]);
    for (const p of perms) {
      expect(p).to.deep.include({
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        function_name: "${aws_lambda_function.ItemsFunction.function_name}",
      });
    }
  });

  it("uses statement ids that are unique, stable across synths, and within IAM's 100 characters", () => {
    const ids = () => synth(itemsApi().stack).find("aws_lambda_permission").map((p) => p.statement_id as string).sort();
    const first = ids();
    expect(new Set(first).size).to.equal(first.length);
    expect(ids()).to.deep.equal(first);
    for (const id of first) expect(id).to.match(/^[A-Za-z0-9_-]{1,100}$/);
    expect(first.some((id) => id.startsWith("ItemsAPI-GET-items-ID-prod"))).to.equal(true);
  });

  it("gives a direct function target one permission on any stage, scoped to method and path", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Upload");
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("POST /upload/{filename}", { integration: lambdaProxy(fn) });
    api.addRoute("ANY /files/{proxy+}", { integration: lambdaProxy(fn) });
    const s = synth(stack);
    const exec = refTo(s, "aws_api_gateway_rest_api", () => true, "execution_arn");
    const perms = s.find("aws_lambda_permission");
    expect(perms.map((p) => p.source_arn).sort()).to.deep.equal([`${exec}/*/*/files/*`, `${exec}/*/POST/upload/*`]);
    expect(perms.every((p) => p.qualifier === undefined)).to.equal(true);
  });

  it("gives an alias target a permission on that alias", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn", ["live"]);
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /x", { integration: lambdaIntegration({ fn, alias: fn.alias("live") }, { integrationResponses: [catchAllErrorResponse()] }) });
    const s = synth(stack);
    const p = s.one("aws_lambda_permission");
    expect(p.qualifier).to.equal("${aws_lambda_alias.Fn-live.name}");
    expect(p.source_arn).to.equal(`${refTo(s, "aws_api_gateway_rest_api", () => true, "execution_arn")}/*/GET/x`);
  });

  it("lets API Gateway call a Lambda authorizer, scoped to that authorizer", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Auth");
    const api = new RestApi(stack, "Api");
    const token = api.addAuthorizer("Token", { type: "TOKEN", fn });
    api.addRoute("GET /x", { integration: mockIntegration(), authorizer: token });
    const s = synth(stack);
    const exec = refTo(s, "aws_api_gateway_rest_api", () => true, "execution_arn");
    const auth = refTo(s, "aws_api_gateway_authorizer", () => true, "id");
    expect(s.one("aws_lambda_permission").source_arn).to.equal(`${exec}/authorizers/${auth}`);
  });

  it("derives execute-api ARN tails with * for parameters and ANY, and caps statement ids at 100", () => {
    expect(executeApiArnTail("GET", "/items/{ID}")).to.equal("GET/items/*");
    expect(executeApiArnTail("ANY", "/")).to.equal("*/");
    const long = statementId(["Api", "GET", `/${"segment/".repeat(20)}{id}`, "prod", "prod"]);
    expect(long.length).to.be.at.most(100);
    expect(long).to.match(/^Api-GET-segment-segment-.*-[0-9a-f]{8}$/);
    expect(statementId(["Api", "GET", "/a-b"])).to.not.equal(statementId(["Api", "GET", "/a/b"]));
  });

  it("keeps each stage on its own alias when two stages pick the same alias", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn", ["dev", "prod"]);
    const api = new RestApi(stack, "Api", {
      stages: { dev: { variables: { alias: "dev" } }, test: { variables: { alias: "dev" } }, prod: { variables: { alias: "prod" } } },
    });
    api.addRoute("GET /x", { integration: lambdaProxy(fn.aliasFromStageVariable("alias")) });
    const s = synth(stack);
    const exec = refTo(s, "aws_api_gateway_rest_api", () => true, "execution_arn");
    const perms = s.find("aws_lambda_permission");
    expect(perms.map((p) => [p.qualifier, p.source_arn]).sort()).to.deep.equal([
      ["${aws_lambda_alias.Fn-dev.name}", `${exec}/dev/GET/x`],
      ["${aws_lambda_alias.Fn-dev.name}", `${exec}/test/GET/x`],
      ["${aws_lambda_alias.Fn-prod.name}", `${exec}/prod/GET/x`],
    ]);
    expect(new Set(perms.map((p) => p.statement_id)).size).to.equal(3);
  });

  describe("ordering: Terraform creates every permission after the function and alias it names", () => {
    /** The resources a Terraform JSON value refers to (`${type.name.attr}` → `type.name`): its edges in Terraform's graph. */
    const refs = (value: unknown): string[] => [...JSON.stringify(value).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g)].map((m) => m[1]!);

    it("makes each route and authorizer permission depend on its function, and a qualified one on its alias too", () => {
      const stack = testStack();
      const fn = new FakeFunction(stack, "Fn", ["dev", "prod"]);
      const auth = new FakeFunction(stack, "Auth", ["live"]);
      const api = new RestApi(stack, "Api", { stages: { dev: { variables: { alias: "dev" } }, prod: { variables: { alias: "prod" } } } });
      const token = api.addAuthorizer("Token", { type: "TOKEN", fn: { fn: auth, alias: "live" } });
      api.addRoute("GET /staged", { integration: lambdaProxy(fn.aliasFromStageVariable("alias")), authorizer: token });
      api.addRoute("GET /pinned", { integration: lambdaIntegration({ fn, alias: "prod" }, { integrationResponses: [catchAllErrorResponse()] }) });
      api.addRoute("GET /latest", { integration: lambdaProxy(fn) });
      const s = synth(stack);
      const edges = s.all("aws_lambda_permission").map(([name, p]) => [name, p.qualifier === undefined ? "" : "q", refs(p)] as const);
      expect(edges).to.have.length(5);
      for (const [name, qualified, to] of edges) {
        const fnRef = name.includes("Authorizer") ? "aws_lambda_function.Auth" : "aws_lambda_function.Fn";
        expect(to, name).to.include(fnRef);
        if (qualified) expect(to.some((r) => r.startsWith("aws_lambda_alias.")), `${name} after its alias`).to.equal(true);
      }
      const qualifiers = s.find("aws_lambda_permission").map((p) => p.qualifier).filter((q) => q !== undefined).sort();
      expect(qualifiers).to.deep.equal([
        "${aws_lambda_alias.Auth-live.name}",
        "${aws_lambda_alias.Fn-dev.name}",
        "${aws_lambda_alias.Fn-prod.name}",
        "${aws_lambda_alias.Fn-prod.name}",
      ]);
    });
  });
});
