// synckit worker: compiles one Tailwind CSS entry against the class names found in the given
// sources (no file-system scan: the entry says `source(none)`), minified by Tailwind's own
// Lightning CSS pass. Plain .mjs, loaded by path (see web/tailwind.ts).
import { compile, optimize } from "@tailwindcss/node";
import { Scanner } from "@tailwindcss/oxide";
import { runAsWorker } from "synckit";

runAsWorker(async ({ css, base, sources }) => {
  const compiler = await compile(css, { base, onDependency: () => {} });
  const candidates = new Scanner({}).scanFiles(sources.map((s) => ({ content: s.content, extension: s.extension })));
  return optimize(compiler.build(candidates.sort()), { minify: true }).code;
});
