/**
 * Mapping templates as API Gateway renders them: undefined references, how Java maps and
 * lists print, `$input.body`, `$util.urlEncode`, request and response overrides in MOCK and
 * Lambda templates, a MOCK template that is not strict JSON.
 */
import type { RecordedCase, RecordedSuite, RouteSpec } from "../types";

const COMMON = "localstack/localstack tests/aws/services/apigateway/test_apigateway_common.snapshot.json TestApiGatewayCommon";
const INTEGRATIONS = "localstack/localstack tests/aws/services/apigateway/test_apigateway_integrations.snapshot.json";
const CANARY = "localstack/localstack tests/aws/services/apigateway/test_apigateway_canary.snapshot.json TestCanaryDeployments::test_invoking_canary_deployment";
const OVERRIDE_DOC = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html (Example 1: override the status code based on the integration body)";

/** An HTTP route to the echo server whose integration response renders `template` over the echo (`{"json": <request body>, ...}`). */
const pathRoute = (path: string, template: string): RouteSpec => ({
  path,
  method: "POST",
  integration: { type: "HTTP", upstreamPath: "/post", integrationHttpMethod: "POST" },
  responses: [{ statusCode: "200", selectionPattern: "", responseTemplates: { "application/json": template } }],
});

/** An HTTP route to an endpoint that answers the body it received, with a request and a response template. */
const bodyRoute = (path: string, request: string, response: string): RouteSpec => ({
  path,
  method: "POST",
  integration: { type: "HTTP", upstreamPath: "/raw", integrationHttpMethod: "POST", requestTemplates: { "application/json": request } },
  responses: [{ statusCode: "200", selectionPattern: "", responseTemplates: { "application/json": response } }],
});

const RAW_BODY = "#set($result = $input.body)$result";
const BODY_IN_STR = "Action=SendMessage&MessageBody=$input.body";
const NULL_CHECK = '{"body": $result, "nested": $result.nested, "isNull": #if( $result == $null )"true"#else"false"#end, "isEmptyString": #if( $result == "" )"true"#else"false"#end}';

const formatting = (id: string, key: string, path: string, json: unknown, body: string): RecordedCase => ({
  id,
  source: `${COMMON}::test_input_path_template_formatting "${key}"`,
  api: "vtl",
  request: { method: "POST", path, ...(json === undefined ? {} : { headers: [["Content-Type", "application/json"]], body: JSON.stringify(json) }) },
  expect: { status: 200, body },
});

/** The three bodies of test_input_body_formatting: none, `{"some": "value"}` and raw text, each as application/json. */
const bodies = (route: string, key: string, expected: { empty: string; json: string; str: string }): RecordedCase[] =>
  (
    [
      ["empty-body", undefined, expected.empty],
      ["json-body", '{"some": "value"}', expected.json],
      ["str-body", "some raw data", expected.str],
    ] as const
  ).map(([name, body, out]) => ({
    id: `${route}: ${name}`,
    source: `${COMMON}::test_input_body_formatting "${key}" > "${name}"`,
    api: "vtl",
    request: { method: "POST", path: `/${route}`, headers: [["Content-Type", "application/json"]], ...(body === undefined ? {} : { body }) },
    expect: { status: 200, body: out },
  }));

const b64 = (text: string) => Buffer.from(text).toString("base64");

