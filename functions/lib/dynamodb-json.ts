/**
 * DynamoDB JSON as written to backups: the low-level `AttributeValue` shape with binary
 * values as base64 strings, the convention of DynamoDB's own S3 export. Conversion both
 * ways is exact (numbers stay strings, sets stay sets), so a restore reproduces a table.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type JsonAttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: JsonAttributeValue[] }
  | { M: Record<string, JsonAttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type JsonItem = Record<string, JsonAttributeValue>;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function toJsonValue(value: AttributeValue): JsonAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: b64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.L !== undefined) return { L: value.L.map(toJsonValue) };
  if (value.M !== undefined) return { M: toJsonItem(value.M) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(b64) };
  throw new Error("unsupported attribute value");
}

export function toJsonItem(item: Record<string, AttributeValue>): JsonItem {
  const out: JsonItem = {};
  for (const [k, v] of Object.entries(item)) out[k] = toJsonValue(v);
  return out;
}

/** True when a value holds binary (B or BS) anywhere, the only types JSON cannot carry as is. */
function hasBinary(value: AttributeValue): boolean {
  if (value.B !== undefined || value.BS !== undefined) return true;
  if (value.L !== undefined) return value.L.some(hasBinary);
  if (value.M !== undefined) return Object.values(value.M).some(hasBinary);
  return false;
}

/** The JSON text of an item in backup form; skips the copy when nothing is binary. */
export function itemToJson(item: Record<string, AttributeValue>): string {
  for (const value of Object.values(item)) if (hasBinary(value)) return JSON.stringify(toJsonItem(item));
  return JSON.stringify(item);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const NUMBER = /^-?(\d+)(\.\d+)?([eE][+-]?\d+)?$/;

/** Validates one JSON attribute value and converts it back; throws with a path on error. */
export function fromJsonValue(value: unknown, path: string, depth = 0): AttributeValue {
  if (depth > 32) throw new Error(`${path}: nested too deeply`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path}: not an attribute value`);
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new Error(`${path}: an attribute value has exactly one type key`);
  const type = keys[0]!;
  const v = (value as Record<string, unknown>)[type];
  const strings = (check: (s: string) => boolean): string[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === "string" && check(s))) {
      throw new Error(`${path}: ${type} must be a non-empty list of valid strings`);
    }
    if (new Set(v).size !== v.length) throw new Error(`${path}: ${type} has duplicates`);
    return v as string[];
  };
  switch (type) {
    case "S":
      if (typeof v !== "string") throw new Error(`${path}: S must be a string`);
      return { S: v };
    case "N":
      if (typeof v !== "string" || !NUMBER.test(v)) throw new Error(`${path}: N must be a number string`);
      return { N: v };
    case "B":
      if (typeof v !== "string" || !BASE64.test(v)) throw new Error(`${path}: B must be base64`);
      return { B: Buffer.from(v, "base64") };
    case "BOOL":
      if (typeof v !== "boolean") throw new Error(`${path}: BOOL must be a boolean`);
      return { BOOL: v };
    case "NULL":
      if (v !== true) throw new Error(`${path}: NULL must be true`);
      return { NULL: true };
    case "L":
      if (!Array.isArray(v)) throw new Error(`${path}: L must be a list`);
      return { L: v.map((e, i) => fromJsonValue(e, `${path}[${i}]`, depth + 1)) };
    case "M":
      return { M: fromJsonItem(v, path, depth + 1) };
    case "SS":
      return { SS: strings(() => true) };
    case "NS":
      return { NS: strings((s) => NUMBER.test(s)) };
    case "BS":
      return { BS: strings((s) => BASE64.test(s)).map((s) => Buffer.from(s, "base64")) };
    default:
      throw new Error(`${path}: unknown attribute type "${type}"`);
  }
}

export function fromJsonItem(value: unknown, path = "item", depth = 0): Record<string, AttributeValue> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path}: not an object`);
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "__proto__" || k === "constructor" || k === "prototype") throw new Error(`${path}: key "${k}" is not allowed`);
    out[k] = fromJsonValue(v, `${path}.${k}`, depth);
  }
  return out;
}
