/**
 * The Lambda proxy event as API Gateway delivers it: path and `requestContext.path`, path
 * decoding, query strings, the event's key set, and `requestParameters` ignored.
 */
import type { RecordedCase, RecordedSuite } from "../types";

const LAMBDA = "localstack/localstack tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json";
const proxy = (key: string) => `${LAMBDA} test_lambda_aws_proxy_integration "${key}"`;
const UA: [string, string] = ["User-Agent", "python-requests/testing"];
/** The recording's request headers: a test header with odd casing and a lower-case authorization. */
const RECORDED_HEADERS: readonly (readonly [string, string])[] = [UA, ["tEsT-HEADeR", "aValUE"], ["authorization", "random-value"]];

const get = (id: string, key: string, path: string, fields: Record<string, unknown>, query?: string): RecordedCase => ({
  id,
  source: proxy(key),
  api: "event",
  request: { method: "GET", path, query, headers: RECORDED_HEADERS },
  expect: { status: 200, fields },
});

export const suite: RecordedSuite = {
  title: "proxy event",
  apis: [
    {
      name: "event",
      stage: "stage",
      routes: [
        { path: "/{proxy+}", method: "ANY", integration: { type: "AWS_PROXY", fn: "event" } },
        { path: "/hardcoded", method: "ANY", integration: { type: "AWS_PROXY", fn: "event" } },
      ],
    },
    {
      name: "eventmap",
      stage: "test",
      routes: [
        {
          path: "/{pathVariable}",
          method: "ANY",
          requestParameters: {
            "method.request.header.foobar": true,
            "method.request.querystring.testVar": true,
            "method.request.path.pathVariable": true,
            "method.request.querystring.testQueryString": true,
            "method.request.header.emptyheader": true,
          },
          integration: {
            type: "AWS_PROXY",
            fn: "event",
            requestParameters: {
              "integration.request.header.headerVar": "method.request.header.foobar",
              "integration.request.path.qsVar": "method.request.querystring.testVar",
              "integration.request.path.pathVar": "method.request.path.pathVariable",
              "integration.request.querystring.queryString": "method.request.querystring.testQueryString",
              "integration.request.querystring.testQs": "method.request.querystring.testQueryString",
              "integration.request.querystring.testEmptyQs": "method.request.header.emptyheader",
            },
          },
        },
      ],
    },
    {
      name: "eventauth",
      stage: "test",
      routes: [{ path: "/authorized", method: "GET", tokenAuthorizer: true, integration: { type: "AWS_PROXY", fn: "event" } }],
    },
  ],
  cases: [
    get("path without trailing slash: path, resource, pathParameters, requestContext.path with the stage", "invocation-payload-without-trailing-slash", "/proxy-value", {
      "/path": "/proxy-value",
      "/resource": "/{proxy+}",
      "/pathParameters": { proxy: "proxy-value" },
      "/requestContext/path": "/stage/proxy-value",
      "/requestContext/resourcePath": "/{proxy+}",
      "/requestContext/stage": "stage",
      "/requestContext/httpMethod": "GET",
      "/httpMethod": "GET",
      "/body": null,
      "/isBase64Encoded": false,
      "/queryStringParameters": null,
      "/multiValueQueryStringParameters": null,
      "/stageVariables": null,
    }),
    {
      id: "requestContext key set: deploymentId, no authorizer without an authorizer; identity without API key fields",
      source: proxy("invocation-payload-without-trailing-slash"),
      api: "event",
      request: { method: "GET", path: "/proxy-value", headers: RECORDED_HEADERS },
      expect: {
        status: 200,
        keys: {
          "": ["body", "headers", "httpMethod", "isBase64Encoded", "multiValueHeaders", "multiValueQueryStringParameters", "path", "pathParameters", "queryStringParameters", "requestContext", "resource", "stageVariables"],
          "/requestContext": ["accountId", "apiId", "deploymentId", "domainName", "domainPrefix", "extendedRequestId", "httpMethod", "identity", "path", "protocol", "requestId", "requestTime", "requestTimeEpoch", "resourceId", "resourcePath", "stage"],
          "/requestContext/identity": ["accessKey", "accountId", "caller", "cognitoAuthenticationProvider", "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId", "sourceIp", "user", "userAgent", "userArn"],
        },
        fields: { "/requestContext/identity/userAgent": "python-requests/testing", "/requestContext/protocol": "HTTP/1.1", "/requestContext/identity/accessKey": null, "/requestContext/identity/user": null },
      },
    },
    get("trailing slash kept in path and requestContext.path, not in the proxy parameter", "invocation-payload-with-trailing-slash", "/proxy-value/", {
      "/path": "/proxy-value/",
      "/pathParameters": { proxy: "proxy-value" },
      "/requestContext/path": "/stage/proxy-value/",
    }),
    get("double slash inside the path kept", "invocation-payload-with-double-slash", "/proxy-value//double-slash", {
      "/path": "/proxy-value//double-slash",
      "/pathParameters": { proxy: "proxy-value//double-slash" },
      "/requestContext/path": "/stage/proxy-value//double-slash",
    }),
    get("a leading // after the stage: path collapsed, requestContext.path as sent", "invocation-payload-with-prepended-slash", "//proxy-value", {
      "/path": "/proxy-value",
      "/pathParameters": { proxy: "proxy-value" },
      "/requestContext/path": "/stage//proxy-value",
    }),
    get("a leading // before a literal resource routes to it", "invocation-hardcoded", "//hardcoded", {
      "/path": "/hardcoded",
      "/resource": "/hardcoded",
      "/pathParameters": null,
      "/requestContext/path": "/stage//hardcoded",
      "/requestContext/resourcePath": "/hardcoded",
    }),
    get(
      "query string on a path without trailing slash",
      "invocation-payload-without-trailing-slash-and-query-params",
      "/proxy-value",
      { "/path": "/proxy-value", "/queryStringParameters": { urlparam: "test" }, "/multiValueQueryStringParameters": { urlparam: ["test"] }, "/requestContext/path": "/stage/proxy-value" },
      "urlparam=test",
    ),
    get("%2B stays encoded in path and pathParameters; + stays a plus", "invocation-payload-with-path-encoded-email", "/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com", {
      "/path": "/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
      "/pathParameters": { proxy: "proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com" },
      "/requestContext/path": "/stage/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
    }),
    get(
      "query string decoding: + is a space, %2B a plus",
      "invocation-payload-with-params-encoding",
      "/proxy-value/api",
      {
        "/queryStringParameters": {
          dateTimeOffset: "2023-06-12T18:05:10.123456 00:00",
          email: "test+alias@gmail.com",
          plus: "test alias@gmail.com",
          url: "https://www.google.com/",
          whitespace: "foo bar",
          zhash: "abort/",
        },
        "/multiValueQueryStringParameters/email": ["test+alias@gmail.com"],
      },
      "dateTimeOffset=2023-06-12T18:05:10.123456+00:00&email=test%2Balias@gmail.com&plus=test+alias@gmail.com&url=https://www.google.com/&whitespace=foo%20bar&zhash=abort/",
    ),
    {
      id: "repeated query parameters: the last in queryStringParameters, all in multiValue; a JSON body as text",
      source: proxy("invocation-payload-with-params-encoding-multi"),
      api: "event",
      request: {
        method: "POST",
        path: "/proxy-value",
        query: "category=electronics&category=books&price=10&price=20&price=30",
        headers: [["Content-Type", "application/json;charset=utf-8"], ["aUThorization", "Bearer token123;API key456"], UA],
        body: '{"message": "hello world"}',
      },
      expect: {
        status: 200,
        fields: {
          "/queryStringParameters": { category: "books", price: "30" },
          "/multiValueQueryStringParameters": { category: ["electronics", "books"], price: ["10", "20", "30"] },
          "/body": '{"message": "hello world"}',
          "/httpMethod": "POST",
          "/headers/Authorization": "Bearer token123;API key456",
          "/headers/Content-Type": "application/json;charset=utf-8",
        },
        absent: ["/headers/aUThorization"],
      },
    },
    {
      id: "AWS_PROXY ignores the integration's requestParameters",
      source: `${LAMBDA} test_lambda_aws_proxy_integration_request_data_mapping "http-proxy-invocation-data-mapping"`,
      api: "eventmap",
      request: {
        method: "POST",
        path: "/foobar",
        query: "testQueryString=foo&testVar=bar",
        headers: [["Content-Type", "application/json"], ["Accept", "application/json"], ["foobar", "mapped-value"], ["user-Agent", "test/integration"], ["headerVar", "request-value"]],
        body: '{"message": "hello world"}',
      },
      expect: {
        status: 200,
        fields: {
          "/headers/foobar": "mapped-value",
          "/headers/headerVar": "request-value",
          "/headers/User-Agent": "test/integration",
          "/queryStringParameters": { testQueryString: "foo", testVar: "bar" },
          "/pathParameters": { pathVariable: "foobar" },
          "/path": "/foobar",
          "/resource": "/{pathVariable}",
          "/requestContext/path": "/test/foobar",
          "/requestContext/identity/userAgent": "test/integration",
        },
        absent: ["/headers/user-Agent", "/queryStringParameters/queryString", "/queryStringParameters/testQs"],
      },
    },
    {
      id: "with a Lambda authorizer, requestContext.authorizer holds principalId and the authorizer's context",
      source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html (principalId and the context map reach the integration as $context.authorizer.*)",
      api: "eventauth",
      request: { method: "GET", path: "/authorized", headers: [["Authorization", "allow"]] },
      expect: { status: 200, fields: { "/requestContext/authorizer/principalId": "user-1", "/requestContext/authorizer/tier": "gold" } },
    },
  ],
};
