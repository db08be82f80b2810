// The synthesized JSON of the rest-api fixture stacks, compared byte for byte with the
// goldens in test/rest-api/golden/. They were written by the module before it was split
// into concept files, so this proves the split changed no Terraform, and keeps proving that
// refactorings of the module change nothing unnoticed. The fixtures use plain Lambda
// resources (no handler bundles), so no asset hash or zip name can move them.
// An intended change: `UPDATE_GOLDEN=1 npx mocha test/rest-api/golden.test.ts`, then review
// the diff of the golden files like any other code.
import { expect } from "chai";
import { Testing } from "cdktf";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  catchAllErrorResponse,
  httpProxy,
  lambdaIntegration,
  lambdaProxy,
  mockIntegration,
  modelRef,
  RestApi,
  sourceIpPolicy,
} from "../../modules/rest-api";
import { FakeFunction, itemsApi, testStack } from "./helpers";

const GOLDEN_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");

/** Every option of the module once: authorizers of each kind, each integration type, CORS with several origins, keys, plans, domains, logging. */
function everyOption() {
  const stack = testStack();
  const fn = new FakeFunction(stack, "Handler", ["live"]);
  const authFn = new FakeFunction(stack, "AuthFn", ["live"]);
  const api = new RestApi(stack, "Everything", {
    description: "every option",
    binaryMediaTypes: ["image/*"],
    minimumCompressionSize: 1024,
    policy: sourceIpPolicy(["203.0.113.0/24"]),
    cors: { allowOrigins: ["https://a.example.com", "https://b.example.com"], allowCredentials: true, exposeHeaders: ["ETag"] },
    stages: {
      dev: { variables: { alias: "live" }, loggingLevel: "INFO", dataTrace: true, tracing: true },
      prod: { variables: { alias: "live" }, throttle: { rate: 100, burst: 50 }, accessLogs: false, description: "production" },
    },
  });
  api.addModel("Thing", { type: "object", properties: { id: { type: "string" }, note: { type: "string", pattern: "^${x}$" } } });
  api.addModel("Things", { type: "array", items: modelRef("Thing") });
  const pool = api.addAuthorizer("Users", { type: "COGNITO_USER_POOLS", userPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p"] });
  const token = api.addAuthorizer("Token", { type: "TOKEN", fn: { fn: authFn, alias: "live" }, validationExpression: "^Bearer .+$" });
  const request = api.addAuthorizer("Request", { type: "REQUEST", fn: authFn, identitySources: ["method.request.header.X-Caller"] });
  api.addRoute("GET /things", {
    integration: lambdaIntegration(fn.aliasFromStageVariable("alias"), {
      requestTemplates: { "application/json": '{"q": "$input.params(\'q\')"}' },
      integrationResponses: [
        { statusCode: "404", selectionPattern: ".*NotFound.*", responseTemplates: { "application/json": '{"message": "not found"}' } },
        { statusCode: "200", responseParameters: { "X-Count": "integration.response.body.count" } },
        catchAllErrorResponse({ except: [".*NotFound.*"] }),
      ],
    }),
    apiKey: true,
    requestParameters: { "querystring.q": true },
    cacheKey: ["querystring.q"],
    cache: { ttl: 60, stages: ["prod"] },
    methodResponses: [{ statusCode: "200", responseModels: { "application/json": "Things" } }],
  });
  api.addRoute("POST /things", { integration: lambdaProxy({ fn, alias: "live" }, { timeoutMs: 5000 }), authorizer: pool, authorizationScopes: ["things/write"], requestModel: "Thing" });
  api.addRoute("GET /things/{id}", { integration: lambdaProxy(fn), authorizer: token, throttle: { rate: 5, burst: 10, stages: ["prod"] }, cache: false });
  api.addRoute("DELETE /things/{id}", { integration: lambdaProxy(fn), authorizer: "IAM", operationName: "DeleteThing" });
  api.addRoute("GET /who", { integration: lambdaProxy(fn), authorizer: request, cors: false });
  api.addRoute("ANY /legacy/{proxy+}", { integration: httpProxy("https://legacy.example.com/{proxy}", { requestParameters: { "integration.request.header.X-Key": "'k'" } }) });
  api.addRoute("GET /health", {
    integration: mockIntegration({
      integrationResponses: [{ statusCode: "200", responseTemplates: { "application/json": '{"ok": true, "at": "$context.requestTime"}' } }],
    }),
  });
  api.addUsagePlan("Basic", { quota: { limit: 100, period: "WEEK", offset: 2 }, throttle: { rate: 10, burst: 20 }, methodThrottle: { "GET /things": { rate: 1, burst: 2 } }, keys: ["Alice", "Bob"] });
  api.addGatewayResponse("UNAUTHORIZED", { statusCode: "401", headers: { "WWW-Authenticate": "Bearer" }, templates: { "application/json": '{"message":$context.error.messageString}' } });
  api.addDomainName("api.example.com", { certificateArn: "arn:aws:acm:us-east-1:1:certificate/abc", stage: "prod", basePath: "v1" });
  return stack;
}

/** Models that refer to each other: a self-reference, a two-model cycle declared before the model it names, an acyclic chain into the cycle. */
function modelCycles() {
  const stack = testStack();
  const api = new RestApi(stack, "Models", { stages: { dev: {} } });
  api.addModel("Folder", { type: "object", required: ["name"], properties: { name: { type: "string" }, folders: { type: "array", items: modelRef("Folder") } } }, { description: "a folder holds folders" });
  const person = api.addModel("Person", { type: "object", required: ["name"], properties: { name: { type: "string" }, house: modelRef("House"), home: modelRef("Folder") } });
  api.addModel("House", { type: "object", properties: { contains: { type: "array", minItems: 1, items: modelRef(person) } } });
  api.addModel("Street", { type: "array", items: modelRef("House") });
  api.addRoute("POST /people", { integration: mockIntegration(), requestModel: person });
  api.addRoute("POST /streets", { integration: mockIntegration(), requestModel: "Street" });
  api.addRoute("POST /folders", { integration: mockIntegration(), requestModel: "Folder" });
  return stack;
}

const FIXTURES = {
  "items-api": () => itemsApi({ extraRoute: true }).stack,
  "every-option": everyOption,
  "model-cycles": modelCycles,
};

describe("rest-api: synthesized JSON of the fixture stacks (golden)", () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name} synthesizes exactly the golden Terraform JSON`, () => {
      const json = `${JSON.stringify(JSON.parse(Testing.synth(make())), null, 2)}\n`;
      const file = path.join(GOLDEN_DIR, `${name}.json`);
      if (process.env.UPDATE_GOLDEN === "1") {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, json);
      }
      expect(existsSync(file), `${file} (write it with UPDATE_GOLDEN=1)`).to.equal(true);
      const golden = readFileSync(file, "utf8");
      if (json !== golden) {
        const a = golden.split("\n");
        const b = json.split("\n");
        const at = a.findIndex((line, i) => line !== b[i]);
        expect(b.slice(at, at + 8).join("\n"), `first difference at line ${at + 1} of ${name}.json`).to.equal(a.slice(at, at + 8).join("\n"));
      }
      expect(json === golden, `${name}.json`).to.equal(true);
    });
  }
});
