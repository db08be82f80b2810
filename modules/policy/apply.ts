import { Annotations, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { evaluate, formatFinding } from "./evaluate";
import { RULES } from "./rules";
import { collectSuppressions, ensureRecord, GUARDED } from "./record";
import { asStack, type StackJson, type TfStack } from "../tfjson";
import type { PolicyResult, Rule, Severity, Suppression } from "./types";

export interface PolicyOptions {
  /** @default RULES (every rule) */
  readonly rules?: readonly Rule[];
  /**
   * Unsuppressed findings at this severity or worse fail the synth; `"none"` only reports.
   * @default "error"
   */
  readonly failOn?: Severity | "none";
  /** Called with each evaluation's result (for tooling and tests). @default no callback */
  readonly onResult?: (result: PolicyResult, stack: TerraformStack) => void;
}

/** The suppressions recorded in a synthesized stack by `applyPolicy`. */
export function suppressionsFromJson(stack: StackJson | TfStack): Suppression[] {
  const policy = asStack(stack).metadata().policy as { suppressions?: Suppression[] } | undefined;
  return [...(policy?.suppressions ?? [])];
}

/**
 * `POLICY_FAIL_ON=none|warning|error` overrides the option: the review synthesizes with
 * `none` so that it can report findings instead of stopping at the first failing stack.
 */
function failOnFromEnv(): PolicyOptions["failOn"] | undefined {
  const v = process.env.POLICY_FAIL_ON;
  return v === "none" || v === "warning" || v === "error" ? v : undefined;
}

/** True when `applyPolicy` has been called on the stack. */
export function hasPolicy(stack: TerraformStack): boolean {
  return GUARDED.has(stack);
}

/** True when the synthesized stack was guarded by `applyPolicy` at synth. */
export function policyAppliedInJson(stack: StackJson | TfStack): boolean {
  const policy = asStack(stack).metadata().policy as { applied?: boolean } | undefined;
  return policy?.applied === true;
}

/**
 * Lets the synthesizer write the JSON the policy validation resolved instead of resolving the
 * stack a second time (resolving is the dearest step of a synth: a fifth of it went to this
 * repetition). The JSON is kept only from the validation to the synthesizer's own
 * `toTerraform()` within one `synthesize` call of this stack, where cdktf runs nothing that
 * changes the tree (the other validations, asset copies, annotation collection); any other
 * call resolves as before. `evaluate` only reads the JSON.
 */
function shareResolvedJson(stack: TerraformStack): (json: StackJson) => void {
  const synthesizer = stack.synthesizer;
  const synthesize = synthesizer.synthesize.bind(synthesizer);
  const resolve = stack.toTerraform.bind(stack);
  let synthesizing = false;
  let kept: StackJson | undefined;
  synthesizer.synthesize = (session) => {
    synthesizing = true;
    try {
      synthesize(session);
    } finally {
      synthesizing = false;
      kept = undefined;
    }
  };
  stack.toTerraform = () => {
    const json = kept ?? resolve();
    kept = undefined;
    return json;
  };
  return (json) => {
    if (synthesizing) kept = json;
  };
}

/** Applies the policy to every stack under `scope` (an App): one line in defineApp. */
export function applyPolicyToAll(scope: IConstruct, options: PolicyOptions = {}): void {
  for (const c of scope.node.findAll()) if (TerraformStack.isStack(c)) applyPolicy(c, options);
}

/**
 * Checks the stack against the policy rules when it is synthesized: a validation that
 * evaluates the resolved Terraform JSON (`stack.toTerraform()`, after aspects ran), fails the
 * synth listing every unsuppressed finding at `failOn` severity, and attaches the others to
 * their constructs as warnings. One line per stack: `applyPolicy(stack)`. Idempotent.
 */
export function applyPolicy(stack: TerraformStack, options: PolicyOptions = {}): void {
  if (hasPolicy(stack)) return;
  GUARDED.add(stack);
  ensureRecord(stack);
  const rules = options.rules ?? RULES;
  const failOn = failOnFromEnv() ?? options.failOn ?? "error";
  const keepForWrite = shareResolvedJson(stack);
  stack.node.addValidation({
    validate(): string[] {
      const json = stack.toTerraform() as StackJson;
      const result = evaluate(json, collectSuppressions(stack), rules);
      options.onResult?.(result, stack);
      keepForWrite(json);
      const fails = (s: Severity) => failOn !== "none" && (s === "error" || failOn === "warning");
      const failing = result.findings.filter((f) => fails(f.severity));
      const byPath = new Map<string, IConstruct>(stack.node.findAll().map((c) => [c.node.path, c]));
      for (const f of result.findings.filter((x) => !fails(x.severity))) {
        Annotations.of(byPath.get(f.constructPath) ?? stack).addWarning(formatFinding(f));
      }
      if (failing.length === 0) return [];
      return [
        `policy: ${failing.length} unsuppressed finding${failing.length === 1 ? "" : "s"} ` +
          `(fix them, or suppress(construct, ruleId, reason) with a reason):\n    ` +
          failing.map(formatFinding).join("\n    "),
      ];
    },
  });
}
