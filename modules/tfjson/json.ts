/**
 * JSON values as Terraform JSON holds them, and the small readers every consumer needs:
 * a nested block written as an object or a one-element list, a repeated block, a string
 * or list of strings, numbers and booleans that may be written as strings.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A nested block rendered either as an object or a one-element list → the object. */
export function block(value: unknown): JsonObject | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && typeof first === "object" && !Array.isArray(first) ? (first as JsonObject) : undefined;
}

/** A repeated block (object or list) → the list. */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === "object" && !Array.isArray(v)) as JsonObject[];
  if (value && typeof value === "object") return [value as JsonObject];
  return [];
}

/** String or list of strings → list (null and undefined → empty). */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** A value as a string; undefined for null or undefined. */
export function str(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : typeof value === "string" ? value : String(value);
}

/** A number, or a string that is one; undefined otherwise. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !isNaN(Number(value))) return Number(value);
  return undefined;
}

/** `true`/`"true"` → true, `false`/`"false"` → false, anything else → undefined. */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** A map attribute → string values (non-strings JSON-encoded, nulls dropped). */
export function strMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, x] of Object.entries(value)) if (x !== null && x !== undefined) out[k] = typeof x === "string" ? x : JSON.stringify(x);
  }
  return out;
}

/** A map attribute → boolean values (`true`/`"true"` are true). */
export function boolMap(value: unknown): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, x] of Object.entries(value)) out[k] = x === true || x === "true";
  return out;
}

/** Follows a path of keys and list indexes; a key on a list reads its first element (a block). */
export function walk(value: Json | undefined, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (cur === undefined || cur === null) return undefined;
    if (Array.isArray(cur)) cur = /^\d+$/.test(key) ? cur[Number(key)] : cur[0] && typeof cur[0] === "object" && !Array.isArray(cur[0]) ? (cur[0] as JsonObject)[key] : undefined;
    else if (typeof cur === "object") cur = cur[key];
    else return undefined;
  }
  return cur;
}
