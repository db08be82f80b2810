import { expect } from "chai";
import { TodoCreateSchema, TodoUpdateSchema } from "../../functions/todos/schema";
import { TodosStack } from "../../modules/services/todos";
import { TABLE_READ_ACTIONS } from "../../modules/table";
import { build, Synth, testEnv } from "./support";

const ROUTES = ["DELETE /todos/{id}", "GET /todos", "GET /todos/{id}", "POST /todos", "PUT /todos/{id}"];

describe("todos service stack", () => {
  let open: Synth;
  let keyed: Synth;
  let stackId: string;

  before(() => {
    const stack = build((app, env, props) => new TodosStack(app, env, props), testEnv("dev"));
    stackId = stack.node.id;
    open = new Synth(stack);
    keyed = new Synth(
      build(
        (app, env, props) => new TodosStack(app, env, props),
        testEnv("dev", { DEV_TODOS_API_KEY_REQUIRED: "true", DEV_TODOS_THROTTLE_RATE: "25", DEV_TODOS_THROTTLE_BURST: "5" }),
      ),
    );
  });

  it("is the stack todos-<env> with the table TodoItems keyed by id and the function todo-api-handler", () => {
    expect(stackId).to.equal("todos-dev");
    const table = open.one("aws_dynamodb_table");
    expect(table.name).to.equal("dev-TodoItems");
    expect(table.hash_key).to.equal("id");
    expect(open.find("aws_lambda_function").map((f) => f.function_name)).to.deep.equal(["dev-todo-api-handler"]);
    expect(open.one("aws_api_gateway_rest_api").name).to.equal("dev-todo-api");
  });

  it("routes every todo method to todo-api-handler through a Lambda proxy integration", () => {
    expect(open.routeKeys().filter((k) => !k.startsWith("OPTIONS "))).to.deep.equal(ROUTES);
    const uri = `\${aws_lambda_function.${open.fnId("dev-todo-api-handler")}.invoke_arn}`;
    for (const key of ROUTES) {
      const { integration } = open.route(key);
      expect(integration.type, key).to.equal("AWS_PROXY");
      expect(integration.uri, key).to.equal(uri);
    }
    const exec = open.ref("aws_api_gateway_rest_api", "execution_arn");
    expect(open.find("aws_lambda_permission").map((p) => p.source_arn).sort()).to.deep.equal(
      [`${exec}/*/DELETE/todos/*`, `${exec}/*/GET/todos`, `${exec}/*/GET/todos/*`, `${exec}/*/POST/todos`, `${exec}/*/PUT/todos/*`].sort(),
    );
  });

  it("validates POST and PUT bodies against the handler's schemas", () => {
    const model = (name: string) => JSON.parse(open.one("aws_api_gateway_model", (m) => m.name === name).schema);
    expect(model("TodoCreate")).to.deep.equal(TodoCreateSchema);
    expect(model("TodoUpdate")).to.deep.equal(TodoUpdateSchema);
    const validator = open.ref("aws_api_gateway_request_validator", "id", (v) => v.validate_request_body === true);
    expect(open.route("POST /todos").method.request_models).to.deep.equal({
      "application/json": open.ref("aws_api_gateway_model", "name", (m) => m.name === "TodoCreate"),
    });
    expect(open.route("POST /todos").method.request_validator_id).to.equal(validator);
    expect(open.route("PUT /todos/{id}").method.request_models).to.deep.equal({
      "application/json": open.ref("aws_api_gateway_model", "name", (m) => m.name === "TodoUpdate"),
    });
    expect(open.route("PUT /todos/{id}").method.request_validator_id).to.equal(validator);
  });

  it("leaves the API key off by default: no key, no usage plan", () => {
    for (const key of ROUTES) expect(open.route(key).method.api_key_required, key).to.equal(false);
    expect(open.find("aws_api_gateway_api_key")).to.deep.equal([]);
    expect(open.find("aws_api_gateway_usage_plan")).to.deep.equal([]);
  });

  it("requires an API key on every route when configured, with a key in a usage plan over prod", () => {
    for (const key of ROUTES) expect(keyed.route(key).method.api_key_required, key).to.equal(true);
    expect(keyed.route("OPTIONS /todos").method.api_key_required).to.equal(false);
    const plan = keyed.one("aws_api_gateway_usage_plan");
    expect(plan.name).to.equal("dev-TodoUsagePlan");
    expect(plan.api_stages[0].stage).to.equal(keyed.ref("aws_api_gateway_stage", "stage_name"));
    expect(plan.throttle_settings).to.deep.equal({ rate_limit: 25, burst_limit: 5 });
    expect(keyed.one("aws_api_gateway_api_key").name).to.equal("dev-TodoApiKey");
    expect(keyed.one("aws_api_gateway_usage_plan_key").usage_plan_id).to.equal(keyed.ref("aws_api_gateway_usage_plan", "id"));
  });

  it("throttles the prod stage from the configuration", () => {
    expect(open.find("aws_api_gateway_stage").map((s) => s.stage_name)).to.deep.equal(["prod"]);
    const all = (s: Synth) => s.one("aws_api_gateway_method_settings", (m) => m.method_path === "*/*").settings;
    expect(all(open)).to.include({ throttling_rate_limit: 100, throttling_burst_limit: 50 });
    expect(all(keyed)).to.include({ throttling_rate_limit: 25, throttling_burst_limit: 5 });
  });

  it("allows the configured web origin in CORS and passes it to the handler", () => {
    for (const key of ["OPTIONS /todos", "OPTIONS /todos/{id}"]) {
      const params = open.route(key).integrationResponses[0].response_parameters;
      expect(params["method.response.header.Access-Control-Allow-Origin"], key).to.equal("'http://localhost:5173'");
    }
    expect(open.fn("dev-todo-api-handler").environment.variables).to.deep.equal({
      ALLOWED_ORIGINS: "http://localhost:5173",
      TABLE_NAME: open.ref("aws_dynamodb_table", "name"),
    });
  });

  it("lets todo-api-handler read and write the TodoItems table only", () => {
    const table = open.ref("aws_dynamodb_table", "arn");
    expect(open.grants("todo-api-handler")).to.deep.equal([
      { actions: [...TABLE_READ_ACTIONS].sort(), resources: [table] },
      { actions: ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [table] },
    ]);
  });

  it("passes the policy rules, the open API's APIG3 finding suppressed with a reason only when no key is required", () => {
    expect(open.policyErrors()).to.deep.equal([]);
    expect(open.suppressions().map((x) => x.ruleId)).to.deep.equal(["APIG3"]);
    expect(open.suppressions()[0]!.reason).to.match(/TODOS_API_KEY_REQUIRED/);
    expect(keyed.policyErrors()).to.deep.equal([]);
    expect(keyed.suppressions()).to.deep.equal([]);
  });

  describe("alarms", () => {
    const topic = "${data.aws_sns_topic.PlatformAlarmTopic.arn}";
    const alarm = (name: string) => open.one("aws_cloudwatch_metric_alarm", (a) => a.alarm_name === name);

    it("looks the platform's alarm topic up by name and notifies it from every alarm", () => {
      expect(open.data("aws_sns_topic").map((t) => t.name)).to.deep.equal(["dev-alarms"]);
      const alarms = open.find("aws_cloudwatch_metric_alarm");
      expect(alarms).to.have.length(5);
      for (const a of alarms) {
        expect(a.alarm_actions, a.alarm_name).to.deep.equal([topic]);
        expect(a.ok_actions, a.alarm_name).to.deep.equal([topic]);
      }
    });

    it("raises on a Lambda error rate above 5 %", () => {
      const a = alarm("dev-todo-api-handler-error-rate");
      expect(a.threshold).to.equal(5);
      expect(a.comparison_operator).to.equal("GreaterThanThreshold");
      const errors = a.metric_query.find((q: { id: string }) => q.id === "errors");
      expect(errors.metric.dimensions).to.deep.equal({ FunctionName: "dev-todo-api-handler" });
    });

    it("raises on API 5XX and 4XX rates and p99 latency of the prod stage", () => {
      for (const name of ["dev-todo-api-prod-5xx-rate", "dev-todo-api-prod-4xx-rate", "dev-todo-api-prod-latency-p99"]) {
        expect(alarm(name).dimensions, name).to.deep.equal({ ApiName: "dev-todo-api", Stage: "prod" });
        expect(alarm(name).namespace, name).to.equal("AWS/ApiGateway");
      }
      expect(alarm("dev-todo-api-prod-5xx-rate").metric_name).to.equal("5XXError");
      expect(alarm("dev-todo-api-prod-4xx-rate").metric_name).to.equal("4XXError");
      expect(alarm("dev-todo-api-prod-latency-p99").extended_statistic).to.equal("p99");
    });

    it("raises on any throttled DynamoDB request of the TodoItems table", () => {
      const table = open.ref("aws_dynamodb_table", "name");
      const a = alarm(`${table}-throttles`);
      const metrics = a.metric_query.filter((q: { metric?: unknown }) => q.metric).map((q: { metric: { metric_name: string; dimensions: unknown } }) => q.metric);
      expect(metrics.map((m: { metric_name: string }) => m.metric_name).sort()).to.deep.equal(["ReadThrottleEvents", "WriteThrottleEvents"]);
      for (const m of metrics) expect(m.dimensions).to.deep.equal({ TableName: table });
      expect(a.threshold).to.equal(1);
    });
  });
});
