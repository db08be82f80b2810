import { expect } from "chai";
import { formatRouteTable, lambdaProxy, mockIntegration, RestApi, routeTable } from "../../modules/rest-api";
import { FakeFunction, itemsApi, testStack } from "./helpers";

describe("rest-api: route table", () => {
  it("lists each route's authorization, key, integration, per-stage target, validation, cache and throttle", () => {
    const { api } = itemsApi();
    const rows = routeTable(api);
    expect(rows.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["GET /items", "GET /items/{ID}"]);
    expect(rows[1]).to.deep.equal({
      method: "GET",
      path: "/items/{ID}",
      authorization: "API_KEY",
      apiKeyRequired: true,
      integration: "AWS",
      target: "ItemsFunction:${stageVariables.lambdaAlias}",
      targetByStage: { dev: "ItemsFunction:dev", prod: "ItemsFunction:prod" },
      validation: "NONE",
      cache: { dev: "off", prod: "on ttl=3600s keys=ID (stage)" },
      throttle: { dev: "account default", prod: "10000/s burst 5000 (stage)" },
      usagePlans: { dev: "CloudAcademyPlan (quota 1000/DAY)", prod: "CloudAcademyPlan (quota 1000/DAY)" },
    });
  });

  it("shows authorizers, validation with the model, and route-level cache and throttle", () => {
    const stack = testStack();
    const fn = new FakeFunction(stack, "Upload");
    const api = new RestApi(stack, "Images", { stages: { prod: { throttle: { rate: 100, burst: 50 } } } });
    const users = api.addAuthorizer("Users", { type: "COGNITO_USER_POOLS", userPoolArns: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p"] });
    api.addModel("Upload", { type: "object" });
    api.addRoute("POST /upload/{filename}", { integration: lambdaProxy(fn), authorizer: users, requestModel: "Upload", throttle: { rate: 5, burst: 10 } });
    api.addRoute("GET /view-all", { integration: lambdaProxy(fn), authorizer: users, cache: { ttl: 60 } });
    api.addRoute("GET /health", { integration: mockIntegration(), authorizer: "IAM" });
    const rows = api.routeTable();
    const row = (p: string) => rows.find((r) => r.path === p)!;
    expect(row("/upload/{filename}")).to.deep.include({
      authorization: "COGNITO:Users",
      integration: "AWS_PROXY",
      target: "Upload",
      validation: "BODY(Upload)",
      throttle: { prod: "5/s burst 10" },
      cache: { prod: "off" },
    });
    expect(row("/view-all").cache).to.deep.equal({ prod: "on ttl=60s" });
    expect(row("/health")).to.deep.include({ authorization: "IAM", target: "MOCK", throttle: { prod: "100/s burst 50 (stage)" } });
  });

  it("renders a Markdown table a reviewer can read", () => {
    const { api } = itemsApi();
    const md = formatRouteTable(api.routeTable());
    const lines = md.trim().split("\n");
    expect(lines[0]).to.equal("| Method | Path | Authorization | API key | Integration | Target | Validation | Cache | Throttle | Usage plans |");
    expect(lines[1]).to.equal("|---|---|---|---|---|---|---|---|---|---|");
    expect(lines).to.have.length(4);
    expect(lines[3]).to.equal(
      "| GET | `/items/{ID}` | API_KEY | required | AWS | ItemsFunction:${stageVariables.lambdaAlias}<br>dev: ItemsFunction:dev<br>prod: ItemsFunction:prod | NONE | dev: off<br>prod: on ttl=3600s keys=ID (stage) | dev: account default<br>prod: 10000/s burst 5000 (stage) | dev: CloudAcademyPlan (quota 1000/DAY)<br>prod: CloudAcademyPlan (quota 1000/DAY) |",
    );
  });

  it("shows, per stage, the usage plans an API-key route's callers come through, with quota and per-key throttle", () => {
    const stack = testStack();
    const api = new RestApi(stack, "Api", { stages: { dev: {}, prod: {} } });
    api.addRoute("POST /backup", { integration: mockIntegration(), apiKey: true });
    api.addRoute("GET /open", { integration: mockIntegration() });
    api.addUsagePlan("Dev", { stages: ["dev"], throttle: { rate: 1, burst: 2 } });
    api.addUsagePlan("Prod", { stages: ["prod"], quota: { limit: 50, period: "WEEK" }, throttle: { rate: 10, burst: 20 }, methodThrottle: { "POST /backup": { rate: 1, burst: 1 } } });
    const rows = api.routeTable();
    expect(rows.find((r) => r.path === "/backup")!.usagePlans).to.deep.equal({
      dev: "Dev (1/s burst 2 per key)",
      prod: "Prod (quota 50/WEEK, 1/s burst 1 per key)",
    });
    expect(rows.find((r) => r.path === "/open")!.usagePlans).to.deep.equal({ dev: "-", prod: "-" });
  });
});
