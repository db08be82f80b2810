/**
 * Where a served function's code came from: the esbuild metafile of the bundle whose zip
 * is the one the Terraform names. Bundles are kept content-addressed under the build root
 * (`<root>/<bundle id>/<digest>/function.zip`, `metafile.json` beside it, what
 * `npm run synth` leaves in `.build/functions` or `$NODEJS_FUNCTION_BUILD_DIR`); a zip is
 * matched to its bundle by SHA-256, so nothing but the synthesized Terraform and the
 * build output is read.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface BundleSource {
  /** Entry point, relative to the project root (posix). */
  readonly entry: string;
  /** Every input file of the bundle, relative to the project root (posix). */
  readonly inputs: ReadonlySet<string>;
}

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string }>;
}

export function buildRoot(projectRoot: string): string {
  const fromEnv = process.env.NODEJS_FUNCTION_BUILD_DIR;
  return path.resolve(projectRoot, fromEnv === undefined || fromEnv === "" ? path.join(".build", "functions") : fromEnv);
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** For each zip path, the bundle it was built from; zips with no bundle on disk are left out. */
export function bundleSources(zipPaths: readonly string[], root: string): Map<string, BundleSource> {
  const targetHashes = new Map<string, string>();
  const bySize = new Map<number, string[]>();
  for (const zip of new Set(zipPaths)) {
    if (!existsSync(zip)) continue;
    const size = statSync(zip).size;
    bySize.set(size, [...(bySize.get(size) ?? []), zip]);
  }
  const found = new Map<string, BundleSource>();
  if (!existsSync(root)) return found;
  for (const id of readdirSync(root)) {
    const dir = path.join(root, id);
    if (!statSync(dir).isDirectory()) continue;
    for (const digest of readdirSync(dir)) {
      const zip = path.join(dir, digest, "function.zip");
      const metafilePath = path.join(dir, digest, "metafile.json");
      if (!existsSync(zip) || !existsSync(metafilePath)) continue;
      const candidates = bySize.get(statSync(zip).size);
      if (!candidates) continue;
      const hash = sha256(zip);
      for (const target of candidates) {
        let targetHash = targetHashes.get(target);
        if (targetHash === undefined) targetHashes.set(target, (targetHash = sha256(target)));
        if (targetHash !== hash || found.has(target)) continue;
        const metafile = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
        const entry = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined)?.entryPoint;
        if (entry === undefined) continue;
        found.set(target, { entry, inputs: new Set(Object.keys(metafile.inputs).filter((f) => !f.includes(":"))) });
      }
    }
  }
  return found;
}
