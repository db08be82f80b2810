import { expect } from "chai";
import { GET_ITEM_REQUEST_TEMPLATE, ItemSchema, SEED_ITEMS } from "../../functions/items/schema";
import {
  CATCH_ALL_SELECTION_PATTERN,
  INTERNAL_ERROR_BODY,
  ItemsCatalogStack,
  ITEM_REQUEST_TEMPLATE,
  PREVIEW_BAD_ID_BODY,
  PREVIEW_ITEM_STATUS_TEMPLATE,
  PREVIEW_ITEM_TEMPLATE,
  PREVIEW_ITEMS_TEMPLATE,
} from "../../modules/services/items-catalog";
import { TABLE_READ_ACTIONS } from "../../modules/table";
import { inputVariable, renderTemplate, util } from "../../scripts/local/vtl";
import { build, Synth, testEnv } from "./support";

describe("items-catalog service stack", () => {
  let dev: Synth;
  let pinned: Synth;
  let stackId: string;

  before(() => {
    const stack = build((app, env, props) => new ItemsCatalogStack(app, env, props), testEnv("dev"));
    stackId = stack.node.id;
    dev = new Synth(stack);
    pinned = new Synth(
      build((app, env, props) => new ItemsCatalogStack(app, env, props), testEnv("prod", { PROD_ITEMS_PROD_VERSION: "7" })),
    );
  });

  const apiRef = () => dev.ref("aws_api_gateway_rest_api", "id");
  const execArn = () => dev.ref("aws_api_gateway_rest_api", "execution_arn");
  const fnArn = () => `\${aws_lambda_function.${dev.fnId("dev-ItemsFunction")}.arn}`;

  it("is the stack items-catalog-<env> with the API ItemsAPI", () => {
    expect(stackId).to.equal("items-catalog-dev");
    const api = dev.one("aws_api_gateway_rest_api");
    expect(api.name).to.equal("dev-ItemsAPI");
    expect(api.description).to.equal("Cloud Academy Lab API");
    expect(api.endpoint_configuration.types).to.deep.equal(["REGIONAL"]);
  });

  it("declares the models Item (the document's schema) and Items referencing Item by its model URL", () => {
    const item = dev.one("aws_api_gateway_model", (m) => m.name === "Item");
    expect(JSON.parse(item.schema)).to.deep.equal(ItemSchema);
    const items = dev.one("aws_api_gateway_model", (m) => m.name === "Items");
    const schema = JSON.parse(items.schema);
    expect(schema.type).to.equal("array");
    expect(schema.items.$ref).to.equal(`https://apigateway.amazonaws.com/restapis/${apiRef()}/models/Item`);
    expect(items.depends_on).to.have.length(1);
    expect(items.depends_on[0]).to.match(/^aws_api_gateway_model\.ItemsAPI_Model-Item_/);
  });

  it("keeps the items in a table with a numeric ID, seeded with the document's four items", () => {
    const table = dev.one("aws_dynamodb_table");
    expect(table.name).to.equal("dev-Items");
    expect(table.hash_key).to.equal("ID");
    expect(table.attribute).to.deep.equal([{ name: "ID", type: "N" }]);
    const seeded = dev.find("aws_dynamodb_table_item").map((i) => JSON.parse(i.item));
    expect(seeded).to.have.length(4);
    expect(seeded.map((i) => Number(i.ID.N)).sort()).to.deep.equal([1, 2, 3, 4]);
    const pencil = seeded.find((i) => i.ID.N === "2");
    expect(pencil).to.deep.equal({ ID: { N: "2" }, name: { S: SEED_ITEMS[1]!.name }, price: { N: "1.5" } });
  });

  it("serves exactly the item routes, the preview routes and their CORS preflights", () => {
    expect(dev.routeKeys()).to.deep.equal([
      "GET /items",
      "GET /items/{ID}",
      "GET /preview/items",
      "GET /preview/items/{ID}",
      "OPTIONS /items",
      "OPTIONS /items/{ID}",
      "OPTIONS /preview/items",
      "OPTIONS /preview/items/{ID}",
    ]);
  });

  it("requires an API key on every GET, never on a preflight", () => {
    for (const key of dev.routeKeys()) {
      const { method } = dev.route(key);
      expect(method.api_key_required, key).to.equal(key.startsWith("GET "));
      expect(method.authorization, key).to.equal("NONE");
    }
  });

  for (const key of ["GET /items", "GET /items/{ID}"]) {
    it(`${key} is a non-proxy Lambda integration to the alias named by the stage variable lambdaAlias`, () => {
      const { integration } = dev.route(key);
      expect(integration.type).to.equal("AWS");
      expect(integration.integration_http_method).to.equal("POST");
      expect(integration.uri).to.equal(
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn()}:$\${stageVariables.lambdaAlias}/invocations`,
      );
    });

    it(`${key} answers 200 by default, 404 for NotFoundError, 400 for BadRequestError and API Gateway's 500 for any other error`, () => {
      const r = dev.route(key);
      const byPattern = Object.fromEntries(r.integrationResponses.map((ir) => [ir.selection_pattern ?? "<default>", dev.statusOf(ir)]));
      expect(byPattern).to.deep.equal({
        "<default>": "200",
        "NotFoundError:[\\s\\S]*": "404",
        "BadRequestError:[\\s\\S]*": "400",
        [CATCH_ALL_SELECTION_PATTERN]: "500",
      });
      const catchAll = r.integrationResponses.find((ir) => ir.selection_pattern === CATCH_ALL_SELECTION_PATTERN);
      expect(catchAll.response_templates).to.deep.equal({ "application/json": INTERNAL_ERROR_BODY });
      expect(r.methodResponses.map((m) => m.status_code).sort()).to.deep.equal(["200", "400", "404", "500"]);
    });

    it(`${key} never passes a body through: an application/json template and passthrough NEVER`, () => {
      const { integration } = dev.route(key);
      expect(integration.passthrough_behavior).to.equal("NEVER");
      expect(Object.keys(integration.request_templates)).to.deep.equal(["application/json"]);
    });
  }

  it("maps the path ID into the event with the document's request template, and caches by ID", () => {
    const { integration, method } = dev.route("GET /items/{ID}");
    expect(integration.request_templates).to.deep.equal({ "application/json": ITEM_REQUEST_TEMPLATE });
    // the document's template for a numeric ID; anything else as a JSON string, so the handler can answer 400
    const [numeric, other] = ITEM_REQUEST_TEMPLATE.split("\n#else\n");
    expect(numeric).to.equal(`#set($ID = $input.params("ID"))\n#if($ID.matches("[1-9][0-9]{0,14}"))\n${GET_ITEM_REQUEST_TEMPLATE}`);
    expect(other).to.equal('{"ID": "$util.urlEncode($ID)"}\n#end');
    expect(integration.cache_key_parameters).to.deep.equal(["method.request.path.ID"]);
    expect(method.request_parameters).to.deep.equal({ "method.request.path.ID": true });
    expect(dev.route("GET /items").integration.request_templates).to.deep.equal({ "application/json": "{}" });
  });

  it("renders a JSON event for every ID: a number for plain integers, a string the handler rejects otherwise", () => {
    const render = (id: string) => {
      const input = inputVariable("", { path: { ID: id }, querystring: {}, header: {} });
      return JSON.parse(renderTemplate(ITEM_REQUEST_TEMPLATE, { input, util }));
    };
    expect(render("3")).to.deep.equal({ ID: 3 });
    expect(render("123456789012345")).to.deep.equal({ ID: 123456789012345 });
    expect(render("abc")).to.deep.equal({ ID: "abc" });
    expect(render("007")).to.deep.equal({ ID: "007" });
    expect(render('a"b\'c{}')).to.deep.equal({ ID: "a%22b%27c%7B%7D" });
    expect(render("1e99")).to.deep.equal({ ID: "1e99" });
  });

  it("picks exactly one integration response for any Lambda error message, whatever the order", () => {
    const patterns = dev.route("GET /items").integrationResponses.filter((ir) => ir.selection_pattern !== undefined);
    const statusFor = (message: string) =>
      patterns.filter((ir) => new RegExp(`^(?:${String(ir.selection_pattern)})$`).test(message)).map((ir) => dev.statusOf(ir));
    expect(statusFor("NotFoundError: item 5 does not exist")).to.deep.equal(["404"]);
    expect(statusFor("BadRequestError: ID must be a positive integer")).to.deep.equal(["400"]);
    for (const other of ["InternalError: the request failed; see the function log", "2026-12-01T22:00:00.000Z abc Task timed out after 3.00 seconds", "Requested resource not found\n    at /var/task/index.mjs:1:1"]) {
      expect(statusFor(other), other).to.deep.equal(["500"]);
    }
  });

  it("renders the preview status template as 200 for the document's ids and 400 for anything else", () => {
    const status = (id: string) => {
      const input = inputVariable("", { path: { ID: id }, querystring: {}, header: {} });
      return JSON.parse(renderTemplate(PREVIEW_ITEM_STATUS_TEMPLATE, { input, util })).statusCode;
    };
    expect(["1", "42", "007"].map(status)).to.deep.equal([200, 200, 200]);
    expect(['1"', "abc", "-1", "1.5", "1234567890", " 1"].map(status)).to.deep.equal([400, 400, 400, 400, 400, 400]);
  });

  it("declares the Items and Item models on the 200 responses", () => {
    const model = (key: string) => dev.route(key).methodResponses.find((m) => m.status_code === "200").response_models;
    expect(model("GET /items")).to.deep.equal({ "application/json": dev.ref("aws_api_gateway_model", "name", (m) => m.name === "Items") });
    expect(model("GET /items/{ID}")).to.deep.equal({ "application/json": dev.ref("aws_api_gateway_model", "name", (m) => m.name === "Item") });
  });

  it("serves the document's two mock templates unchanged on the preview routes", () => {
    const list = dev.route("GET /preview/items");
    expect(list.integration.type).to.equal("MOCK");
    expect(list.integration.request_templates).to.deep.equal({ "application/json": '{"statusCode": 200}' });
    expect(list.integrationResponses).to.have.length(1);
    expect(list.integrationResponses[0].response_templates).to.deep.equal({ "application/json": PREVIEW_ITEMS_TEMPLATE });
    const one = dev.route("GET /preview/items/{ID}");
    expect(one.integration.type).to.equal("MOCK");
    expect(one.integration.request_templates).to.deep.equal({ "application/json": PREVIEW_ITEM_STATUS_TEMPLATE });
    const byStatus = Object.fromEntries(one.integrationResponses.map((ir) => [dev.statusOf(ir), ir]));
    expect(byStatus["200"].response_templates).to.deep.equal({ "application/json": PREVIEW_ITEM_TEMPLATE });
    expect(byStatus["200"].selection_pattern).to.equal(undefined);
    expect(byStatus["400"].selection_pattern).to.equal("400");
    expect(byStatus["400"].response_templates).to.deep.equal({ "application/json": PREVIEW_BAD_ID_BODY });
    for (const key of ["GET /preview/items", "GET /preview/items/{ID}"]) expect(dev.route(key).integration.passthrough_behavior, key).to.equal("NEVER");
    expect(PREVIEW_ITEMS_TEMPLATE).to.contain("#foreach($ID in [1, 2, 3])");
    expect(PREVIEW_ITEM_TEMPLATE).to.contain('#set($ID = $Integer.parseInt($input.params("ID")))');
  });

  it("answers CORS preflights for the configured web origin on both item resources", () => {
    for (const key of ["OPTIONS /items", "OPTIONS /items/{ID}"]) {
      const r = dev.route(key);
      expect(r.integration.type, key).to.equal("MOCK");
      const params = r.integrationResponses[0].response_parameters;
      expect(params["method.response.header.Access-Control-Allow-Origin"], key).to.equal("'http://localhost:5173'");
      expect(params["method.response.header.Access-Control-Allow-Methods"], key).to.contain("GET");
    }
    const ir = dev.route("GET /items").integrationResponses.find((x) => x.selection_pattern === undefined);
    expect(ir.response_parameters["method.response.header.Access-Control-Allow-Origin"]).to.equal("'http://localhost:5173'");
  });

  it("aliases ItemsFunction: dev → $LATEST, prod → the newest published version by default", () => {
    const fn = dev.fn("dev-ItemsFunction");
    expect(fn.publish).to.equal(true);
    const aliases = Object.fromEntries(dev.find("aws_lambda_alias").map((a) => [a.name, a.function_version]));
    expect(aliases).to.deep.equal({ dev: "$LATEST", prod: `\${aws_lambda_function.${dev.fnId("dev-ItemsFunction")}.version}` });
  });

  it("points prod at the configured version when one is pinned", () => {
    const aliases = Object.fromEntries(pinned.find("aws_lambda_alias").map((a) => [a.name, a.function_version]));
    expect(aliases).to.deep.equal({ dev: "$LATEST", prod: "7" });
  });

  it("sets lambdaAlias per stage and grants API Gateway one permission per alias and route, scoped to its stage", () => {
    const stages = Object.fromEntries(dev.find("aws_api_gateway_stage").map((s) => [s.stage_name, s.variables]));
    expect(stages).to.deep.equal({ dev: { lambdaAlias: "dev" }, prod: { lambdaAlias: "prod" } });
    const permissions = dev
      .find("aws_lambda_permission")
      .map((p) => `${dev.stack.resolve(p.qualifier)} ${p.source_arn}`)
      .sort();
    expect(permissions).to.deep.equal([
      `dev ${execArn()}/dev/GET/items`,
      `dev ${execArn()}/dev/GET/items/*`,
      `prod ${execArn()}/prod/GET/items`,
      `prod ${execArn()}/prod/GET/items/*`,
    ]);
    for (const p of dev.find("aws_lambda_permission")) {
      // by reference: Terraform creates the permission after the function and the alias
      expect(p.function_name).to.equal(`\${aws_lambda_function.${dev.fnId("dev-ItemsFunction")}.function_name}`);
      expect(dev.stack.resolve(p.function_name)).to.equal("dev-ItemsFunction");
      expect(p.principal).to.equal("apigateway.amazonaws.com");
      expect(p.action).to.equal("lambda:InvokeFunction");
    }
  });

  it("traces both stages with X-Ray and logs their execution errors", () => {
    for (const s of dev.find("aws_api_gateway_stage")) expect(s.xray_tracing_enabled, s.stage_name).to.equal(true);
    for (const m of dev.find("aws_api_gateway_method_settings")) expect(m.settings.logging_level, m.method_path).to.equal("ERROR");
  });

  it("gives prod a 0.5 GB cache and dev none", () => {
    const prod = dev.one("aws_api_gateway_stage", (s) => s.stage_name === "prod");
    expect(prod.cache_cluster_enabled).to.equal(true);
    expect(prod.cache_cluster_size).to.equal("0.5");
    const devStage = dev.one("aws_api_gateway_stage", (s) => s.stage_name === "dev");
    expect(devStage.cache_cluster_enabled).to.equal(undefined);
  });

  it("throttles prod at 10000 rps with a 5000 burst and caches its GET item routes for an hour, encrypted, with authorized invalidation", () => {
    const settings = (stage: string) =>
      Object.fromEntries(
        dev
          .find("aws_api_gateway_method_settings", (m) => m.stage_name.includes(`Stage-${stage}_`))
          .map((m) => [m.method_path, m.settings]),
      );
    const prod = settings("prod");
    expect(Object.keys(prod).sort()).to.deep.equal(["*/*", "~1items/GET", "~1items~1{ID}/GET"]);
    expect(prod["*/*"]).to.include({ throttling_rate_limit: 10000, throttling_burst_limit: 5000, caching_enabled: false });
    for (const path of ["~1items/GET", "~1items~1{ID}/GET"]) {
      expect(prod[path], path).to.include({
        caching_enabled: true,
        cache_ttl_in_seconds: 3600,
        cache_data_encrypted: true,
        require_authorization_for_cache_control: true,
        unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
        throttling_rate_limit: 10000,
        throttling_burst_limit: 5000,
      });
    }
    const devSettings = settings("dev");
    expect(Object.keys(devSettings)).to.deep.equal(["*/*"]);
    expect(devSettings["*/*"].caching_enabled).to.equal(undefined);
    expect(devSettings["*/*"]).to.include({ throttling_rate_limit: 100, throttling_burst_limit: 50 });
  });

  it("puts both stages in the usage plan CloudAcademyPlan with a quota of 1000 a day and the key LabKey", () => {
    const plan = dev.one("aws_api_gateway_usage_plan");
    expect(plan.name).to.equal("dev-CloudAcademyPlan");
    expect(plan.quota_settings).to.deep.equal({ limit: 1000, offset: 0, period: "DAY" });
    expect(plan.api_stages.map((s: { stage: string }) => s.stage)).to.deep.equal([
      dev.ref("aws_api_gateway_stage", "stage_name", (s) => s.stage_name === "dev"),
      dev.ref("aws_api_gateway_stage", "stage_name", (s) => s.stage_name === "prod"),
    ]);
    const key = dev.one("aws_api_gateway_api_key");
    expect(key.name).to.equal("dev-LabKey");
    expect(key.enabled).to.equal(true);
    const link = dev.one("aws_api_gateway_usage_plan_key");
    expect(link.key_id).to.equal(dev.ref("aws_api_gateway_api_key", "id"));
    expect(link.usage_plan_id).to.equal(dev.ref("aws_api_gateway_usage_plan", "id"));
    expect(link.key_type).to.equal("API_KEY");
  });

  it("lets ItemsFunction only read the items table, whose name it gets in TABLE_NAME", () => {
    const table = dev.ref("aws_dynamodb_table", "arn");
    expect(dev.grants("ItemsFunction")).to.deep.equal([{ actions: [...TABLE_READ_ACTIONS].sort(), resources: [table] }]);
    expect(dev.fn("dev-ItemsFunction").environment.variables).to.deep.equal({ TABLE_NAME: dev.ref("aws_dynamodb_table", "name") });
  });

  it("passes the policy rules with no error finding and no suppression", () => {
    expect(dev.policyErrors()).to.deep.equal([]);
    expect(dev.suppressions()).to.deep.equal([]);
  });

  it("redeploys through a hash trigger and serves both stages from that deployment", () => {
    const deployment = dev.one("aws_api_gateway_deployment");
    expect(deployment.triggers.redeployment).to.match(/^[0-9a-f]{16,}$/);
    expect(deployment.lifecycle.create_before_destroy).to.equal(true);
    for (const s of dev.find("aws_api_gateway_stage")) {
      expect(s.deployment_id).to.equal(dev.ref("aws_api_gateway_deployment", "id"));
    }
  });
});
