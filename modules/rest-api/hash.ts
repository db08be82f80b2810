import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, `undefined` members dropped: the same
 * value always gives the same text, whatever order it was built in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortDeep(v)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== "function") out[key] = sortDeep(v);
    }
    return out;
  }
  return value;
}

/** Hex SHA-256 of the canonical JSON of everything that requires a redeployment. */
export function deploymentHash(definition: unknown): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

/** Short stable hash used to keep generated ids unique: first `length` hex chars of SHA-256. */
export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}
