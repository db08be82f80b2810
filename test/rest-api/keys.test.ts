import { expect } from "chai";
import { mockIntegration, RestApi, usagePlanThrottlePath } from "../../modules/rest-api";
import { itemsApi, refTo, synth, testStack } from "./helpers";

describe("rest-api: API keys and usage plans", () => {
  it("creates enabled keys with generated values and outputs their id and, marked sensitive, their value", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const key = s.one("aws_api_gateway_api_key");
    expect(key).to.deep.equal({ name: "LabKey", enabled: true });
    const outputs = Object.values(s.json.output) as { value: string; sensitive?: boolean }[];
    const value = outputs.find((o) => o.value === refTo(s, "aws_api_gateway_api_key", () => true, "value"));
    expect(value?.sensitive).to.equal(true);
    const id = outputs.find((o) => o.value === refTo(s, "aws_api_gateway_api_key", () => true, "id"));
    expect(id?.sensitive).to.equal(undefined);
  });

  it("creates a usage plan over the stages with quota, throttle, per-method throttle, and links the keys", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("GET /items/{ID}", { integration: mockIntegration(), apiKey: true });
    const key = api.addApiKey("StudentApiKey", { description: "for the web page" });
    api.addUsagePlan("StudentUsagePlan", {
      description: "students",
      quota: { limit: 5000, period: "MONTH", offset: 2 },
      throttle: { rateLimit: 10, burstLimit: 20 },
      methodThrottle: { "GET /items/{ID}": { rate: 2, burst: 4 } },
      keys: [key],
    });
    const s = synth(stack);
    const plan = s.one("aws_api_gateway_usage_plan");
    expect(plan).to.deep.include({
      name: "StudentUsagePlan",
      description: "students",
      quota_settings: { limit: 5000, period: "MONTH", offset: 2 },
      throttle_settings: { rate_limit: 10, burst_limit: 20 },
    });
    const apiId = refTo(s, "aws_api_gateway_rest_api", () => true, "id");
    expect(plan.api_stages).to.deep.equal(
      ["dev", "prod"].map((st) => ({
        api_id: apiId,
        stage: refTo(s, "aws_api_gateway_stage", (x) => x.stage_name === st, "stage_name"),
        throttle: [{ path: "/items/{ID}/GET", rate_limit: 2, burst_limit: 4 }],
      })),
    );
    expect(plan.depends_on).to.have.length(2);
    expect(plan.depends_on.every((d: string) => d.startsWith("aws_api_gateway_stage."))).to.equal(true);
    expect(s.one("aws_api_gateway_usage_plan_key")).to.deep.equal({
      key_id: refTo(s, "aws_api_gateway_api_key", () => true, "id"),
      key_type: "API_KEY",
      usage_plan_id: refTo(s, "aws_api_gateway_usage_plan", () => true, "id"),
    });
    expect(s.one("aws_api_gateway_api_key").description).to.equal("for the web page");
  });

  it("creates a key named in a plan once, even when two plans name it", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("GET /x", { integration: mockIntegration(), apiKey: true });
    api.addUsagePlan("Dev", { stages: ["dev"], keys: ["Shared"] });
    api.addUsagePlan("Prod", { stages: ["prod"], keys: ["Shared"] });
    const s = synth(stack);
    expect(s.find("aws_api_gateway_api_key")).to.have.length(1);
    expect(s.find("aws_api_gateway_usage_plan_key")).to.have.length(2);
  });

  it("formats usage-plan method throttle paths as /path/METHOD", () => {
    expect(usagePlanThrottlePath("get", "/items/{ID}")).to.equal("/items/{ID}/GET");
    expect(usagePlanThrottlePath("POST", "/")).to.equal("/POST");
  });
});
