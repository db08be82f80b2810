// Non-proxy Lambda routes: an unexpected Lambda error must never reach a client as 200 with
// the error object, and a cached route must not let a request body decide what others get.
// Facts (AWS API Gateway developer guide, "Set up Lambda custom integrations" and "Integration
// passthrough behaviors"): a Lambda error whose errorMessage matches no selectionPattern takes
// the default integration response; with passthroughBehavior NEVER a request whose content type
// has no mapping template is refused with 415 Unsupported Media Type; a request without a
// Content-Type is taken as application/json.
import { expect } from "chai";
import { catchAllErrorResponse, lambdaIntegration, mockIntegration, RestApi, type IntegrationResponse, type RestApiProps } from "../../modules/rest-api";
import { FakeFunction, propError, synth, testStack } from "./helpers";

function api(stages: RestApiProps["stages"] = { prod: {} }) {
  const stack = testStack();
  const fn = new FakeFunction(stack, "Fn");
  return { stack, fn, api: new RestApi(stack, "Api", { stages }) };
}

const NOT_FOUND: IntegrationResponse = { statusCode: "404", selectionPattern: "NotFoundError:[\\s\\S]*" };

describe("rest-api: non-proxy Lambda routes", () => {
  describe("a catch-all for unexpected errors", () => {
    it("refuses a route whose errors could fall through to the default 200, saying how to add the catch-all", () => {
      const { api: a, fn } = api();
      const e = propError(() => a.addRoute("GET /items", { integration: lambdaIntegration(fn, { integrationResponses: [NOT_FOUND] }) }));
      expect(e.prop).to.equal('routes["GET /items"].integration.integrationResponses');
      expect(e.value).to.deep.equal(["NotFoundError:[\\s\\S]*"]);
      expect(e.message).to.include("GET /items would answer 200 with the error's message, type and stack trace");
      expect(e.message).to.include('catchAllErrorResponse({ except: ["NotFoundError:[\\\\s\\\\S]*"] })');
    });

    it("refuses a single-line pattern: a stack trace spans lines and `.` stops at a line end", () => {
      const { api: a, fn } = api();
      const e = propError(() => a.addRoute("GET /x", { integration: lambdaIntegration(fn, { integrationResponses: [{ statusCode: "500", selectionPattern: ".+" }] }) }));
      expect(e.message).to.include('"Error: boom\\n    at handler');
    });

    it("accepts catchAllErrorResponse, written last as a 500 with API Gateway's own body", () => {
      const { stack, api: a, fn } = api();
      a.addRoute("GET /items", { integration: lambdaIntegration(fn, { integrationResponses: [NOT_FOUND, catchAllErrorResponse({ except: [NOT_FOUND.selectionPattern!] })] }) });
      const catchAll = synth(stack).one("aws_api_gateway_integration_response", (r) => typeof r.selection_pattern === "string" && r.selection_pattern.startsWith("(?!"));
      expect(catchAll.selection_pattern).to.equal("(?!(?:NotFoundError:[\\s\\S]*)$)[\\s\\S]+");
      expect(catchAll.response_templates).to.deep.equal({ "application/json": '{"message": "Internal server error"}' });
    });

    it("builds a catch-all that leaves the other patterns' messages to them (patterns exclude each other)", () => {
      const r = catchAllErrorResponse({ except: ["NotFoundError:[\\s\\S]*", "BadRequestError:[\\s\\S]*"], statusCode: "502", body: "{}" });
      expect(r.statusCode).to.equal("502");
      // API Gateway matches the whole errorMessage
      const whole = new RegExp(`^(?:${r.selectionPattern})$`);
      expect(whole.test("Task timed out after 29.00 seconds")).to.equal(true);
      expect(whole.test("Error: x\n    at y")).to.equal(true);
      expect(whole.test("NotFoundError: no item 7")).to.equal(false);
      expect(whole.test("BadRequestError: ID must be a number")).to.equal(false);
      expect(whole.test("")).to.equal(false);
    });

    it("accepts a hand-written catch-all such as the items service's negative lookahead", () => {
      const { api: a, fn } = api();
      a.addRoute("GET /items", {
        integration: lambdaIntegration(fn, {
          integrationResponses: [NOT_FOUND, { statusCode: "500", selectionPattern: "(?!NotFoundError:|BadRequestError:)[\\s\\S]+" }],
        }),
      });
      expect(a.routeTable()).to.have.length(1);
    });

    it("does not ask a MOCK integration for one (a mock has no Lambda error)", () => {
      const { api: a } = api();
      a.addRoute("GET /m", { integration: mockIntegration() });
      expect(a.routeTable()[0]!.integration).to.equal("MOCK");
    });
  });

  describe("explicit request templates with passthrough NEVER", () => {
    it("writes the application/json template and NEVER: other content types get 415", () => {
      const { stack, api: a, fn } = api();
      a.addRoute("GET /items", {
        integration: lambdaIntegration(fn, { requestTemplates: { "application/json": "{}" }, passthroughBehavior: "NEVER", integrationResponses: [catchAllErrorResponse()] }),
      });
      expect(synth(stack).one("aws_api_gateway_integration")).to.deep.include({ request_templates: { "application/json": "{}" }, passthrough_behavior: "NEVER" });
    });

    it("refuses NEVER without any template (every request would be a 415), for Lambda and MOCK", () => {
      const { api: a, fn } = api();
      const e = propError(() => a.addRoute("GET /a", { integration: lambdaIntegration(fn, { passthroughBehavior: "NEVER", integrationResponses: [catchAllErrorResponse()] }) }));
      expect(e.prop).to.equal('routes["GET /a"].integration.passthroughBehavior');
      expect(e.message).to.include('add requestTemplates { "application/json": ... }');
      const m = propError(() => a.addRoute("GET /b", { integration: mockIntegration({ requestTemplates: {}, passthroughBehavior: "NEVER" }) }));
      expect(m.prop).to.equal('routes["GET /b"].integration.passthroughBehavior');
    });

    it("refuses a template keyed by something that is not a media type", () => {
      const { api: a, fn } = api();
      const e = propError(() => a.addRoute("GET /a", { integration: lambdaIntegration(fn, { requestTemplates: { json: "{}" }, integrationResponses: [catchAllErrorResponse()] }) }));
      expect(e.prop).to.equal('routes["GET /a"].integration.requestTemplates');
      expect(e.value).to.equal("json");
    });
  });

  describe("a cached route's body", () => {
    const cachedStage = { prod: { cache: { sizeGb: 0.5 as const, ttl: 3600 } } };
    const catchAll = [catchAllErrorResponse()];

    it("refuses a cached GET whose body reaches the function untemplated (the body is not in the cache key)", () => {
      const { api: a, fn } = api(cachedStage);
      const e = propError(() => a.addRoute("GET /items", { integration: lambdaIntegration(fn, { integrationResponses: catchAll }) }));
      expect(e.prop).to.equal('routes["GET /items"].integration.passthroughBehavior');
      expect(e.value).to.equal("WHEN_NO_TEMPLATES");
      expect(e.message).to.include('cached on stage "prod"');
      expect(e.message).to.include('passthroughBehavior: "NEVER"');
    });

    it("refuses WHEN_NO_MATCH on a route cached by its own cache: an unmatched content type passes through", () => {
      const { api: a, fn } = api({ dev: {} });
      const e = propError(() =>
        a.addRoute("GET /items", {
          integration: lambdaIntegration(fn, { requestTemplates: { "application/json": "{}" }, passthroughBehavior: "WHEN_NO_MATCH", integrationResponses: catchAll }),
          cache: { ttl: 60 },
        }),
      );
      expect(e.message).to.include('cached on stage "dev"');
    });

    it("accepts the cached route with a template and NEVER, and an uncached route that passes the body", () => {
      const { api: a, fn } = api(cachedStage);
      a.addRoute("GET /items", { integration: lambdaIntegration(fn, { requestTemplates: { "application/json": "{}" }, passthroughBehavior: "NEVER", integrationResponses: catchAll }) });
      a.addRoute("POST /items", { integration: lambdaIntegration(fn, { integrationResponses: catchAll }) });
      a.addRoute("GET /live", { integration: lambdaIntegration(fn, { integrationResponses: catchAll }), cache: false });
      expect(a.routeTable().map((r) => `${r.method} ${r.path}`)).to.deep.equal(["GET /items", "POST /items", "GET /live"]);
    });
  });
});

