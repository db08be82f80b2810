// Integration options API Gateway offers beyond proxies (AWS API Gateway developer guide:
// "Set up HTTP custom integrations", "Map method request data to integration request
// parameters", "Gateway responses"; Terraform's aws_api_gateway_integration and
// aws_api_gateway_gateway_response arguments).
import { expect } from "chai";
import { catchAllErrorResponse, httpIntegration, lambdaIntegration, mockIntegration, RestApi } from "../../modules/rest-api";
import { FakeFunction, propError, synth, testStack } from "./helpers";

describe("rest-api: HTTP non-proxy integration (httpIntegration)", () => {
  it("writes type HTTP with the backend method, URL path mappings, request templates and status-code responses with templates", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    api.addRoute("GET /weather/{city}", {
      integration: httpIntegration("https://weather.example.com/v1/{city}", {
        httpMethod: "post",
        requestTemplates: { "application/json": '{"units": "$input.params(\'units\')"}' },
        passthroughBehavior: "NEVER",
        integrationResponses: [
          { statusCode: "200", responseTemplates: { "application/json": "#set($b = $input.path('$'))\n{\"temp\": $b.main.temp}" } },
          { statusCode: "404", selectionPattern: "404", responseTemplates: { "application/json": '{"message": "unknown city"}' } },
          { statusCode: "502", selectionPattern: "5\\d{2}" },
        ],
        requestParameters: { "integration.request.header.X-Units": "method.request.querystring.units" },
        timeoutMs: 8000,
      }),
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration")).to.deep.include({
      type: "HTTP",
      integration_http_method: "POST",
      uri: "https://weather.example.com/v1/{city}",
      request_parameters: { "integration.request.path.city": "method.request.path.city", "integration.request.header.X-Units": "method.request.querystring.units" },
      request_templates: { "application/json": '{"units": "$input.params(\'units\')"}' },
      passthrough_behavior: "NEVER",
      timeout_milliseconds: 8000,
    });
    const responses = s.find("aws_api_gateway_integration_response");
    expect(responses.map((r) => r.selection_pattern ?? "<default>").sort()).to.deep.equal(["404", "5\\d{2}", "<default>"]);
    expect(s.one("aws_api_gateway_integration_response", (r) => r.selection_pattern === undefined).response_templates["application/json"]).to.equal(
      "#set($b = $input.path('$'))\n{\"temp\": $b.main.temp}",
    );
    expect(s.find("aws_api_gateway_method_response").map((m) => m.status_code).sort()).to.deep.equal(["200", "404", "502"]);
    // the query parameter the mapping reads is declared on the method (not required)
    expect(s.one("aws_api_gateway_method").request_parameters).to.deep.equal({ "method.request.path.city": true, "method.request.querystring.units": false });
    expect(api.routeTable()[0]).to.deep.include({ integration: "HTTP", target: "https://weather.example.com/v1/{city}" });
  });

  it("refuses a URL parameter the path lacks and a response status code used twice", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    expect(propError(() => api.addRoute("GET /a", { integration: httpIntegration("https://b.example.com/{id}") })).message).to.include('"{id}" is not a parameter of /a');
    const e = propError(() =>
      api.addRoute("GET /b", { integration: httpIntegration("https://b.example.com/", { integrationResponses: [{ statusCode: "502", selectionPattern: "500" }, { statusCode: "502", selectionPattern: "503" }] }) }),
    );
    expect(e.value).to.equal("502");
  });

  it("changes the deployment trigger when a response template changes", () => {
    const trigger = (body: string) => {
      const stack = testStack();
      new RestApi(stack, "Api").addRoute("GET /x", { integration: httpIntegration("https://b.example.com/", { integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": body } }] }) });
      return synth(stack).one("aws_api_gateway_deployment").triggers.redeployment as string;
    };
    expect(trigger("{}")).to.equal(trigger("{}"));
    expect(trigger('{"a": 1}')).to.not.equal(trigger("{}"));
  });
});

describe("rest-api: requestParameters on Lambda and MOCK integrations", () => {
  it("maps a literal header to a non-proxy Lambda (an asynchronous invocation) and a path parameter to a mock", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api");
    api.addRoute("POST /jobs", {
      integration: lambdaIntegration(fn, {
        requestTemplates: { "application/json": "$input.json('$')" },
        requestParameters: { "integration.request.header.X-Amz-Invocation-Type": "'Event'" },
        integrationResponses: [catchAllErrorResponse()],
      }),
    });
    api.addRoute("GET /echo/{id}", {
      integration: mockIntegration({
        requestParameters: { "integration.request.header.X-Id": "method.request.path.id", "integration.request.querystring.stage": "context.stage" },
      }),
    });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_integration", (i) => i.type === "AWS").request_parameters).to.deep.equal({ "integration.request.header.X-Amz-Invocation-Type": "'Event'" });
    expect(s.one("aws_api_gateway_integration", (i) => i.type === "MOCK").request_parameters).to.deep.equal({
      "integration.request.header.X-Id": "method.request.path.id",
      "integration.request.querystring.stage": "context.stage",
    });
  });

  it("refuses a target that is not integration.request.*, a source of another form, and a path parameter the route lacks", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api");
    const bad = (requestParameters: Record<string, string>) => propError(() => api.addRoute("GET /m/{id}", { integration: mockIntegration({ requestParameters }) }));
    expect(bad({ "method.request.header.X": "'a'" }).prop).to.equal('routes["GET /m/{id}"].integration.requestParameters');
    expect(bad({ "integration.request.header.X": "a" }).message).to.include("a quoted literal");
    expect(bad({ "integration.request.header.X": "method.request.path.other" }).message).to.include('"other" is not a parameter');
  });
});

describe("rest-api: gateway-response headers mapped from the request", () => {
  it("maps gatewayresponse.header.* from method.request.header.* next to static and CORS headers", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { cors: { allowOrigins: ["https://www.example.com"] } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    api.addGatewayResponse("DEFAULT_4XX", { headers: { "X-Static": "v" }, headerMappings: { "X-Correlation-Id": "method.request.header.X-Correlation-Id" } });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_gateway_response", (g) => g.response_type === "DEFAULT_4XX").response_parameters).to.deep.include({
      "gatewayresponse.header.X-Correlation-Id": "method.request.header.X-Correlation-Id",
      "gatewayresponse.header.X-Static": "'v'",
      "gatewayresponse.header.Access-Control-Allow-Origin": "'https://www.example.com'",
    });
  });

  it("refuses a mapping from something that is not a request parameter, context or stage variable, and a header given twice", () => {
    const api = new RestApi(testStack(), "Api");
    const e = propError(() => api.addGatewayResponse("THROTTLED", { headerMappings: { "X-A": "integration.response.header.A" } }));
    expect(e.prop).to.equal("gatewayResponses.THROTTLED.headerMappings.X-A");
    expect(e.message).to.include('a fixed value goes in "headers"');
    const twice = propError(() => api.addGatewayResponse("QUOTA_EXCEEDED", { headers: { "X-A": "1" }, headerMappings: { "X-A": "context.requestId" } }));
    expect(twice.message).to.include("keep one of them");
  });
});