export const suite: RecordedSuite = {
  title: "VTL",
  apis: [
    {
      name: "vtl",
      stage: "dev",
      routes: [
        pathRoute("/path", '#set($result = $input.path("$.json"))$result'),
        pathRoute("/nested", '#set($result = $input.path("$.json"))$result.nested'),
        pathRoute("/list", '#set($result = $input.path("$.json"))$result[0]'),
        pathRoute("/to-string", '#set($result = $input.path("$.json"))$result.toString()'),
        pathRoute("/invalid-path", `#set($result = $input.path("$.nonExisting"))${NULL_CHECK}`),
        pathRoute("/nested-list", `#set($result = $input.path("$.json.listValue"))${NULL_CHECK}`),
        bodyRoute("/raw-body", RAW_BODY, RAW_BODY),
        bodyRoute("/str-body-input", BODY_IN_STR, RAW_BODY),
        bodyRoute("/str-body-output", RAW_BODY, BODY_IN_STR),
        bodyRoute("/body-attr-access", "#set($result = $input.body.testAccess)$result", RAW_BODY),
        bodyRoute("/url-encode", "EncodedBody=$util.urlEncode($input.body)&EncodedBodyAccess=$util.urlEncode($input.body.testAccess)", RAW_BODY),
        {
          path: "/pets",
          method: "POST",
          integration: { type: "AWS", fn: "echo" },
          responses: [{ statusCode: "200", responseTemplates: { "application/json": '#set($inputRoot = $input.path(\'$\'))\n$input.json("$")\n#if($inputRoot.toString().contains("error"))\n#set($context.responseOverride.status = 400)\n#end' } }],
        },
      ],
    },
    {
      name: "vtlmock",
      stage: "dev",
      routes: [
        {
          path: "/{testPath}",
          method: "GET",
          requestParameters: { "method.request.path.testPath": true },
          integration: { type: "MOCK", requestTemplates: { "application/json": "#set($body = $util.base64Decode($input.params('testPath')))\n#set($context.requestOverride.path.body = $body)\n{\n  \"statusCode\": 200\n}\n" } },
          responses: [
            {
              statusCode: "200",
              selectionPattern: "2\\d{2}",
              responseTemplates: {
                "application/json":
                  '\n#set($body = $util.parseJson($context.requestOverride.path.body))\n#set($inputBody = $body.message)\n#if($inputBody == "path1")\n{\n   "response": "path was path one"\n}\n#elseif($inputBody == "path2")\n{\n   "response": "path was path two"\n}\n#else\n{\n  "response": "this is the else clause"\n}\n#end\n',
              },
            },
          ],
        },
        ...(["/override", "/override-bare"] as const).map(
          (path): RouteSpec => ({
            path,
            method: "GET",
            integration: {
              type: "MOCK",
              requestTemplates: { "application/json": '\n#set($context.responseOverride.status = 444)\n#set($context.responseOverride.header.foo = "bar")\n#set($context.responseOverride.custom = "is also passed around")\n{\n  "statusCode": 200\n}\n' },
            },
            responses: [
              {
                statusCode: "200",
                selectionPattern: "2\\d{2}",
                responseTemplates:
                  path === "/override"
                    ? { "application/json": '\n#set($statusOverride = $context.responseOverride.status)\n#set($fooHeader = $context.responseOverride.header.foo)\n#set($custom = $context.responseOverride.custom)\n{\n    "statusOverride": "$statusOverride",\n    "fooHeader": "$fooHeader",\n    "custom": "$custom"\n}\n' }
                    : undefined,
              },
            ],
          }),
        ),
        {
          path: "/map",
          method: "GET",
          integration: {
            type: "MOCK",
            requestTemplates: {
              "application/json": '\n#set($paramName = "foo")\n#set($context.requestOverride.querystring[$paramName] = "bar")\n#set($paramPutName = "putfoo")\n$context.requestOverride.querystring.put($paramPutName, "putBar")\n#set($context["requestOverride"].querystring["nestedfoo"] = "nestedFoo")\n{\n  "statusCode": 200\n}\n',
            },
          },
          responses: [
            {
              statusCode: "200",
              selectionPattern: "2\\d{2}",
              responseTemplates: {
                "application/json":
                  '\n#set($value = $context.requestOverride.querystring["foo"])\n#set($value2 = $context.requestOverride.querystring["putfoo"])\n#set($value3 = $context.requestOverride.querystring["nestedfoo"])\n{\n    "value": "$value",\n    "value2": "$value2",\n    "value3": "$value3"\n}\n',
              },
            },
          ],
        },
        {
          path: "/lenient/{testPath}",
          method: "GET",
          requestParameters: { "method.request.path.testPath": true },
          integration: { type: "MOCK", requestParameters: { "integration.request.path.integrationPath": "method.request.path.testPath" }, requestTemplates: { "application/json": "{statusCode: 200}" } },
          responses: [{ statusCode: "200", selectionPattern: "2\\d{2}", responseTemplates: {} }],
        },
      ],
    },
    {
      name: "vtlstage",
      stage: "dev",
      stageVariables: { testVar: "default", defaultVar: "default" },
      routes: [
        {
          path: "/",
          method: "GET",
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [
            {
              statusCode: "200",
              responseTemplates: {
                "application/json": JSON.stringify({
                  statusCode: 200,
                  message: "default deployment",
                  variable: "$stageVariables.testVar",
                  nonExistingDefault: "$stageVariables.noStageVar",
                  nonOverridden: "$stageVariables.defaultVar",
                  isCanary: "$context.isCanaryRequest",
                }),
              },
            },
          ],
        },
      ],
    },
  ],
  cases: [
    formatting("a map from $input.path prints as a Java map", "dict-response", "/path", { foo: "bar" }, "{foo=bar}"),
    formatting("a list from $input.path prints as JSON", "json-list", "/path", [{ foo: "bar" }], '[{"foo":"bar"}]'),
    formatting("a nested map prints as a Java map", "nested-dict", "/nested", { nested: { foo: "bar" } }, "{foo=bar}"),
    formatting("a nested list prints as JSON", "nested-list", "/nested", { nested: [{ foo: "bar" }] }, '[{"foo":"bar"}]'),
    formatting("a map taken from a list prints as a Java map", "dict-in-list", "/list", [{ foo: "bar" }], "{foo=bar}"),
    formatting("a list taken from a list prints as JSON", "list-with-nested-list", "/list", [[{ foo: "bar" }]], '[{"foo":"bar"}]'),
    formatting("a map holding a list: Java map around JSON", "dict-with-nested-list", "/path", { foo: [{ nested: "bar" }] }, '{foo=[{"nested":"bar"}]}'),
    formatting("map entries separated by a comma and a space", "bigger-dict", "/path", { bigger: "dict", to: "test", with: "separators" }, "{bigger=dict, to=test, with=separators}"),
    formatting("toString() of a map", "to-string", "/to-string", { foo: "bar" }, "{foo=bar}"),
    formatting("toString() of a map holding a list", "list-to-string", "/to-string", { list: [{ foo: "bar" }] }, '{list=[{"foo":"bar"}]}'),
    formatting("$input.path of a missing field and its property render empty; it equals both $null and \"\"", "empty-body", "/invalid-path", undefined, '{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}'),
    formatting("an empty list is neither null nor empty string", "nested-empty-list", "/nested-list", { listValue: [] }, '{"body": [], "nested": , "isNull": "false", "isEmptyString": "false"}'),
    formatting("a null field renders empty", "nested-null-list", "/nested-list", { listValue: null }, '{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}'),
    ...bodies("raw-body", "response-raw-body", { empty: "{}", json: '{"some": "value"}', str: "some raw data" }),
    ...bodies("str-body-input", "response-str-body-input", { empty: "Action=SendMessage&MessageBody={}", json: 'Action=SendMessage&MessageBody={"some": "value"}', str: "Action=SendMessage&MessageBody=some raw data" }),
    ...bodies("str-body-output", "response-str-body-output", { empty: "Action=SendMessage&MessageBody={}", json: 'Action=SendMessage&MessageBody={"some": "value"}', str: "Action=SendMessage&MessageBody=some raw data" }),
    ...bodies("body-attr-access", "response-body-attr-access", { empty: "{}", json: "{}", str: "{}" }),
    ...bodies("url-encode", "response-url-encode", { empty: "EncodedBody=%7B%7D&EncodedBodyAccess=", json: "EncodedBody=%7B%22some%22%3A+%22value%22%7D&EncodedBodyAccess=", str: "EncodedBody=some+raw+data&EncodedBodyAccess=" }),
    ...(
      [
        ["path1", "invoke-path1", "path was path one"],
        ["path2", "invoke-path2", "path was path two"],
        ["whatever", "invoke-path-else", "this is the else clause"],
      ] as const
    ).map(
      ([message, key, response]): RecordedCase => ({
        id: `MOCK: $context.requestOverride.path set in the request template is read in the response template (${message})`,
        source: `${INTEGRATIONS} test_integration_mock_with_request_overrides_in_response_template "${key}"`,
        api: "vtlmock",
        request: { method: "GET", path: `/${b64(JSON.stringify({ message }))}` },
        expect: { status: 200, json: { response } },
      }),
    ),
    {
      id: "MOCK: $context.responseOverride status and header set in the request template apply, and are readable in the response template",
      source: `${INTEGRATIONS} test_integration_mock_with_response_override_in_request_template[True] "response"`,
      api: "vtlmock",
      request: { method: "GET", path: "/override" },
      expect: { status: 444, headers: { foo: "bar" }, json: { custom: "is also passed around", fooHeader: "bar", statusOverride: "444" } },
    },
    {
      id: "MOCK: $context.responseOverride applies without a response template (empty body)",
      source: `${INTEGRATIONS} test_integration_mock_with_response_override_in_request_template[False] "response"`,
      api: "vtlmock",
      request: { method: "GET", path: "/override-bare" },
      expect: { status: 444, headers: { foo: "bar" }, body: "" },
    },
    {
      id: "MOCK: $context.requestOverride.querystring is a Java map (#set by index, put(), $context[\"requestOverride\"])",
      source: `${INTEGRATIONS} test_integration_mock_with_vtl_map_assignation "response"`,
      api: "vtlmock",
      request: { method: "GET", path: "/map" },
      expect: { status: 200, json: { value: "bar", value2: "putBar", value3: "nestedFoo" } },
    },
    {
      id: "MOCK: a request template that is not strict JSON ({statusCode: 200}) selects 200",
      source: `${INTEGRATIONS} test_integration_mock_with_path_param "integration" (and the test's assertions: 200, empty body)`,
      api: "vtlmock",
      request: { method: "GET", path: "/lenient/test-path" },
      expect: { status: 200, body: "" },
    },
    {
      id: "an unset stage variable renders empty; $context.isCanaryRequest is false",
      source: `${CANARY} "response-deployment-1"`,
      api: "vtlstage",
      request: { method: "GET", path: "/" },
      expect: { status: 200, json: { isCanary: "false", message: "default deployment", nonExistingDefault: "", nonOverridden: "default", statusCode: 200, variable: "default" } },
    },
    {
      id: "Lambda: $context.responseOverride.status in the response template overrides the status",
      source: OVERRIDE_DOC,
      api: "vtl",
      request: { method: "POST", path: "/pets", headers: [["Content-Type", "application/json"]], body: '{"errors":[{"key":"GetPetRequest.petId","message":"The value is out of range."}]}' },
      expect: { status: 400, json: { errors: [{ key: "GetPetRequest.petId", message: "The value is out of range." }] } },
    },
    {
      id: "Lambda: without the error the integration's status stands",
      source: OVERRIDE_DOC,
      api: "vtl",
      request: { method: "POST", path: "/pets", headers: [["Content-Type", "application/json"]], body: '{"id":1,"type":"dog","price":249.99}' },
      expect: { status: 200, json: { id: 1, type: "dog", price: 249.99 } },
    },
  ],
};
