/**
 * Makes tsc's declaration output loadable under every `moduleResolution` a consumer may use.
 *
 * The sources import each other without extensions (`./props`), which "Bundler" and "node10"
 * resolution accept but "node16"/"nodenext" (what a CommonJS cdktf app on Node ≥ 20 uses)
 * do not: there, an extensionless re-export in a package's `.d.ts` silently resolves to
 * nothing and every construct is typed `any`. This rewrites each relative specifier in the
 * emitted `.d.ts` files to the file it names: `./props` → `./props.js`, `./rest-api` (a
 * folder) → `./rest-api/index.js`. tsc-alias's `resolveFullPaths` does this only for
 * projects with `paths`; a dozen lines here do it for all.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\2/g;

/** The specifier with the extension Node's ESM resolution needs, from the `.d.ts` files on disk. */
export function fullSpecifier(fromFile: string, specifier: string): string {
  if (/\.(m|c)?js$/.test(specifier)) return specifier;
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, "index.d.ts"))) return `${specifier.replace(/\/$/, "")}/index.js`;
  return specifier;
}

export function rewriteDeclarations(dir: string): number {
  let changed = 0;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) {
      changed += rewriteDeclarations(file);
      continue;
    }
    if (!name.endsWith(".d.ts")) continue;
    const text = readFileSync(file, "utf8");
    const next = text.replace(SPECIFIER, (_m, lead: string, quote: string, spec: string) => `${lead}${quote}${fullSpecifier(file, spec)}${quote}`);
    if (next !== text) {
      writeFileSync(file, next);
      changed++;
    }
  }
  return changed;
}
