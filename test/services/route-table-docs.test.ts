// The route table in each service file's header comment is documentation a reviewer trusts:
// it must list exactly the routes the stack builds, with the authorization and the target
// that `routeTable()` reports. A route added, removed or re-targeted without its table row
// fails here, so the tables cannot drift.
import { expect } from "chai";
import type { App, TerraformStack } from "cdktf";
import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadEnvironments } from "../../modules/config/environments";
import { RestApi, type RouteRow } from "../../modules/rest-api";
import { defineApp } from "../../modules/services";

interface DocRow {
  readonly route: string;
  readonly auth: string;
  readonly integration: string;
}

/** The rows of the first Markdown table in the file's leading comment: `| GET /items | API key | ... |`. */
function headerTable(file: string): DocRow[] {
  const source = readFileSync(file, "utf8");
  const comment = source.slice(0, source.indexOf("*/"));
  return comment
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trim())
    .filter((l) => l.startsWith("|") && !/^\|[-\s|]+\|$/.test(l))
    .slice(1)
    .map((l) => {
      const cells = l.split("|").slice(1, -1).map((c) => c.trim());
      return { route: cells[0]!, auth: cells[1]!, integration: cells[2]! };
    });
}

function docAuthMatches(doc: string, row: RouteRow): boolean {
  if (row.authorization.startsWith("COGNITO:")) return doc.startsWith("Cognito");
  if (row.authorization === "API_KEY") return doc.startsWith("API key");
  if (row.authorization === "NONE") return doc === "none" || doc === "-" || doc.startsWith("API key if");
  return doc.includes(row.authorization);
}

describe("services: the route tables in the service files' header comments", () => {
  const app = Testing.app() as App;
  const [dev] = defineApp(app, loadEnvironments({ ENVIRONMENTS: "dev" }));
  const services = dev!.services as readonly TerraformStack[];

  for (const stack of services) {
    const service = stack.node.id.replace(/-dev$/, "");
    it(`${service}: the header table lists every route with its authorization and target`, () => {
      const file = path.join("modules", "services", `${service}.ts`);
      const docs = headerTable(file);
      const rows = stack.node
        .findAll()
        .filter((c): c is RestApi => c instanceof RestApi)
        .flatMap((api) => api.routeTable());
      expect(docs.map((d) => d.route).sort(), `${file}: routes in the header table`).to.deep.equal(rows.map((r) => `${r.method} ${r.path}`).sort());
      for (const row of rows) {
        const doc = docs.find((d) => d.route === `${row.method} ${row.path}`)!;
        expect(docAuthMatches(doc.auth, row), `${file} ${doc.route}: auth "${doc.auth}" vs ${row.authorization}`).to.equal(true);
        const target = row.integration === "MOCK" ? "MOCK" : row.target.split(":")[0]!;
        expect(doc.integration, `${file} ${doc.route}: integration names ${target}`).to.include(target);
      }
    });
  }
});
