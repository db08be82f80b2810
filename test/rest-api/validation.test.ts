import { expect } from "chai";
import { Testing } from "cdktf";
import type { PropError } from "../../modules/core/errors";
import {
  lambdaIntegration,
  lambdaProxy,
  mockIntegration,
  parseRoute,
  resolveCors,
  RestApi,
  sourceIpPolicy,
  type RestApiProps,
} from "../../modules/rest-api";
import { FakeFunction, propError, testStack } from "./helpers";

/** Asserts the error names the prop, shows the value and says how to fix it. */
function expectError(e: PropError, prop: string, value: unknown, fix: RegExp): void {
  expect(e.prop).to.equal(prop);
  expect(e.value).to.deep.equal(value);
  expect(e.fix).to.match(fix);
  expect(e.message).to.include(`"${prop}" is`);
}

function api(props: RestApiProps = {}) {
  const stack = testStack();
  return { stack, api: new RestApi(stack, "Api", props), fn: new FakeFunction(stack, "Fn", ["dev", "prod"]) };
}

describe("rest-api: validation", () => {
  describe("routes", () => {
    it("rejects a duplicate route", () => {
      const { api: a } = api();
      a.addRoute("GET /items", { integration: mockIntegration() });
      expectError(propError(() => a.addRoute("get /items/", { integration: mockIntegration() })), "route", "get /items/", /already routed/);
    });

    it("rejects malformed routes and paths", () => {
      expectError(propError(() => parseRoute("/items")), "route", "/items", /METHOD \/path/);
      expectError(propError(() => parseRoute("FETCH /items")), "route", "FETCH /items", /GET, POST/);
      expectError(propError(() => parseRoute("GET items")), "route", "GET items", /start the path with "\/"/);
      expectError(propError(() => parseRoute("GET /items//x")), "route", "GET /items//x", /empty path segment/);
      expectError(propError(() => parseRoute("GET /{proxy+}/x")), "route", "GET /{proxy+}/x", /must be the last segment/);
      expectError(propError(() => parseRoute("GET /a/{id}/b/{id}")), "route", "GET /a/{id}/b/{id}", /appears twice/);
      expectError(propError(() => parseRoute("GET /items/{ID")), "route", "GET /items/{ID", /neither a literal .* nor a parameter like \{id\}/);
    });

    it("rejects two different parameters at one level (API Gateway allows one)", () => {
      const { stack, api: a } = api();
      a.addRoute("GET /items/{ID}", { integration: mockIntegration() });
      a.addRoute("DELETE /items/{id}", { integration: mockIntegration() });
      const e = propError(() => Testing.synth(stack));
      expect(e.prop).to.equal("route");
      expect(["/items/{id}", "/items/{ID}"]).to.include(e.value);
      expect(e.fix).to.match(/\/items\/\{(id|ID)\} already uses a parameter at this level of \/items: API Gateway allows one parameter per level/);
    });

    it("rejects a path parameter that is not in the path, and a bad parameter kind", () => {
      const { api: a } = api();
      expectError(
        propError(() => a.addRoute("GET /items", { integration: mockIntegration(), requestParameters: { "path.ID": true } })),
        'routes["GET /items"].requestParameters',
        "path.ID",
        /name it in the path as \{ID\}/,
      );
      expectError(
        propError(() => a.addRoute("GET /x", { integration: mockIntegration(), requestParameters: { "cookie.session": true } })),
        'routes["GET /x"].requestParameters',
        "cookie.session",
        /querystring/,
      );
    });

    it("rejects a cache key that is not a parameter of the route", () => {
      const { api: a, fn } = api();
      expectError(
        propError(() => a.addRoute("GET /items/{ID}", { integration: lambdaProxy(fn), cacheKey: ["id"] })),
        'routes["GET /items/{ID}"].cacheKey',
        "id",
        /path parameter of \/items\/\{ID\} \(ID\)/,
      );
    });

    it("rejects an unknown model", () => {
      const { api: a } = api();
      expectError(
        propError(() => a.addRoute("POST /items", { integration: mockIntegration(), requestModel: "Item" })),
        'routes["POST /items"].requestModel',
        "Item",
        /api\.addModel\("Item", schema\)/,
      );
    });

    it("rejects body validation without a model, and integration timeouts out of range", () => {
      const { api: a, fn } = api();
      expectError(
        propError(() => a.addRoute("POST /x", { integration: mockIntegration(), validation: "body" })),
        'routes["POST /x"].validation',
        "body",
        /needs a request model/,
      );
      expectError(
        propError(() => a.addRoute("GET /y", { integration: lambdaProxy(fn, { timeoutMs: 30000 }) })),
        'routes["GET /y"].integration.timeoutMs',
        30000,
        /50 to 29000/,
      );
    });
  });

  describe("stages, cache and throttle", () => {
    it("rejects a stage cache TTL above 3600 and a route cache TTL below 0", () => {
      expectError(propError(() => api({ stages: { prod: { cache: { ttl: 3601 } } } })), "stages.prod.cache.ttl", 3601, /0 to 3600/);
      const { api: a, fn } = api();
      expectError(
        propError(() => a.addRoute("GET /x", { integration: lambdaProxy(fn), cache: { ttl: -1 } })),
        'routes["GET /x"].cache.ttl',
        -1,
        /0 to 3600/,
      );
    });

    it("rejects a cache size API Gateway does not offer, and a size with the cache disabled", () => {
      expectError(
        propError(() => api({ stages: { prod: { cache: { sizeGb: 0.7 as 0.5 } } } })),
        "stages.prod.cache.sizeGb",
        0.7,
        /0\.5, 1\.6, 6\.1, 13\.5, 28\.4, 58\.2, 118, 237/,
      );
      expectError(
        propError(() => api({ stages: { prod: { cache: { enabled: false, sizeGb: 1.6 } } } })),
        "stages.prod.cache.sizeGb",
        1.6,
        /cannot set "sizeGb" when "enabled" is false/,
      );
    });

    it("rejects a route cache on a stage whose cache is explicitly disabled", () => {
      const { api: a, fn } = api({ stages: { prod: { cache: { enabled: false } } } });
      expectError(propError(() => a.addRoute("GET /x", { integration: lambdaProxy(fn), cache: { ttl: 60 } })), 'routes["GET /x"].cache', { ttl: 60 }, /cache\.enabled false/);
    });

    it("rejects negative throttles on stages, routes and usage plans", () => {
      expectError(propError(() => api({ stages: { prod: { throttle: { rate: -1, burst: 5 } } } })), "stages.prod.throttle.rate", -1, /non-negative/);
      const { api: a, fn } = api();
      expectError(
        propError(() => a.addRoute("GET /x", { integration: lambdaProxy(fn), throttle: { rate: 5, burst: -2 } })),
        'routes["GET /x"].throttle.burst',
        -2,
        /non-negative/,
      );
      expectError(propError(() => a.addUsagePlan("P", { throttle: { rateLimit: 1, burstLimit: -5 } })), "usagePlans.P.throttle.burst", -5, /non-negative/);
    });

    it("rejects bad stage names, variable names and values, and data trace without logging", () => {
      expectError(propError(() => api({ stages: { "pr od": {} } })), "stages", "pr od", /letters, digits/);
      expectError(propError(() => api({ stages: { prod: { variables: { "lambda-alias": "prod" } } } })), "stages.prod.variables", "lambda-alias", /letters, digits or _/);
      expectError(propError(() => api({ stages: { prod: { variables: { alias: "a b" } } } })), "stages.prod.variables.alias", "a b", /letters, digits/);
      expectError(propError(() => api({ stages: { prod: { dataTrace: true } } })), "stages.prod.dataTrace", true, /loggingLevel/);
    });

    it("rejects a route cache or throttle on an unknown stage", () => {
      const { api: a, fn } = api({ stages: { prod: {} } });
      expectError(
        propError(() => a.addRoute("GET /x", { integration: lambdaProxy(fn), cache: { stages: ["staging"] } })),
        'routes["GET /x"].cache.stages',
        "staging",
        /one of the stages prod/,
      );
    });
  });

  describe("stage-variable targets", () => {
    it("rejects a stage that does not define the variable", () => {
      const { api: a, fn } = api({ stages: { dev: { variables: { lambdaAlias: "dev" } }, prod: {} } });
      expectError(
        propError(() => a.addRoute("GET /items", { integration: lambdaIntegration(fn.aliasFromStageVariable("lambdaAlias")) })),
        "stages.prod.variables.lambdaAlias",
        undefined,
        /set it to one of dev, prod/,
      );
    });

    it("rejects a variable value that is not one of the function's aliases", () => {
      const { api: a, fn } = api({ stages: { prod: { variables: { lambdaAlias: "Prod" } } } });
      expectError(
        propError(() => a.addRoute("GET /items", { integration: lambdaIntegration(fn.aliasFromStageVariable("lambdaAlias")) })),
        "stages.prod.variables.lambdaAlias",
        "Prod",
        /Fn has no alias "Prod": use one of dev, prod/,
      );
    });

    it("rejects an alias target the function does not declare", () => {
      const { api: a, fn } = api();
      expectError(propError(() => a.addRoute("GET /x", { integration: lambdaProxy({ fn, alias: "live" }) })), 'routes["GET /x"].integration.target', "live", /no alias "live"/);
    });
  });

  describe("keys and usage plans", () => {
    it("rejects, at synth, an API-key route on a stage that no usage plan covers", () => {
      const { stack, api: a } = api({ stages: { dev: {}, prod: {} } });
      a.addRoute("POST /backup", { integration: mockIntegration(), apiKey: true });
      a.addUsagePlan("DevOnly", { stages: ["dev"], keys: ["K"] });
      expectError(propError(() => Testing.synth(stack)), "usagePlans", ["DevOnly"], /no usage plan covers stage "prod"/);
    });

    it("rejects a usage plan on an unknown stage, a method throttle for an unknown route, and a bad quota", () => {
      const { stack, api: a } = api({ stages: { prod: {} } });
      expectError(propError(() => a.addUsagePlan("P", { stages: ["dev"] })), "usagePlans.P.stages", "dev", /one of the stages prod/);
      expectError(propError(() => a.addUsagePlan("Q", { quota: { limit: -1, period: "DAY" } })), "usagePlans.Q.quota.limit", -1, /non-negative/);
      expectError(propError(() => a.addUsagePlan("R", { quota: { limit: 10, period: "WEEK", offset: 7 } })), "usagePlans.R.quota.offset", 7, /0\.\.6/);
      a.addRoute("GET /items", { integration: mockIntegration() });
      a.addUsagePlan("S", { methodThrottle: { "GET /item": { rate: 1, burst: 1 } } });
      expectError(propError(() => Testing.synth(stack)), "usagePlans.S.methodThrottle", "GET /item", /no such route: use one of GET \/items/);
    });
  });

  describe("CORS", () => {
    it("refuses * unless asked explicitly, and * with credentials", () => {
      expectError(propError(() => resolveCors({ allowOrigins: ["*"] })), "cors.allowOrigins", ["*"], /allowAnyOrigin: true/);
      expectError(
        propError(() => resolveCors({ allowOrigins: ["*"], allowAnyOrigin: true, allowCredentials: true })),
        "cors.allowCredentials",
        true,
        /browsers refuse credentials/,
      );
      expectError(propError(() => resolveCors({ allowOrigins: [] })), "cors.allowOrigins", [], /at least one origin/);
      expectError(propError(() => resolveCors({ allowOrigins: ["https://x.example.com/"] })), "cors.allowOrigins", "https://x.example.com/", /scheme:\/\/host/);
    });

    it("rejects routes on one resource with different CORS overrides", () => {
      const { stack, api: a } = api();
      a.addRoute("GET /x", { integration: mockIntegration(), cors: { allowOrigins: ["https://a.example.com"] } });
      a.addRoute("POST /x", { integration: mockIntegration(), cors: false });
      const e = propError(() => Testing.synth(stack));
      expect(e.fix).to.match(/same cors override/);
    });
  });

  describe("models, authorizers and API settings", () => {
    it("rejects a model that is not draft-04, a duplicate, a bad name and (at synth) a reference to an unknown model", () => {
      const { api: a, stack } = api();
      expectError(
        propError(() => a.addModel("Item", { $schema: "http://json-schema.org/draft-07/schema#" })),
        "models.Item.$schema",
        "http://json-schema.org/draft-07/schema#",
        /draft-04/,
      );
      a.addModel("Item", { type: "object" });
      expectError(propError(() => a.addModel("Item", { type: "object" })), "model", "Item", /already exists/);
      expectError(propError(() => a.addModel("Item-List", { type: "array" })), "model", "Item-List", /letters and digits/);
      a.addModel("Items", { type: "array", items: { $ref: "#/models/Thing" } });
      a.addRoute("GET /items", { integration: mockIntegration() });
      expectError(propError(() => Testing.synth(stack)), "models.Items.$ref", "#/models/Thing", /add the model "Thing"/);
    });

    it("rejects an authorizer TTL out of range, a TOKEN source that is not a header, a REQUEST authorizer without sources, and a literal user pool ARN Terraform refuses", () => {
      const { api: a, fn } = api();
      expectError(propError(() => a.addAuthorizer("A", { type: "TOKEN", fn, resultTtlSeconds: 4000 })), "authorizers.A.resultTtlSeconds", 4000, /0 to 3600/);
      expectError(propError(() => a.addAuthorizer("B", { type: "TOKEN", fn, identitySource: "method.request.querystring.t" })), "authorizers.B.identitySource", "method.request.querystring.t", /one header/);
      expectError(propError(() => a.addAuthorizer("C", { type: "REQUEST", fn, identitySources: [] })), "authorizers.C.identitySources", [], /resultTtlSeconds to 0/);
      expectError(propError(() => a.addAuthorizer("D", { type: "COGNITO_USER_POOLS", userPoolArns: [] })), "authorizers.D.userPoolArns", [], /at least one/);
      // the AWS provider refuses it at terraform validate ("invalid account ID value")
      const badAccount = "arn:aws:cognito-idp:us-east-1:1:userpool/p";
      expectError(propError(() => a.addAuthorizer("E", { type: "COGNITO_USER_POOLS", userPoolArns: [badAccount] })), "authorizers.E.userPoolArns", badAccount, /12-digit account/);
      expectError(propError(() => a.addAuthorizer("F", { type: "COGNITO_USER_POOLS", userPoolArns: ["us-east-1_AbC123"] })), "authorizers.F.userPoolArns", "us-east-1_AbC123", /user pool ARN/);
    });

    it("rejects scopes without a Cognito authorizer, and an authorizer from another API", () => {
      const { api: a, stack } = api();
      expectError(
        propError(() => a.addRoute("GET /x", { integration: mockIntegration(), authorizationScopes: ["read"] })),
        'routes["GET /x"].authorizationScopes',
        ["read"],
        /Cognito user pool authorizer/,
      );
      const other = new RestApi(stack, "Other");
      const foreign = other.addAuthorizer("Users", { type: "COGNITO_USER_POOLS", userPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p"] });
      expectError(propError(() => a.addRoute("GET /y", { integration: mockIntegration(), authorizer: foreign })), 'routes["GET /y"].authorizer', "Users", /this API's addAuthorizer/);
    });

    it("rejects VPC endpoints on a non-private API, a bad compression size, bad media types and bad CIDRs", () => {
      expectError(propError(() => api({ vpcEndpointIds: ["vpce-123"] })), "vpcEndpointIds", ["vpce-123"], /endpointType: "PRIVATE"/);
      expectError(propError(() => api({ minimumCompressionSize: -1 })), "minimumCompressionSize", -1, /0 to 10485760/);
      expectError(propError(() => api({ binaryMediaTypes: ["png"] })), "binaryMediaTypes", "png", /type\/subtype/);
      expectError(propError(() => sourceIpPolicy(["10.0.0.0/33"])), "cidrs", "10.0.0.0/33", /CIDR/);
    });

    it("rejects an unknown or repeated gateway response type", () => {
      const { api: a } = api();
      expectError(propError(() => a.addGatewayResponse("NOT_A_TYPE" as "DEFAULT_4XX")), "gatewayResponse", "NOT_A_TYPE", /DEFAULT_4XX/);
      a.addGatewayResponse("UNAUTHORIZED", { statusCode: "401" });
      expectError(propError(() => a.addGatewayResponse("UNAUTHORIZED")), "gatewayResponse", "UNAUTHORIZED", /merge/);
    });

    it("names the construct path in the message", () => {
      const { api: a } = api();
      const e = propError(() => a.addRoute("GET nope", { integration: mockIntegration() }));
      expect(e.message).to.equal('test/Api: "route" is "GET nope": start the path with "/", for example "/items".');
    });
  });
});
