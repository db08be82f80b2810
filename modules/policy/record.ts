import { TerraformElement, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { Suppression } from "./types";

/** Construct metadata type under which suppressions are recorded. */
export const SUPPRESSION_METADATA = "cdktf-rest-platform:policy-suppression";

/** Construct id of the element that records the policy state in the stack's `//` metadata. */
export const POLICY_RECORD_ID = "PolicyRecord";

/** Stacks on which `applyPolicy` installed its validation. */
export const GUARDED = new WeakSet<TerraformStack>();

/** Every suppression declared on the construct and its children. */
export function collectSuppressions(root: IConstruct): Suppression[] {
  const out: Suppression[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== SUPPRESSION_METADATA) continue;
      const data = m.data as { ruleId: string; reason: string };
      out.push({ path: c.node.path, ruleId: data.ruleId, reason: data.reason });
    }
  }
  return out;
}

/**
 * Writes the stack's suppressions (and whether the synth is guarded) into `cdk.tf.json`
 * under `//.metadata.policy`, a comment block Terraform ignores, so that the review reads
 * them from `cdktf.out/` alone.
 */
class PolicyRecord extends TerraformElement {
  constructor(private readonly stack: TerraformStack) {
    super(stack, POLICY_RECORD_ID);
  }

  override toMetadata(): Record<string, unknown> {
    return { policy: { applied: GUARDED.has(this.stack), suppressions: collectSuppressions(this.stack) } };
  }
}

/** Adds the record to the stack once. */
export function ensureRecord(stack: TerraformStack): void {
  if (!stack.node.tryFindChild(POLICY_RECORD_ID)) new PolicyRecord(stack);
}
