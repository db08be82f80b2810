/**
 * The real app with one deliberate misconfiguration per stack, as Terraform would create
 * it from an edited cdk.tf.json: the gateway must fail these requests the way AWS does,
 * and keep serving everything else.
 */
import { expect } from "chai";
import type { ApiEndpoint } from "../../scripts/local/gateway";
import { apiKey, body, environment, startApp, type RunningApp, type StackDocument } from "./support/app";

describe("e2e: misconfigured copies of the real app", function () {
  let app: RunningApp;
  const items = `items-catalog-${environment.name}`;
  const todos = `todos-${environment.name}`;

  before(async function () {
    app = await startApp({
      // The dev stage's stage variable names the prod alias, whose permissions only name
      // the prod stage's source ARNs.
      [items]: (doc: StackDocument) => {
        const stage = Object.values(doc.resource.aws_api_gateway_stage!).find((s) => s.stage_name === "dev")!;
        stage.variables = { lambdaAlias: "prod" };
      },
      // No aws_lambda_permission at all: API Gateway may not invoke the todo handler.
      [todos]: (doc: StackDocument) => {
        expect(Object.keys(doc.resource.aws_lambda_permission ?? {})).to.have.length.greaterThan(0);
        delete doc.resource.aws_lambda_permission;
      },
    });
  });

  after(async function () {
    await app?.close();
  });

  const notices = (text: string) => app.lines.filter((l) => l.includes("Invalid permissions on Lambda function") && l.includes(text));

  it("answers 500 when no aws_lambda_permission lets API Gateway invoke the function", async function () {
    const api = app.api("todos", "prod");
    for (const [method, route] of [["GET", "/todos"], ["POST", "/todos"]] as const) {
      const res = await fetch(`${api.url}${route}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? JSON.stringify({ title: "never stored" }) : undefined });
      expect(res.status, `${method} ${route}`).to.equal(500);
      expect(await body(res)).to.deep.equal({ message: "Internal server error" });
    }
    expect(notices("todo-api-handler")).to.have.length(2);
    // API Gateway checks the model before it calls the integration.
    const invalid = await fetch(`${api.url}/todos`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(invalid.status).to.equal(400);
  });

  it("answers 500 when a stage's stage variable picks an alias that has no permission for that stage, and serves the other stage", async function () {
    const dev: ApiEndpoint = app.api("items-catalog", "dev");
    const prod: ApiEndpoint = app.api("items-catalog", "prod");
    const key = { "x-api-key": apiKey(dev, "LabKey") };
    const res = await fetch(`${dev.url}/items/2`, { headers: key });
    expect(res.status).to.equal(500);
    expect(await body(res)).to.deep.equal({ message: "Internal server error" });
    expect(notices("ItemsFunction:prod")).to.have.length(1);

    const mock = await fetch(`${dev.url}/preview/items/2`, { headers: key });
    expect(mock.status, "the dev stage's MOCK routes need no Lambda").to.equal(200);
    const fine = await fetch(`${prod.url}/items/2`, { headers: key });
    expect(fine.status, "the prod stage invokes its own alias").to.equal(200);
    expect(await body(fine)).to.deep.equal({ ID: 2, name: "Pencil", price: 1.5 });
  });
});
