/**
 * Request validation against models that refer to other models (`$ref` to
 * `https://apigateway.amazonaws.com/restapis/<api>/models/<name>`), inside `items` and `oneOf`.
 */
import type { RecordedCase, RecordedSuite } from "../types";

const COMMON = "localstack/localstack tests/aws/services/apigateway/test_apigateway_common.snapshot.json TestApiGatewayCommon";
const ref = (name: string) => ({ $ref: `https://apigateway.amazonaws.com/restapis/{apiId}/models/${name}` });
const OK = '{"data": "ok"}';

const post = (id: string, test: string, key: string, api: string, body: string | undefined, status: number, json: unknown): RecordedCase => ({
  id,
  source: `${COMMON}::${test} "${key}"`,
  api,
  request: { method: "POST", path: "/path", ...(body === undefined ? {} : { headers: [["Content-Type", "application/json"]], body }) },
  expect: { status, json },
});

const validated = (model: string) => ({
  path: "/path",
  method: "POST",
  requestModel: model,
  validate: "all" as const,
  integration: { type: "MOCK" as const, requestTemplates: { "application/json": '{"statusCode": 200}' } },
  responses: [{ statusCode: "200", selectionPattern: "", responseTemplates: { "application/json": OK } }],
});

export const suite: RecordedSuite = {
  title: "models",
  apis: [
    {
      name: "reflist",
      stage: "local",
      models: {
        testSchema: { $schema: "http://json-schema.org/draft-04/schema#", title: "testSchema", type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
        testSchemaList: { type: "array", items: ref("testSchema") },
      },
      routes: [validated("testSchemaList")],
    },
    {
      name: "refoneof",
      stage: "local",
      models: {
        StatusModel: { type: "object", properties: { Status: { type: "string" }, Order: { type: "integer" } }, required: ["Status", "Order"] },
        TestModel: { type: "object", properties: { status: { oneOf: [{ type: "null" }, ref("StatusModel")] } }, required: ["status"] },
      },
      routes: [validated("TestModel")],
    },
    {
      // Two models that refer to each other: a Team has Members, a Member may lead a Team.
      name: "refcycle",
      stage: "local",
      models: {
        Team: { type: "object", properties: { name: { type: "string" }, members: { type: "array", items: ref("Member") } }, required: ["name"] },
        Member: { type: "object", properties: { id: { type: "number" }, leads: ref("Team") }, required: ["id"] },
      },
      routes: [validated("Team")],
    },
  ],
  cases: [
    post("a list of a referenced model validates", "test_api_gateway_request_validator_with_ref_models", "successful", "reflist", '[{"a": 1, "b": 2}]', 200, { data: "ok" }),
    post("no body against a list model: 400 Invalid request body", "test_api_gateway_request_validator_with_ref_models", "failed-validation", "reflist", undefined, 400, { message: "Invalid request body" }),
    post("oneOf null or a referenced model: null validates", "test_api_gateway_request_validator_with_ref_one_ofmodels", "successful", "refoneof", '{"status": null}', 200, { data: "ok" }),
    post("oneOf null or a referenced model: the model validates", "test_api_gateway_request_validator_with_ref_one_ofmodels", "successful-with-data", "refoneof", '{"status": {"Status": "works", "Order": 1}}', 200, { data: "ok" }),
    post("oneOf: no body fails", "test_api_gateway_request_validator_with_ref_one_ofmodels", "failed-validation-no-data", "refoneof", undefined, 400, { message: "Invalid request body" }),
    {
      ...post("models referring to each other in a cycle: a valid nesting validates", "test_api_gateway_request_validator_with_ref_models", "successful", "refcycle", '{"name": "a", "members": [{"id": 1, "leads": {"name": "b", "members": [{"id": 2}]}}]}', 200, { data: "ok" }),
      source: `${COMMON}::test_api_gateway_request_validator_with_ref_models "successful" (a body valid against models joined by $ref passes; here the references form a cycle)`,
    },
    {
      ...post("models referring to each other in a cycle: an invalid body two levels down fails", "test_api_gateway_request_validator_with_ref_models", "failed-validation", "refcycle", '{"name": "a", "members": [{"id": 1, "leads": {"members": [{"id": "x"}]}}]}', 400, { message: "Invalid request body" }),
      source: `${COMMON}::test_api_gateway_request_validator_with_ref_models "failed-validation" (a body invalid against models joined by $ref: 400 Invalid request body; here the references form a cycle)`,
    },
    post("oneOf: a body without the required key fails", "test_api_gateway_request_validator_with_ref_one_ofmodels", "failed-validation-bad-data", "refoneof", '{"badFormat": "bla"}', 400, { message: "Invalid request body" }),
  ],
};
