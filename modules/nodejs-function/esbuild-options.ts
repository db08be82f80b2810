import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions } from "esbuild";

/** Node.js runtimes this module bundles for. */
export type NodejsRuntime = "nodejs20.x" | "nodejs22.x" | "nodejs24.x";

export const NODEJS_RUNTIMES: readonly NodejsRuntime[] = ["nodejs20.x", "nodejs22.x", "nodejs24.x"];

/** `nodejs22.x` → `node22`: the esbuild target for a Lambda runtime. */
export function esbuildTarget(runtime: NodejsRuntime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!match) throw new Error(`Unsupported runtime "${runtime}": use one of ${NODEJS_RUNTIMES.join(", ")}.`);
  return `node${match[1]}`;
}

/**
 * Defines `require` inside the ESM bundle so bundled CommonJS dependencies can still
 * `require()` Node built-ins at run time. Aliased import so it can never clash with a
 * bundled symbol.
 */
export const CREATE_REQUIRE_BANNER =
  'import { createRequire as __cdktfCreateRequire } from "node:module";\n' +
  "const require = __cdktfCreateRequire(import.meta.url);";

/** The package a bundle's SDK clients take their default credential chain from. */
export const SDK_CREDENTIAL_CHAIN = "@aws-sdk/credential-provider-node";

/** What the bundle takes instead: credentials from the Lambda environment (lambda-credentials.mjs). */
export const LAMBDA_CREDENTIALS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "lambda-credentials.mjs");

/**
 * esbuild's alias for `SDK_CREDENTIAL_CHAIN`: a path relative to the working directory, starting
 * with `./` (esbuild resolves an alias from there), posix separators, so the metafile and the
 * bundle read the same on every machine.
 */
export function lambdaCredentialsAlias(absWorkingDir: string): string {
  const rel = path.relative(absWorkingDir, LAMBDA_CREDENTIALS_FILE).split(path.sep).join("/");
  return rel.startsWith("../") ? rel : `./${rel}`;
}

export interface EsbuildOptionsProps {
  /** Entry file, relative to `absWorkingDir` (posix separators). */
  readonly entry: string;
  /** Output file, relative to `absWorkingDir`; its name is what the handler string refers to. */
  readonly outfile: string;
  /** Project root: every path esbuild records (metafile, source map) is relative to it. */
  readonly absWorkingDir: string;
  /** @default "nodejs22.x" */
  readonly runtime?: NodejsRuntime;
  /**
   * Emit `<outfile>.map` (without sources content) next to the bundle.
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * Minify the bundle. Only the bench turns this off, to measure the difference.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Packages left out of the bundle. Only the bench uses this (`@aws-sdk/*`), to measure
   * what bundling the SDK buys.
   * @default [] (the AWS SDK v3 is bundled and tree-shaken)
   */
  readonly external?: readonly string[];
}

/**
 * The esbuild options for one Lambda handler, as a pure function of the props:
 * an ESM bundle (`index.mjs`) for the runtime's Node version, minified, AWS SDK v3 bundled
 * and tree-shaken (`module` before `main` so the SDK's ES build is used), its default credential
 * chain replaced by the Lambda environment's credentials (lambda-credentials.mjs: a quarter less
 * code to bundle, load and run), metafile on, no legal comments, and a `createRequire` banner for
 * bundled CommonJS code.
 */
export function esbuildOptions(props: EsbuildOptionsProps): BuildOptions {
  const runtime = props.runtime ?? "nodejs22.x";
  const sourceMap = props.sourceMap ?? false;
  const minify = props.minify ?? true;
  const external = props.external ?? [];
  return {
    absWorkingDir: props.absWorkingDir,
    entryPoints: [props.entry],
    outfile: props.outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: esbuildTarget(runtime),
    mainFields: ["module", "main"],
    minify,
    treeShaking: true,
    sourcemap: sourceMap ? "external" : false,
    sourcesContent: false,
    metafile: true,
    legalComments: "none",
    charset: "utf8",
    banner: { js: CREATE_REQUIRE_BANNER },
    external: [...external],
    alias: { [SDK_CREDENTIAL_CHAIN]: lambdaCredentialsAlias(props.absWorkingDir) },
    logLevel: "silent",
  };
}
