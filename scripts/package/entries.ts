/**
 * What the npm package exports: one entry per reusable module, the local gateway, the review,
 * and the two command-line tools. `build.ts` bundles each into `dist/<name>.js`; package.json's
 * `exports` and `bin` point at them (a test checks the two agree).
 */
export interface PackageEntry {
  /** Output name: `dist/<name>.js`. Flat on purpose: worker scripts are found beside the bundles. */
  readonly name: string;
  /** Source file, relative to the repository root. */
  readonly source: string;
  /** Subpath export (`./rest-api`), or the bin command it backs. */
  readonly export?: string;
  readonly bin?: string;
}

export const ENTRIES: readonly PackageEntry[] = [
  { name: "rest-api", source: "modules/rest-api/index.ts", export: "./rest-api" },
  { name: "nodejs-function", source: "modules/nodejs-function/index.ts", export: "./nodejs-function" },
  { name: "table", source: "modules/table/index.ts", export: "./table" },
  { name: "bucket", source: "modules/bucket/index.ts", export: "./bucket" },
  { name: "email", source: "modules/email/index.ts", export: "./email" },
  { name: "queue", source: "modules/queue/index.ts", export: "./queue" },
  { name: "monitoring", source: "modules/monitoring/index.ts", export: "./monitoring" },
  { name: "backend", source: "modules/backend/index.ts", export: "./backend" },
  { name: "policy", source: "modules/policy/index.ts", export: "./policy" },
  { name: "static-site", source: "modules/static-site/index.ts", export: "./static-site" },
  { name: "tfjson", source: "modules/tfjson/index.ts", export: "./tfjson" },
  { name: "config", source: "modules/config/environments.ts", export: "./config" },
  { name: "core", source: "modules/core/index.ts", export: "./core" },
  { name: "local", source: "scripts/local/gateway.ts", export: "./local" },
  { name: "review", source: "scripts/review/review.ts", export: "./review" },
  { name: "gateway-cli", source: "scripts/local/main.ts", bin: "cdktf-rest-gateway" },
  { name: "review-cli", source: "scripts/review/main.ts", bin: "cdktf-rest-review" },
  // The local back ends' child processes, forked by path from beside the gateway's bundle.
  { name: "backend-dynamodb", source: "scripts/local/backends/dynamodb/child.ts" },
  { name: "backend-s3", source: "scripts/local/backends/s3/child.ts" },
];

/** Plain-JavaScript files loaded at run time by path (worker threads), copied beside the bundles. */
export const RUNTIME_FILES: readonly string[] = ["modules/nodejs-function/zip-worker.mjs", "modules/nodejs-function/lambda-credentials.mjs", "scripts/local/lambda-runtime.mjs", "scripts/local/json-view.mjs", "web/tailwind-worker.mjs"];

/** Folder of the build output, relative to the repository root (not committed). */
export const DIST = "dist";
