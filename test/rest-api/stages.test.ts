import { expect } from "chai";
import { App, Testing } from "cdktf";
import { loadEnvironment } from "../../modules/config/environments";
import { ServiceStack } from "../../modules/core/service-stack";
import { lambdaProxy, methodSettingsPath, mockIntegration, RestApi } from "../../modules/rest-api";
import { FakeFunction, itemsApi, nameOf, refTo, synth, testStack } from "./helpers";

describe("rest-api: stages and method settings", () => {
  it("formats method settings paths the way API Gateway reports them: every / of the path as ~1", () => {
    expect(methodSettingsPath("GET", "/items")).to.equal("~1items/GET");
    expect(methodSettingsPath("GET", "/items/{ID}")).to.equal("~1items~1{ID}/GET");
    expect(methodSettingsPath("put", "/DemoResourceMusic/DemoResourceMusicItem")).to.equal("~1DemoResourceMusic~1DemoResourceMusicItem/PUT");
    expect(methodSettingsPath("ANY", "/{proxy+}")).to.equal("~1{proxy+}/ANY");
    expect(methodSettingsPath("GET", "/")).to.equal("~1/GET");
  });

  it("creates each stage as its own resource on the deployment, with variables, description and X-Ray", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", {
      stages: {
        dev: { variables: { lambdaAlias: "dev" }, description: "Development" },
        prod: { variables: { lambdaAlias: "prod" }, tracing: true },
      },
    });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    const deployment = refTo(s, "aws_api_gateway_deployment", () => true, "id");
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "dev")).to.deep.include({
      deployment_id: deployment,
      variables: { lambdaAlias: "dev" },
      description: "Development",
      xray_tracing_enabled: false,
    });
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "prod")).to.deep.include({
      deployment_id: deployment,
      variables: { lambdaAlias: "prod" },
      xray_tracing_enabled: true,
    });
  });

  it("writes JSON access logs to one log group per stage, named after the API and stage, with the environment's retention", () => {
    const app = Testing.app();
    const stack = new ServiceStack(app as App, "items-dev", loadEnvironment("dev", { DEV_BACKEND: "local" }));
    const api = new RestApi(stack, "ItemsAPI", { stages: { dev: {} } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    const group = s.one("aws_cloudwatch_log_group");
    expect(group).to.deep.equal({ name: "API-Gateway-Access-Logs_dev-ItemsAPI/dev", retention_in_days: 14 });
    const stage = s.one("aws_api_gateway_stage");
    expect(stage.access_log_settings.destination_arn).to.equal(refTo(s, "aws_cloudwatch_log_group", () => true, "arn"));
    const format = JSON.parse(stage.access_log_settings.format);
    expect(format).to.deep.include({
      requestId: "$context.requestId",
      sourceIp: "$context.identity.sourceIp",
      httpMethod: "$context.httpMethod",
      resourcePath: "$context.resourcePath",
      status: "$context.status",
      responseLatency: "$context.responseLatency",
      apiKeyId: "$context.identity.apiKeyId",
      userAgent: "$context.identity.userAgent",
      integrationErrorMessage: "$context.integration.error",
      requestTime: "$context.requestTime",
    });
    expect(s.one("aws_api_gateway_rest_api").name).to.equal("dev-ItemsAPI");
  });

  it("sets the stage cache cluster and stage-wide method settings (cache, throttle, logging, metrics) on */*", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "prod")).to.deep.include({
      cache_cluster_enabled: true,
      cache_cluster_size: "0.5",
    });
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "dev").cache_cluster_enabled).to.equal(undefined);
    const prodStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "prod", "stage_name");
    const prodAll = s.one("aws_api_gateway_method_settings", (m) => m.stage_name === prodStage && m.method_path === "*/*");
    expect(prodAll.settings).to.deep.equal({
      metrics_enabled: true,
      logging_level: "OFF",
      data_trace_enabled: false,
      throttling_rate_limit: 10000,
      throttling_burst_limit: 5000,
      caching_enabled: true,
      cache_ttl_in_seconds: 3600,
      cache_data_encrypted: true,
      require_authorization_for_cache_control: true,
      unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
    });
    const devStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "dev", "stage_name");
    expect(s.one("aws_api_gateway_method_settings", (m) => m.stage_name === devStage).settings).to.deep.equal({
      metrics_enabled: true,
      logging_level: "OFF",
      data_trace_enabled: false,
    });
  });

  it("writes per-method settings at the ~1-escaped method path for route cache and throttle", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", {
      stages: { prod: { throttle: { rateLimit: 100, burstLimit: 50 }, loggingLevel: "INFO", dataTrace: true } },
    });
    api.addRoute("GET /DemoResourceMusic/DemoResourceMusicItem", { integration: lambdaProxy(fn), throttle: { rate: 5, burst: 10 } });
    api.addRoute("GET /items/{ID}", { integration: lambdaProxy(fn), cache: { ttl: 60 }, cacheKey: ["ID"] });
    const s = synth(stack);
    const music = s.one("aws_api_gateway_method_settings", (m) => m.method_path === "~1DemoResourceMusic~1DemoResourceMusicItem/GET");
    expect(music.settings).to.deep.include({ throttling_rate_limit: 5, throttling_burst_limit: 10, logging_level: "INFO", data_trace_enabled: true });
    const item = s.one("aws_api_gateway_method_settings", (m) => m.method_path === "~1items~1{ID}/GET");
    expect(item.settings).to.deep.include({
      caching_enabled: true,
      cache_ttl_in_seconds: 60,
      cache_data_encrypted: true,
      require_authorization_for_cache_control: true,
      throttling_rate_limit: 100,
      throttling_burst_limit: 50,
    });
  });

  it("infers the stage cache cluster from a method cache, without turning on caching for every method", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Fn");
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("GET /view-all", { integration: lambdaProxy(fn), cache: { ttl: 300, stages: ["prod"] } });
    const s = synth(stack);
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "prod")).to.deep.include({ cache_cluster_enabled: true, cache_cluster_size: "0.5" });
    expect(s.one("aws_api_gateway_stage", (st) => st.stage_name === "dev").cache_cluster_enabled).to.equal(undefined);
    const prodStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "prod", "stage_name");
    expect(s.one("aws_api_gateway_method_settings", (m) => m.stage_name === prodStage && m.method_path === "*/*").settings.caching_enabled).to.equal(false);
    expect(s.one("aws_api_gateway_method_settings", (m) => m.method_path === "~1view-all/GET").settings).to.deep.include({ caching_enabled: true, cache_ttl_in_seconds: 300 });
  });

  it("turns the stage's caching off for a route with cache: false", () => {
    const { stack, api, fn } = itemsApi();
    api.addRoute("POST /items", { integration: lambdaProxy(fn), cache: false, apiKey: true });
    const s = synth(stack);
    const prodStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "prod", "stage_name");
    expect(s.one("aws_api_gateway_method_settings", (m) => m.stage_name === prodStage && m.method_path === "~1items/POST").settings.caching_enabled).to.equal(false);
  });

  it("outputs the invoke URL of every stage and the API id", () => {
    const { stack } = itemsApi();
    const s = synth(stack);
    const outputs = Object.values(s.json.output) as { value: string; sensitive?: boolean }[];
    const values = outputs.map((o) => o.value);
    expect(values).to.include(refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "dev", "invoke_url"));
    expect(values).to.include(refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "prod", "invoke_url"));
    expect(values).to.include(refTo(s, "aws_api_gateway_rest_api", () => true, "id"));
  });

  it("creates the execution log group API Gateway would otherwise create without retention, before logging starts", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { logRetentionDays: 30, stages: { Test: { loggingLevel: "INFO", dataTrace: true }, quiet: {} } });
    api.addRoute("GET /x", { integration: mockIntegration() });
    const s = synth(stack);
    const apiId = refTo(s, "aws_api_gateway_rest_api", () => true, "id");
    const group = s.one("aws_cloudwatch_log_group", (g) => String(g.name).startsWith("API-Gateway-Execution-Logs_"));
    expect(group).to.deep.equal({ name: `API-Gateway-Execution-Logs_${apiId}/Test`, retention_in_days: 30 });
    const testStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "Test", "stage_name");
    const settings = s.one("aws_api_gateway_method_settings", (m) => m.stage_name === testStage);
    expect(settings.depends_on).to.deep.equal([`aws_cloudwatch_log_group.${nameOf(s, "aws_cloudwatch_log_group", (g) => g === group)}`]);
    expect(settings.settings).to.deep.include({ logging_level: "INFO", data_trace_enabled: true });
    const quietStage = refTo(s, "aws_api_gateway_stage", (st) => st.stage_name === "quiet", "stage_name");
    expect(s.one("aws_api_gateway_method_settings", (m) => m.stage_name === quietStage).depends_on).to.equal(undefined);
  });
});
