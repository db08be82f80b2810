// `npm run bench`: runs every bench section in order and prints its figures.
// `npm run bench -- <name> [<name>...]` runs only the named sections.
//
// A section is a module in scripts/bench/ exporting `async function run(): Promise<void>`
// that prints its own figures and ratios. To add one, append it to SECTIONS below.
// Benches measure; they never fail on a figure (goals are printed next to the numbers).
process.env.CHECKPOINT_DISABLE = "1";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

interface Section {
  readonly name: string;
  readonly description: string;
  readonly load: () => Promise<{ run(): Promise<void> }>;
}

export const SECTIONS: readonly Section[] = [
  { name: "synth", description: "whole-app synth wall time, and two synths of unchanged sources compared", load: () => import("./synth") },
  { name: "functions", description: "per function: bundle time, zip size, cold import vs external-SDK unminified", load: () => import("./functions") },
  { name: "backup", description: "student backup: streaming backup vs plain Scan, items/s and peak RSS at 10,000 and 100,000 items", load: () => import("./backup") },
  { name: "web", description: "pages: JavaScript gzipped per page, first render in Chromium on loopback", load: () => import("./web") },
  { name: "dev", description: "dev loop: handler edit to new code served (median of 5); npm start ready from a built checkout", load: () => import("./dev") },
  { name: "gateway", description: "local gateway: mock and proxy routes under load from a second process, overhead vs a direct call, start-to-ready", load: () => import("./gateway") },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length > 0) {
    throw new Error(`Unknown bench section(s): ${unknown.join(", ")}. Known: ${SECTIONS.map((s) => s.name).join(", ")}.`);
  }
  const chosen = wanted.length === 0 ? SECTIONS : SECTIONS.filter((s) => wanted.includes(s.name));
  for (const section of chosen) {
    console.log(`\n== ${section.name}: ${section.description}`);
    const { run } = await section.load();
    await run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
