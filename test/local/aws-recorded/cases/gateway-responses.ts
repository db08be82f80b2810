/**
 * Gateway responses: a customised DEFAULT_5XX (status, header, template) reaches the 5XX
 * types it covers; a type customised on its own keeps its default status and template and
 * takes none of the default's parameters; routing misses.
 */
import type { RecordedSuite } from "../types";

const API = "localstack/localstack tests/aws/services/apigateway/test_apigateway_api.snapshot.json TestApiGatewayGatewayResponse::test_gateway_response_put";
const LAMBDA = "localstack/localstack tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json";
const ROUTING = "localstack/localstack tests/aws/services/apigateway/test_apigateway_common.snapshot.json TestApigatewayRouting::test_routing_not_found";

/** The recorded DEFAULT_5XX template. */
const TEMPLATE = '{\n     "message": $context.error.messageString,\n     "type":  "$context.error.responseType",\n     "stage":  "$context.stage",\n     "resourcePath":  "$context.resourcePath",\n     "stageVariables.a":  "$stageVariables.a",\n     "statusCode": "\'404\'"\n}';

const rendered = (message: string, type: string, resourcePath: string) => ({ message, type, stage: "test", resourcePath, "stageVariables.a": "", statusCode: "'404'" });

export const suite: RecordedSuite = {
  title: "gateway responses",
  apis: [
    {
      name: "gwr",
      stage: "test",
      gatewayResponses: [
        { type: "DEFAULT_5XX", statusCode: "599", responseParameters: { "gatewayresponse.header.x-request-header": "method.request.header.Accept" }, responseTemplates: { "application/json": TEMPLATE } },
        { type: "INTEGRATION_FAILURE", responseParameters: { "gatewayresponse.header.foo": "'bar'" } },
        { type: "MISSING_AUTHENTICATION_TOKEN", responseParameters: { "gatewayresponse.header.x-request-header": "method.request.header.Accept" } },
      ],
      routes: [
        { path: "/slow", method: "GET", integration: { type: "AWS", fn: "slow", timeoutMs: 100 } },
        { path: "/noperm", method: "GET", integration: { type: "AWS_PROXY", fn: "event", permission: false } },
        { path: "/get-method", method: "GET", integration: { type: "AWS_PROXY", fn: "event", integrationHttpMethod: "GET" } },
      ],
    },
    {
      name: "gwrfail",
      stage: "test",
      gatewayResponses: [{ type: "INTEGRATION_FAILURE", responseParameters: {} }],
      routes: [{ path: "/{proxy+}", method: "ANY", integration: { type: "AWS_PROXY", fn: "event", integrationHttpMethod: "GET" } }],
    },
    {
      name: "gwr404",
      stage: "test",
      gatewayResponses: [{ type: "MISSING_AUTHENTICATION_TOKEN", statusCode: "404" }],
      routes: [{ path: "/existing", method: "GET", integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } } }],
    },
    {
      name: "routing",
      stage: "dev",
      routes: [
        {
          path: "/existing",
          method: "GET",
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [{ statusCode: "200", responseTemplates: { "application/json": '{"statusCode": 200, "message": "exists"}' } }],
        },
      ],
    },
  ],
  cases: [
    {
      id: "INTEGRATION_TIMEOUT takes DEFAULT_5XX's status, header and template",
      source: `${API} "get-gateway-responses" (INTEGRATION_TIMEOUT: 599, DEFAULT_5XX's parameters and template)`,
      api: "gwr",
      request: { method: "GET", path: "/slow", headers: [["Accept", "application/json"]] },
      expect: { status: 599, headers: { "x-request-header": "application/json" }, json: rendered("Endpoint request timed out", "INTEGRATION_TIMEOUT", "/slow") },
    },
    {
      id: "API_CONFIGURATION_ERROR (no permission on the function) takes DEFAULT_5XX's status, header and template",
      source: `${API} "get-gateway-responses" (API_CONFIGURATION_ERROR: 599, DEFAULT_5XX's parameters and template)`,
      api: "gwr",
      request: { method: "GET", path: "/noperm", headers: [["Accept", "application/json"]] },
      expect: { status: 599, headers: { "x-request-header": "application/json" }, json: rendered("Internal server error", "API_CONFIGURATION_ERROR", "/noperm") },
    },
    {
      id: "INTEGRATION_FAILURE customised with only a header: status 500, the default template, none of DEFAULT_5XX's parameters",
      source: `${API} "put-gateway-response-default-ignored" and "get-gateway-responses" (a type customised after DEFAULT_5XX keeps status 500, {"message":$context.error.messageString} and only its own parameters)`,
      api: "gwr",
      request: { method: "GET", path: "/get-method", headers: [["Accept", "application/json"]] },
      expect: { status: 500, headers: { foo: "bar", "x-request-header": null }, json: { message: "Internal server error" } },
    },
    {
      id: "MISSING_AUTHENTICATION_TOKEN customised with only a header: status 403 and the default template",
      source: `${API} "put-gateway-response-response-parameters-only"`,
      api: "gwr",
      request: { method: "GET", path: "/nowhere", headers: [["Accept", "text/plain"]] },
      expect: { status: 403, headers: { "x-request-header": "text/plain", "x-amzn-ErrorType": "MissingAuthenticationTokenException" }, json: { message: "Missing Authentication Token" } },
    },
    {
      id: "an AWS_PROXY integration whose integration method is GET fails: 500 through a customised INTEGRATION_FAILURE",
      source: `${LAMBDA} test_lambda_aws_proxy_integration_non_post_method "invocation-payload-with-get-proxy-method"`,
      api: "gwrfail",
      request: { method: "GET", path: "/test-path", headers: [["User-Agent", "python-requests/testing"]] },
      expect: { status: 500, json: { message: "Internal server error" } },
    },
    {
      id: "MISSING_AUTHENTICATION_TOKEN customised with only a status code: that status, the default template",
      source: `${API} "put-gateway-response-status-only"`,
      api: "gwr404",
      request: { method: "GET", path: "/random-non-existing" },
      expect: { status: 404, json: { message: "Missing Authentication Token" } },
    },
    {
      id: "an unknown path: 403 Missing Authentication Token",
      source: `${ROUTING} "not-found"`,
      api: "routing",
      request: { method: "GET", path: "/random-non-existing" },
      expect: { status: 403, headers: { "x-amzn-ErrorType": "MissingAuthenticationTokenException" }, json: { message: "Missing Authentication Token" } },
    },
    {
      id: "a method the resource lacks: 403 Missing Authentication Token",
      source: `${ROUTING} "wrong-method"`,
      api: "routing",
      request: { method: "POST", path: "/existing" },
      expect: { status: 403, headers: { "x-amzn-ErrorType": "MissingAuthenticationTokenException" }, json: { message: "Missing Authentication Token" } },
    },
    {
      id: "the existing route answers its template",
      source: `${ROUTING} "working-route"`,
      api: "routing",
      request: { method: "GET", path: "/existing" },
      expect: { status: 200, json: { statusCode: 200, message: "exists" } },
    },
  ],
};
