/**
 * The Lambda proxy response as API Gateway reads it: what is valid, the defaults, and binary
 * answers (`isBase64Encoded`, `binaryMediaTypes`, the first `Accept` media type matched exactly).
 * The function answers with the JSON the client posts (`from-body`).
 */
import type { RecordedCase, RecordedSuite } from "../types";

const LAMBDA = "localstack/localstack tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json test_aws_proxy_response_payload_format_validation";
const BINARY = "localstack/localstack tests/aws/services/apigateway/test_apigateway_lambda.py::test_aws_proxy_binary_response (aws.validated, test_apigateway_lambda.validation.json)";
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/wIAAgkBAyMAlYwAAAAASUVORK5CYII=";
const ERROR = { message: "Internal server error" };

const respond = (id: string, key: string, response: unknown, expect: RecordedCase["expect"]): RecordedCase => ({
  id,
  source: `${LAMBDA} "${key}"`,
  api: "respond",
  request: { method: "POST", path: "/test", headers: [["User-Agent", "python/test"], ["Content-Type", "application/json"]], body: JSON.stringify(response) },
  expect,
});

const binary = (id: string, api: string, accept: string | undefined, response: Record<string, unknown>, asBinary: boolean): RecordedCase => ({
  id,
  source: BINARY,
  api,
  request: { method: "POST", path: "/test", headers: [["User-Agent", "python/test"], ...(accept === undefined ? [] : [["Accept", accept] as const])], body: JSON.stringify(response) },
  expect: asBinary ? { status: 200, bodyBase64: PNG } : { status: 200, body: PNG },
});

const png = (contentType: string | undefined, isBase64Encoded = true) => ({
  statusCode: 200,
  body: PNG,
  isBase64Encoded,
  headers: { ...(contentType ? { "Content-Type": contentType } : {}), "Cache-Control": "no-cache" },
});

const proxyRoute = [{ path: "/{proxy+}", method: "ANY", integration: { type: "AWS_PROXY" as const, fn: "from-body" as const } }];

export const suite: RecordedSuite = {
  title: "proxy response",
  apis: [
    { name: "respond", stage: "test", routes: proxyRoute },
    { name: "binpng", stage: "test2", binaryMediaTypes: ["image/png", "*/test"], routes: proxyRoute },
    { name: "binapp", stage: "test3", binaryMediaTypes: ["image/png", "application/*", "image/jpg"], routes: proxyRoute },
  ],
  cases: [
    respond("statusCode alone: an empty body", "invoke-api-no-body", { statusCode: 200 }, { status: 200, body: "" }),
    respond("header values that are not strings are printed; Content-Type defaults to application/json", "invoke-api-with-headers", { statusCode: 200, headers: { "test-header": "value", "header-bool": true } }, {
      status: 200,
      body: "",
      headers: { "test-header": "value", "header-bool": "true", "Content-Type": "application/json" },
    }),
    respond("headers: null is accepted", "invoke-api-with-headers-null", { statusCode: 200, headers: null }, { status: 200, body: "", headers: { "Content-Type": "application/json" } }),
    respond("an unknown key is a malformed response: 502", "invoke-api-wrong-format", { statusCode: 200, wrongValue: "value" }, { status: 502, json: ERROR }),
    respond("isBase64Encoded without binary media types: the base64 text is sent as is", "invoke-api-b64-encoded-true", { statusCode: 200, body: "dGVzdC1kYXRh", isBase64Encoded: true }, { status: 200, body: "dGVzdC1kYXRh" }),
    respond("base64 text without isBase64Encoded is text", "invoke-api-b64-encoded-false", { statusCode: 200, body: "dGVzdC1kYXRh" }, { status: 200, body: "dGVzdC1kYXRh" }),
    respond("a multiValueHeaders string value is malformed: 502", "invoke-api-multi-headers-invalid", { statusCode: 200, multiValueHeaders: { "test-multi-invalid": "value1" } }, { status: 502, json: ERROR }),
    respond("a statusCode that is not a number: 502", "invoke-api-invalid-status-code", { statusCode: "test" }, { status: 502, json: ERROR }),
    respond("a numeric string statusCode is used", "invoke-api-status-code-str", { statusCode: "201" }, { status: 201, body: "" }),
    respond("a JSON string instead of an object: 502", "invoke-api-just-string", "justAString", { status: 502, json: ERROR }),
    respond("no statusCode: 200", "invoke-api-only-headers", { headers: { "test-header": "value" } }, { status: 200, body: "" }),
    binary("binary media type configured, Accept image/png: the decoded bytes", "binpng", "image/png", png("image/png"), true),
    binary("no binary media types: base64 text even with a matching Accept", "respond", "image/png", png("image/png"), false),
    binary("Accept image/jpg does not match image/png", "binpng", "image/jpg", png("image/png"), false),
    binary("Accept image/* does not match image/png", "binpng", "image/*", png("image/png"), false),
    binary("a binary media type with a wildcard on the left (*/test) matches nothing", "binpng", "random/test", png("image/png"), false),
    binary("Accept */* does not match", "binpng", "*/*", png("image/png"), false),
    binary("only the first Accept media type is checked (image/webp first)", "binpng", "image/webp,image/png,*/*;q=0.8", png("image/png"), false),
    binary("only the first Accept media type is checked (image/png first)", "binpng", "image/png,image/*,*/*;q=0.8", png("image/png"), true),
    binary("isBase64Encoded false: text", "binpng", "image/png", png("image/png", false), false),
    binary("application/* matches Accept application/whatever", "binapp", "application/whatever", png("application/test"), true),
    binary("application/* matches Accept application/*", "binapp", "application/*", png("application/test"), true),
    binary("the response's Content-Type does not matter, only Accept (image/jpg)", "binapp", "image/jpg", png("image/png"), true),
    binary("no Content-Type in the response: Accept decides", "binapp", "image/png", png(undefined), true),
    binary("Accept without a subtype does not match", "binapp", "application", png(undefined), false),
    binary("no Accept: text", "binapp", undefined, png(undefined), false),
    {
      id: "binary answer with a body that is not base64: 500",
      source: BINARY,
      api: "binapp",
      request: { method: "POST", path: "/test", headers: [["User-Agent", "python/test"], ["Accept", "image/png"]], body: JSON.stringify({ ...png(undefined), body: "èé+à)(" }) },
      expect: { status: 500 },
    },
  ],
};
