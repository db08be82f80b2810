import { expect } from "chai";
import { App, Testing } from "cdktf";
import { PropError } from "../../modules/core/errors";
import { MusicLibraryStack } from "../../modules/services/music-library";
import { build, Synth, testEnv } from "./support";

const TABLE = "/DemoResourceMusic/DemoResourceMusicTable";
const ITEM = "/DemoResourceMusic/DemoResourceMusicItem";
const ROUTES: Record<string, string> = {
  [`PUT ${TABLE}`]: "dev-DemoCreateTable",
  [`DELETE ${TABLE}`]: "dev-DemoDeleteTable",
  [`GET ${ITEM}`]: "dev-DemoHandleItem",
  [`PUT ${ITEM}`]: "dev-DemoHandleItem",
  [`POST ${ITEM}`]: "dev-DemoHandleItem",
  [`DELETE ${ITEM}`]: "dev-DemoHandleItem",
};
const TABLES_ARN = "arn:${data.aws_partition.Partition.partition}:dynamodb:us-east-1:${data.aws_caller_identity.Caller.account_id}:table/dev-Music*";

describe("music-library service stack", () => {
  let dev: Synth;
  let prod: Synth;
  let restricted: Synth;
  let stackId: string;

  before(() => {
    const stack = build((app, env, props) => new MusicLibraryStack(app, env, props), testEnv("dev"));
    stackId = stack.node.id;
    dev = new Synth(stack);
    prod = new Synth(build((app, env, props) => new MusicLibraryStack(app, env, props), testEnv("prod")));
    restricted = new Synth(
      build(
        (app, env, props) => new MusicLibraryStack(app, env, props),
        testEnv("dev", { DEV_MUSIC_ALLOWED_CIDRS: "203.0.113.0/24,198.51.100.7/32", DEV_MUSIC_TABLE_PREFIX: "team-a-Music" }),
      ),
    );
  });

  it("is the stack music-library-<env> with the API DemoRESTAPI", () => {
    expect(stackId).to.equal("music-library-dev");
    expect(dev.one("aws_api_gateway_rest_api").name).to.equal("dev-DemoRESTAPI");
  });

  it("serves the document's paths through Lambda proxy integrations, API key required", () => {
    expect(dev.routeKeys().filter((k) => !k.startsWith("OPTIONS "))).to.deep.equal(Object.keys(ROUTES).sort());
    for (const [key, fn] of Object.entries(ROUTES)) {
      const { method, integration } = dev.route(key);
      expect(integration.type, key).to.equal("AWS_PROXY");
      expect(integration.uri, key).to.equal(`\${aws_lambda_function.${dev.fnId(fn)}.invoke_arn}`);
      expect(method.api_key_required, key).to.equal(true);
    }
    const plan = dev.one("aws_api_gateway_usage_plan");
    expect(plan.name).to.equal("dev-DemoUsagePlan");
    expect(plan.api_stages[0].stage).to.equal(dev.ref("aws_api_gateway_stage", "stage_name"));
    expect(dev.one("aws_api_gateway_api_key").name).to.equal("dev-DemoApiKey");
  });

  it("lets the table functions create or delete only tables named with the prefix, by exact actions", () => {
    expect(dev.grants("DemoCreateTable")).to.deep.equal([{ actions: ["dynamodb:CreateTable", "dynamodb:DescribeTable"], resources: [TABLES_ARN] }]);
    expect(dev.grants("DemoDeleteTable")).to.deep.equal([{ actions: ["dynamodb:DeleteTable", "dynamodb:DescribeTable"], resources: [TABLES_ARN] }]);
  });

  it("lets the item function get, put, update and delete items only in tables named with the prefix", () => {
    expect(dev.grants("DemoHandleItem")).to.deep.equal([
      { actions: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [TABLES_ARN] },
    ]);
  });

  it("builds the table ARN pattern from the partition and the caller's account, and follows the configured prefix", () => {
    expect(dev.data("aws_partition")).to.have.length(1);
    expect(dev.data("aws_caller_identity")).to.have.length(1);
    expect(restricted.grants("DemoHandleItem")[0]!.resources).to.deep.equal([TABLES_ARN.replace("dev-Music*", "team-a-Music*")]);
    for (const fn of ["dev-DemoCreateTable", "dev-DemoDeleteTable", "dev-DemoHandleItem"]) {
      expect(dev.fn(fn).environment.variables, fn).to.deep.equal({ ALLOWED_ORIGINS: "http://localhost:5173", TABLE_PREFIX: "dev-Music", LOGICAL_TABLE: "Music" });
    }
    expect(restricted.fn("dev-DemoHandleItem").environment.variables.TABLE_PREFIX).to.equal("team-a-Music");
  });

  it("refuses a table prefix with a wildcard, which would widen the IAM policy", () => {
    expect(() => new MusicLibraryStack(Testing.app() as App, testEnv("dev", { DEV_MUSIC_TABLE_PREFIX: "*" }), { backend: { kind: "local" } })).to.throw(
      PropError,
      /tablePrefix/,
    );
  });

  it("serves the stage Test with JSON access logs to the DemoRESTAPI log group", () => {
    const stage = dev.one("aws_api_gateway_stage");
    expect(stage.stage_name).to.equal("Test");
    const group = dev.one("aws_cloudwatch_log_group", (g) => typeof g.name === "string" && g.name.startsWith("API-Gateway-Access-Logs_"));
    expect(group.name).to.equal("API-Gateway-Access-Logs_dev-DemoRESTAPI/Test");
    expect(group.retention_in_days).to.equal(14);
    expect(stage.access_log_settings.destination_arn).to.equal(dev.ref("aws_cloudwatch_log_group", "arn", (g) => g.name === group.name));
    const format = JSON.parse(stage.access_log_settings.format);
    expect(format).to.include({ requestId: "$context.requestId", status: "$context.status", httpMethod: "$context.httpMethod" });
  });

  it("logs execution at INFO, with data trace in dev only", () => {
    const settings = (s: Synth) => s.one("aws_api_gateway_method_settings", (m) => m.method_path === "*/*").settings;
    expect(settings(dev)).to.include({ logging_level: "INFO", data_trace_enabled: true });
    expect(settings(prod)).to.include({ logging_level: "INFO", data_trace_enabled: false });
  });

  it("passes the policy rules with no error finding and no suppression", () => {
    expect(dev.policyErrors()).to.deep.equal([]);
    expect(dev.suppressions()).to.deep.equal([]);
  });

  it("has no resource policy by default", () => {
    expect(dev.one("aws_api_gateway_rest_api").policy).to.equal(undefined);
  });

  it("allows only the configured source CIDR ranges when some are configured", () => {
    const policy = JSON.parse(restricted.one("aws_api_gateway_rest_api").policy);
    const deny = policy.Statement.find((s: { Effect: string }) => s.Effect === "Deny");
    expect(deny.Action).to.equal("execute-api:Invoke");
    expect(deny.Condition).to.deep.equal({ NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"] } });
    expect(policy.Statement.find((s: { Effect: string }) => s.Effect === "Allow").Resource).to.equal("execute-api:/*");
  });
});
