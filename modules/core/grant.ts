/**
 * Least-privilege grants between modules. A table, bucket or email identity adds one
 * statement, on exact ARNs, to the grantee's own role (`table.grantReadData(fn)`).
 */
export interface PolicyStatement {
  /** Statement id; letters and digits only (IAM's rule). */
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  /** Exact actions, never `service:*` or `*`. */
  readonly actions: readonly string[];
  /** Exact ARNs (tokens allowed), never `*` when the action supports resource scoping. */
  readonly resources: readonly string[];
  /** IAM condition blocks: `{ StringEquals: { "ses:FromAddress": ["a@b"] } }`. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, readonly string[] | string>>>>;
}

/** Anything that can be granted permissions: a function's execution role. */
export interface IGrantable {
  /** Adds a statement to the grantee's own inline policy. */
  addToRolePolicy(statement: PolicyStatement): void;
}

/** Renders statements as an IAM policy document (JSON string), sorted for stable output. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      Action: [...s.actions].sort(),
      Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}
