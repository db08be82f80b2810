import { expect } from "chai";
import { lambdaProxy, mockIntegration, parseRoute, RestApi } from "../../modules/rest-api";
import { FakeFunction, refTo, synth, testStack } from "./helpers";

describe("rest-api: routes", () => {
  it("parses METHOD /path, normalizing the method case and a trailing slash", () => {
    expect(parseRoute("get /items/{ID}/")).to.deep.equal({
      method: "GET",
      path: "/items/{ID}",
      segments: ["items", "{ID}"],
      pathParams: ["ID"],
    });
    expect(parseRoute("ANY /{proxy+}").pathParams).to.deep.equal(["proxy"]);
    expect(parseRoute("GET /").segments).to.deep.equal([]);
  });

  it("builds one resource per path segment, with shared parents", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    const mock = mockIntegration();
    api.addRoute("GET /items", { integration: mock });
    api.addRoute("POST /items", { integration: mock });
    api.addRoute("GET /items/{ID}", { integration: mock });
    api.addRoute("GET /items/{ID}/reviews", { integration: mock });
    const s = synth(stack);

    const resources = s.find("aws_api_gateway_resource");
    expect(resources.map((r) => r.path_part).sort()).to.deep.equal(["items", "reviews", "{ID}"]);
    const items = s.one("aws_api_gateway_resource", (r) => r.path_part === "items");
    expect(items.parent_id).to.equal(refTo(s, "aws_api_gateway_rest_api", () => true, "root_resource_id"));
    const id = s.one("aws_api_gateway_resource", (r) => r.path_part === "{ID}");
    expect(id.parent_id).to.equal(refTo(s, "aws_api_gateway_resource", (r) => r.path_part === "items", "id"));
    const reviews = s.one("aws_api_gateway_resource", (r) => r.path_part === "reviews");
    expect(reviews.parent_id).to.equal(refTo(s, "aws_api_gateway_resource", (r) => r.path_part === "{ID}", "id"));
    // both methods of /items hang on the same resource
    const itemsId = refTo(s, "aws_api_gateway_resource", (r) => r.path_part === "items", "id");
    expect(s.find("aws_api_gateway_method", (m) => m.resource_id === itemsId).map((m) => m.http_method).sort()).to.deep.equal(["GET", "POST"]);
  });

  it("puts root routes on the API's root resource and accepts a greedy {proxy+} as last segment", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /", { integration: mockIntegration() });
    api.addRoute("ANY /{proxy+}", { integration: lambdaProxy(fn) });
    const s = synth(stack);
    const root = refTo(s, "aws_api_gateway_rest_api", () => true, "root_resource_id");
    expect(s.one("aws_api_gateway_method", (m) => m.http_method === "GET").resource_id).to.equal(root);
    const proxy = s.one("aws_api_gateway_resource", (r) => r.path_part === "{proxy+}");
    expect(proxy.parent_id).to.equal(root);
    const any = s.one("aws_api_gateway_method", (m) => m.http_method === "ANY");
    expect(any.request_parameters).to.deep.equal({ "method.request.path.proxy": true });
  });

  it("declares every path parameter as a required request parameter, plus the ones asked for", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /tables/{table}/items/{id}", {
      integration: mockIntegration(),
      requestParameters: { "querystring.artist": true, "header.table": false },
    });
    const s = synth(stack);
    const m = s.one("aws_api_gateway_method");
    expect(m.request_parameters).to.deep.equal({
      "method.request.path.table": true,
      "method.request.path.id": true,
      "method.request.querystring.artist": true,
      "method.request.header.table": false,
    });
    // a required query parameter turns on parameter validation
    const validator = s.one("aws_api_gateway_request_validator");
    expect(validator).to.deep.include({ validate_request_parameters: true, validate_request_body: false });
    expect(m.request_validator_id).to.equal(refTo(s, "aws_api_gateway_request_validator", () => true, "id"));
  });

  it("sets authorization per method: none, API key, IAM, Cognito with scopes, Lambda token", () => {
    const stack = testStack();
    const authFn = new FakeFunction(stack, "AuthFn");
    const api = new RestApi(stack, "Api");
    const pool = api.addAuthorizer("Users", {
      type: "COGNITO_USER_POOLS",
      userPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"],
    });
    const token = api.addAuthorizer("Token", { type: "TOKEN", fn: authFn, resultTtlSeconds: 60 });
    api.addRoute("GET /open", { integration: mockIntegration() });
    api.addRoute("GET /keyed", { integration: mockIntegration(), apiKey: true });
    api.addRoute("GET /iam", { integration: mockIntegration(), authorizer: "IAM" });
    api.addRoute("GET /cognito", { integration: mockIntegration(), authorizer: pool, authorizationScopes: ["items/read"] });
    api.addRoute("GET /token", { integration: mockIntegration(), authorizer: token });
    api.addUsagePlan("Plan");
    const s = synth(stack);
    const byPath = (p: string) => {
      const rid = refTo(s, "aws_api_gateway_resource", (r) => r.path_part === p, "id");
      return s.one("aws_api_gateway_method", (m) => m.resource_id === rid && m.http_method === "GET");
    };
    expect(byPath("open")).to.deep.include({ authorization: "NONE", api_key_required: false });
    expect(byPath("keyed")).to.deep.include({ authorization: "NONE", api_key_required: true });
    expect(byPath("iam")).to.deep.include({ authorization: "AWS_IAM" });
    expect(byPath("cognito")).to.deep.include({
      authorization: "COGNITO_USER_POOLS",
      authorizer_id: refTo(s, "aws_api_gateway_authorizer", (a) => a.name === "Users", "id"),
      authorization_scopes: ["items/read"],
    });
    expect(byPath("token")).to.deep.include({
      authorization: "CUSTOM",
      authorizer_id: refTo(s, "aws_api_gateway_authorizer", (a) => a.name === "Token", "id"),
    });
  });

  it("creates Cognito and Lambda TOKEN/REQUEST authorizers with identity source and result TTL", () => {
    const stack = testStack();
    const authFn = new FakeFunction(stack, "AuthFn", ["live"]);
    const api = new RestApi(stack, "Api");
    api.addAuthorizer("Users", { type: "COGNITO_USER_POOLS", userPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p"] });
    api.addAuthorizer("Token", { type: "TOKEN", fn: authFn, validationExpression: "^Bearer .+$", resultTtlSeconds: 0 });
    api.addAuthorizer("Request", {
      type: "REQUEST",
      fn: { fn: authFn, alias: "live" },
      identitySources: ["method.request.header.Authorization", "method.request.querystring.token"],
      resultTtlSeconds: 120,
    });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_authorizer", (a) => a.name === "Users")).to.deep.include({
      type: "COGNITO_USER_POOLS",
      provider_arns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p"],
      identity_source: "method.request.header.Authorization",
      authorizer_result_ttl_in_seconds: 300,
    });
    expect(s.one("aws_api_gateway_authorizer", (a) => a.name === "Token")).to.deep.include({
      type: "TOKEN",
      authorizer_uri: "${aws_lambda_function.AuthFn.invoke_arn}",
      identity_validation_expression: "^Bearer .+$",
      authorizer_result_ttl_in_seconds: 0,
    });
    expect(s.one("aws_api_gateway_authorizer", (a) => a.name === "Request")).to.deep.include({
      type: "REQUEST",
      authorizer_uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${aws_lambda_function.AuthFn.arn}:live/invocations",
      identity_source: "method.request.header.Authorization,method.request.querystring.token",
      authorizer_result_ttl_in_seconds: 120,
    });
  });

  it("creates method responses for proxy routes when asked, with response models", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api");
    api.addModel("Item", { type: "object" });
    api.addRoute("GET /items", {
      integration: lambdaProxy(fn),
      methodResponses: [{ statusCode: "200", responseModels: { "application/json": "Item" }, responseParameters: { "X-Request-Id": true } }],
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_method_response")).to.deep.include({
      status_code: "200",
      response_models: { "application/json": refTo(s, "aws_api_gateway_model", () => true, "name") },
      response_parameters: { "method.response.header.X-Request-Id": true },
    });
  });
});
