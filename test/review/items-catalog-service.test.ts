// The review on a real service: items-catalog, as shipped.
import { expect } from "chai";
import { Testing, type App } from "cdktf";
import { loadEnvironment } from "../../modules/config/environments";
import type { StackJson } from "../../modules/policy";
import { ItemsCatalogStack } from "../../modules/services/items-catalog";
import { buildApiModels, type ApiModel } from "../../scripts/review/api-model";
import { diffApis } from "../../scripts/review/diff";
import { apiDocuments, review, validateOpenApi } from "../../scripts/review/review";

describe("review of the items-catalog service", () => {
  let json: StackJson;
  let api: ApiModel;
  before(() => {
    const stack = new ItemsCatalogStack(Testing.app() as App, loadEnvironment("dev", {}), { backend: { kind: "local" } });
    Testing.synth(stack); // runs the aspects that build the API's resources, as a synth does
    json = stack.toTerraform() as StackJson;
    api = buildApiModels("items-catalog-dev", json)[0]!;
  });

  it("shows both stages in the route table and the alias each invokes", () => {
    const md = review(new Map([["items-catalog-dev", json]])).stacks[0]!.markdown;
    const row = md.split("\n").find((l) => l.startsWith("| GET | /items |"));
    expect(row).to.match(/ItemsFunction via \$\{stageVariables\.lambdaAlias\}: dev → dev, prod → prod/);
    expect(md).to.match(/\| dev \| lambdaAlias=dev \|/);
    expect(md).to.match(/\| prod \| lambdaAlias=prod \|/);
  });

  it("writes valid OpenAPI documents for both stages", async () => {
    const { stacks } = review(new Map([["items-catalog-dev", json]]));
    expect([...stacks[0]!.openapi.keys()].map((k) => k.split(".").pop())).to.deep.equal(["dev", "prod"]);
    for (const doc of stacks[0]!.openapi.values()) expect(await validateOpenApi(doc)).to.deep.equal([]);
  });

  it("the API diff reports a removed route as breaking, and removing the API key of GET /items as risky", () => {
    const list = api.routes.find((r) => r.method === "GET" && r.path === "/items")!;
    expect(list.apiKeyRequired).to.equal(true);
    const head: ApiModel = { ...api, routes: api.routes.filter((r) => !(r.method === "GET" && r.path === "/items/{ID}")).map((r) => (r === list ? { ...r, apiKeyRequired: false } : r)) };
    const diff = diffApis(apiDocuments([api]), apiDocuments([head]));
    expect(diff.breaking.map((c) => `${c.id} ${c.subject}`)).to.deep.equal(["api-removed-without-deprecation GET /items/{ID}"]);
    expect(diff.risky.map((c) => `${c.id} ${c.subject}`)).to.deep.equal(["api-key-removed GET /items"]);
  });
});