describe("rest-api: integration responses are keyed by status code", () => {
  it("adds no second 200 when the 200 response has a selection pattern (AWS keeps one response per status)", () => {
    const stack = testStack();
    const a = new RestApi(stack, "Api");
    a.addRoute("GET /m", { integration: mockIntegration({ integrationResponses: [{ statusCode: "200", selectionPattern: "2\\d{2}" }] }) });
    const s = synth(stack);
    const ours = s.find("aws_api_gateway_integration_response", (r) => !String(r.http_method).includes("OPTIONS"));
    expect(ours).to.have.length(1);
    expect(ours[0].selection_pattern).to.equal("2\\d{2}");
    expect(s.find("aws_api_gateway_method_response").map((m) => m.status_code)).to.deep.equal(["200"]);
  });

  it("refuses two responses with one status code, saying to merge their patterns", () => {
    const { api: a, fn } = api();
    const e = propError(() =>
      a.addRoute("GET /x", {
        integration: lambdaIntegration(fn, {
          integrationResponses: [{ statusCode: "404", selectionPattern: "NotFound.*" }, { statusCode: "404", selectionPattern: "Missing.*" }, catchAllErrorResponse()],
        }),
      }),
    );
    expect(e.value).to.equal("404");
    expect(e.message).to.include("merge the patterns into one");
  });
});
