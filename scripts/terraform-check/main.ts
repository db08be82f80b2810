/**
 * `npm run terraform-check -- --mirror <dir> [--plan] [--aws-version <v>] [--stacks a,b] [--keep]`
 *
 * Checks every synthesized stack (`npm run synth` first; `CDKTF_OUTDIR`, default cdktf.out)
 * with real Terraform, offline: `terraform init` from a provider filesystem mirror only (no
 * registry, no network), `terraform validate`, and with `--plan` a `terraform plan` with fake
 * credentials. Each stack is copied to a scratch directory and changed there as
 * scripts/terraform-check/rewrite.ts says (provider pinned to the mirror's version, local
 * backend, placeholder remote states); the synthesized files are never touched.
 *
 * The mirror (`--mirror` or `TF_PROVIDER_MIRROR`) is a directory laid out as Terraform's
 * filesystem mirror: `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/...`, e.g.
 * filled by `terraform providers mirror <dir>` on a machine with network. When its version is
 * not the one the stacks pin (an older major), what the older schema refuses may be a version
 * difference, not a fault: the report says which changes were made for that.
 *
 * Needs `terraform` on PATH (or `TERRAFORM`). Not part of `npm test`: CI has no Terraform.
 * Exit status 1 when a stack fails.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { fakeState, forPlan, forValidate, type HasRegion, type Json } from "./rewrite";

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    mirror: { type: "string" },
    plan: { type: "boolean", default: false },
    "aws-version": { type: "string" },
    stacks: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const mirror = values.mirror ?? process.env.TF_PROVIDER_MIRROR;
if (!mirror || !existsSync(mirror)) {
  console.error("terraform-check: give a provider filesystem mirror with --mirror <dir> or TF_PROVIDER_MIRROR (see the header of scripts/terraform-check/main.ts).");
  process.exit(2);
}
const mirrorDir = path.resolve(mirror);
const awsDir = path.join(mirrorDir, "registry.terraform.io", "hashicorp", "aws");
const mirrored = existsSync(awsDir) ? readdirSync(awsDir) : [];
const awsVersion = values["aws-version"] ?? (mirrored.length === 1 ? mirrored[0] : undefined);
if (!awsVersion || !mirrored.includes(awsVersion)) {
  console.error(`terraform-check: the mirror holds hashicorp/aws ${mirrored.join(", ") || "in no version"}; choose one with --aws-version.`);
  process.exit(2);
}

const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
const stacksDir = path.join(outdir, "stacks");
if (!existsSync(stacksDir)) {
  console.error(`terraform-check: no synthesized stacks in ${stacksDir}; run npm run synth first.`);
  process.exit(2);
}
const wanted = values.stacks?.split(",").filter(Boolean);
const ids = readdirSync(stacksDir)
  .filter((id) => existsSync(path.join(stacksDir, id, "cdk.tf.json")))
  .filter((id) => !wanted || wanted.includes(id))
  .sort();

const scratch = mkdtempSync(path.join(os.tmpdir(), "terraform-check-"));
const cliConfig = path.join(scratch, "terraform.rc");
// The filesystem mirror alone: no `direct` block, so Terraform never asks a registry.
writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirrorDir)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`);
const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0" };
const terraform = process.env.TERRAFORM ?? "terraform";

async function tf(dir: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout, stderr } = await run(terraform, args, { cwd: dir, env, maxBuffer: 256 << 20 });
    return { ok: true, out: stdout + stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: (err.stdout ?? "") + (err.stderr ?? err.message) };
  }
}

/** Terraform's errors, one line each: summary, detail and where (from `validate -json`, or the text of a plan). */
function errorsOf(out: string): string[] {
  try {
    const diags: Json[] = JSON.parse(out).diagnostics ?? [];
    return diags.filter((d) => d.severity === "error").map((d) => `${d.snippet?.context ?? ""}: ${d.summary}${d.detail ? ` (${d.detail.replace(/\s+/g, " ")})` : ""}`);
  } catch {
    return [...out.matchAll(/^Error: (.+)\n\n((?:.+\n)*)/gm)].map((m) => `${m[1]}: ${m[2]!.replace(/\s+/g, " ").trim()}`);
  }
}

