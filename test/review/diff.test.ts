import { expect } from "chai";
import { Testing, type App } from "cdktf";
import type { StackJson } from "../../modules/policy";
import { buildApiModels, type ApiModel, type Route } from "../../scripts/review/api-model";
import { diffApis, renderDiff } from "../../scripts/review/diff";
import { itemsStack, type ItemsVariant } from "./items-fixture";

function models(variant: ItemsVariant = {}): ApiModel[] {
  const json = itemsStack(Testing.app() as App, "items-catalog-dev", variant).toTerraform() as StackJson;
  return buildApiModels("items-catalog-dev", json);
}

/** A copy of the API with one route replaced. */
function withRoute(api: ApiModel, key: string, change: (r: Route) => Route): ApiModel {
  return { ...api, routes: api.routes.map((r) => (`${r.method} ${r.path}` === key ? change(r) : r)) };
}

describe("diffApis", () => {
  let base: ApiModel[];
  before(() => {
    base = models();
  });

  it("reports nothing when nothing changed", () => {
    expect(diffApis(base, models())).to.deep.equal({ risky: [], changes: [] });
    expect(renderDiff({ risky: [], changes: [] }, "main")).to.include("No API-level change.");
  });

  it("reports an added route, and removing an API key requirement and a quota change as risky", () => {
    const diff = diffApis(base, models({ addDelete: true, dropListApiKey: true, quota: 5000 }));
    expect(diff.changes.map((c) => [c.kind, c.subject])).to.deep.include(["route-added", "DELETE /items/{ID}"]);
    expect(diff.risky.map((c) => [c.kind, c.subject, c.detail])).to.deep.equal([
      ["api-key-removed", "GET /items", "API key no longer required"],
      ["quota-changed", "usage plan CloudAcademyPlan", "quota 1000/DAY → 5000/DAY"],
    ]);
    expect(diff.risky.every((c) => c.api === "items-catalog-dev/ItemsAPI")).to.equal(true);
  });

  it("puts the risky changes first in the Markdown", () => {
    const md = renderDiff(diffApis(base, models({ addDelete: true, dropListApiKey: true })), "origin/main");
    expect(md).to.match(/^## API changes against `origin\/main`/);
    const risky = md.indexOf("### ⚠️ Risky (1)");
    const other = md.indexOf("### Other changes (1)");
    expect(risky).to.be.greaterThan(-1);
    expect(other).to.be.greaterThan(risky);
    expect(md).to.include("| items-catalog-dev/ItemsAPI | GET /items | api-key-removed | API key no longer required |");
    expect(md).to.include("| items-catalog-dev/ItemsAPI | DELETE /items/{ID} | route-added |");
  });

  it("calls out authorization removal, cache and throttle changes as risky", () => {
    let head = withRoute(base[0]!, "PUT /items/{ID}", (r) => {
      const { authorizer: _a, ...rest } = r;
      return { ...rest, authorization: "NONE" };
    });
    head = withRoute(head, "GET /items/{ID}", (r) => ({ ...r, stages: { ...r.stages, prod: { ...r.stages.prod!, caching: false, cacheTtl: undefined } } }));
    head = { ...head, stages: head.stages.map((s) => (s.name === "dev" ? { ...s, throttle: { rate: 1000, burst: 50 } } : s)) };
    const kinds = diffApis(base, [head]).risky.map((c) => `${c.kind} ${c.subject}`);
    expect(kinds).to.include("authorization-removed PUT /items/{ID}");
    expect(kinds).to.include("cache-changed GET /items/{ID}");
    expect(kinds).to.include("throttle-changed stage dev");
  });

  it("reports a removed route, a changed alias and a removed stage", () => {
    const head: ApiModel = {
      ...base[0]!,
      routes: base[0]!.routes.filter((r) => r.method !== "POST").map((r) => (r.stages.dev?.alias ? { ...r, stages: { ...r.stages, dev: { ...r.stages.dev, alias: "prod" } } } : r)),
      stages: base[0]!.stages.filter((s) => s.name === "dev"),
    };
    const diff = diffApis(base, [head]);
    expect(diff.changes.map((c) => `${c.kind} ${c.subject}`)).to.include("route-removed POST /items");
    expect(diff.changes.some((c) => c.subject === "GET /items" && c.detail === "stage dev invokes alias dev → prod")).to.equal(true);
    expect(diff.risky.map((c) => `${c.kind} ${c.subject}`)).to.include("stage-removed stage prod");
  });
});
