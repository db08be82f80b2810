/**
 * What SigV4 verification checks the same way for a signed `Authorization` header and a
 * presigned URL: the access key, the signing time (within 5 minutes of the gateway's clock)
 * and the credential scope. Messages as API Gateway words them (recorded, see
 * test/local/security.test.ts); "Signature not yet current" is AWS's SigV4 wording as other
 * services record it, none recorded from API Gateway itself.
 */
import { GatewayError } from "./errors";

export interface SignatureCheck {
  readonly method: string;
  /** The path as sent, still percent-encoded. */
  readonly path: string;
  readonly query: Record<string, string[]>;
  /** Header value by lower-case name. */
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
  readonly region: string;
  readonly service: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly now: number;
}

/** How far the signing time may be from now: API Gateway answers "Signature expired: ... (<now> - 5 min.)". */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/** `20150830T123600Z` → epoch ms; NaN when malformed. */
export function amzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

/** Epoch ms → `20150830T123600Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** An access key the gateway does not know: 403 AccessDeniedException, not a signature mismatch. */
export function checkAccessKey(accessKeyId: string, credentials: { readonly accessKeyId: string }): GatewayError | undefined {
  return accessKeyId === credentials.accessKeyId ? undefined : new GatewayError("ACCESS_DENIED", "The security token included in the request is invalid.");
}

/** A signing time more than 5 minutes before or after now. */
export function checkSigningTime(dateText: string, signedAt: number, now: number): GatewayError | undefined {
  if (now - signedAt > MAX_SKEW_MS) return new GatewayError("INVALID_SIGNATURE", `Signature expired: ${dateText} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`);
  if (signedAt - now > MAX_SKEW_MS) return new GatewayError("INVALID_SIGNATURE", `Signature not yet current: ${dateText} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`);
  return undefined;
}

/** The credential scope must name the signing day, the API's region and `execute-api`. */
export function checkScope(scope: { readonly date: string; readonly region: string; readonly service: string }, dateText: string, expected: { readonly region: string; readonly service: string }): GatewayError | undefined {
  if (scope.date === dateText.slice(0, 8) && scope.region === expected.region && scope.service === expected.service) return undefined;
  return new GatewayError("INVALID_SIGNATURE", `Credential should be scoped to a valid date, the region ${expected.region} and the service ${expected.service}.`);
}
