/**
 * Request validation against models that refer to other models (`$ref` to
 * `https://apigateway.amazonaws.com/restapis/<api>/models/<name>`), inside `items` and `oneOf`,
 * and models that refer to each other in a cycle: as AWS stored them after an import (URLs
 * both ways), and as this project's modules write them (the cycle inlined as `definitions`
 * with `#/definitions/<Name>` references, see modules/rest-api/model-graph.ts). Both must
 * answer the recorded requests as AWS did.
 */
import { renderModels } from "../../../../modules/rest-api/model-graph";
import type { RecordedCase, RecordedSuite, RouteSpec } from "../types";

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

const IMPORT = "localstack/localstack tests/aws/services/apigateway/test_apigateway_import.py::TestApiGatewayImportRestApi::test_import_with_circular_models_and_request_validation";

/** Person and House as AWS stored them after importing the circular OpenAPI document (snapshot "get-models"). */
const PERSON = {
  required: ["b", "name"],
  type: "object",
  properties: { name: { type: "string", description: "Random property" }, b: { type: "number" }, house: ref("House") },
  description: "Random person schema.",
};
const HOUSE = {
  type: "object",
  properties: {
    randomProperty: { type: "string", description: "Random property", format: "byte" },
    contains: { minItems: 1, type: "array", description: "The information of who is living in the house", items: ref("Person") },
  },
  description: "Where a Person can live",
};

/** The same two models declared through the modules (`#/models/<Name>` references), rendered as the modules render them. */
const inlined = Object.fromEntries(
  [
    ...renderModels(
      [
        { name: "Person", schema: { ...PERSON, properties: { ...PERSON.properties, house: { $ref: "#/models/House" } } } },
        { name: "House", schema: { ...HOUSE, properties: { ...HOUSE.properties, contains: { ...HOUSE.properties.contains, items: { $ref: "#/models/Person" } } } } },
      ],
      { where: "recorded", url: (name) => ref(name).$ref, literal: (text) => text },
    ),
  ].map(([name, m]) => [name, m.body]),
);

const person: RouteSpec = {
  path: "/person",
  method: "POST",
  requestModel: "Person",
  validate: "all",
  integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
  responses: [{ statusCode: "200", selectionPattern: "", responseTemplates: { "application/json": OK } }],
};

/** The requests of the recorded test: a valid nesting passes, a body without the required keys and one invalid two models down are refused. */
const circular = (api: string, form: string): RecordedCase[] => {
  const send = (id: string, body: unknown, status: number, outcome: string, json?: unknown): RecordedCase => ({
    id: `${id} (${form})`,
    source: `${IMPORT} (AWS-validated: the models of snapshot "get-models"; ${outcome})`,
    api,
    request: { method: "POST", path: "/person", headers: [["Content-Type", "application/json"]], body: JSON.stringify(body) },
    expect: json === undefined ? { status } : { status, json },
  });
  return [
    send("models in a cycle: a valid Person in a House validates", { name: "Person1", b: 2, house: { randomProperty: "this is random", contains: [{ name: "Person2", b: 3 }] } }, 200, "the test asserts request.ok"),
    send("models in a cycle: a body without the required keys is refused", { random: "blabla" }, 400, 'the test asserts 400 and message "Invalid request body"', { message: "Invalid request body" }),
    send(
      "models in a cycle: a Person invalid inside the House is refused",
      { name: "Person1", b: 2, house: { randomProperty: "this is random, but I follow House schema except for contains", contains: [{ randomObject: "I am not following Person schema" }] } },
      400,
      'the test asserts 400 and message "Invalid request body"',
      { message: "Invalid request body" },
    ),
  ];
};

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
    { name: "circular-imported", stage: "dev", models: { Person: PERSON, House: HOUSE }, routes: [person] },
    { name: "circular-inlined", stage: "dev", models: inlined, routes: [person] },
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
    ...circular("circular-imported", "cross-model URLs, as imported"),
    ...circular("circular-inlined", "inlined definitions, as the modules write them"),
  ],
};
