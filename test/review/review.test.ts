import { expect } from "chai";
import { Testing, type App } from "cdktf";
import type { StackJson } from "../../modules/policy";
import { buildApiModels, type ApiModel } from "../../scripts/review/api-model";
import { buildFunctionModels } from "../../scripts/review/functions";
import { toOpenApi } from "../../scripts/review/openapi";
import { review, validateOpenApi } from "../../scripts/review/review";
import { itemsStack, type ItemsVariant } from "./items-fixture";

function itemsJson(variant: ItemsVariant = {}): StackJson {
  return itemsStack(Testing.app() as App, "items-catalog-dev", variant).toTerraform() as StackJson;
}

describe("review", () => {
  let json: StackJson;
  let api: ApiModel;
  before(() => {
    json = itemsJson();
    api = buildApiModels("items-catalog-dev", json)[0]!;
  });

  describe("API model from the synthesized JSON", () => {
    it("rebuilds every route's path by walking the resource parents", () => {
      expect(api.routes.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        "GET /items",
        "OPTIONS /items",
        "POST /items",
        "GET /items/{ID}",
        "PUT /items/{ID}",
      ]);
    });

    it("resolves ${stageVariables.lambdaAlias} per stage: dev invokes dev, prod invokes prod", () => {
      const list = api.routes.find((r) => r.method === "GET" && r.path === "/items")!;
      expect(list.integration?.lambda).to.deep.equal({ function: "dev-ItemsFunction", aliasVariable: "lambdaAlias" });
      expect(list.stages.dev?.alias).to.equal("dev");
      expect(list.stages.prod?.alias).to.equal("prod");
    });

    it("reports authorization, API key, validation, per-stage cache and throttle", () => {
      const get = api.routes.find((r) => r.method === "GET" && r.path === "/items/{ID}")!;
      expect(get.apiKeyRequired).to.equal(true);
      expect(get.stages.prod).to.deep.include({ caching: true, cacheTtl: 3600, throttle: { rate: 10000, burst: 5000 } });
      expect(get.stages.dev).to.deep.include({ caching: false, throttle: { rate: 100, burst: 50 } });
      const put = api.routes.find((r) => r.method === "PUT")!;
      expect(put.authorization).to.equal("COGNITO_USER_POOLS");
      expect(put.authorizer?.name).to.equal("ItemsUsers");
      expect(put.apiKeyRequired).to.equal(false);
      const post = api.routes.find((r) => r.method === "POST")!;
      expect(post.validation).to.deep.equal({ body: true, parameters: false, validator: "body-only" });
      expect(post.requestModels).to.deep.equal({ "application/json": "Item" });
    });

    it("lists stages, usage plans with quota and per-method throttle, and their keys", () => {
      expect(api.stages.map((s) => [s.name, s.variables.lambdaAlias, s.cacheCluster.enabled, s.throttle.rate])).to.deep.equal([
        ["dev", "dev", false, 100],
        ["prod", "prod", true, 10000],
      ]);
      expect(api.usagePlans).to.have.length(1);
      expect(api.usagePlans[0]).to.deep.include({ name: "CloudAcademyPlan", quota: { limit: 1000, period: "DAY" }, throttle: { rate: 100, burst: 200 }, keys: ["LabKey"] });
      expect(api.usagePlans[0]!.stages.map((s) => s.stage)).to.deep.equal(["dev", "prod"]);
      expect(api.usagePlans[0]!.stages[1]!.methodThrottles).to.deep.equal({ "/items/GET": { rate: 50, burst: 10 } });
    });

    it("lists functions with runtime, memory, timeout, aliases and the exact permissions granted", () => {
      const [fn] = buildFunctionModels(json);
      expect(fn).to.deep.include({ name: "dev-ItemsFunction", runtime: "nodejs22.x", memory: 256, timeout: 10 });
      expect(fn!.aliases).to.deep.equal([
        { name: "dev", version: "$LATEST" },
        { name: "prod", version: "latest published" },
      ]);
      expect(fn!.grants.map((g) => [g.actions.join(","), g.resources.join(",")])).to.deep.equal([
        ["logs:CreateLogStream,logs:PutLogEvents", "aws_cloudwatch_log_group[/aws/lambda/dev-ItemsFunction].arn:*"],
        ["xray:PutTraceSegments,xray:PutTelemetryRecords", "*"],
      ]);
    });
  });

  describe("Markdown report", () => {
    it("shows the route table with both stages and the alias each invokes, and every suppression with its reason", () => {
      const { stacks } = review(new Map([["items-catalog-dev", json]]));
      const md = stacks[0]!.markdown;
      expect(md).to.match(/^# Review: items-catalog-dev/);
      expect(md).to.include("| GET | /items | none | required | AWS | dev-ItemsFunction via ${stageVariables.lambdaAlias}: dev → dev, prod → prod |");
      expect(md).to.include("| GET | /items/{ID} | none | required | AWS |");
      expect(md).to.include("dev: off; prod: 3600s");
      expect(md).to.include("| PUT | /items/{ID} | Cognito ItemsUsers | no |");
      expect(md).to.include("| CloudAcademyPlan | dev, prod | 100/s, burst 200 | 1000 per DAY |");
      expect(md).to.include("| prod | lambdaAlias=prod | 0.5 GB, encrypted | on | /aws/apigateway/ItemsAPI/prod |");
      expect(md).to.include("| Allow | logs:CreateLogStream, logs:PutLogEvents | aws_cloudwatch_log_group[/aws/lambda/dev-ItemsFunction].arn:* |");
      expect(md).to.include("0 error(s), 0 warning(s), 3 suppressed.");
      expect(md).to.include("| LMB6 | aws_lambda_function.ItemsFunction | items-catalog-dev/ItemsFunction | Concurrency is bounded by the stage throttle and usage plan. |");
      expect(md).to.include("| APIG9 | aws_api_gateway_stage.prodStage | items-catalog-dev/prodStage | WAF is attached by the platform team's firewall manager policy. |");
    });

    it("lists unsuppressed findings with their fix", () => {
      const bad = structuredClone(json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
      delete bad.resource.aws_api_gateway_stage!.devStage!.xray_tracing_enabled;
      const md = review(new Map([["items-catalog-dev", bad as unknown as StackJson]])).stacks[0]!.markdown;
      expect(md).to.include("1 error(s), 0 warning(s), 3 suppressed.");
      expect(md).to.match(/\| APIG6 \| error \| aws_api_gateway_stage\.devStage \| items-catalog-dev\/devStage \| stage "dev" has X-Ray tracing off \| set xray_tracing_enabled = true \|/);
    });
  });

  describe("OpenAPI", () => {
    it("writes one document per API and stage, valid according to the OpenAPI validator", async () => {
      const { stacks } = review(new Map([["items-catalog-dev", json]]));
      expect([...stacks[0]!.openapi.keys()]).to.deep.equal(["ItemsAPI.dev", "ItemsAPI.prod"]);
      for (const doc of stacks[0]!.openapi.values()) expect(await validateOpenApi(doc)).to.deep.equal([]);
    });

    it("carries paths, parameters, bodies from models, security schemes and the stage's integration", () => {
      const doc = toOpenApi(api, "prod") as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
        components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, Record<string, unknown>> };
      };
      expect(Object.keys(doc.paths)).to.deep.equal(["/items", "/items/{ID}"]);
      const get = doc.paths["/items/{ID}"]!.get!;
      expect(get.parameters).to.deep.equal([{ name: "ID", in: "path", required: true, schema: { type: "string" } }]);
      expect(get.security).to.deep.equal([{ api_key: [] }]);
      expect((get["x-amazon-apigateway-integration"] as { uri: string }).uri).to.match(/:prod\/invocations$/);
      expect((toOpenApi(api, "dev") as typeof doc).paths["/items/{ID}"]!.get!["x-amazon-apigateway-integration"]).to.have.property("uri").that.matches(/:dev\/invocations$/);
      expect(doc.paths["/items"]!.post!.requestBody).to.deep.equal({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } } });
      expect(doc.components.schemas.Items).to.deep.equal({ type: "array", items: { $ref: "#/components/schemas/Item" } });
      expect(doc.components.schemas.Item!.properties).to.deep.include({ price: { type: "number", nullable: true, minimum: 0 } });
      expect(doc.components.securitySchemes.api_key).to.deep.equal({ type: "apiKey", name: "x-api-key", in: "header" });
      expect(doc.components.securitySchemes.ItemsUsers).to.deep.include({ "x-amazon-apigateway-authtype": "cognito_user_pools" });
    });

    it("rejects an invalid document (the validator is really checking)", async () => {
      const doc = toOpenApi(api, "prod") as { paths: Record<string, Record<string, Record<string, unknown>>> };
      delete doc.paths["/items"]!.get!.responses;
      expect(await validateOpenApi(doc)).to.not.deep.equal([]);
    });
  });
});
