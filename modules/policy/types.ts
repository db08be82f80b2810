import type { TfResource, TfStack } from "../tfjson";

export type Severity = "error" | "warning";

/** What a rule reports about one resource: what is wrong and how to fix it. */
export interface Violation {
  readonly message: string;
  readonly fix: string;
}

/**
 * A policy rule. `appliesTo` lists resource types (`aws_api_gateway_stage`) or data source
 * types prefixed with `data.` (`data.aws_iam_policy_document`); `check` runs once per such
 * resource with the whole stack at hand, and returns nothing when the resource complies.
 * `resource.attrs` is the configuration as written; `stack.ofType(type)`, `stack.at(address)`
 * and `stack.resolve(value)` read the rest of the stack (see modules/tfjson).
 */
export interface Rule {
  /** Stable id, `APIG1`: what suppressions name. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule requires. */
  readonly title: string;
  readonly appliesTo: readonly string[];
  check(resource: TfResource, stack: TfStack): readonly Violation[];
}

/** A rule that fired on a resource. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** `aws_api_gateway_stage.api_prod_1234` */
  readonly address: string;
  /** `items-catalog-dev/ItemsAPI/Stage/prod` */
  readonly constructPath: string;
  readonly message: string;
  readonly fix: string;
}

/** A suppression declared with `suppress(construct, ruleId, reason)`. */
export interface Suppression {
  /** Construct path the suppression was declared on; covers the construct and its children. */
  readonly path: string;
  readonly ruleId: string;
  readonly reason: string;
}

export interface SuppressedFinding extends Finding {
  readonly reason: string;
  /** The construct path the suppression was declared on. */
  readonly suppressedAt: string;
}

export interface PolicyResult {
  /** Unsuppressed findings, errors first. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /** Suppressions that matched no finding (stale; worth deleting). */
  readonly unusedSuppressions: readonly Suppression[];
}
