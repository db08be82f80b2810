/**
 * Guardrails for every stack: policy rules evaluated on the synthesized Terraform JSON,
 * suppressible per construct with a written reason. `applyPolicy(stack)` wires them in.
 */
export { applyPolicy, applyPolicyToAll, hasPolicy, policyAppliedInJson, suppressionsFromJson, type PolicyOptions } from "./apply";
export { collectSuppressions, POLICY_RECORD_ID, SUPPRESSION_METADATA } from "./record";
export { covers, evaluate, formatFinding } from "./evaluate";
export { suppress, MIN_REASON_LENGTH } from "./suppress";
export { RULES, CURRENT_RUNTIMES, RESOURCE_STAR_ONLY_ACTIONS } from "./rules";
export type { Finding, PolicyResult, Rule, Severity, SuppressedFinding, Suppression, Violation } from "./types";
// Reading Terraform JSON is modules/tfjson's; these names are re-exported for rule authors.
export { TfStack, type StackJson, type TfResource } from "../tfjson";
