// The breaking-change API diff: base and head OpenAPI documents compared by schema, each
// change classed breaking / risky / safe in oasdiff's classes, breaking first.
import { expect } from "chai";
import { Testing, type App } from "cdktf";
import type { StackJson } from "../../modules/policy";
import { buildApiModels } from "../../scripts/review/api-model";
import { diffApis, renderDiff, type ApiDiff, type ApiDocument } from "../../scripts/review/diff";
import { apiDocuments } from "../../scripts/review/review";
import { itemsStack, type ItemsVariant } from "./items-fixture";

function docs(variant: ItemsVariant = {}): ApiDocument[] {
  const json = itemsStack(Testing.app() as App, "items-catalog-dev", variant).toTerraform() as StackJson;
  return apiDocuments(buildApiModels("items-catalog-dev", json));
}

const ids = (list: ApiDiff["breaking"]) => list.map((c) => `${c.id} ${c.subject}: ${c.detail}`).sort();

/** The head documents with one operation of every stage edited. */
function editOperation(base: readonly ApiDocument[], path: string, method: string, edit: (op: Record<string, unknown>) => void): ApiDocument[] {
  return base.map((d) => {
    const doc = JSON.parse(JSON.stringify(d.doc)) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    edit(doc.paths[path]![method]!);
    return { ...d, doc };
  });
}

describe("the breaking-change API diff", () => {
  let base: ApiDocument[];
  before(() => {
    base = docs();
  });

  it("reports nothing when nothing changed", () => {
    expect(diffApis(base, docs())).to.deep.equal({ breaking: [], risky: [], safe: [] });
    expect(renderDiff({ breaking: [], risky: [], safe: [] }, "main")).to.include("No API-level change.");
  });

  it("reports a removed route, a new required body field and a changed field type, each as breaking", () => {
    const diff = diffApis(base, docs({ removeGetItem: true, requireSku: true, priceAsString: true }));
    expect(ids(diff.breaking)).to.deep.equal([
      "api-removed-without-deprecation GET /items/{ID}: method GET removed from /items/{ID}",
      "new-required-request-property POST /items: request body.sku: new required property",
      "request-property-type-changed POST /items: request body.price: type number|null → string",
    ]);
    expect(diff.breaking.every((c) => c.level === "breaking" && c.api === "items-catalog-dev/ItemsAPI")).to.equal(true);
    // seen on both stages, reported once
    expect(diff.breaking[0]!.stages).to.deep.equal(["dev", "prod"]);
    expect(diff.risky).to.deep.equal([]);
  });

  it("classes a narrowed request enum as breaking and a widened one as safe", () => {
    expect(ids(diffApis(base, docs({ categories: ["pens", "paper"] })).breaking)).to.deep.equal([
      'request-property-enum-value-removed POST /items: request body.category: enum narrowed: "ink" no longer accepted',
    ]);
    const widened = diffApis(base, docs({ categories: ["pens", "paper", "ink", "glue"] }));
    expect(widened.breaking).to.deep.equal([]);
    expect(widened.safe.map((c) => c.id)).to.deep.equal(["request-property-enum-value-added"]);
  });

  it("classes an API key or authorization added as breaking, removed as risky; a quota change and an open new route as risky", () => {
    const diff = diffApis(base, docs({ dropListApiKey: true, quota: 5000, addDelete: true }));
    expect(diff.risky.map((c) => `${c.id} ${c.subject}: ${c.detail}`)).to.deep.equal([
      "api-key-removed GET /items: API key no longer required",
      "quota-changed usage plan CloudAcademyPlan: quota 1000/DAY → 5000/DAY",
    ]);
    expect(diff.safe.map((c) => `${c.id} ${c.subject}`)).to.deep.equal(["endpoint-added DELETE /items/{ID}"]);
    const back = diffApis(docs({ dropListApiKey: true }), base);
    expect(back.breaking.map((c) => `${c.id} ${c.subject}`)).to.deep.equal(["api-key-added GET /items"]);
    const secured = editOperation(base, "/items", "post", (op) => (op.security = [{ api_key: [], ItemsUsers: [] }]));
    expect(diffApis(base, secured).breaking.map((c) => c.id)).to.deep.equal(["api-security-added"]);
    expect(diffApis(secured, base).risky.map((c) => c.id)).to.deep.equal(["api-security-removed"]);
  });

  it("reads response schemas: a removed or retyped response field breaks readers, a widened response enum is risky", () => {
    const withBody = editOperation(base, "/items", "get", (op) => {
      op.responses = { "200": { description: "ok", content: { "application/json": { schema: { type: "object", required: ["count"], properties: { count: { type: "integer" }, next: { type: "string" }, state: { type: "string", enum: ["a"] } } } } } } };
    });
    const changed = editOperation(withBody, "/items", "get", (op) => {
      const schema = (op.responses as Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }>)["200"]!.content["application/json"]!.schema;
      delete schema.properties.next;
      schema.properties.count = { type: "string" };
      schema.properties.state = { type: "string", enum: ["a", "b"] };
    });
    const diff = diffApis(withBody, changed);
    expect(ids(diff.breaking)).to.deep.equal([
      "response-property-removed GET /items: response 200.next: property removed from the response",
      "response-property-type-changed GET /items: response 200.count: type integer → string",
    ]);
    expect(diff.risky.map((c) => c.id)).to.deep.equal(["response-property-enum-value-added"]);
  });

  it("calls out throttle and cache changes as risky, and a removed stage as breaking", () => {
    const head = editOperation(base, "/items/{ID}", "get", (op) => (op["x-stage-settings"] = { caching: false, throttle: { rate: 1, burst: 1 } }));
    const diff = diffApis(base, head);
    expect(diff.risky.map((c) => `${c.id} ${c.subject}`)).to.include.members(["throttle-changed GET /items/{ID}", "cache-changed GET /items/{ID}"]);
    const noProd = diffApis(base, base.filter((d) => d.stage !== "prod"));
    expect(noProd.breaking.map((c) => `${c.id} ${c.subject}`)).to.deep.equal(["stage-removed stage prod"]);
  });

  it("puts breaking changes first in the Markdown, then risky, then safe", () => {
    const md = renderDiff(diffApis(base, docs({ removeGetItem: true, dropListApiKey: true, addDelete: true })), "origin/main");
    expect(md).to.match(/^## API changes against `origin\/main`/);
    const breaking = md.indexOf("### ⛔ Breaking (1)");
    const risky = md.indexOf("### ⚠️ Risky (1)");
    const safe = md.indexOf("### Safe (1)");
    expect(breaking).to.be.greaterThan(-1);
    expect(risky).to.be.greaterThan(breaking);
    expect(safe).to.be.greaterThan(risky);
    expect(md).to.include("| items-catalog-dev/ItemsAPI | GET /items/{ID} | dev, prod | api-removed-without-deprecation | method GET removed from /items/{ID} |");
  });
});
