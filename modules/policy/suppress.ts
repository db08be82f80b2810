import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { PropError } from "../core/errors";
import { RULES } from "./rules";
import { ensureRecord, SUPPRESSION_METADATA } from "./record";

/** A reason must say why: at least this many characters and two words. */
export const MIN_REASON_LENGTH = 10;

const PLACEHOLDER = /^(todo|tbd|fixme|n\/?a|none|later|temp(orary)?|ignore|suppress(ed)?)\b/i;

/**
 * Suppresses one rule on a construct and everything under it, with a written reason that
 * the review report shows next to the finding. Throws a PropError for an unknown rule id or
 * a reason that does not explain anything.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  if (!RULES.some((r) => r.id === ruleId)) {
    throw new PropError(construct, "ruleId", ruleId, `use one of the policy rule ids (${RULES.map((r) => r.id).join(", ")}).`);
  }
  const text = typeof reason === "string" ? reason.trim().replace(/\s+/g, " ") : "";
  if (text.length < MIN_REASON_LENGTH || text.split(" ").length < 2 || PLACEHOLDER.test(text)) {
    throw new PropError(
      construct,
      "reason",
      reason,
      `a suppression of ${ruleId} needs a written reason (at least ${MIN_REASON_LENGTH} characters, a sentence a reviewer can check).`,
    );
  }
  construct.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: text });
  // Record it in the synthesized JSON even when the stack does not call applyPolicy, so the
  // review lists it.
  const stack = construct.node.scopes.find((c): c is TerraformStack => TerraformStack.isStack(c));
  if (stack) ensureRecord(stack);
}
