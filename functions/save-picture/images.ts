import { UnauthorizedError } from "../lib/errors.js";
import type { ProxyEvent } from "../lib/http.js";

/** Image types the gallery accepts: extension, content type and the file signature that proves it. */
export type ImageType = "jpeg" | "png" | "gif" | "webp";

export const CONTENT_TYPES: Readonly<Record<ImageType, string>> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
};

export const EXTENSIONS: Readonly<Record<string, ImageType>> = {
  jpg: "jpeg",
  jpeg: "jpeg",
  png: "png",
  gif: "gif",
  webp: "webp",
};

/** Filenames: a letter or digit, then letters, digits, `.`, `_`, `-`; 1..128 characters; an image extension. */
export const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The image type the bytes actually are, by signature; undefined when none matches. */
export function sniff(bytes: Uint8Array): ImageType | undefined {
  const at = (offset: number, sig: number[]): boolean => sig.every((b, i) => bytes[offset + i] === b);
  if (bytes.length >= 3 && at(0, [0xff, 0xd8, 0xff])) return "jpeg";
  if (bytes.length >= 8 && at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (bytes.length >= 6 && (at(0, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || at(0, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))) return "gif";
  if (bytes.length >= 12 && at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return "webp";
  return undefined;
}

/** The image type of a filename's extension; undefined when not an accepted image name. */
export function typeOfFilename(filename: string): ImageType | undefined {
  const dot = filename.lastIndexOf(".");
  if (dot <= 0) return undefined;
  return EXTENSIONS[filename.slice(dot + 1).toLowerCase()];
}

/** The caller's id from a Cognito authorizer (`claims.sub`), restricted to key-safe characters. */
export const SUB = /^[A-Za-z0-9-]{1,128}$/;

/** The caller's Cognito `sub`, or 401. */
export function callerSub(event: ProxyEvent): string {
  const claims = (event.requestContext?.authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
  const sub = claims?.sub;
  if (typeof sub !== "string" || !SUB.test(sub)) throw new UnauthorizedError();
  return sub;
}
