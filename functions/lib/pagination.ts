/**
 * Opaque pagination tokens: base64url of `{ v: 1, k: <LastEvaluatedKey> }`, signed with
 * HMAC-SHA256 when `PAGINATION_SECRET` is set. Decoding checks the signature and the
 * key's exact shape (attribute names and types of the table's key schema), so a tampered
 * or foreign token is a 400, never a DynamoDB error.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { BadRequestError } from "./errors.js";

/** Key attribute name → type, e.g. `{ studentid: "S" }` or `{ owner: "S", filename: "S" }`. */
export type KeyShape = Readonly<Record<string, "S" | "N">>;

export const MAX_TOKEN_LENGTH = 2048;

function secret(): string | undefined {
  const s = process.env.PAGINATION_SECRET;
  return s === undefined || s === "" ? undefined : s;
}

function sign(payload: string, key: string): string {
  return createHmac("sha256", key).update(payload).digest("base64url");
}

export function encodeToken(lastKey: Record<string, unknown> | undefined): string | undefined {
  if (lastKey === undefined) return undefined;
  const payload = Buffer.from(JSON.stringify({ v: 1, k: lastKey }), "utf8").toString("base64url");
  const key = secret();
  return key === undefined ? payload : `${payload}.${sign(payload, key)}`;
}

function invalid(): BadRequestError {
  return new BadRequestError("nextToken is invalid: pass back the nextToken of a previous response unchanged.");
}

export function decodeToken(token: string | undefined, shape: KeyShape): Record<string, unknown> | undefined {
  if (token === undefined || token === "") return undefined;
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/.test(token)) throw invalid();
  const [payload, signature] = token.split(".") as [string, string | undefined];
  const key = secret();
  if (key !== undefined) {
    if (signature === undefined) throw invalid();
    const expected = Buffer.from(sign(payload, key));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw invalid();
  } else if (signature !== undefined) {
    throw invalid();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid();
  const { v, k } = parsed as { v?: unknown; k?: unknown };
  if (v !== 1 || typeof k !== "object" || k === null || Array.isArray(k)) throw invalid();
  const lastKey = k as Record<string, unknown>;
  const names = Object.keys(lastKey);
  const expectedNames = Object.keys(shape);
  if (names.length !== expectedNames.length) throw invalid();
  for (const name of expectedNames) {
    if (!Object.prototype.hasOwnProperty.call(lastKey, name)) throw invalid();
    const value = lastKey[name];
    if (shape[name] === "S" && (typeof value !== "string" || value.length === 0 || value.length > 1024)) throw invalid();
    if (shape[name] === "N" && (typeof value !== "number" || !Number.isFinite(value))) throw invalid();
  }
  return lastKey;
}

/** Parses the `limit` query parameter: an integer in [1, max], `fallback` when absent. */
export function parseLimit(raw: string | undefined | null, fallback: number, max: number): number {
  if (raw === undefined || raw === null || raw === "") return fallback;
  if (!/^\d{1,6}$/.test(raw)) throw new BadRequestError(`limit must be an integer between 1 and ${max} (got ${JSON.stringify(raw.slice(0, 40))}).`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new BadRequestError(`limit must be an integer between 1 and ${max} (got ${n}).`);
  return n;
}
