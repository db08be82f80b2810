/**
 * Request body parsing for JSON APIs: content type, size, base64, UTF-8, JSON syntax and
 * prototype-polluting keys are all checked before a handler sees the value.
 */
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./errors.js";
import { header, type ProxyEvent } from "./http.js";

/** Default limit for JSON bodies. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
/** Nesting deeper than this is refused (protects the validator and the key walk). */
export const MAX_JSON_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface BodyOptions {
  /** Largest accepted body, in bytes after base64 decoding. @default 65536 */
  readonly limit?: number;
  /** When true, an absent or empty body yields `undefined` instead of a 400. @default false */
  readonly optional?: boolean;
}

/** The raw body bytes, base64-decoded when API Gateway says so, checked against `limit`. */
export function rawBody(event: Pick<ProxyEvent, "body" | "isBase64Encoded">, limit: number): Buffer {
  const body = event.body;
  if (body === null || body === undefined || body === "") return Buffer.alloc(0);
  if (typeof body !== "string") throw new BadRequestError("Request body must be a string.");
  const tooLarge = (): PayloadTooLargeError => new PayloadTooLargeError(`Request body is larger than ${limit} bytes.`, { details: { limit } });
  let bytes: Buffer;
  if (event.isBase64Encoded) {
    if (body.length > Math.ceil(limit / 3) * 4 + 4) throw tooLarge();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) throw new BadRequestError("Request body is not valid base64.");
    bytes = Buffer.from(body, "base64");
  } else {
    if (Buffer.byteLength(body, "utf8") > limit) throw tooLarge();
    bytes = Buffer.from(body, "utf8");
  }
  if (bytes.length > limit) throw tooLarge();
  return bytes;
}

/** `application/json` or `application/<x>+json`, with any parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(";", 1)[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

/** Throws BadRequestError when a key that could pollute a prototype appears at any depth. */
export function assertSafeJson(value: unknown): void {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: "" }];
  while (stack.length > 0) {
    const { value: v, depth, path } = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw new BadRequestError(`JSON is nested more than ${MAX_JSON_DEPTH} levels deep.`);
    if (Array.isArray(v)) {
      v.forEach((child, i) => stack.push({ value: child, depth: depth + 1, path: `${path}/${i}` }));
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) throw new BadRequestError(`Key "${key}" is not allowed (at ${path || "/"}).`);
      stack.push({ value: (v as Record<string, unknown>)[key], depth: depth + 1, path: `${path}/${key}` });
    }
  }
}

/**
 * Parses a JSON request body: 415 when the content type is not JSON, 413 past `limit`,
 * 400 for a missing body, invalid base64, invalid UTF-8, malformed JSON or a forbidden key.
 */
export function parseJsonBody(event: Pick<ProxyEvent, "body" | "isBase64Encoded" | "headers">, options: BodyOptions = {}): unknown {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  const bytes = rawBody(event, limit);
  if (bytes.length === 0) {
    if (options.optional) return undefined;
    throw new BadRequestError("Request body is required: send a JSON object with Content-Type: application/json.");
  }
  const contentType = header(event, "content-type");
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got ${contentType === undefined ? "none" : JSON.stringify(contentType)}).`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BadRequestError("Request body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  assertSafeJson(value);
  return value;
}
