import { Annotations, TerraformElement, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { evaluate, formatFinding } from "./evaluate";
import { RULES } from "./rules";
import { collectSuppressions } from "./suppress";
import type { StackJson } from "./tf-json";
import type { PolicyResult, Rule, Severity, Suppression } from "./types";

export interface PolicyOptions {
  /** @default RULES (every rule) */
  readonly rules?: readonly Rule[];
  /**
   * Unsuppressed findings at this severity or worse fail the synth; `"none"` only reports.
   * @default "error"
   */
  readonly failOn?: Severity | "none";
  /** Called with each evaluation's result (for tooling and tests). */
  readonly onResult?: (result: PolicyResult, stack: TerraformStack) => void;
}

/** Construct id of the element that records the suppressions in the stack's `//` metadata. */
export const POLICY_RECORD_ID = "PolicyRecord";

/**
 * Writes the stack's suppressions into `cdk.tf.json` under `//.metadata.policy`, a comment
 * block Terraform ignores, so that the review reads them from `cdktf.out/` alone.
 */
class PolicyRecord extends TerraformElement {
  constructor(
    scope: TerraformStack,
    private readonly stackRef: TerraformStack,
  ) {
    super(scope, POLICY_RECORD_ID);
  }

  override toMetadata(): Record<string, unknown> {
    return { policy: { suppressions: collectSuppressions(this.stackRef) } };
  }
}

/** The suppressions recorded in a synthesized stack by `applyPolicy`. */
export function suppressionsFromJson(stack: StackJson): Suppression[] {
  const policy = (stack["//"]?.metadata as { policy?: { suppressions?: Suppression[] } } | undefined)?.policy;
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
  return stack.node.tryFindChild(POLICY_RECORD_ID) !== undefined;
}

/**
 * Checks the stack against the policy rules when it is synthesized: a validation that
 * evaluates the resolved Terraform JSON (`stack.toTerraform()`, after aspects ran), fails the
 * synth listing every unsuppressed finding at `failOn` severity, and attaches the others to
 * their constructs as warnings. One line per stack: `applyPolicy(stack)`. Idempotent.
 */
export function applyPolicy(stack: TerraformStack, options: PolicyOptions = {}): void {
  if (hasPolicy(stack)) return;
  new PolicyRecord(stack, stack);
  const rules = options.rules ?? RULES;
  const failOn = failOnFromEnv() ?? options.failOn ?? "error";
  stack.node.addValidation({
    validate(): string[] {
      const json = stack.toTerraform() as StackJson;
      const result = evaluate(json, collectSuppressions(stack), rules);
      options.onResult?.(result, stack);
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
