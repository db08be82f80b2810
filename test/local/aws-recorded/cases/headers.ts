/**
 * Headers: what API Gateway drops from a request, what it remaps (`x-amzn-Remapped-*`) in
 * a response, header names in the proxy event, `headers` + `multiValueHeaders` merged, and
 * the trace header.
 */
import type { RecordedCase, RecordedSuite } from "../types";

const INTEGRATIONS = "localstack/localstack tests/aws/services/apigateway/test_apigateway_integrations.snapshot.json";
const remap = (variant: string, key: string) => `${INTEGRATIONS} TestApiGatewayHeaderRemapping::${variant} "${key}"`;
const LAMBDA = "localstack/localstack tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json";
const COMMON = "localstack/localstack tests/aws/services/apigateway/test_apigateway_common.snapshot.json TestApiGatewayCommon::test_invocation_trace_id";

/** The header names of the remapping recordings. */
export const HEADERS = [
  "Accept",
  "Accept-Charset",
  "Accept-Encoding",
  "Age",
  "Authorization",
  "Connection",
  "Content-Encoding",
  "Content-Length",
  "Content-MD5",
  "Content-Type",
  "Date",
  "Expect",
  "Host",
  "Max-Forwards",
  "Pragma",
  "Proxy-Authenticate",
  "Range",
  "Referer",
  "Server",
  "TE",
  "Transfer-Encoding",
  "Trailer",
  "Upgrade",
  "User-Agent",
  "Via",
  "Warn",
  "WWW-Authenticate",
] as const;