const load = (dir: string): Json => JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
const save = (dir: string, doc: Json) => writeFileSync(path.join(dir, "cdk.tf.json"), `${JSON.stringify(doc, null, 2)}\n`);

// Placeholder states of every stack (its outputs), for the remote-state reads of a plan.
const stateFile = (id: string) => path.join(scratch, "states", `${id}.tfstate`);
if (values.plan) {
  mkdirSync(path.join(scratch, "states"));
  for (const id of readdirSync(stacksDir)) {
    if (existsSync(path.join(stacksDir, id, "cdk.tf.json"))) writeFileSync(stateFile(id), JSON.stringify(fakeState(load(path.join(stacksDir, id)))));
  }
}
const stateFileOf = (config: Json): string | undefined => {
  // s3: key `<stack>/terraform.tfstate`; Terraform Cloud: the workspace, named after the stack
  const id = typeof config.key === "string" ? config.key.replace(/\/terraform\.tfstate$/, "") : config.workspaces?.name;
  return id && existsSync(stateFile(id)) ? stateFile(id) : undefined;
};

let hasRegion: HasRegion | undefined;
let failed = 0;
for (const id of ids) {
  const dir = path.join(scratch, id);
  cpSync(path.join(stacksDir, id), dir, { recursive: true });
  const doc = load(dir);
  const pinned: string | undefined = doc.terraform?.required_providers?.aws?.version;
  const notes = forValidate(doc, awsVersion, pinned === awsVersion ? undefined : hasRegion);
  save(dir, doc);
  const init = await tf(dir, ["init", "-no-color"]);
  if (!init.ok) {
    failed++;
    console.log(`✗ ${id}: terraform init failed\n    ${errorsOf(init.out).join("\n    ") || init.out.trim()}`);
    continue;
  }
  if (!hasRegion && pinned !== awsVersion) {
    // The mirror's schema, once: which resource types take a `region` argument.
    const schema = JSON.parse((await tf(dir, ["providers", "schema", "-json"])).out);
    const resources: Json = Object.values<Json>(schema.provider_schemas ?? {})[0]?.resource_schemas ?? {};
    // an argument, not the computed-only attribute some 5.x resources have (aws_s3_bucket)
    hasRegion = (type) => {
      const region = resources[type]?.block?.attributes?.region;
      return region !== undefined && (region.optional === true || region.required === true);
    };
    notes.push(...forValidate(doc, awsVersion, hasRegion));
    save(dir, doc);
  }
  const validate = await tf(dir, ["validate", "-json", "-no-color"]);
  let line = validate.ok ? "valid" : "INVALID";
  const problems = validate.ok ? [] : errorsOf(validate.out);
  if (validate.ok && values.plan) {
    const planned = forPlan(load(dir), stateFileOf);
    save(dir, planned.doc);
    notes.push(...planned.notes);
    const plan = await tf(dir, ["plan", "-lock=false", "-no-color"]);
    line += plan.ok ? `, plan: ${/^Plan: (.+)$/m.exec(plan.out)?.[1] ?? "no changes"}` : ", PLAN FAILED";
    if (!plan.ok) problems.push(...errorsOf(plan.out));
  }
  if (problems.length > 0) failed++;
  console.log(`${problems.length > 0 ? "✗" : "✓"} ${id}: ${line}${pinned !== awsVersion ? ` (hashicorp/aws ${awsVersion} for ${pinned})` : ""}`);
  for (const n of notes) console.log(`    changed: ${n}`);
  // the same message on many blocks (one fault, many templates) once, with a count
  const grouped = new Map<string, string[]>();
  for (const p of problems) {
    const [where, message] = [p.slice(0, p.indexOf(": ")), p.slice(p.indexOf(": ") + 2)];
    grouped.set(message, [...(grouped.get(message) ?? []), where]);
  }
  for (const [message, where] of grouped) {
    console.log(`    error: ${message}\n      in ${where[0] || "the configuration"}${where.length > 1 ? ` and ${where.length - 1} more` : ""}`);
  }
}

if (values.keep) console.log(`scratch copies kept in ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
console.log(`${ids.length - failed} of ${ids.length} stacks passed`);
process.exit(failed > 0 ? 1 : 0);
