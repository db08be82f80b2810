/**
 * SigV4 for `AWS_IAM` methods and cache invalidation: the `Authorization` header's signature
 * recomputed with `@smithy/signature-v4` over the request as received (method, raw path,
 * query, the signed headers, the body's SHA-256) with the local credentials, the scope
 * checked against the API's region and `execute-api`, and the date within 5 minutes; or,
 * without such a header, a presigned URL's (`sigv4-presigned.ts`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { GatewayRequest } from "../request";
import { GatewayError } from "./errors";
import type { Invocation } from "./invocation";
import { checkPresigned, isPresigned } from "./sigv4-presigned";
import { Sha256 } from "./sha256";
import { amzDate, checkAccessKey, checkScope, checkSigningTime, type SignatureCheck } from "./sigv4-rules";

export { Sha256 } from "./sha256";
export type { SignatureCheck } from "./sigv4-rules";

/** The access key the local gateway accepts; the same the functions' environment carries. */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
export function parseAuthorization(value: string): ParsedAuthorization | string {
  const fields = new Map<string, string>();
  for (const part of value.slice("AWS4-HMAC-SHA256".length).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "SignedHeaders", "Signature"].filter((f) => !fields.get(f));
  if (missing.length > 0) return missing.map((f) => `Authorization header requires '${f}' parameter.`).join(" ");
  const scope = fields.get("Credential")!.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") return "Credential should be scoped to a valid region, and to the service execute-api, and end in aws4_request.";
  const signature = fields.get("Signature")!;
  if (!/^[0-9a-f]{64}$/.test(signature)) return "Signature should be 64 lower-case hexadecimal characters.";
  return { accessKeyId: scope[0]!, date: scope[1]!, region: scope[2]!, service: scope[3]!, signedHeaders: fields.get("SignedHeaders")!.split(";"), signature };
}

/**
 * Verifies a SigV4 `Authorization` header, or a presigned URL's query string; undefined when
 * it is valid, else the gateway error API Gateway answers (403 Missing Authentication Token
 * with neither).
 */
export async function checkSignature(check: SignatureCheck): Promise<GatewayError | undefined> {
  const authorization = check.header("authorization");
  if (!authorization?.startsWith("AWS4-HMAC-SHA256")) return isPresigned(check.query) ? checkPresigned(check) : new GatewayError("MISSING_AUTHENTICATION_TOKEN");
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === "string") return new GatewayError("INVALID_SIGNATURE", parsed);
  const keyFailure = checkAccessKey(parsed.accessKeyId, check.credentials);
  if (keyFailure) return keyFailure;
  const dateHeader = check.header("x-amz-date") ?? "";
  const signedAt = amzDate(dateHeader);
  if (Number.isNaN(signedAt) || !parsed.signedHeaders.includes("x-amz-date")) return new GatewayError("INVALID_SIGNATURE", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  const failure = checkSigningTime(dateHeader, signedAt, check.now) ?? checkScope(parsed, dateHeader, check);
  if (failure) return failure;
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = check.header(name);
    if (value === undefined) return new GatewayError("INVALID_SIGNATURE");
    headers[name] = value;
  }
  const bodyHash = createHash("sha256").update(check.body).digest("hex");
  // A declared payload hash must be the body's: the signer would otherwise trust it.
  const declared = headers["x-amz-content-sha256"];
  if (declared !== undefined && declared !== bodyHash) return new GatewayError("INVALID_SIGNATURE");
  const signer = new SignatureV4({ credentials: check.credentials, region: check.region, service: check.service, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    { method: check.method, protocol: "http:", hostname: check.header("host") ?? "localhost", path: check.path, query: check.query, headers, body: check.body },
    { signingDate: new Date(signedAt), signableHeaders: new Set(parsed.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? "";
  const ok = expected.length === parsed.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature));
  return ok ? undefined : new GatewayError("INVALID_SIGNATURE");
}

/** The invocation's SigV4 signature, checked against the local credentials for the API's region. */
export function verifySignature(inv: Invocation): Promise<GatewayError | undefined> {
  const req: GatewayRequest = inv.req;
  return checkSignature({
    method: req.httpMethod,
    path: `/${inv.api.stack}/${inv.stage.name}${req.path}`,
    query: req.multiValueQuery,
    header: (name) => req.lowerHeaders?.get(name.toLowerCase()),
    body: req.body,
    region: inv.api.region,
    service: "execute-api",
    credentials: LOCAL_CREDENTIALS,
    now: Date.now(),
  });
}
