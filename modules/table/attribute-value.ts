/**
 * A pure marshaller from plain JavaScript values to DynamoDB JSON (the `AttributeValue`
 * shape that `aws_dynamodb_table_item.item` and the low-level DynamoDB API expect).
 * No SDK: the table module renders seed items at synth time.
 */

export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly L: readonly AttributeValue[] }
  | { readonly M: Readonly<Record<string, AttributeValue>> }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] };

/** Thrown for a value DynamoDB cannot store; `path` locates it (`$.tags[2]`). */
export class AttributeValueError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly value: unknown,
  ) {
    super(`${path}: ${reason}`);
    this.name = "AttributeValueError";
  }
}

function isBinary(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function toNumberString(value: number | bigint, path: string): string {
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) {
    throw new AttributeValueError(path, `${value} is not a finite number; DynamoDB numbers must be finite.`, value);
  }
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function setToAttributeValue(set: ReadonlySet<unknown>, path: string): AttributeValue {
  const members = [...set];
  if (members.length === 0) {
    throw new AttributeValueError(path, "an empty Set cannot be stored; DynamoDB sets need at least one member.", set);
  }
  // Members are sorted so that the rendered item never depends on insertion order.
  if (members.every((m) => typeof m === "string")) return { SS: [...(members as string[])].sort() };
  if (members.every((m) => typeof m === "number" || typeof m === "bigint")) {
    const numbers = members.map((m, i) => toNumberString(m as number | bigint, `${path}[${i}]`));
    return { NS: numbers.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)) };
  }
  if (members.every(isBinary)) return { BS: members.map((m) => Buffer.from(m as Uint8Array).toString("base64")).sort() };
  throw new AttributeValueError(path, "a Set must hold only strings, only numbers or only binary values.", set);
}

/**
 * Marshals one value:
 * string → S, number/bigint → N, boolean → BOOL, null → NULL, Uint8Array/Buffer → B (base64),
 * array → L, plain object → M, Set of strings/numbers/binaries → SS/NS/BS (members sorted).
 * `undefined` members of objects are left out; anything else (functions, symbols, Dates,
 * class instances, NaN, Infinity, empty sets) throws an AttributeValueError naming the path.
 */
export function toAttributeValue(value: unknown, path = "$"): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number" || typeof value === "bigint") return { N: toNumberString(value, path) };
  if (typeof value === "boolean") return { BOOL: value };
  if (value === null) return { NULL: true };
  if (isBinary(value)) return { B: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return { L: value.map((v, i) => toAttributeValue(v, `${path}[${i}]`)) };
  if (value instanceof Set) return setToAttributeValue(value, path);
  if (isPlainObject(value)) return { M: toItem(value, path) };
  if (value === undefined) throw new AttributeValueError(path, "undefined cannot be stored; leave the attribute out.", value);
  const kind = typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
  throw new AttributeValueError(
    path,
    `a ${kind} cannot be stored; use a string, number, boolean, null, Uint8Array, array, Set or plain object.`,
    value,
  );
}

/** Marshals a whole item (a plain object) to a map of attribute values; `undefined` members are skipped. */
export function toItem(item: Readonly<Record<string, unknown>>, path = "$"): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(item)) {
    if (v === undefined) continue;
    out[key] = toAttributeValue(v, `${path}.${key}`);
  }
  return out;
}
