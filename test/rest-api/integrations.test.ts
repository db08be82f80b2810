import { expect } from "chai";
import { httpProxy, lambdaIntegration, lambdaProxy, mockIntegration, RestApi, terraformLiteral, catchAllErrorResponse } from "../../modules/rest-api";
import { FakeFunction, itemsApi, nameOf, refTo, synth, testStack } from "./helpers";

const resourceRef = (s: ReturnType<typeof synth>, part: string) => refTo(s, "aws_api_gateway_resource", (r) => r.path_part === part, "id");

describe("rest-api: integrations", () => {
  it("Lambda proxy: AWS_PROXY, POST to the function's invoke ARN", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Upload");
    const api = new RestApi(stack, "Api");
    api.addRoute("POST /upload/{filename}", { integration: lambdaProxy(fn, { timeoutMs: 10000 }) });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration")).to.deep.include({
      type: "AWS_PROXY",
      integration_http_method: "POST",
      uri: "${aws_lambda_function.Upload.invoke_arn}",
      timeout_milliseconds: 10000,
    });
    expect(s.find("aws_api_gateway_integration_response")).to.have.length(0);
  });

  it("Lambda non-proxy: request template, error-message selection pattern to 404, method response per status", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const rid = resourceRef(s, "{ID}");
    const integration = s.one("aws_api_gateway_integration", (i) => i.resource_id === rid && i.type === "AWS");
    expect(integration).to.deep.include({
      integration_http_method: "POST",
      request_templates: { "application/json": '{"ID": $input.params("ID")}' },
      passthrough_behavior: "WHEN_NO_TEMPLATES",
    });
    const statuses = s.find("aws_api_gateway_method_response", (m) => m.resource_id === rid && !String(m.http_method).includes("OPTIONS"));
    expect(statuses.map((m) => m.status_code).sort()).to.deep.equal(["200", "404", "500"]);
    const notFound = s.one("aws_api_gateway_integration_response", (r) => r.resource_id === rid && r.selection_pattern === ".*NotFoundError.*");
    expect(notFound.status_code).to.equal(refTo(s, "aws_api_gateway_method_response", (m) => m.resource_id === rid && m.status_code === "404", "status_code"));
    const integrationName = nameOf(s, "aws_api_gateway_integration", (i) => i.resource_id === rid && i.type === "AWS");
    expect(notFound.depends_on).to.deep.equal([`aws_api_gateway_integration.${integrationName}`]);
    const ok = s.one("aws_api_gateway_integration_response", (r) => r.resource_id === rid && r.selection_pattern === undefined && r.http_method.includes("GET"));
    expect(ok.status_code).to.include("status_code");
  });

  it("declares the headers that integration responses map on their method responses", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /things", {
      integration: lambdaIntegration(fn, {
        integrationResponses: [
          { statusCode: "200", responseParameters: { "X-Count": "integration.response.body.count" }, responseTemplates: { "application/json": "$input.json('$.items')" } },
          { statusCode: "500", selectionPattern: ".*Error.*", responseTemplates: { "application/json": '{"message": "failed"}' } },
          catchAllErrorResponse({ except: [".*Error.*"], statusCode: "502" }),
        ],
      }),
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_method_response", (m) => m.status_code === "200").response_parameters).to.deep.equal({
      "method.response.header.X-Count": true,
    });
    expect(s.one("aws_api_gateway_integration_response", (r) => r.selection_pattern === undefined)).to.deep.include({
      response_parameters: { "method.response.header.X-Count": "integration.response.body.count" },
      response_templates: { "application/json": "$input.json('$.items')" },
    });
    expect(s.one("aws_api_gateway_integration_response", (r) => r.selection_pattern === ".*Error.*").response_templates).to.deep.equal({
      "application/json": '{"message": "failed"}',
    });
  });

  it("an alias target invokes <function arn>:<alias>", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn", ["prod"]);
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /x", { integration: lambdaProxy({ fn, alias: "prod" }) });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration").uri).to.equal(
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${aws_lambda_function.Fn.arn}:prod/invocations",
    );
  });

  it("a stage-variable target invokes <function arn>:${stageVariables.lambdaAlias}, escaped for Terraform", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const uris = new Set(s.find("aws_api_gateway_integration", (i) => i.type === "AWS").map((i) => i.uri));
    // "$${" is Terraform's escape: API Gateway receives "${stageVariables.lambdaAlias}"
    expect([...uris]).to.deep.equal([
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${aws_lambda_function.ItemsFunction.arn}:$${stageVariables.lambdaAlias}/invocations",
    ]);
  });

  it("mock: request template {\"statusCode\": 200} by default and VTL response templates kept verbatim", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    const vtl = '#set($ID = $Integer.parseInt($input.params("ID")))\n{ "ID": $ID, "name": "foo${ID}" }';
    api.addRoute("GET /items/{ID}", { integration: mockIntegration({ integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": vtl } }] }) });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration")).to.deep.include({
      type: "MOCK",
      request_templates: { "application/json": '{"statusCode": 200}' },
    });
    expect(s.one("aws_api_gateway_integration_response").response_templates["application/json"]).to.equal(vtl.split("${ID}").join("$${ID}"));
    expect(s.one("aws_api_gateway_method_response").status_code).to.equal("200");
  });

  it("HTTP proxy: HTTP_PROXY to the URL with the greedy path parameter mapped", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addRoute("ANY /legacy/{proxy+}", { integration: httpProxy("https://legacy.example.com/{proxy}") });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration")).to.deep.include({
      type: "HTTP_PROXY",
      integration_http_method: "ANY",
      uri: "https://legacy.example.com/{proxy}",
      request_parameters: { "integration.request.path.proxy": "method.request.path.proxy" },
    });
  });

  it("cache key parameters go on the integration and are declared on the method", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const rid = resourceRef(s, "{ID}");
    expect(s.one("aws_api_gateway_integration", (i) => i.resource_id === rid && i.type === "AWS").cache_key_parameters).to.deep.equal([
      "method.request.path.ID",
    ]);
    expect(s.one("aws_api_gateway_method", (m) => m.resource_id === rid && m.http_method === "GET").request_parameters).to.deep.equal({
      "method.request.path.ID": true,
    });
  });

  it("sends an HTTP proxy's own method and extra parameters, and names the operation", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /search", {
      integration: httpProxy("https://search.example.com/q", { httpMethod: "post", requestParameters: { "integration.request.header.X-Key": "'abc'" }, timeoutMs: 5000 }),
      operationName: "Search",
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration")).to.deep.include({
      integration_http_method: "POST",
      request_parameters: { "integration.request.header.X-Key": "'abc'" },
      timeout_milliseconds: 5000,
    });
    expect(s.one("aws_api_gateway_method").operation_name).to.equal("Search");
  });

  it("escapes Terraform template syntax in literal text but keeps references working", () => {
    expect(terraformLiteral('#set($x = "${a}") %{b}')).to.equal('#set($x = "$${a}") %%{b}');
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", {
      policy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", Condition: { StringEquals: { "aws:PrincipalTag/team": "${aws:PrincipalTag/team}", "aws:SourceArn": fn.arn } } }],
      },
    });
    api.addModel("Thing", { type: "string", pattern: "^x${1}$" });
    api.addRoute("GET /x", { integration: mockIntegration({ requestTemplates: { "application/json": `{"statusCode": 200, "fn": "${fn.functionNameRef}"}` } }) });
    const s = synth(stack);
    const policy = s.one("aws_api_gateway_rest_api").policy as string;
    expect(policy).to.include('"aws:PrincipalTag/team":"$${aws:PrincipalTag/team}"');
    expect(policy).to.include('"aws:SourceArn":"${aws_lambda_function.Fn.arn}"');
    expect(JSON.parse(s.one("aws_api_gateway_model").schema).pattern).to.equal("^x$${1}$");
    expect(s.one("aws_api_gateway_integration").request_templates["application/json"]).to.equal('{"statusCode": 200, "fn": "${aws_lambda_function.Fn.function_name}"}');
  });
});
