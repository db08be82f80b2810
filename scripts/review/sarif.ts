/**
 * The policy findings as a SARIF 2.1.0 log, the format code-scanning tools read (GitHub's
 * upload-sarif action among them): one rule per policy rule with its help text and default
 * level, one result per finding with the fix in its message, the `cdk.tf.json` file and
 * lines of the resource as its physical location and the construct path as its logical
 * location. Suppressed findings are included with their suppression and reason, so a tool
 * shows them as suppressed rather than not at all.
 */
import { createHash } from "node:crypto";
import { isAbsolute, relative, sep } from "node:path";
import type * as Sarif from "sarif";
import { RULES, type Finding, type PolicyResult, type Rule, type SuppressedFinding } from "../../modules/policy";
import { resourceRegions, type TfStack } from "../../modules/tfjson";

export interface SarifStack {
  readonly name: string;
  readonly stack: TfStack;
  readonly policy: PolicyResult;
}

export interface SarifOptions {
  /** Artifact URIs are relative to this folder (the repository root). @default process.cwd() */
  readonly root?: string;
  /** @default RULES */
  readonly rules?: readonly Rule[];
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const TOOL_NAME = "cdktf-rest-platform policy";

const level = (severity: Finding["severity"]): Sarif.ReportingConfiguration.level => (severity === "error" ? "error" : "warning");

/** `cdk.tf.json` of the stack, relative to the root when it lies inside it; else where `npm run synth` writes it. */
function artifactUri(s: SarifStack, root: string): string {
  const file = s.stack.file;
  if (file) {
    const rel = relative(root, file);
    if (!rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
  }
  return `cdktf.out/stacks/${s.name}/cdk.tf.json`;
}

function helpOf(rule: Rule, fixes: readonly string[]): Sarif.MultiformatMessageString {
  const how = fixes.length ? fixes.map((f) => `${f}.`) : ["Each finding names its fix."];
  const suppress = `A deliberate exception is suppressed on its construct with suppress(construct, "${rule.id}", "<reason>"); the review lists it with its reason.`;
  return {
    text: `${rule.title}. How to fix: ${how.join(" ")} ${suppress}`,
    markdown: [`**${rule.title}** (${rule.severity})`, "", "How to fix:", "", ...how.map((f) => `- ${f}`), "", suppress.replace(/suppress\(([^)]*)\)/, "`suppress($1)`")].join("\n"),
  };
}

function result(s: SarifStack, uri: string, ruleIndex: number, f: Finding | SuppressedFinding): Sarif.Result {
  const region = resourceRegions(s.stack).get(f.address);
  const fingerprint = createHash("sha256").update(`${f.ruleId}\n${f.constructPath}\n${f.address}\n${f.message}`).digest("hex");
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: level(f.severity),
    message: { text: `${f.message}. Fix: ${f.fix}.` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri }, ...(region ? { region: { startLine: region.startLine, endLine: region.endLine } } : {}) },
        logicalLocations: [{ name: f.address, fullyQualifiedName: f.constructPath, kind: "resource" }],
      },
    ],
    partialFingerprints: { "policyFinding/v1": fingerprint },
    properties: { stack: s.name, address: f.address, constructPath: f.constructPath, fix: f.fix },
    ...("reason" in f ? { suppressions: [{ kind: "inSource", status: "accepted", justification: f.reason, properties: { declaredOn: f.suppressedAt } }] } : {}),
  };
}

/** The SARIF log of every stack's policy findings (one run). */
export function toSarif(stacks: readonly SarifStack[], options: SarifOptions = {}): Sarif.Log {
  const root = options.root ?? process.cwd();
  const rules = options.rules ?? RULES;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const fixes = new Map<string, Set<string>>();
  const results: Sarif.Result[] = [];
  for (const s of stacks) {
    const uri = artifactUri(s, root);
    for (const f of [...s.policy.findings, ...s.policy.suppressed]) {
      const i = index.get(f.ruleId);
      if (i === undefined) continue;
      fixes.set(f.ruleId, (fixes.get(f.ruleId) ?? new Set()).add(f.fix));
      results.push(result(s, uri, i, f));
    }
  }
  const descriptors: Sarif.ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: r.id,
    shortDescription: { text: r.title },
    fullDescription: { text: `${r.title} (applies to ${r.appliesTo.join(", ")}).` },
    help: helpOf(r, [...(fixes.get(r.id) ?? [])]),
    defaultConfiguration: { level: level(r.severity) },
    properties: { tags: ["terraform", "policy"] },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{ tool: { driver: { name: TOOL_NAME, rules: descriptors } }, results }],
  };
}
