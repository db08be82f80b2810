import { expect } from "chai";
import { lambdaIntegration, lambdaProxy, mockIntegration, preflight, resolveCors, RestApi, catchAllErrorResponse } from "../../modules/rest-api";
import { FakeFunction, refTo, synth, testStack, type Synth } from "./helpers";

const onResource = (s: Synth, part: string) => refTo(s, "aws_api_gateway_resource", (r) => r.path_part === part, "id");
const isOptions = (x: { http_method: string }) => x.http_method === "OPTIONS" || x.http_method.includes("MethodOPTIONS");

describe("rest-api: CORS", () => {
  it("answers the preflight of each resource from a MOCK OPTIONS method without auth or key", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"], allowCredentials: true, maxAge: 3600 } });
    api.addRoute("GET /todos", { integration: lambdaProxy(fn), apiKey: true });
    api.addRoute("POST /todos", { integration: lambdaProxy(fn), apiKey: true });
    api.addRoute("DELETE /todos/{id}", { integration: lambdaProxy(fn), apiKey: true });
    api.addUsagePlan("Plan");
    const s = synth(stack);
    const todos = onResource(s, "todos");
    const method = s.one("aws_api_gateway_method", (m) => m.resource_id === todos && m.http_method === "OPTIONS");
    expect(method).to.deep.include({ authorization: "NONE", api_key_required: false });
    expect(s.one("aws_api_gateway_integration", (i) => i.resource_id === todos && isOptions(i))).to.deep.include({
      type: "MOCK",
      request_templates: { "application/json": '{"statusCode": 204}' },
    });
    const mr = s.one("aws_api_gateway_method_response", (m) => m.resource_id === todos && isOptions(m));
    expect(mr.status_code).to.equal("204");
    expect(mr.response_parameters).to.deep.equal({
      "method.response.header.Access-Control-Allow-Origin": true,
      "method.response.header.Access-Control-Allow-Credentials": true,
      "method.response.header.Access-Control-Allow-Methods": true,
      "method.response.header.Access-Control-Allow-Headers": true,
      "method.response.header.Access-Control-Max-Age": true,
    });
    const ir = s.one("aws_api_gateway_integration_response", (r) => r.resource_id === todos && isOptions(r));
    expect(ir.response_parameters).to.deep.equal({
      "method.response.header.Access-Control-Allow-Origin": "'https://www.example.com'",
      "method.response.header.Access-Control-Allow-Credentials": "'true'",
      "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
      "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      "method.response.header.Access-Control-Max-Age": "'3600'",
    });
    const id = onResource(s, "{id}");
    expect(s.one("aws_api_gateway_integration_response", (r) => r.resource_id === id && isOptions(r)).response_parameters).to.deep.include({
      "method.response.header.Access-Control-Allow-Methods": "'DELETE,OPTIONS'",
    });
  });

  it("echoes the caller's origin when it is one of several allowed, else sends the first, with Vary: Origin", () => {
    const cors = resolveCors({ allowOrigins: ["https://a.example.com", "https://b.example.com"] });
    const spec = preflight(cors, ["GET"]);
    expect(spec.integrationResponseParameters).to.deep.include({
      "method.response.header.Access-Control-Allow-Origin": "'https://a.example.com'",
      "method.response.header.Vary": "'Origin'",
    });
    const template = spec.responseTemplates["application/json"]!;
    expect(template).to.include("$input.params('Origin')");
    expect(template).to.include('$origin == "https://a.example.com" || $origin == "https://b.example.com"');
    expect(template).to.include("#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)");
    expect(preflight(resolveCors({ allowOrigins: ["https://a.example.com"] }), ["GET"]).responseTemplates).to.deep.equal({});
  });

  it("lists every method for ANY, and uses allowMethods when given", () => {
    const cors = resolveCors({ allowOrigins: ["https://a.example.com"] });
    expect(preflight(cors, ["ANY"]).integrationResponseParameters["method.response.header.Access-Control-Allow-Methods"]).to.equal(
      "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'",
    );
    const fixed = resolveCors({ allowOrigins: ["https://a.example.com"], allowMethods: ["get", "options"], statusCode: 200 });
    const spec = preflight(fixed, ["GET", "POST"]);
    expect(spec.integrationResponseParameters["method.response.header.Access-Control-Allow-Methods"]).to.equal("'GET,OPTIONS'");
    expect(spec.statusCode).to.equal("200");
  });

  it("adds the CORS headers to DEFAULT_4XX and DEFAULT_5XX so browsers can read API Gateway's errors", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"] } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      expect(s.one("aws_api_gateway_gateway_response", (g) => g.response_type === type).response_parameters).to.deep.equal({
        "gatewayresponse.header.Access-Control-Allow-Origin": "'https://www.example.com'",
        "gatewayresponse.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
      });
    }
  });

  it("adds Access-Control-Allow-Origin to non-proxy integration responses and declares it", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"] } });
    api.addRoute("GET /items", { integration: lambdaIntegration(fn, { integrationResponses: [catchAllErrorResponse()] }) });
    const s = synth(stack);
    const items = onResource(s, "items");
    expect(s.one("aws_api_gateway_integration_response", (r) => r.resource_id === items && !isOptions(r) && r.selection_pattern === undefined).response_parameters).to.deep.equal({
      "method.response.header.Access-Control-Allow-Origin": "'https://www.example.com'",
    });
    expect(s.one("aws_api_gateway_method_response", (r) => r.resource_id === items && !isOptions(r) && r.status_code === "200").response_parameters).to.deep.equal({
      "method.response.header.Access-Control-Allow-Origin": true,
    });
  });

  it("allows * only when asked explicitly, and lets a route turn CORS off for its resource", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["*"], allowAnyOrigin: true } });
    api.addRoute("GET /public", { integration: mockIntegration() });
    api.addRoute("GET /internal", { integration: mockIntegration(), cors: false });
    const s = synth(stack);
    const options = s.find("aws_api_gateway_method", (m) => m.http_method === "OPTIONS");
    expect(options).to.have.length(1);
    expect(options[0].resource_id).to.equal(onResource(s, "public"));
    expect(s.one("aws_api_gateway_integration_response", isOptions).response_parameters["method.response.header.Access-Control-Allow-Origin"]).to.equal("'*'");
  });

  it("makes no OPTIONS methods or gateway responses without cors", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    expect(s.find("aws_api_gateway_method", (m) => m.http_method === "OPTIONS")).to.have.length(0);
    expect(s.find("aws_api_gateway_gateway_response")).to.have.length(0);
  });

  it("lets a route override the API's CORS for its resource, and exposes headers on actual responses only", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"] } });
    api.addRoute("GET /a", { integration: lambdaIntegration(fn, { integrationResponses: [catchAllErrorResponse()] }) });
    api.addRoute("GET /b", {
      integration: lambdaIntegration(fn, { integrationResponses: [catchAllErrorResponse()] }),
      cors: { allowOrigins: ["https://partner.example.com"], exposeHeaders: ["X-Total"], allowHeaders: ["Content-Type"] },
    });
    const s = synth(stack);
    const b = onResource(s, "b");
    const pre = s.one("aws_api_gateway_integration_response", (r) => r.resource_id === b && isOptions(r)).response_parameters;
    expect(pre).to.deep.include({
      "method.response.header.Access-Control-Allow-Origin": "'https://partner.example.com'",
      "method.response.header.Access-Control-Allow-Headers": "'Content-Type'",
    });
    expect(pre).to.not.have.property("method.response.header.Access-Control-Expose-Headers");
    expect(s.one("aws_api_gateway_integration_response", (r) => r.resource_id === b && !isOptions(r) && r.selection_pattern === undefined).response_parameters).to.deep.equal({
      "method.response.header.Access-Control-Allow-Origin": "'https://partner.example.com'",
      "method.response.header.Access-Control-Expose-Headers": "'X-Total'",
    });
    const a = onResource(s, "a");
    expect(s.one("aws_api_gateway_integration_response", (r) => r.resource_id === a && isOptions(r)).response_parameters).to.deep.include({
      "method.response.header.Access-Control-Allow-Origin": "'https://www.example.com'",
    });
  });
});
