import { Token } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * The one error every module throws for a bad prop: it names the construct, the prop,
 * the value received and the fix, e.g.
 *   Items/ItemsFunction: "memorySize" is 64: use a value from 128 to 10240 (MB).
 */
export class PropError extends Error {
  constructor(
    readonly scope: IConstruct | string,
    readonly prop: string,
    readonly value: unknown,
    readonly fix: string,
  ) {
    const where = typeof scope === "string" ? scope : scope.node.path;
    super(`${where}: "${prop}" is ${describe(value)}: ${fix}`);
    this.name = "PropError";
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/** True when the value is a plain value, not a Terraform token (checks are skipped on tokens). */
export function isResolved(value: unknown): boolean {
  if (typeof value === "string") return !Token.isUnresolved(value);
  if (typeof value === "number") return !Token.isUnresolved(value);
  return value !== undefined && value !== null;
}
