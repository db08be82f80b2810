/**
 * SigV4 in the query string (a presigned execute-api URL: `X-Amz-Algorithm`,
 * `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Signature`), verified with
 * `@smithy/signature-v4`'s canonical request over the request as received: every query
 * parameter but the signature, the signed headers, the body's SHA-256.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import { GatewayError } from "./errors";
import { Sha256 } from "./sha256";
import { amzDate, checkAccessKey, checkScope, checkSigningTime, type SignatureCheck } from "./sigv4-rules";

type HttpRequest = Parameters<typeof getCanonicalHeaders>[0];
type HeaderBag = ReturnType<typeof getCanonicalHeaders>;

const REQUIRED = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"] as const;

/** The library's canonical request and string to sign, for a signature computed elsewhere. */
class PresignedVerifier extends SignatureV4 {
  async stringToSign(request: HttpRequest, canonicalHeaders: HeaderBag, payloadHash: string, longDate: string, scope: string): Promise<string> {
    return this.createStringToSign(longDate, scope, this.createCanonicalRequest(request, canonicalHeaders, payloadHash), ALGORITHM_IDENTIFIER);
  }
}

/** True when the query string carries SigV4 (`X-Amz-Algorithm`). */
export function isPresigned(query: Record<string, string[]>): boolean {
  return query["X-Amz-Algorithm"] !== undefined;
}

/** Verifies a presigned request; undefined when valid, else the gateway error API Gateway answers. */
export async function checkPresigned(check: SignatureCheck): Promise<GatewayError | undefined> {
  const one = (name: string) => (check.query[name]?.length === 1 ? check.query[name][0] : undefined);
  if (one("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return new GatewayError("INVALID_SIGNATURE", "X-Amz-Algorithm only supports AWS4-HMAC-SHA256.");
  const missing = REQUIRED.filter((name) => !one(name));
  if (missing.length > 0) return new GatewayError("INVALID_SIGNATURE", `AWS query-string parameters must include ${missing.map((m) => `'${m}'`).join(", ")}.`);
  const scope = one("X-Amz-Credential")!.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request") return new GatewayError("INVALID_SIGNATURE", "Credential should be scoped to a valid region, and to the service execute-api, and end in aws4_request.");
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  const signature = one("X-Amz-Signature")!;
  if (!/^[0-9a-f]{64}$/.test(signature)) return new GatewayError("INVALID_SIGNATURE", "Signature should be 64 lower-case hexadecimal characters.");
  const keyFailure = checkAccessKey(accessKeyId, check.credentials);
  if (keyFailure) return keyFailure;
  const dateText = one("X-Amz-Date")!;
  const signedAt = amzDate(dateText);
  if (Number.isNaN(signedAt)) return new GatewayError("INVALID_SIGNATURE", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
  // X-Amz-Expires is part of what is signed, but does not widen the window (recorded, see the tests).
  const timeFailure = checkSigningTime(dateText, signedAt, check.now);
  if (timeFailure) return timeFailure;
  const scopeFailure = checkScope({ date, region, service }, dateText, check);
  if (scopeFailure) return scopeFailure;

  const signedHeaders = one("X-Amz-SignedHeaders")!.split(";");
  const headers: HeaderBag = {};
  for (const name of signedHeaders) {
    const value = check.header(name);
    if (value === undefined) return new GatewayError("INVALID_SIGNATURE");
    headers[name] = value;
  }
  const verifier = new PresignedVerifier({ credentials: check.credentials, region: check.region, service: check.service, sha256: Sha256, applyChecksum: false });
  const request = { method: check.method, protocol: "http:", hostname: check.header("host") ?? "localhost", path: check.path, query: check.query, headers } as HttpRequest;
  const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
  const payloadHash = createHash("sha256").update(check.body).digest("hex");
  const stringToSign = await verifier.stringToSign(request, canonicalHeaders, payloadHash, dateText, `${date}/${region}/${service}/aws4_request`);
  const key = await getSigningKey(Sha256, check.credentials, date, region, service);
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature)) ? undefined : new GatewayError("INVALID_SIGNATURE");
}
