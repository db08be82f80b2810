import { RULES } from "./rules";
import { asStack, typeKey, type StackJson, type TfStack } from "../tfjson";
import type { Finding, PolicyResult, Rule, SuppressedFinding, Suppression } from "./types";

/** True when a suppression declared at `scope` covers the construct at `path` (itself or a child). */
export function covers(scope: string, path: string): boolean {
  return path === scope || path.startsWith(`${scope}/`);
}

/**
 * Runs the rules over a synthesized stack. Pure: the same JSON and suppressions give the
 * same result, whether the JSON comes from a synth in progress or from `cdktf.out/`.
 */
export function evaluate(json: StackJson | TfStack, suppressions: readonly Suppression[] = [], rules: readonly Rule[] = RULES): PolicyResult {
  const stack = asStack(json);
  const byType = new Map<string, Rule[]>();
  for (const rule of rules) {
    for (const t of rule.appliesTo) byType.set(t, [...(byType.get(t) ?? []), rule]);
  }
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const used = new Set<Suppression>();
  for (const resource of stack.all()) {
    for (const rule of byType.get(typeKey(resource)) ?? []) {
      for (const v of rule.check(resource, stack)) {
        const finding: Finding = {
          ruleId: rule.id,
          severity: rule.severity,
          address: resource.address,
          constructPath: resource.constructPath,
          message: v.message,
          fix: v.fix,
        };
        const s = suppressions.find((x) => x.ruleId === rule.id && covers(x.path, resource.constructPath));
        if (s) {
          used.add(s);
          suppressed.push({ ...finding, reason: s.reason, suppressedAt: s.path });
        } else {
          findings.push(finding);
        }
      }
    }
  }
  const rank = (f: Finding) => (f.severity === "error" ? 0 : 1);
  findings.sort((a, b) => rank(a) - rank(b));
  return { findings, suppressed, unusedSuppressions: suppressions.filter((s) => !used.has(s)) };
}

/** `APIG1 [error] aws_api_gateway_stage.s (stack/Api/Stage): <message>. Fix: <fix>.` */
export function formatFinding(f: Finding): string {
  return `${f.ruleId} [${f.severity}] ${f.address} (${f.constructPath}): ${f.message}. Fix: ${f.fix}.`;
}