/** The request the remapping recordings send (every header above but Host and Content-Length, which the client sets). */
export const REMAP_REQUEST_HEADERS: readonly (readonly [string, string])[] = [
  ["Accept", "application/json"],
  ["Accept-Charset", "UTF-8"],
  ["Accept-Encoding", "br"],
  ["Age", "request_Age"],
  ["Authorization", "Unauthorized"],
  ["Connection", "close"],
  ["Content-Encoding", "deflate"],
  ["Content-MD5", "request_Content-MD5"],
  ["Content-Type", "application/json"],
  ["Date", "request_Date"],
  ["Expect", "100-continue"],
  ["Max-Forwards", "2"],
  ["Pragma", "cache"],
  ["Proxy-Authenticate", "Basic"],
  ["Range", "bytes=500-999"],
  ["Referer", "https://example.com/"],
  ["Server", "https://example.com/"],
  ["TE", "deflate"],
  ["Trailer", "Expires"],
  ["Transfer-Encoding", "chunked"],
  ["Upgrade", "HTTP/2.0"],
  ["User-Agent", "localStack/0.0"],
  ["Via", "p.example.net"],
  ["Warn", "299 localStack/0.0"],
  ["WWW-Authenticate", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
];

const methodHeaders = Object.fromEntries(HEADERS.map((h) => [`method.request.header.${h}`, false]));
const responseParams = Object.fromEntries(HEADERS.map((h) => [`method.response.header.${h}`, `'response_param_${h}'`]));
const paramsTemplate = `{${HEADERS.map((h) => `"${h}": "$input.params('${h}')"`).join(",")}}`;

/** Request headers API Gateway removes before the integration (absent from the proxy event and from `$input.params`). */
const DROPPED = ["Connection", "Content-MD5", "Max-Forwards", "Proxy-Authenticate", "Server", "TE", "Trailer", "Upgrade", "WWW-Authenticate"];

const remapCase = (id: string, variant: string, key: string, api: string, path: string, expect: RecordedCase["expect"]): RecordedCase => ({
  id,
  source: remap(variant, key),
  api,
  request: { method: "GET", path, headers: REMAP_REQUEST_HEADERS },
  expect,
});

export const suite: RecordedSuite = {
  title: "headers",
  apis: [
    {
      name: "remap",
      stage: "test",
      routes: [
        { path: "/proxy-no-param", method: "GET", requestParameters: methodHeaders, integration: { type: "AWS_PROXY", fn: "event" } },
        { path: "/aws-full", method: "GET", requestParameters: methodHeaders, integration: { type: "AWS", fn: "echo", requestTemplates: { "application/json": paramsTemplate } }, responses: [{ statusCode: "200", responseParameters: responseParams }] },
        { path: "/http-no-param", method: "GET", integration: { type: "HTTP", upstreamPath: "/post", integrationHttpMethod: "POST" } },
        { path: "/http-proxy-no-param", method: "GET", integration: { type: "HTTP_PROXY", upstreamPath: "/post", integrationHttpMethod: "POST" } },
        { path: "/{proxy+}", method: "ANY", integration: { type: "AWS_PROXY", fn: "from-body" } },
        { path: "/mock", method: "GET", integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } } },
      ],
    },
  ],
  cases: [
    remapCase("AWS_PROXY event: hop-by-hop and restricted request headers dropped", "test_apigateway_header_remapping_aws[AWS_PROXY]", "no-param-integration", "remap", "/proxy-no-param", {
      status: 200,
      fields: {
        "/headers/Accept": "application/json",
        "/headers/Accept-Charset": "UTF-8",
        "/headers/Age": "request_Age",
        "/headers/Authorization": "Unauthorized",
        "/headers/Content-Encoding": "deflate",
        "/headers/Pragma": "cache",
        "/headers/Range": "bytes=500-999",
        "/headers/Referer": "https://example.com/",
        "/headers/User-Agent": "localStack/0.0",
        "/headers/Warn": "299 localStack/0.0",
        "/headers/X-Amzn-Trace-Id": { match: "^Root=1-[0-9a-f]{8}-[0-9a-f]{24}" },
        "/headers/X-Forwarded-For": { match: "." },
      },
      absent: DROPPED.map((h) => `/headers/${h}`).concat(DROPPED.map((h) => `/multiValueHeaders/${h}`), ["/headers/Content-Length", "/headers/Transfer-Encoding", "/headers/Expect"]),
    }),
    remapCase("$input.params of a dropped request header is empty", "test_apigateway_header_remapping_aws[AWS]", "full-integration", "remap", "/aws-full", {
      status: 200,
      fields: Object.fromEntries([
        ...DROPPED.map((h) => [`/${h}`, ""]),
        ["/Content-Length", ""],
        ["/Transfer-Encoding", ""],
        ["/Expect", ""],
        ["/Accept", "application/json"],
        ["/Accept-Charset", "UTF-8"],
        ["/Authorization", "Unauthorized"],
        ["/Age", "request_Age"],
        ["/Pragma", "cache"],
        ["/Warn", "299 localStack/0.0"],
        ["/User-Agent", "localStack/0.0"],
      ]),
    }),
    remapCase("method response headers with restricted names are sent as x-amzn-Remapped-*", "test_apigateway_header_remapping_aws[AWS]", "full-integration", "remap", "/aws-full", {
      status: 200,
      headers: {
        "x-amzn-Remapped-Authorization": "response_param_Authorization",
        "x-amzn-Remapped-Connection": "response_param_Connection",
        "x-amzn-Remapped-Content-Length": "response_param_Content-Length",
        "x-amzn-Remapped-Content-MD5": "response_param_Content-MD5",
        "x-amzn-Remapped-Date": { match: "." },
        "x-amzn-Remapped-Expect": "response_param_Expect",
        "x-amzn-Remapped-Host": "response_param_Host",
        "x-amzn-Remapped-Max-Forwards": "response_param_Max-Forwards",
        "x-amzn-Remapped-Proxy-Authenticate": "response_param_Proxy-Authenticate",
        "x-amzn-Remapped-Server": "response_param_Server",
        "x-amzn-Remapped-Trailer": "response_param_Trailer",
        "x-amzn-Remapped-Upgrade": "response_param_Upgrade",
        "x-amzn-Remapped-User-Agent": "response_param_User-Agent",
        "x-amzn-Remapped-WWW-Authenticate": "response_param_WWW-Authenticate",
        Authorization: null,
        Server: null,
        Trailer: null,
        Upgrade: null,
        "Transfer-Encoding": null,
      },
    }),
    remapCase("method response headers API Gateway passes through as mapped", "test_apigateway_header_remapping_aws[AWS]", "full-integration", "remap", "/aws-full", {
      status: 200,
      headers: {
        Accept: "response_param_Accept",
        "Accept-Charset": "response_param_Accept-Charset",
        "Accept-Encoding": "response_param_Accept-Encoding",
        Age: "response_param_Age",
        "Content-Encoding": "response_param_Content-Encoding",
        "Content-Type": "response_param_Content-Type",
        Pragma: "response_param_Pragma",
        Range: "response_param_Range",
        Referer: "response_param_Referer",
        TE: "response_param_TE",
        Warn: "response_param_Warn",
      },
    }),
    remapCase("HTTP non-proxy: no client header reaches the endpoint; API Gateway's own Accept and User-Agent", "test_apigateway_header_remapping_http[HTTP]", "no-param-integration", "remap", "/http-no-param", {
      status: 200,
      fields: {
        "/headers/Accept": "application/json",
        "/headers/User-Agent": { match: "^AmazonAPIGateway_" },
        "/headers/X-Amzn-Apigateway-Api-Id": { match: "." },
        "/data": "",
      },
      absent: ["/headers/Authorization", "/headers/Age", "/headers/Warn", "/headers/Referer", "/headers/Accept-Charset"],
    }),
    remapCase("HTTP_PROXY: client headers forwarded except hop-by-hop and restricted ones", "test_apigateway_header_remapping_http[HTTP_PROXY]", "no-param-integration", "remap", "/http-proxy-no-param", {
      status: 200,
      fields: {
        "/headers/Accept": "application/json",
        "/headers/Accept-Charset": "UTF-8",
        "/headers/Age": "request_Age",
        "/headers/Authorization": "Unauthorized",
        "/headers/Pragma": "cache",
        "/headers/Range": "bytes=500-999",
        "/headers/Referer": "https://example.com/",
        "/headers/User-Agent": "localStack/0.0",
        "/headers/Warn": "299 localStack/0.0",
        "/headers/X-Amzn-Apigateway-Api-Id": { match: "." },
      },
      absent: ["/headers/Connection", "/headers/Content-MD5", "/headers/Max-Forwards", "/headers/Proxy-Authenticate", "/headers/Server", "/headers/TE", "/headers/Trailer", "/headers/Upgrade", "/headers/WWW-Authenticate", "/headers/Via", "/headers/Expect", "/headers/Content-Encoding", "/headers/Transfer-Encoding"],
    }),
    remapCase("HTTP_PROXY response: the endpoint's Connection and Server remapped", "test_apigateway_header_remapping_http[HTTP_PROXY]", "no-param-integration", "remap", "/http-proxy-no-param", {
      status: 200,
      headers: { "x-amzn-Remapped-Connection": "keep-alive", "x-amzn-Remapped-Server": { match: "^upstream" }, "x-amzn-Remapped-Date": { match: "GMT$" }, "x-amzn-Remapped-Content-Length": { match: "^\\d+$" }, "Access-Control-Allow-Origin": "*", Server: null },
    }),
    {
      id: "proxy event header names: as sent, except Authorization and User-Agent, which are capitalised",
      source: `${LAMBDA} test_lambda_aws_proxy_integration "invocation-payload-without-trailing-slash"`,
      api: "remap",
      request: { method: "GET", path: "/proxy-no-param", headers: [["user-agent", "python-requests/testing"], ["tEsT-HEADeR", "aValUE"], ["authorization", "random-value"]] },
      expect: {
        status: 200,
        fields: { "/headers/tEsT-HEADeR": "aValUE", "/headers/Authorization": "random-value", "/headers/User-Agent": "python-requests/testing", "/multiValueHeaders/tEsT-HEADeR": ["aValUE"], "/multiValueHeaders/Authorization": ["random-value"] },
        absent: ["/headers/authorization", "/headers/user-agent", "/multiValueHeaders/authorization"],
      },
    },
    {
      id: "multiValueHeaders values joined with a comma and a space",
      source: `${LAMBDA} test_aws_proxy_response_payload_format_validation "invoke-api-multi-headers-valid"`,
      api: "remap",
      request: { method: "POST", path: "/test", headers: [["Content-Type", "application/json"]], body: JSON.stringify({ statusCode: 200, multiValueHeaders: { "test-multi": ["value1", "value2"] } }) },
      expect: { status: 200, headers: { "test-multi": "value1, value2" } },
    },
    {
      id: "headers and multiValueHeaders of one name merged: multi values first",
      source: `${LAMBDA} test_aws_proxy_response_payload_format_validation "invoke-api-multi-headers-overwrite"`,
      api: "remap",
      request: { method: "POST", path: "/test", headers: [["Content-Type", "application/json"]], body: JSON.stringify({ statusCode: 200, multiValueHeaders: { "test-multi": ["value-multi"] }, headers: { "test-multi": "value-solo" } }) },
      expect: { status: 200, headers: { "test-multi": "value-multi, value-solo" } },
    },
    {
      id: "merged case-insensitively under the multiValueHeaders spelling",
      source: `${LAMBDA} test_aws_proxy_response_payload_format_validation "invoke-api-multi-headers-overwrite-casing"`,
      api: "remap",
      request: { method: "POST", path: "/test", headers: [["Content-Type", "application/json"]], body: JSON.stringify({ statusCode: 200, multiValueHeaders: { "tesT-Multi": ["value-multi"] }, headers: { "test-multi": "value-solo" } }) },
      expect: { status: 200, headers: { "tesT-Multi": "value-multi, value-solo" } },
    },
    {
      id: "MOCK answers carry no X-Amzn-Trace-Id",
      source: `${COMMON} "normal-req-headers-MOCK"`,
      api: "remap",
      request: { method: "GET", path: "/mock" },
      expect: { status: 200, headers: { "x-amzn-trace-id": null, "x-amzn-RequestId": { match: "^[0-9a-f-]{36}$" }, "x-amz-apigw-id": { match: "." } } },
    },
    {
      id: "Lambda proxy answers carry X-Amzn-Trace-Id",
      source: `${COMMON} "normal-req-headers-AWS_PROXY"`,
      api: "remap",
      request: { method: "POST", path: "/test", headers: [["Content-Type", "application/json"]], body: '{"statusCode": 200}' },
      expect: { status: 200, headers: { "x-amzn-trace-id": { match: "^Root=1-[0-9a-f]{8}-[0-9a-f]{24}" } } },
    },
    {
      id: "a client trace header is continued in the answer",
      source: `${COMMON} "trace-id-req-headers-AWS_PROXY"`,
      api: "remap",
      request: { method: "POST", path: "/test", headers: [["Content-Type", "application/json"], ["x-amzn-trace-id", "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"]], body: '{"statusCode": 200}' },
      expect: { status: 200, headers: { "x-amzn-trace-id": { match: "^Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1" } } },
    },
  ],
};
