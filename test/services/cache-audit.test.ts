/**
 * Cache audit of every service: a cached answer is served to every caller whose request has
 * the same cache key, so whatever the answer depends on must be in the cache key, or never
 * reach the back end. For each method that a stage caches:
 * - a non-proxy integration passes nothing but its template (passthrough NEVER) and its
 *   templates read only parameters that are in the cache key (no body, no other parameter);
 * - a proxy integration hands the whole request to the function, so the key must hold what
 *   the handlers read: the caller's token when the method is authorized, and Origin, which
 *   every handler echoes in Access-Control-Allow-Origin;
 * - with several web origins, a non-proxy answer's CORS origin is echoed from the request,
 *   so Origin must be in the key as well.
 */
import { expect } from "chai";
import type { Environment } from "../../modules/config/environments";
import { ImageGalleryStack } from "../../modules/services/image-gallery";
import { ItemsCatalogStack } from "../../modules/services/items-catalog";
import { MusicLibraryStack } from "../../modules/services/music-library";
import { StudentRecordsStack } from "../../modules/services/student-records";
import { TodosStack } from "../../modules/services/todos";
import { build, Synth, testEnv, type Tf } from "./support";

interface CachedRoute {
  readonly stack: string;
  readonly key: string;
  readonly integration: Tf;
  readonly method: Tf;
}

function cachedRoutes(synth: Synth, stack: string): CachedRoute[] {
  const cachedPaths = synth
    .find("aws_api_gateway_method_settings")
    .filter((m) => m.settings?.caching_enabled === true)
    .map((m) => String(m.method_path));
  return synth
    .routeKeys()
    .filter((key) => {
      const [method, path] = key.split(" ") as [string, string];
      const settingsPath = `${path.replace(/\//g, "~1")}/${method}`;
      return cachedPaths.includes(settingsPath) || (method === "GET" && cachedPaths.includes("*/*"));
    })
    .map((key) => {
      const r = synth.route(key);
      return { stack, key, integration: r.integration, method: r.method };
    });
}

/** `method.request.path.ID` → `path.ID` */
const keyParts = (integration: Tf): string[] => ((integration.cache_key_parameters ?? []) as string[]).map((p) => p.replace(/^method\.request\./, ""));

/** The parameters a template reads with `$input.params('X')`, as `path.X | querystring.X | header.X` candidates. */
function templateInputs(template: string): { params: string[]; readsBody: boolean } {
  const params = [...template.matchAll(/\$input\.params\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  const readsBody = /\$input\.(body|json|path)\b/.test(template) || /\$input\.params\(\s*\)/.test(template);
  return { params, readsBody };
}

function audit(env: Environment): { routes: CachedRoute[]; problems: string[] } {
  const routes: CachedRoute[] = [];
  const problems: string[] = [];
  for (const Stack of [StudentRecordsStack, TodosStack, ItemsCatalogStack, MusicLibraryStack, ImageGalleryStack]) {
    const stack = build((app, e, props) => new Stack(app, e, props), env);
    const synth = new Synth(stack);
    for (const route of cachedRoutes(synth, stack.node.id)) {
      routes.push(route);
      const where = `${route.stack} ${route.key}`;
      const keys = keyParts(route.integration);
      if (route.integration.type === "AWS_PROXY") {
        if (route.method.authorization !== "NONE" && !keys.includes("header.Authorization")) problems.push(`${where}: authorized, but the token is not in the cache key`);
        if (!keys.includes("header.Origin")) problems.push(`${where}: the handler echoes Origin, which is not in the cache key`);
        continue;
      }
      if (route.integration.passthrough_behavior !== "NEVER") problems.push(`${where}: passthrough ${String(route.integration.passthrough_behavior)} lets a body reach the back end`);
      for (const template of Object.values((route.integration.request_templates ?? {}) as Record<string, string>)) {
        const { params, readsBody } = templateInputs(template);
        if (readsBody) problems.push(`${where}: the request template reads the body`);
        for (const p of params) {
          if (!["path", "querystring", "header"].some((kind) => keys.includes(`${kind}.${p}`))) problems.push(`${where}: the template reads ${p}, not in the cache key`);
        }
      }
      if (env.webOrigins.length > 1 && !keys.includes("header.Origin")) problems.push(`${where}: several origins are echoed from Origin, which is not in the cache key`);
    }
  }
  return { routes, problems };
}

describe("cache audit of every service stack", function () {
  this.timeout(120_000);

  for (const [name, env] of [
    ["dev", testEnv("dev")],
    ["prod", testEnv("prod")],
    ["prod with two web origins", testEnv("prod", { PROD_WEB_ORIGINS: "https://www.example.com,https://admin.example.com" })],
  ] as const) {
    it(`${name}: every cached answer depends only on its cache key`, function () {
      const { routes, problems } = audit(env);
      expect(problems).to.deep.equal([]);
      // the audit saw the cached routes (it cannot pass by finding none)
      const seen = routes.map((r) => `${r.stack.replace(/-(dev|prod)$/, "")} ${r.key}`).sort();
      expect(seen).to.include("image-gallery GET /view-all");
      if (env.name === "prod") expect(seen).to.include.members(["items-catalog GET /items", "items-catalog GET /items/{ID}"]);
    });
  }

  it("finds the holes it is meant to find", function () {
    expect(templateInputs('{"ID": $input.params("ID")}')).to.deep.equal({ params: ["ID"], readsBody: false });
    expect(templateInputs("$input.json('$')").readsBody).to.equal(true);
    expect(templateInputs("$input.body").readsBody).to.equal(true);
    expect(keyParts({ cache_key_parameters: ["method.request.path.ID"] })).to.deep.equal(["path.ID"]);
  });
});
